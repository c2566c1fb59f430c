#!/usr/bin/python3
# test-reception.py: one applicant across the counter, driven through AT-SPI the way
# an officer works: pick a procedure, scan the ID card, type the rest, tick the papers,
# save, export the slip to PDF, find the record again.  Checks the window, the PDF
# (text and QR code) and the SQLite database.
#
# Run by run-ui-test.sh inside its own X server and session bus; prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import traceback

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

BUILD_DIR = os.environ['BUILD_DIR']
WORK_DIR = os.environ['UI_TEST_WORK_DIR']      # private to this run
LOG_DIR = os.environ.get('UI_TEST_LOG_DIR', WORK_DIR)
APP = os.path.join(BUILD_DIR, 'src', 'desk', 'onestop-desk')
DATABASE = os.path.join(WORK_DIR, 'desk.sqlite3')
EXPORT_DIR = os.path.join(WORK_DIR, 'xuat')

TIMEOUT = 20.0          # seconds to wait for anything the UI should do

PROCEDURE = 'Đăng ký khai sinh'
CARD_ID = '001190012345'
CARD_NAME = 'Nguyễn Thị Hồng Nhung'
CARD_BIRTH = '01/02/1990'
CARD_ADDRESS = 'Số 12 ngõ 34 phố Trần Duy Hưng, Phường Trung Hòa, Hà Nội'
CARD_LINE = '%s|123456789|%s|01021990|Nữ|%s|15082021' % (CARD_ID, CARD_NAME, CARD_ADDRESS)
# Eleven digits: the reader dropped one.
BAD_CARD_LINE = '00119001234|123456789|Trần Văn Bình|01021990|Nam|Số 1 phố Huế, Hà Nội|15082021'
PHONE = '0912345678'
ADDRESS = 'Số 5 ngõ 7 phố Nguyễn Khang, Phường Yên Hòa, Hà Nội'
SLIP_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'
CODE_RE = re.compile(r'^\S+-\d{6}-\d{4,5}$')

KEY_RETURN = 0xff0d
KEY_ESCAPE = 0xff1b

PLAN = [
    'the main window appears',
    'Enter in the procedure search chooses the first match',
    'a citizen ID QR line fills name, ID and birth date',
    'a malformed QR line leaves the form as it was',
    'phone, address and two documents are entered',
    'saving opens the slip window with the record code',
    'the slip exports to PDF through the file dialog',
    'the PDF holds the title, code, name, both copies and a QR code of the code',
    'the record opens from the records page by its code',
    'Ctrl+Q quits, and the application logged no critical',
    'the database holds the record, its documents and one outbox entry',
]


class Failure(Exception):
    pass


app_process = None
app_log = None


# AT-SPI helpers ----------------------------------------------------------------------

