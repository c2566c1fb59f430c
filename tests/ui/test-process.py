#!/usr/bin/python3
# test-process.py: an administrator draws a four-step process in the designer with real
# pointer drags (palette rows onto the canvas, connector handle to the next step), ticks the
# procedure it applies to and publishes it; an officer receives a record of that procedure
# at the counter and moves it through every step with the buttons of the record window's
# "Quy trình" section, up to "result handed over"; the process control slip (Mẫu 05) is
# exported to PDF.  Checks the windows, the PDF text and the SQLite database.
#
# Run by run-ui-test.sh inside its own X server and session bus; prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import sqlite3
import subprocess

import atspi_helpers as ui
import desk_pages as pages
from atspi_helpers import Atspi, Failure, find, find_all, name_of, role_of, text_of
from desk_pages import PROCEDURE

WORK_DIR = ui.WORK_DIR
DATABASE = ui.DATABASE
EXPORT_DIR = os.path.join(WORK_DIR, 'xuat')

DESIGNER = 'Thiết kế quy trình'
PROCESS_NAME = 'Quy trình thử nghiệm giao diện'
STEPS = ['Tiếp nhận', 'Thụ lý', 'Ký duyệt', 'Trả kết quả']
CONTROL_TITLE = 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ'
STEP_WIDTH = 180.0          # OS_PROCESS_STEP_WIDTH, canvas units
STEP_HEIGHT = 72.0          # OS_PROCESS_STEP_HEIGHT
# (button, action dialog title, step the record stands at before, after, outcome shown)
ACTIONS = [
    ('Chuyển xử lý', 'Chuyển xử lý', 'Tiếp nhận', 'Thụ lý', None),
    ('Xử lý', 'Xử lý', 'Thụ lý', 'Ký duyệt', 'Đồng ý, chuyển tiếp'),
    ('Ký duyệt', 'Ký duyệt', 'Ký duyệt', 'Trả kết quả', 'Đồng ý, chuyển tiếp'),
    ('Trả kết quả', 'Trả kết quả', 'Trả kết quả', 'Đã kết thúc quy trình', None),
]
ACTION_IDS = ['hand_over', 'process', 'sign', 'return']

PLAN = [
    'the main window appears',
    'Ctrl+Shift+T opens the designer, Ctrl+N starts a new process, it gets its name',
    'four palette rows dragged onto the canvas make four steps, left to right',
    'three drags from connector handles link the steps; no blocking problem remains',
    'the procedure is ticked and the process published as version 1',
    'a record of the procedure is received at the counter',
    'the record window takes it through hand-over, processing, signing and return',
    'Ctrl+Shift+P prints Mẫu 05 and it exports to PDF',
    'the PDF names the record and one row per hand-off between the steps',
    'Ctrl+Q quits, and the application logged no critical',
    'the database holds the definition, the record at status 10, its stays and actions',
]

state = {}


