# desk_pages.py: the desk's pages as the UI tests drive them, for the tests that go the
# same way: the reception form (choose a procedure, scan the citizen ID card, type the
# rest, tick papers, save), the slip window, the records page.  The checks made on the
# way are part of every test that takes that way.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import re

import atspi_helpers as ui
from atspi_helpers import Atspi, Failure, find, find_all, name_of, role_of, text_of, labels_in

PROCEDURE = 'Đăng ký khai sinh'
CARD_ID = '001190012345'
CARD_NAME = 'Nguyễn Thị Hồng Nhung'
CARD_BIRTH = '01/02/1990'
CARD_ADDRESS = 'Số 12 ngõ 34 phố Trần Duy Hưng, Phường Trung Hòa, Hà Nội'
CARD_LINE = '%s|123456789|%s|01021990|Nữ|%s|15082021' % (CARD_ID, CARD_NAME, CARD_ADDRESS)
PHONE = '0912345678'
ADDRESS = 'Số 5 ngõ 7 phố Nguyễn Khang, Phường Yên Hòa, Hà Nội'
SLIP_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'
CODE_RE = re.compile(r'^\S+-\d{6}-\d{4,5}$')


# Reception -------------------------------------------------------------------------------

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


def choose_procedure(win):
    """Types "khai sinh" in the procedure search, checks the catalogue filters, and
    chooses the first match with Enter."""
    search = find(win, Atspi.Role.ENTRY, 'Tìm thủ tục')
    if search is None:
        raise Failure('no entry named "Tìm thủ tục"')
    plist = find(win, Atspi.Role.LIST, 'Danh mục thủ tục')
    before = len(ui.children(plist))
    ui.type_into(search, 'khai sinh')

    def filtered():
        names = [name_of(c) for item in ui.children(plist) for c in ui.children(item)]
        return names if names and all('khai sinh' in n.lower() for n in names) else None
    names = ui.wait_for('the catalogue to filter on "khai sinh"', filtered)
    if len(names) >= before:
        raise Failure('the catalogue did not shrink when filtered (%d of %d)' % (len(names), before))
    if names[0] != PROCEDURE:
        raise Failure('first match is %r, expected %r' % (names[0], PROCEDURE))
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the chosen procedure to show %r' % PROCEDURE,
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


def scan_card(win):
    """The card's QR line typed (no click: Enter in the procedure search must have put
    the focus in the name row) fills name, ID, birth date and address.  Returns the
    applicant's rows."""
    rows = applicant_rows(win)
    ui.type_into(rows['Họ và tên'], CARD_LINE, click_first=False)
    ui.press_key(ui.KEY_RETURN)
    expected = {'Họ và tên': CARD_NAME, 'Số định danh cá nhân (CCCD)': CARD_ID,
                'Ngày sinh (dd/mm/yyyy)': CARD_BIRTH, 'Địa chỉ': CARD_ADDRESS}
    ui.wait_for('the card to fill the form',
                lambda: all(text_of(rows[n]) == v for n, v in expected.items()))
    values = form_values(rows)
    for n, v in expected.items():
        if values[n] != v:
            raise Failure('%s is %r, expected %r' % (n, values[n], v))
    return rows


def toast_shown(win, prefix):
    return any(t.startswith(prefix) for t in labels_in(win))


def document_rows(win):
    """(document name, its check button) for each row of "Thành phần hồ sơ"."""
    doc_list = find(win, Atspi.Role.LIST, 'Thành phần hồ sơ')
    if doc_list is None:
        raise Failure('no list named "Thành phần hồ sơ"')
    rows = []
    for item in ui.children(doc_list):
        doc = name_of(item)
        check = find(item, Atspi.Role.CHECK_BOX)
        if doc and check is not None:
            rows.append((doc, check))
    return rows


def fill_rest_of_form(win, rows):
    """Phone, a new address, and the first two papers ticked (one original each).
    Returns the names of the ticked papers."""
    ui.type_into(rows['Số điện thoại'], PHONE)
    # The card filled the address; the applicant now lives elsewhere.
    ui.set_text(rows['Địa chỉ'], '')
    ui.wait_for('the address row to clear', lambda: text_of(rows['Địa chỉ']) == '')
    ui.type_into(rows['Địa chỉ'], ADDRESS)

    documents = ui.wait_for('the procedure\'s documents', lambda: document_rows(win))
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
        ui.scroll_into_view(check, form)
        ui.click(check)
        ui.wait_for('%r to be ticked' % doc, lambda: ui.has_state(check, Atspi.StateType.CHECKED))
        spin = find(win, Atspi.Role.SPIN_BUTTON, 'Bản chính: %s' % doc)
        if spin is None:
            raise Failure('no spin button named %r' % ('Bản chính: %s' % doc))
        ui.wait_for('one original of %r' % doc, lambda: text_of(spin) == '1')
        ticked.append(doc)
    values = form_values(rows)
    if values['Số điện thoại'] != PHONE or values['Địa chỉ'] != ADDRESS:
        raise Failure('the form holds %r' % values)
    return ticked