def wait_for(what, probe, timeout=TIMEOUT, interval=0.02):
    """Polls probe() until it returns something true; returns that or fails."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Failure:
            raise
        except Exception as e:  # the tree changes under our feet; try again
            last_error = e
        if app_process is not None and app_process.poll() is not None:
            raise Failure('the application exited (status %s) while waiting for %s'
                          % (app_process.returncode, what))
        if time.monotonic() > deadline:
            extra = ' (last error: %s)' % last_error if last_error else ''
            raise Failure('timed out after %.0f s waiting for %s%s' % (timeout, what, extra))
        time.sleep(interval)


def name_of(acc):
    try:
        return acc.get_name() or ''
    except Exception:
        return ''


def role_of(acc):
    try:
        return acc.get_role()
    except Exception:
        return None


def children(acc):
    try:
        n = acc.get_child_count()
    except Exception:
        return []
    result = []
    for i in range(n):
        try:
            child = acc.get_child_at_index(i)
        except Exception:
            child = None
        if child is not None:
            result.append(child)
    return result


def find_all(root, predicate):
    """Descendants of root for which predicate holds, in document order.  (GTK 4.8
    sets "showing" on windows only, so pages that are not visible are searched too.)"""
    found = []
    stack = [root]
    while stack:
        acc = stack.pop()
        if acc is not root and predicate(acc):
            found.append(acc)
        stack.extend(reversed(children(acc)))
    return found


def find(root, role=None, name=None):
    """First descendant with that role and accessible name (None: any)."""
    def predicate(acc):
        return ((role is None or role_of(acc) == role) and
                (name is None or name_of(acc) == name))
    found = find_all(root, predicate)
    return found[0] if found else None


def has_state(acc, state):
    try:
        return acc.get_state_set().contains(state)
    except Exception:
        return False


def text_of(acc):
    # GTK 4.8: get_text (0, -1) returns "", ask for the real length.
    return Atspi.Text.get_text(acc, 0, Atspi.Text.get_character_count(acc))


def set_text(acc, text):
    if not Atspi.EditableText.set_text_contents(acc, text):
        raise Failure('could not set the text of %r' % name_of(acc))


def extents(acc):
    # GTK 4 knows positions within its windows only ("Screen coordinates not
    # supported" in its log); without a window manager every window sits at 0,0,
    # so those are screen coordinates too.
    return Atspi.Component.get_extents(acc, Atspi.CoordType.SCREEN)


def click(acc):
    """A real pointer click in the middle of the widget (grab_focus is not implemented)."""
    ext = extents(acc)
    if ext.width <= 0 or ext.height <= 0:
        raise Failure('%r has no size on screen' % name_of(acc))
    Atspi.generate_mouse_event(ext.x + ext.width // 2, ext.y + ext.height // 2, 'b1c')


def scroll_into_view(acc, scroller):
    """Turns the mouse wheel over a scrolled window until acc is inside it."""
    view = extents(scroller)
    for _ in range(60):
        ext = extents(acc)
        if ext.height > 0 and ext.y >= view.y and ext.y + ext.height <= view.y + view.height:
            return
        button = 'b5c' if ext.y + ext.height > view.y + view.height else 'b4c'
        Atspi.generate_mouse_event(view.x + view.width // 2, view.y + view.height // 2, button)
        try:
            wait_for('the view to scroll', lambda: extents(acc).y != ext.y, timeout=2)
        except Failure:
            pass
    raise Failure('could not scroll %r into view' % name_of(acc))


def focus(acc):
    """Clicks into a widget unless it has the keyboard focus already.  AdwEntryRow
    (libadwaita 1.2) never reports "focused" (its inner GtkText is not exposed), so
    for those the caller checks that typed text arrives instead."""
    if has_state(acc, Atspi.StateType.FOCUSED):
        return
    click(acc)
    try:
        wait_for('focus on %r' % name_of(acc),
                 lambda: has_state(acc, Atspi.StateType.FOCUSED), timeout=1)
    except Failure:
        pass


def type_string(text):
    Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)


def press_key(keysym):
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)


def press_combo(modifier, keysym):
    """modifier + key, e.g. press_combo(Atspi.ModifierType.CONTROL, ord('s'))."""
    mask = 1 << int(modifier)       # AtspiModifierType is a bit number
    Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.LOCKMODIFIERS)
    try:
        press_key(keysym)
    finally:
        Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


def activate(acc):
    """Clicks a button through its action.  GTK 4.8 fires it ~250 ms later and drops a
    second activation in that window: callers poll for the result, never click twice."""
    if not Atspi.Action.do_action(acc, 0):
        raise Failure('could not activate %r' % name_of(acc))


def type_into(acc, text, click_first=True):
    """Types text into an editable widget, as a person or a keyboard-wedge barcode
    reader does, one burst of keys at a time, and waits until the widget shows it:
    that is also the proof that the widget had the keyboard focus.

    XTest sends only characters of the keyboard map.  For the others (Vietnamese
    letters) libatspi would borrow a spare keycode and remap it for each letter,
    which races with the application reading the keymap; so those arrive, one by
    one, through the accessible text interface at the cursor, the way an input
    method commits them."""
    if click_first:
        focus(acc)
    expected = text_of(acc)
    for run in re.findall(r'[\x20-\x7e]+|[^\x20-\x7e]', text):
        if run.isascii():
            type_string(run)
        else:
            position = Atspi.Text.get_caret_offset(acc)
            if position != len(expected):
                raise Failure('the cursor of %r is at %d, not at the end (%d)'
                              % (name_of(acc), position, len(expected)))
            Atspi.EditableText.insert_text(acc, position, run, len(run.encode('utf-8')))
            # GTK leaves the cursor before inserted text; an input method moves it.
            wait_for('the inserted %r' % run, lambda: text_of(acc) == expected + run)
            Atspi.Text.set_caret_offset(acc, position + 1)
            wait_for('the cursor after %r' % run,
                     lambda: Atspi.Text.get_caret_offset(acc) == position + 1)
        expected += run
        wait_for('%r to show the typed text %r (has it the keyboard focus?)' % (name_of(acc), expected),
                 lambda: text_of(acc) == expected, timeout=10)


def x_window_exists(title):
    """Whether the X server still has a window with exactly that title.

    GTK 4.8 answers accessibility requests about a window it is destroying with a
    NULL object path (a GLib critical, fatal here); so after closing a window the
    test waits until X has forgotten it before it asks the application anything."""
    pattern = '^' + re.sub(r'([][.*+?(){}|^$\\])', r'\\\1', title) + '$'
    result = subprocess.run(['xdotool', 'search', '--name', pattern], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return result.returncode == 0


def wait_window_gone(title):
    wait_for('the window %r to close' % title, lambda: not x_window_exists(title))


# The application ----------------------------------------------------------------------

def application():
    desktop = Atspi.get_desktop(0)
    for app in children(desktop):
        if name_of(app) in ('onestop-desk', 'vn.onestop.Desk'):
            return app
    return None


def frames():
    """The application's windows.  (GTK 4.8 gives AdwWindow the role "filler".)"""
    app = application()
    return children(app) if app else []