def db_query(sql, args=()):
    db = sqlite3.connect('file:%s?mode=ro' % DATABASE, uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


# The designer ----------------------------------------------------------------------------

def designer():
    return ui.frame_named(DESIGNER)


def canvas(win):
    c = find(win, None, 'Sơ đồ quy trình')
    if c is None:
        raise Failure('no canvas named "Sơ đồ quy trình"')
    return c


def step_buttons(win):
    """The steps on the canvas: {step name: its button}, and the list of names in the
    order of their x on screen."""
    found = find_all(canvas(win), lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                     name_of(a).startswith('Bước '))
    result = {}
    for b in found:
        for s in STEPS:
            if name_of(b).startswith('Bước %s,' % s):
                result[s] = b
    return result


def palette_row(win, step):
    palette = find(win, Atspi.Role.LIST, 'Các loại bước: kéo vào sơ đồ, hoặc chọn rồi nhấn Enter')
    if palette is None:
        raise Failure('no palette list')
    rows = find_all(palette, lambda a: name_of(a).startswith('Bước %s,' % step))
    if not rows:
        raise Failure('no palette row for %r' % step)
    return rows[0]


def zoom_text(win):
    """The zoom the "Vừa khung nhìn" button shows (its name says it too: "Vừa khung nhìn
    (đang 83%)" once the zoom changed)."""
    for button in find_all(win, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                           name_of(a).startswith('Vừa khung nhìn')):
        texts = [t for t in ui.labels_in(button) if re.match(r'^\d+%$', t)]
        if texts:
            return texts[0]
    return None


def centre(ext):
    return ext.x + ext.width / 2.0, ext.y + ext.height / 2.0


def step_start():
    ui.start_app(ONESTOP_DATABASE=DATABASE, ONESTOP_NO_DEMO='1')
    win = ui.wait_for('the main window', ui.main_window, timeout=60)
    ui.wait_for('the procedure catalogue', lambda: find(win, Atspi.Role.LIST, 'Danh mục thủ tục'))
    state['win'] = win


def step_open_designer():
    win = state['win']
    # Keys go to the window under the pointer (no window manager): the main window's search.
    ui.click(find(win, Atspi.Role.ENTRY, 'Tìm thủ tục'))
    ui.press_combo((Atspi.ModifierType.CONTROL, Atspi.ModifierType.SHIFT), ord('t'))
    d = ui.wait_for('the designer window after Ctrl+Shift+T', designer)
    c = ui.wait_for('the canvas on screen', lambda: ui.extents(canvas(d)).width > 300 and canvas(d))
    # The designer opens on the catalogue's demo process (there even with ONESTOP_NO_DEMO).
    # Ctrl+N (with the pointer over the designer) makes a new draft and saves it at once.
    ext = ui.extents(c)
    pages.move_pointer(ext.x + 12, ext.y + 12)
    ui.press_combo(Atspi.ModifierType.CONTROL, ord('n'))
    ui.wait_for('a new draft saved after Ctrl+N',
                lambda: db_query("SELECT count(*) FROM process_definitions WHERE version = 0 "
                                 "AND name = 'Quy trình mới'")[0][0] >= 1)
    row = ui.wait_for('the "Tên quy trình" row', lambda: find(d, Atspi.Role.TEXT, 'Tên quy trình'))
    ui.wait_for('the name row to show "Quy trình mới"', lambda: text_of(row) == 'Quy trình mới')
    ui.set_text(row, PROCESS_NAME)
    ui.wait_for('the new name in the row', lambda: text_of(row) == PROCESS_NAME)
    ui.click(row)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the designer\'s title to show %r' % PROCESS_NAME,
                lambda: PROCESS_NAME in ui.labels_in(d))
    state['designer'] = d


def step_drop_steps():
    d = state['designer']
    # Four steps of 180 units do not fit side by side at 100 %: "Thu nhỏ" down to 70 % or
    # less (the zoom button's label shows the zoom; one activation at a time, GTK 4.8 drops
    # a second one within 250 ms).
    for _ in range(8):
        before = ui.wait_for('the zoom label', lambda: zoom_text(d))
        if int(before[:-1]) <= 70:
            break
        ui.activate(find(d, Atspi.Role.PUSH_BUTTON, 'Thu nhỏ'))
        ui.wait_for('the zoom to go below %s' % before, lambda: zoom_text(d) != before)
    zoom = int(zoom_text(d)[:-1]) / 100.0
    if not 0.4 <= zoom <= 0.7:
        raise Failure('"Thu nhỏ" left the zoom at %s' % zoom_text(d))
    state['zoom'] = zoom
    ext = ui.extents(canvas(d))
    width = STEP_WIDTH * zoom
    spacing = (ext.width - 60 - width) / 3
    y = ext.y + ext.height * 0.4
    for i, step in enumerate(STEPS):
        row = palette_row(d, step)
        x0, y0 = centre(ui.extents(row))
        x1 = ext.x + 30 + width / 2 + i * spacing
        pages.pointer_drag(x0, y0, x1, y)
        ui.wait_for('the step %r on the canvas' % step, lambda: step in step_buttons(d), timeout=10)
    buttons = step_buttons(d)
    names = sorted(buttons, key=lambda s: ui.extents(buttons[s]).x)
    if names != STEPS:
        raise Failure('the steps stand left to right as %r, expected %r' % (names, STEPS))
    for s in STEPS:
        e = ui.extents(buttons[s])
        print('# %s at %d,%d' % (name_of(buttons[s]), e.x, e.y))
    # (GTK 4.8 reports a scaled child's size unscaled, its place right.)
    xs = [ui.extents(buttons[s]).x for s in STEPS]
    state['places'] = [(ui.extents(buttons[s]).x, ui.extents(buttons[s]).y) for s in STEPS]
    gaps = [b - a for a, b in zip(xs, xs[1:])]
    if any(g < width + 10 for g in gaps):
        raise Failure('the steps overlap on screen: left edges at %r (a step is %d px wide)' % (xs, width))
    all_steps = [a for a in find_all(canvas(d), lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                                     name_of(a).startswith('Bước '))]
    if len(all_steps) != 4:
        raise Failure('the canvas holds %d steps, expected 4' % len(all_steps))