# The slip --------------------------------------------------------------------------------

def slip_window():
    f = ui.frame_named(SLIP_TITLE)
    if f is not None:
        return f
    # Without a window title, find the slip by its header.
    for f in ui.frames():
        if SLIP_TITLE in labels_in(f):
            return f
    return None


def save_record(win):
    """"Tiếp nhận và in phiếu hẹn": returns the slip window and the new record's code."""
    ui.activate(ui.button_containing(win, 'Tiếp nhận và in phiếu hẹn'))
    slip = ui.wait_for('the slip window', slip_window)
    codes = ui.wait_for('the record code in the slip window\'s title',
                        lambda: [t for t in labels_in(slip) if CODE_RE.match(t)])
    print('# record code: %s' % codes[0])
    return slip, codes[0]


def close_slip(slip, dismiss_toast=False):
    """Escape closes the slip window.  No window manager here: keys go to the window
    under the pointer, so point at the slip window (its title) first.  dismiss_toast:
    close the "Đã lưu" toast first (libadwaita: Escape would first dismiss it)."""
    title = [a for a in find_all(slip, lambda a: role_of(a) == Atspi.Role.LABEL)
             if text_of(a) == SLIP_TITLE][0]
    ui.click(title)
    if dismiss_toast:
        # GTK 4.8 exposes AdwToastWidget as a filler named after its type, and its
        # close button, an icon, as "GtkImage".
        toast = (find(slip, Atspi.Role.NOTIFICATION) or find(slip, Atspi.Role.ALERT) or
                 find(slip, None, 'AdwToastWidget'))
        if toast is not None:
            buttons = find_all(toast, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                               ui.has_state(a, Atspi.StateType.VISIBLE))
            if buttons:
                ui.activate(buttons[-1])       # the close button comes last
                ui.wait_for('the toast to go', lambda: not toast_shown(slip, 'Đã lưu'))
    ui.press_key(ui.KEY_ESCAPE)
    ui.wait_window_gone(SLIP_TITLE)
    ui.wait_for('the slip window to close on Escape', lambda: slip_window() is None)


# The records page ------------------------------------------------------------------------

def records_page_shown(win):
    """The records page is on screen: its tab is selected and its search has a size."""
    tabs = find_all(win, lambda a: role_of(a) == Atspi.Role.PAGE_TAB and name_of(a) == 'Hồ sơ')
    search = find(win, Atspi.Role.ENTRY, 'Tìm hồ sơ')
    if search is None or not any(ui.has_state(t, Atspi.StateType.SELECTED) for t in tabs):
        return None
    ext = ui.extents(search)
    return search if ext.width > 0 and ext.height > 0 else None


def show_records_page(win):
    """Alt+2; returns the records page's search entry."""
    ui.press_combo(Atspi.ModifierType.ALT, ord('2'))
    return ui.wait_for('the records page after Alt+2', lambda: records_page_shown(win))


def records_table(win):
    table = find(win, Atspi.Role.TREE_TABLE, 'Danh sách hồ sơ')
    if table is None:
        raise Failure('no table named "Danh sách hồ sơ"')
    return table


def codes_listed(table):
    """The texts of the records list's labels (codes among them)."""
    return [text_of(a) for a in find_all(table, lambda a: role_of(a) == Atspi.Role.LABEL)]


def wait_record_listed(win, code):
    table = records_table(win)
    ui.wait_for('the record %s in the records list' % code, lambda: code in codes_listed(table))


def open_record(search, code):
    """Searches the records page for code and opens the record with Enter; returns its window."""
    ui.type_into(search, code)
    ui.press_key(ui.KEY_RETURN)
    return ui.wait_for('a window titled %r' % code, lambda: ui.frame_named(code))


# Pointer drags and other windows (test-process) -----------------------------------------

def _xdotool(*args):
    import subprocess
    return subprocess.run(['xdotool'] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True,
                          timeout=30).stdout.decode()


def pointer_at():
    """Where the pointer is: (x, y)."""
    fields = dict(f.split(':', 1) for f in _xdotool('getmouselocation').split() if ':' in f)
    return int(fields['x']), int(fields['y'])


def move_pointer(x, y):
    """Moves the pointer and waits until X has it there.  (xdotool's --sync waits for
    ever when the pointer is already at the target: then there is nothing to do.)"""
    x, y = int(round(x)), int(round(y))
    if pointer_at() != (x, y):
        _xdotool('mousemove', '--sync', x, y)