def frame_named(name):
    for f in frames():
        if name_of(f) == name:
            return f
    return None


def main_window():
    for f in frames():
        if find(f, Atspi.Role.ENTRY, 'Tìm thủ tục') is not None:
            return f
    return None


def labels_in(root):
    return [text_of(a) for a in find_all(root, lambda a: role_of(a) == Atspi.Role.LABEL)]


def start_app():
    global app_process, app_log
    env = dict(os.environ)
    env['ONESTOP_DATABASE'] = DATABASE
    env['ONESTOP_NO_DEMO'] = '1'
    env.pop('GTK_USE_PORTAL', None)
    app_log = open(os.path.join(WORK_DIR, 'onestop-desk.log'), 'w')
    app_process = subprocess.Popen([APP], stdin=subprocess.DEVNULL, stdout=app_log,
                                   stderr=subprocess.STDOUT, env=env, cwd=WORK_DIR)


def stop_app():
    global app_process
    if app_process is None:
        return
    if app_process.poll() is None:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
            app_process.wait()
    app_process = None


def app_log_problems():
    """Criticals and errors the application logged (warnings are GTK's noise here)."""
    if app_log is None:
        return []
    app_log.flush()
    with open(app_log.name, errors='replace') as f:
        return [line.rstrip() for line in f if '-CRITICAL **' in line or '-ERROR **' in line]


# Diagnostics -------------------------------------------------------------------------

def dump_tree(acc, out, depth=0):
    try:
        line = '%s%s %r' % ('  ' * depth, acc.get_role_name(), name_of(acc))
        if role_of(acc) in (Atspi.Role.LABEL, Atspi.Role.TEXT, Atspi.Role.ENTRY):
            line += ' text=%r' % text_of(acc)
        states = [Atspi.StateType(s).value_nick for s in acc.get_state_set().get_states()]
        line += ' [%s]' % ','.join(s for s in states if s not in ('sensitive', 'enabled', 'visible'))
    except Exception as e:
        line = '%s<%s>' % ('  ' * depth, e)
    print(line, file=out)
    if depth < 60:
        for child in children(acc):
            dump_tree(child, out, depth + 1)