def link_shown(d, a, b):
    """The side panel shows the link a → b (the canvas selects a link it just made)."""
    return pages.value_after(d, 'Từ bước') == a and pages.value_after(d, 'Đến bước') == b


def problems_heading(d):
    for t in ui.labels_in(d):
        if t.startswith('Không có vấn đề') or t.startswith('Vấn đề:') or t.startswith('Cảnh báo:'):
            return t
    return None


def step_connect():
    d = state['designer']
    dx, dy = pages.window_offset(d, DESIGNER)
    for a, b in zip(STEPS, STEPS[1:]):
        buttons = step_buttons(d)
        ea, eb = ui.extents(buttons[a]), ui.extents(buttons[b])
        # The handle: the step's one label without text, a dot at its right edge
        # (os-step-widget.c).  GTK 4.8 gives the scaled step's place but not its scaled
        # size; the handle's own extents are right.
        handles = [c for c in ui.children(buttons[a]) if role_of(c) == Atspi.Role.LABEL and
                   text_of(c) == '']
        if len(handles) != 1:
            raise Failure('the step %r has %d handles' % (a, len(handles)))
        hx, hy = centre(ui.extents(handles[0]))
        zoom = state['zoom']
        pages.pointer_drag(hx + dx, hy + dy, eb.x + STEP_WIDTH / 2 * zoom + dx,
                           eb.y + STEP_HEIGHT / 2 * zoom + dy)
        ui.wait_for('the link %s → %s in the side panel' % (a, b), lambda: link_shown(d, a, b), timeout=10)
        outcome = pages.value_after(d, 'Khi kết quả là')
        if outcome is not None and outcome != 'Đồng ý, chuyển tiếp':
            raise Failure('the link %s → %s is for %r, expected "Đồng ý, chuyển tiếp"' % (a, b, outcome))
    # Every step still where it was dropped (a drag from the handle must not move it).
    buttons = step_buttons(d)
    places = [(ui.extents(buttons[s]).x, ui.extents(buttons[s]).y) for s in STEPS]
    if places != state['places']:
        raise Failure('linking moved the steps: from %r to %r' % (state['places'], places))
    publish = ui.button_containing(d, 'Phát hành')
    heading = ui.wait_for('no blocking problem and "Phát hành" sensitive',
                          lambda: ui.has_state(publish, Atspi.StateType.SENSITIVE) and
                          problems_heading(d) is not None and
                          not problems_heading(d).startswith('Vấn đề:') and problems_heading(d))
    print('# problems: %s' % heading)
    os.makedirs(ui.LOG_DIR, exist_ok=True)
    shot = os.path.join(ui.LOG_DIR, 'ui-process-designer.png')
    ui.screenshot(shot, check=True)
    print('# screenshot: %s' % shot)


def message_dialog():
    return pages.frame_with_label('Phát hành quy trình?', exclude=(state['designer'], state['win']))