def pointer_drag(x0, y0, x1, y1, steps=8):
    """A real drag with the left button, as a hand makes it (TESTING.md): press at
    (x0, y0), a short pause, then `steps` moves toward (x1, y1) ~50 ms apart, release.
    Jumping straight to the target would cancel a drag-and-drop (no target seen)."""
    import time
    move_pointer(x0, y0)
    _xdotool('mousedown', 1)
    try:
        time.sleep(0.15)
        for i in range(1, steps + 1):
            move_pointer(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps)
            time.sleep(0.05)
        time.sleep(0.1)
    finally:
        _xdotool('mouseup', 1)


def value_after(root, title):
    """The text of the label right after the label `title` (an AdwActionRow's subtitle
    after its title), or None."""
    texts = labels_in(root)
    for i, text in enumerate(texts[:-1]):
        if text == title:
            return texts[i + 1]
    return None


def frame_with_label(text, exclude=()):
    """The application's window showing a label with exactly that text (windows without
    a title, such as AdwMessageDialog)."""
    for f in ui.frames():
        if any(f is e for e in exclude):
            continue
        if text in labels_in(f):
            return f
    return None


def export_slip(slip, suggested, directory, exclude=()):
    """"Xuất PDF" in a slip window: checks the file dialog suggests `suggested`, saves it
    into directory, waits for the file and the "Đã lưu" toast; returns the path."""
    import os

    def dialog():
        for f in ui.frames():
            if f is slip or any(f is e for e in exclude) or name_of(f) != 'Xuất phiếu ra PDF':
                continue
            if find(f, Atspi.Role.TEXT, None) is not None or find(f, Atspi.Role.ENTRY, None) is not None:
                return f
        return None

    def name_entry(d):
        for e in find_all(d, lambda a: role_of(a) in (Atspi.Role.TEXT, Atspi.Role.ENTRY) and
                          ui.has_state(a, Atspi.StateType.EDITABLE)):
            if text_of(e).endswith('.pdf'):
                return e
        return None

    ui.activate(ui.button_containing(slip, 'Xuất PDF'))
    d = ui.wait_for('the "Xuất phiếu ra PDF" file dialog', dialog)
    entry = ui.wait_for('the file name field', lambda: name_entry(d))
    if text_of(entry) != suggested:
        raise Failure('the dialog suggests %r, expected %r' % (text_of(entry), suggested))
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, suggested)
    ui.focus(entry)
    ui.set_text(entry, path)
    ui.wait_for('the path in the name field', lambda: text_of(entry) == path)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the PDF file %s' % path, lambda: os.path.exists(path) and os.path.getsize(path) > 0)
    ui.wait_window_gone('Xuất phiếu ra PDF')
    ui.wait_for('the "Đã lưu" toast', lambda: toast_shown(slip, 'Đã lưu %s.' % suggested))
    return path


def close_slip_titled(slip, title):
    """Like close_slip, for any slip window (title: its window title, shown in its
    header): the "Đã lưu" toast first, then Escape with the pointer over the window."""
    header = [a for a in find_all(slip, lambda a: role_of(a) == Atspi.Role.LABEL)
              if text_of(a) == title][0]
    ui.click(header)
    toast = (find(slip, Atspi.Role.NOTIFICATION) or find(slip, Atspi.Role.ALERT) or
             find(slip, None, 'AdwToastWidget'))
    if toast is not None:
        buttons = find_all(toast, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                           ui.has_state(a, Atspi.StateType.VISIBLE))
        if buttons:
            ui.activate(buttons[-1])
            ui.wait_for('the toast to go', lambda: not toast_shown(slip, 'Đã lưu'))
    ui.press_key(ui.KEY_ESCAPE)
    ui.wait_window_gone(title)
    ui.wait_for('the window %r to close on Escape' % title, lambda: ui.frame_named(title) is None)


def window_offset(frame, title):
    """Where the window's content starts on the X screen.  GTK 4.8 reports places within
    the window's content; without a compositor its X window is larger by an even margin
    round it (5 px here), which a big target hides and a 10 px handle does not."""
    import re as _re
    xid = _xdotool('search', '--onlyvisible', '--name',
                   '^' + _re.sub(r'([][.*+?(){}|^$\\])', r'\\\1', title) + '$').split()[0]
    geometry = _xdotool('getwindowgeometry', xid)
    px, py = map(int, _re.search(r'Position: (-?\d+),(-?\d+)', geometry).groups())
    w, h = map(int, _re.search(r'Geometry: (\d+)x(\d+)', geometry).groups())
    ext = ui.extents(frame)
    return px + (w - ext.width) // 2, py + (h - ext.height) // 2