def save_diagnostics():
    os.makedirs(LOG_DIR, exist_ok=True)
    shot = os.path.join(LOG_DIR, 'ui-reception-failure.png')
    subprocess.run(['import', '-window', 'root', shot], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    print('# screenshot: %s' % shot)
    app = application()
    if app is not None:
        tree = os.path.join(LOG_DIR, 'ui-reception-failure-tree.txt')
        with open(tree, 'w') as out:
            dump_tree(app, out)
        print('# accessibility tree: %s' % tree)
    if app_log is not None:
        for line in app_log_problems()[:10]:
            print('# application: %s' % line)
        print('# application log: %s' % app_log.name)


# The steps ---------------------------------------------------------------------------

state = {}


def step_start():
    start_app()
    win = wait_for('the main window', main_window, timeout=60)
    wait_for('the procedure catalogue', lambda: find(win, Atspi.Role.LIST, 'Danh mục thủ tục'))
    state['win'] = win


def procedure_row_title(win):
    """The title of the row under the catalogue that shows the chosen procedure."""
    page = find(win, None, 'OsReceptionPage')
    # The chosen-procedure row is the list item right before "Thời hạn giải quyết".
    items = find_all(page or win, lambda a: role_of(a) == Atspi.Role.LIST_ITEM and
                     a.get_parent() is not None and
                     role_of(a.get_parent()) == Atspi.Role.LIST and
                     name_of(a.get_parent()) == 'GtkListBox')
    for i, item in enumerate(items):
        if name_of(item) == 'Thời hạn giải quyết' and i > 0:
            return name_of(items[i - 1])
    return None


def step_choose_procedure():
    win = state['win']
    search = find(win, Atspi.Role.ENTRY, 'Tìm thủ tục')
    if search is None:
        raise Failure('no entry named "Tìm thủ tục"')
    plist = find(win, Atspi.Role.LIST, 'Danh mục thủ tục')
    before = len(children(plist))
    type_into(search, 'khai sinh')

    def filtered():
        names = [name_of(c) for item in children(plist) for c in children(item)]
        return names if names and all('khai sinh' in n.lower() for n in names) else None
    names = wait_for('the catalogue to filter on "khai sinh"', filtered)
    if len(names) >= before:
        raise Failure('the catalogue did not shrink when filtered (%d of %d)' % (len(names), before))
    if names[0] != PROCEDURE:
        raise Failure('first match is %r, expected %r' % (names[0], PROCEDURE))
    press_key(KEY_RETURN)
    wait_for('the chosen procedure to show %r' % PROCEDURE,
             lambda: procedure_row_title(win) == PROCEDURE)
    # That Enter moved the focus to the name row is checked by typing into it next.


def applicant_rows(win):
    names = ['Họ và tên', 'Số định danh cá nhân (CCCD)', 'Ngày sinh (dd/mm/yyyy)',
             'Số điện thoại', 'Thư điện tử', 'Địa chỉ']
    rows = {}
    for n in names:
        row = find(win, Atspi.Role.TEXT, n)
        if row is None:
            raise Failure('no entry row named %r' % n)
        rows[n] = row
    return rows


def form_values(rows):
    return {n: text_of(r) for n, r in rows.items()}


def step_scan_card():
    win = state['win']
    rows = applicant_rows(win)
    name_row = rows['Họ và tên']
    # No click: Enter in the procedure search must have put the focus here.
    type_into(name_row, CARD_LINE, click_first=False)
    press_key(KEY_RETURN)
    expected = {'Họ và tên': CARD_NAME, 'Số định danh cá nhân (CCCD)': CARD_ID,
                'Ngày sinh (dd/mm/yyyy)': CARD_BIRTH, 'Địa chỉ': CARD_ADDRESS}
    wait_for('the card to fill the form',
             lambda: all(text_of(rows[n]) == v for n, v in expected.items()))
    values = form_values(rows)
    for n, v in expected.items():
        if values[n] != v:
            raise Failure('%s is %r, expected %r' % (n, values[n], v))
    state['rows'] = rows


def toast_shown(win, prefix):
    return any(t.startswith(prefix) for t in labels_in(win))


def step_bad_card():
    win = state['win']
    rows = state['rows']
    phone = rows['Số điện thoại']
    before = form_values(rows)
    if before['Số điện thoại'] != '':
        raise Failure('the phone row is not empty before the test: %r' % before['Số điện thoại'])
    type_into(phone, BAD_CARD_LINE)
    press_key(KEY_RETURN)
    wait_for('the phone row to go back to empty', lambda: text_of(phone) == '')
    wait_for('a toast about the 12-digit ID',
             lambda: toast_shown(win, 'Số định danh trên mã QR phải có đúng 12 chữ số'))
    after = form_values(rows)
    if after != before:
        changed = {n: (before[n], after[n]) for n in before if before[n] != after[n]}
        raise Failure('the malformed line changed the form: %r' % changed)


def document_rows(win):
    """(document name, its check button) for each row of "Thành phần hồ sơ"."""
    doc_list = find(win, Atspi.Role.LIST, 'Thành phần hồ sơ')
    if doc_list is None:
        raise Failure('no list named "Thành phần hồ sơ"')
    rows = []
    for item in children(doc_list):
        doc = name_of(item)
        check = find(item, Atspi.Role.CHECK_BOX)
        if doc and check is not None:
            rows.append((doc, check))
    return rows


def step_rest_of_form():
    win = state['win']
    rows = state['rows']
    type_into(rows['Số điện thoại'], PHONE)
    # The card filled the address; the applicant now lives elsewhere.
    set_text(rows['Địa chỉ'], '')
    wait_for('the address row to clear', lambda: text_of(rows['Địa chỉ']) == '')
    type_into(rows['Địa chỉ'], ADDRESS)

    documents = wait_for('the procedure\'s documents', lambda: document_rows(win))
    if len(documents) < 2:
        raise Failure('the procedure lists %d documents, need at least 2' % len(documents))
    page = find(win, None, 'OsReceptionPage')
    form = [a for a in find_all(page, lambda a: role_of(a) == Atspi.Role.SCROLL_PANE)
            if find(a, Atspi.Role.LIST, 'Thành phần hồ sơ') is not None][0]
    ticked = []
    for doc, check in documents[:2]:
        # GTK 4.8 names it twice ("label" and "labelled-by" both count).
        if not name_of(check).startswith(doc):
            raise Failure('the check button of %r is named %r' % (doc, name_of(check)))
        scroll_into_view(check, form)
        click(check)
        wait_for('%r to be ticked' % doc, lambda: has_state(check, Atspi.StateType.CHECKED))
        spin = find(win, Atspi.Role.SPIN_BUTTON, 'Bản chính: %s' % doc)
        if spin is None:
            raise Failure('no spin button named %r' % ('Bản chính: %s' % doc))
        wait_for('one original of %r' % doc, lambda: text_of(spin) == '1')
        ticked.append(doc)
    state['documents'] = ticked
    values = form_values(rows)
    if values['Số điện thoại'] != PHONE or values['Địa chỉ'] != ADDRESS:
        raise Failure('the form holds %r' % values)


def slip_window():
    f = frame_named(SLIP_TITLE)
    if f is not None:
        return f
    # Without a window title, find the slip by its header.
    for f in frames():
        if SLIP_TITLE in labels_in(f):
            return f
    return None


def step_save():
    win = state['win']
    buttons = find_all(win, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                       'Tiếp nhận và in phiếu hẹn' in name_of(a))
    if not buttons:
        raise Failure('no button "Tiếp nhận và in phiếu hẹn"')
    save = buttons[0]
    activate(save)
    slip = wait_for('the slip window', slip_window)
    state['slip'] = slip
    codes = wait_for('the record code in the slip window\'s title',
                     lambda: [t for t in labels_in(slip) if CODE_RE.match(t)])
    state['code'] = codes[0]
    print('# record code: %s' % state['code'])
    if name_of(slip) != SLIP_TITLE:
        raise Failure('the slip window is named %r, expected %r' % (name_of(slip), SLIP_TITLE))


def file_dialog():
    for f in frames():
        if f is state['slip'] or f is state['win']:
            continue
        if find(f, Atspi.Role.TEXT, None) is not None or find(f, Atspi.Role.ENTRY, None) is not None:
            if name_of(f) == 'Xuất phiếu ra PDF':
                return f
    return None


def dialog_name_entry(dialog):
    """The file name field of GTK's save dialog: the editable text holding the suggested name."""
    entries = find_all(dialog, lambda a: role_of(a) in (Atspi.Role.TEXT, Atspi.Role.ENTRY) and
                       has_state(a, Atspi.StateType.EDITABLE))
    for e in entries:
        if text_of(e).endswith('.pdf'):
            return e
    return None


def step_export():
    slip = state['slip']
    code = state['code']
    buttons = find_all(slip, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                       'Xuất PDF' in name_of(a))
    if not buttons:
        raise Failure('no button "Xuất PDF…" in the slip window')
    activate(buttons[0])
    dialog = wait_for('the "Xuất phiếu ra PDF" file dialog', file_dialog)
    entry = wait_for('the file name field', lambda: dialog_name_entry(dialog))
    suggested = text_of(entry)
    if suggested != '%s-mau-01.pdf' % code:
        raise Failure('the dialog suggests %r, expected %r' % (suggested, '%s-mau-01.pdf' % code))
    os.makedirs(EXPORT_DIR, exist_ok=True)
    path = os.path.join(EXPORT_DIR, suggested)
    focus(entry)
    set_text(entry, path)
    wait_for('the path in the name field', lambda: text_of(entry) == path)
    press_key(KEY_RETURN)
    wait_for('the PDF file %s' % path, lambda: os.path.exists(path) and os.path.getsize(path) > 0)
    wait_window_gone('Xuất phiếu ra PDF')
    wait_for('the "Đã lưu" toast', lambda: toast_shown(slip, 'Đã lưu %s.' % suggested))
    state['pdf'] = path


def step_check_pdf():
    path = state['pdf']
    code = state['code']
    text = subprocess.run(['pdftotext', '-layout', path, '-'], check=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, timeout=60).stdout.decode('utf-8')
    with open(os.path.join(WORK_DIR, 'slip.txt'), 'w') as f:
        f.write(text)
    for needle in (SLIP_TITLE, code, CARD_NAME, 'Liên 1', 'Liên 2', PROCEDURE):
        if needle not in text:
            raise Failure('the PDF text lacks %r' % needle)
    prefix = os.path.join(WORK_DIR, 'slip-page')
    subprocess.run(['pdftoppm', '-png', '-r', '300', '-f', '1', '-l', '1', path, prefix],
                   check=True, stdin=subprocess.DEVNULL, timeout=120)
    pages = sorted(p for p in os.listdir(WORK_DIR) if p.startswith('slip-page') and p.endswith('.png'))
    if not pages:
        raise Failure('pdftoppm made no picture of page 1')
    with open(os.path.join(WORK_DIR, 'zbarimg.log'), 'w') as log:
        result = subprocess.run(['zbarimg', '--raw', '-q', os.path.join(WORK_DIR, pages[0])],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                                timeout=120)
    decoded = [line for line in result.stdout.decode('utf-8').splitlines() if line]
    if not decoded:
        raise Failure('no QR code found on page 1 (zbarimg status %d)' % result.returncode)
    if any(d != code for d in decoded):
        raise Failure('the QR code(s) on page 1 read %r, expected %r' % (decoded, code))


def records_page_shown(win):
    """The records page is on screen: its tab is selected and its search has a size."""
    tabs = find_all(win, lambda a: role_of(a) == Atspi.Role.PAGE_TAB and name_of(a) == 'Hồ sơ')
    search = find(win, Atspi.Role.ENTRY, 'Tìm hồ sơ')
    if search is None or not any(has_state(t, Atspi.StateType.SELECTED) for t in tabs):
        return None
    ext = extents(search)
    return search if ext.width > 0 and ext.height > 0 else None


def step_find_record():
    win = state['win']
    slip = state['slip']
    code = state['code']
    # No window manager here: keys go to the window under the pointer once the file
    # dialog has gone, so point at the slip window (its title) first.
    title = [a for a in find_all(slip, lambda a: role_of(a) == Atspi.Role.LABEL)
             if text_of(a) == SLIP_TITLE][0]
    click(title)
    # libadwaita: Escape would first dismiss the toast; close it with its button.
    # (GTK 4.8 exposes AdwToastWidget as a filler named after its type, and its
    # close button, an icon, as "GtkImage".)
    toast = (find(slip, Atspi.Role.NOTIFICATION) or find(slip, Atspi.Role.ALERT) or
             find(slip, None, 'AdwToastWidget'))
    if toast is not None:
        buttons = find_all(toast, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                           has_state(a, Atspi.StateType.VISIBLE))
        if buttons:
            activate(buttons[-1])       # the close button comes last
            wait_for('the toast to go', lambda: not toast_shown(slip, 'Đã lưu'))
    press_key(KEY_ESCAPE)
    wait_window_gone(SLIP_TITLE)
    wait_for('the slip window to close on Escape', lambda: slip_window() is None)
    press_combo(Atspi.ModifierType.ALT, ord('2'))     # Alt+2
    search = wait_for('the records page after Alt+2', lambda: records_page_shown(win))
    table = find(win, Atspi.Role.TREE_TABLE, 'Danh sách hồ sơ')
    if table is None:
        raise Failure('no table named "Danh sách hồ sơ"')
    wait_for('the new record in the records list',
             lambda: code in [text_of(a) for a in find_all(table, lambda a: role_of(a) == Atspi.Role.LABEL)])
    type_into(search, code)
    press_key(KEY_RETURN)
    record = wait_for('a window titled %r' % code, lambda: frame_named(code))
    labels = labels_in(record)
    if CARD_NAME not in labels:
        raise Failure('the record window does not show the applicant %r' % CARD_NAME)
    # Close it with its close button, so that Ctrl+Q goes to the main window.
    close = find(record, Atspi.Role.PUSH_BUTTON, 'Close') or find(record, Atspi.Role.PUSH_BUTTON, 'Đóng')
    if close is None:
        raise Failure('the record window has no close button')
    activate(close)
    wait_window_gone(code)
    wait_for('the record window to close', lambda: frame_named(code) is None)


def step_quit():
    # The pointer is over the main window (the record window has gone): keys go there.
    if main_window() is None:
        raise Failure('no main window to quit from')
    press_combo(Atspi.ModifierType.CONTROL, ord('q'))
    try:
        app_process.wait(10)
    except subprocess.TimeoutExpired:
        raise Failure('the application did not quit on Ctrl+Q')
    if app_process.returncode != 0:
        raise Failure('the application exited with status %d' % app_process.returncode)
    problems = app_log_problems()
    if problems:
        raise Failure('the application logged:\n' + '\n'.join(problems[:10]))


def step_database():
    code = state['code']
    db = sqlite3.connect('file:%s?mode=ro' % DATABASE, uri=True)
    try:
        rows = db.execute('SELECT local_id, id, status, applicant_name, id_number, birth_date, '
                          'phone, address FROM records').fetchall()
        if len(rows) != 1:
            raise Failure('the database holds %d records, expected 1' % len(rows))
        local_id, record_id, status, name, id_number, birth, phone, address = rows[0]
        got_code = db.execute('SELECT code FROM records WHERE local_id = ?', (local_id,)).fetchone()[0]
        if got_code != code:
            raise Failure('the record code is %r, expected %r' % (got_code, code))
        if status != 2:
            raise Failure('the record status is %d, expected 2 (Được tiếp nhận)' % status)
        expected = (CARD_NAME, CARD_ID, '1990-02-01', PHONE, ADDRESS)
        if (name, id_number, birth, phone, address) != expected:
            raise Failure('the record holds %r, expected %r'
                          % ((name, id_number, birth, phone, address), expected))
        docs = db.execute('SELECT name, originals, certified, copies FROM record_documents '
                          'WHERE record_id = ? ORDER BY position', (local_id,)).fetchall()
        if [d[0] for d in docs] != state['documents'] or any(d[1:] != (1, 0, 0) for d in docs):
            raise Failure('the record documents are %r, expected one original each of %r'
                          % (docs, state['documents']))
        outbox = db.execute('SELECT record_id FROM outbox').fetchall()
        if len(outbox) != 1 or outbox[0][0] != record_id:
            raise Failure('the outbox holds %r, expected one entry for record %s' % (outbox, record_id))
    finally:
        db.close()


STEPS = [step_start, step_choose_procedure, step_scan_card, step_bad_card, step_rest_of_form,
         step_save, step_export, step_check_pdf, step_find_record, step_quit, step_database]


def main():
    assert len(STEPS) == len(PLAN)
    os.makedirs(WORK_DIR, exist_ok=True)
    for tool in ('pdftotext', 'pdftoppm', 'zbarimg', 'import', 'xdotool'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s is not installed' % tool)
            return 77
    print('1..%d' % len(PLAN), flush=True)
    started = time.monotonic()
    failed = False
    for number, (step, description) in enumerate(zip(STEPS, PLAN), 1):
        if failed:
            print('ok %d - %s # SKIP an earlier step failed' % (number, description))
            continue
        t0 = time.monotonic()
        try:
            step()
        except Exception as e:
            failed = True
            print('not ok %d - %s' % (number, description))
            message = str(e) if isinstance(e, Failure) else traceback.format_exc()
            for line in message.splitlines():
                print('# %s' % line)
            try:
                save_diagnostics()
            except Exception as e2:
                print('# could not save diagnostics: %s' % e2)
        else:
            print('ok %d - %s (%.1f s)' % (number, description, time.monotonic() - t0))
        sys.stdout.flush()
    stop_app()
    print('# total %.1f s' % (time.monotonic() - started))
    return 1 if failed else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    finally:
        stop_app()