def step_publish():
    d = state['designer']
    # Nothing selected (a click on empty canvas): the side panel shows the process.
    ext = ui.extents(canvas(d))
    Atspi.generate_mouse_event(int(ext.x + 12), int(ext.y + ext.height - 12), 'b1c')
    procedures = ui.wait_for('the procedures list in the side panel',
                             lambda: find(d, Atspi.Role.LIST, 'Thủ tục áp dụng quy trình'))
    ui.wait_for('the side panel to show the process',
                lambda: ui.extents(procedures).height > 0 and ui.extents(procedures).x > 0)
    search = find(d, Atspi.Role.ENTRY, 'Tìm thủ tục')
    if search is None:
        raise Failure('no procedure search in the designer')
    ui.type_into(search, 'khai sinh')

    def check():
        # Each check box is named after its procedure (what a screen reader says).
        boxes = find_all(procedures, lambda a: role_of(a) == Atspi.Role.CHECK_BOX and
                         name_of(a) == PROCEDURE)
        return boxes[0] if boxes else None
    box = ui.wait_for('a check box for %r' % PROCEDURE, check)
    ui.click(box)
    ui.wait_for('%r to be ticked' % PROCEDURE, lambda: ui.has_state(box, Atspi.StateType.CHECKED))

    publish = ui.button_containing(d, 'Phát hành')
    ui.wait_for('"Phát hành" sensitive', lambda: ui.has_state(publish, Atspi.StateType.SENSITIVE))
    ui.activate(publish)
    dialog = ui.wait_for('the "Phát hành quy trình?" dialog', message_dialog)
    body = ' '.join(ui.labels_in(dialog))
    if 'phiên bản 1' not in body:
        raise Failure('the confirmation does not say "phiên bản 1": %r' % body)
    buttons = [b for b in find_all(dialog, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON and
                                   'Phát hành' in name_of(a))]
    if not buttons:
        raise Failure('no "Phát hành" button in the confirmation')
    ui.activate(buttons[0])
    ui.wait_for('the toast "Đã phát hành … phiên bản 1"',
                lambda: any(t.startswith('Đã phát hành “%s”, phiên bản 1' % PROCESS_NAME)
                            for t in ui.labels_in(d)))
    ui.wait_for('the confirmation to close', lambda: message_dialog() is None)

    # (The catalogue comes with the published demo process, even with ONESTOP_NO_DEMO.)
    rows = db_query('SELECT id, name, data FROM process_definitions WHERE version = 1 AND name = ?',
                    (PROCESS_NAME,))
    if len(rows) != 1:
        raise Failure('process_definitions holds %d version-1 rows named %r, expected 1'
                      % (len(rows), PROCESS_NAME))
    if db_query('SELECT count(*) FROM process_definitions WHERE id = ? AND version > 1', (rows[0][0],))[0][0]:
        raise Failure('the process has versions after 1')
    pid, name, data = rows[0]
    definition = json.loads(data)
    if name != PROCESS_NAME:
        raise Failure('the published process is named %r' % name)
    steps = definition.get('steps', [])
    links = definition.get('links', [])
    if len(steps) != 4 or len(links) != 3:
        raise Failure('version 1 has %d steps and %d links, expected 4 and 3' % (len(steps), len(links)))
    ids = {s['name']: s['id'] for s in steps}
    chain = [(l['from'], l['to'], l['outcome']) for l in links]
    for a, b in zip(STEPS, STEPS[1:]):
        if (ids.get(a), ids.get(b), 'accept') not in chain:
            raise Failure('version 1 has no accept link %s → %s: %r' % (a, b, chain))
    if definition.get('start') != ids.get('Tiếp nhận'):
        raise Failure('version 1 starts at %r, expected Tiếp nhận' % definition.get('start'))
    procedure_id = db_query('SELECT id FROM procedures WHERE name = ?', (PROCEDURE,))[0][0]
    uses = db_query('SELECT procedure_id, version FROM process_procedures WHERE process_id = ?', (pid,))
    if uses != [(procedure_id, 1)]:
        raise Failure('process_procedures lists %r, expected [(%r, 1)]' % (uses, procedure_id))
    state['process_id'] = pid
    state['step_ids'] = [ids[s] for s in STEPS]
    ui.close_window(d, DESIGNER, 'the designer')


# The record ------------------------------------------------------------------------------

def step_receive():
    win = state['win']
    pages.choose_procedure(win)
    rows = pages.scan_card(win)
    pages.fill_rest_of_form(win, rows)
    slip, code = pages.save_record(win)
    state['code'] = code
    pages.close_slip(slip)


def action_buttons(record):
    box = find(record, None, 'Thao tác với hồ sơ')
    if box is None:
        return {}
    result = {}
    for b in find_all(box, lambda a: role_of(a) == Atspi.Role.PUSH_BUTTON):
        result[name_of(b)] = b
    return result


def action_button(record, label):
    """The "Quy trình" button for label (GTK 4.8 names it "_Label Label")."""
    for name, b in action_buttons(record).items():
        if name == label or name.endswith(' ' + label) or name == '_' + label:
            return b
    return None


def step_actions():
    win = state['win']
    code = state['code']
    search = pages.show_records_page(win)
    pages.wait_record_listed(win, code)
    record = pages.open_record(search, code)
    state['record'] = record
    for label, title, before, after, outcome in ACTIONS:
        ui.wait_for('the record at %r' % before,
                    lambda: pages.value_after(record, 'Bước hiện tại') == before)
        button = ui.wait_for('the button %r' % label, lambda: action_button(record, label))
        offered = sorted(action_buttons(record))
        print('# at %s: %s' % (before, ', '.join(offered)))
        ui.activate(button)
        dialog = ui.wait_for('the %r dialog' % title,
                             lambda: ui.frame_named(title) if ui.frame_named(title) is not record else None)
        if outcome is not None:
            ui.wait_for('the outcome %r chosen' % outcome, lambda: outcome in ui.labels_in(dialog))
        ui.activate(ui.button_containing(dialog, 'Thực hiện'))
        ui.wait_window_gone(title)
        ui.wait_for('the %r dialog to close' % title, lambda: ui.frame_named(title) is None)
        ui.wait_for('the record window to show the step %r' % after,
                    lambda: pages.value_after(record, 'Bước hiện tại') == after)
        ui.wait_for('the toast "Đã thực hiện: %s."' % title,
                    lambda: pages.toast_shown(record, 'Đã thực hiện: %s.' % title))
        print('# %s: %s → %s, status %s' % (title, before, after, pages.value_after(record, 'Trạng thái')))
    # "Đã trả kết quả — Trước hạn": the status, then how it stands against the due date.
    ui.wait_for('the status "Đã trả kết quả"',
                lambda: (pages.value_after(record, 'Trạng thái') or '').split(' — ')[0] == 'Đã trả kết quả')
    # Handed over: nothing moves it on any more (taking the return back, "Thu hồi", may stay).
    left = [label for label, _, _, _, _ in ACTIONS if action_button(record, label) is not None]
    left += [label for label in ('Dừng xử lý', 'Rút hồ sơ', 'Gia hạn', 'Thu phí, lệ phí')
             if action_button(record, label) is not None]
    if left:
        raise Failure('a returned record still offers %r' % left)
    print('# after the return: %s' % (', '.join(sorted(action_buttons(record))) or 'no action'))


def step_control_slip():
    record = state['record']
    code = state['code']
    # Keys go to the window under the pointer: point at the record window first.
    group = [a for a in find_all(record, lambda a: role_of(a) == Atspi.Role.LABEL)
             if text_of(a) == 'Quy trình'][0]
    ui.click(group)
    ui.press_combo((Atspi.ModifierType.CONTROL, Atspi.ModifierType.SHIFT), ord('p'))
    slip = ui.wait_for('the Mẫu 05 window after Ctrl+Shift+P', lambda: ui.frame_named(CONTROL_TITLE))
    state['pdf'] = pages.export_slip(slip, '%s-mau-05.pdf' % code, EXPORT_DIR,
                                     exclude=(state['win'], record))
    pages.close_slip_titled(slip, CONTROL_TITLE)
    ui.close_window(record, code, 'the record window')


def step_check_pdf():
    code = state['code']
    text = subprocess.run(['pdftotext', '-layout', state['pdf'], '-'], check=True,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          timeout=60).stdout.decode('utf-8')
    with open(os.path.join(WORK_DIR, 'control.txt'), 'w') as f:
        f.write(text)
    for needle in (CONTROL_TITLE, code, pages.CARD_NAME, PROCEDURE):
        if needle not in text:
            raise Failure('the PDF text lacks %r (see control.txt)' % needle)
    # One numbered row per hand-off.  -layout interleaves the wrapped cells of a row, so
    # read the table in drawing order (-raw): a row is "N actor", the giver's "step —
    # role", the receiver's "step — role", the time, the result, the note.
    raw = subprocess.run(['pdftotext', '-raw', state['pdf'], '-'], check=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         timeout=60).stdout.decode('utf-8')
    with open(os.path.join(WORK_DIR, 'control-raw.txt'), 'w') as f:
        f.write(raw)
    lines = raw[raw.index('nhận ký'):].splitlines()[1:]
    rows = []
    for line in lines:
        if line.startswith('%d ' % (len(rows) + 1)):
            rows.append(line)
        elif rows:
            rows[-1] += ' ' + line
    hand_offs = []
    for row in rows:
        found = sorted((m.start(), step) for step in STEPS
                       for m in re.finditer(re.escape(step) + r' —', row))
        results = [r for r in ('Sớm hạn', 'Đúng hạn', 'Quá hạn') if r in row]
        hand_offs.append(([step for _, step in found], results[0] if results else None))
    print('# hand-off rows: %s' % '; '.join('%s (%s)' % (' → '.join(h), r) for h, r in hand_offs))
    expected = list(zip(STEPS, STEPS[1:]))
    if len(hand_offs) < 3:
        raise Failure('the PDF has %d hand-off rows, expected at least 3 (see control-raw.txt)'
                      % len(hand_offs))
    for n, (a, b) in enumerate(expected):
        steps, result = hand_offs[n]
        if steps[:2] != [a, b]:
            raise Failure('row %d of the table hands %r, expected %s → %s (see control-raw.txt)'
                          % (n + 1, steps, a, b))
        if result is None:
            raise Failure('row %d of the table has no result (sớm hạn, đúng hạn, quá hạn)' % (n + 1))


def step_quit():
    ui.quit_with_ctrl_q()


def step_database():
    code = state['code']
    rows = db_query('SELECT local_id, id, status, process_id, process_version, step_id FROM records '
                    'WHERE code = ?', (code,))
    if len(rows) != 1:
        raise Failure('%d records with the code %s' % (len(rows), code))
    local_id, record_id, status, process_id, version, step_id = rows[0]
    if status != 10:
        raise Failure('the record status is %d, expected 10 (Đã trả kết quả)' % status)
    if (process_id, version) != (state['process_id'], 1):
        raise Failure('the record follows %r version %d' % (process_id, version))
    if step_id != '':
        raise Failure('the record still stands at step %r' % step_id)
    stays = db_query('SELECT step_id, entered_at, left_at FROM record_steps WHERE record_id = ? '
                     'ORDER BY seq', (local_id,))
    if [s[0] for s in stays] != state['step_ids']:
        raise Failure('record_steps holds %r, expected the stays %r' % (stays, state['step_ids']))
    if any(s[2] == 0 or s[2] < s[1] for s in stays):
        raise Failure('a stay has not ended: %r' % stays)
    outbox = db_query('SELECT record_id, kind, payload FROM outbox ORDER BY seq')
    if any(o[0] != record_id for o in outbox):
        raise Failure('the outbox holds rows for other records: %r' % [o[:2] for o in outbox])
    kinds = [o[1] for o in outbox]
    if len(kinds) != 5 or kinds[0] == 'action' or kinds[1:] != ['action'] * 4:
        raise Failure('the outbox holds %r, expected the receive and 4 "action" rows' % kinds)
    actions = [json.loads(o[2])['request']['action'] for o in outbox[1:]]
    if actions != ACTION_IDS:
        raise Failure('the outbox actions are %r, expected %r' % (actions, ACTION_IDS))
    print('# outbox: %s' % ', '.join([kinds[0]] + actions))


STEPS_RUN = [step_start, step_open_designer, step_drop_steps, step_connect, step_publish,
             step_receive, step_actions, step_control_slip, step_check_pdf, step_quit,
             step_database]


def main():
    missing = ui.missing_tool('pdftotext', 'import', 'xdotool')
    if missing:
        return ui.skip('%s is not installed' % missing)
    return ui.run_steps(PLAN, STEPS_RUN, 'process')


if __name__ == '__main__':
    ui.run_main(main)
