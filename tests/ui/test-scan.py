#!/usr/bin/python3
# test-scan.py: a record's papers through the scanner, driven through AT-SPI the way an
# officer works: open a record, open the scan window, choose the document feeder, scan
# three sheets, see three thumbnails, attach them; then a paper jam; then a corrupt PDF
# through the record's file chooser.  Checks the windows, the database and the stored PDF.
#
# The scanner is SANE's real "test" backend (TESTING.md), configured in this run's own
# directory.  The app reads extra backend options from the file ONESTOP_SCANNER_OPTIONS
# names (os-scan-window.c) at every scan, so the test can limit a feeder batch to three
# sheets and later force a jam without restarting the app.
#
# Run by run-ui-test.sh inside its own X server and session bus; prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import sqlite3
import subprocess
import time

import atspi_helpers as ui
import desk_pages as pages
from atspi_helpers import Atspi, Failure

WORK_DIR = ui.WORK_DIR
DATABASE = ui.DATABASE
BLOBS = os.path.join(WORK_DIR, 'blobs')
SANE_DIR = os.path.join(WORK_DIR, 'sane')
OPTIONS_FILE = os.path.join(WORK_DIR, 'scanner-options')
CORRUPT_PDF = os.path.join(WORK_DIR, 'giay-to-hong.pdf')

SCAN_TITLE = 'Quét giấy tờ'
CHOOSER_TITLE = 'Đính kèm tệp'
JAM_MESSAGE = 'Giấy bị kẹt trong máy quét.'

PLAN = [
    'a record with papers opens from the records page',
    'the scan window lists the test scanner',
    'three sheets from the feeder show as three thumbnails',
    'attaching lists one PDF of three pages in the record',
    'the stored PDF has three pages and names the record and the paper',
    'a paper jam says so in Vietnamese and keeps the pages already scanned',
    'closing after the jam attached nothing',
    'a corrupt PDF from the file chooser is refused with a clear message',
    'Ctrl+Q quits, and the application logged no critical',
    'the database still holds exactly one attachment for the record',
]

state = {}


# Set-up --------------------------------------------------------------------------------

def write_options(*options):
    with open(OPTIONS_FILE, 'w') as f:
        f.write('\n'.join(options) + '\n')


def set_up_files():
    os.makedirs(SANE_DIR, exist_ok=True)
    with open(os.path.join(SANE_DIR, 'dll.conf'), 'w') as f:
        f.write('test\n')
    shutil.copy('/etc/sane.d/test.conf', os.path.join(SANE_DIR, 'test.conf'))
    # Grey pages; three sheets in the feeder.
    write_options('test-picture=Color pattern', 'onestop-max-pages=3')
    # Looks like a PDF to the file chooser and to a quick glance, but is not one.
    with open(CORRUPT_PDF, 'wb') as f:
        f.write(b'%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' + b'\x00garbage' * 64)


def start_app():
    # A new desk: the demo agency and records.
    ui.start_app(ONESTOP_DATABASE=DATABASE, SANE_CONFIG_DIR=SANE_DIR,
                 ONESTOP_SCANNER_OPTIONS='@' + OPTIONS_FILE, ONESTOP_NO_DEMO=None)


def db():
    return sqlite3.connect('file:%s?mode=ro' % DATABASE, uri=True, timeout=10)


def attachments_of(local_id):
    conn = db()
    try:
        return conn.execute('SELECT file_name, document_name, mime_type, sha256, pages FROM attachments '
                            'WHERE record_id = ? ORDER BY rowid', (local_id,)).fetchall()
    finally:
        conn.close()


# Windows -------------------------------------------------------------------------------

def scan_window():
    return ui.frame_named(SCAN_TITLE)


def buttons_named(root, name):
    """Buttons showing that label.  (GTK 4.8 names a labelled button twice, the mnemonic
    form first: "_Quét… Quét…".)"""
    return ui.find_all(root, lambda a: ui.role_of(a) in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON)
                       and (ui.name_of(a) == name or ui.name_of(a).endswith(' ' + name)))


def button(root, name):
    found = buttons_named(root, name)
    if not found:
        raise Failure('no button named %r' % name)
    return found[0]


def is_enabled(acc):
    return ui.has_state(acc, Atspi.StateType.SENSITIVE)


def page_thumbnails(win):
    grid = ui.find(win, None, 'Các trang đã quét')
    if grid is None:
        return []
    # Each page is a panel named "Trang N: paper" (its labels say "Trang N" and the paper).
    return ui.find_all(grid, lambda a: ui.role_of(a) != Atspi.Role.LABEL and ui.name_of(a).startswith('Trang '))


def dropdown_shows(dropdown):
    """The label a closed GtkDropDown shows (its button's, not its popup's)."""
    button = ui.find(dropdown, Atspi.Role.PUSH_BUTTON) or ui.find(dropdown, Atspi.Role.TOGGLE_BUTTON)
    shown = [ui.text_of(a) for a in ui.find_all(button, lambda a: ui.role_of(a) == Atspi.Role.LABEL)]
    return [t for t in shown if t != '(None)']


def choose_in_dropdown(win, dropdown_name, item_name):
    """Opens a GtkDropDown with a click and picks the item from the keyboard.  (GTK 4.8
    reports a popup's positions within the popup, so a click there would miss.)"""
    # GTK 4.8 adds the text of a label pointing at it (mnemonic-widget) to its name.
    found = ui.find_all(win, lambda a: ui.role_of(a) == Atspi.Role.COMBO_BOX and dropdown_name in ui.name_of(a))
    dropdown = found[0] if found else None
    if dropdown is None:
        raise Failure('no dropdown named %r' % dropdown_name)
    current = dropdown_shows(dropdown)
    ui.click(dropdown)

    def offered():
        popover = ui.find(dropdown, None, 'GtkPopover')
        if popover is None:
            return []
        return [ui.text_of(a) for a in ui.find_all(popover, lambda a: ui.role_of(a) == Atspi.Role.LABEL)]
    items = ui.wait_for('the %r popup' % dropdown_name, offered)
    if item_name not in items:
        raise Failure('the %r dropdown offers %r, not %r' % (dropdown_name, items, item_name))
    steps = items.index(item_name) - (items.index(current[0]) if current and current[0] in items else 0)
    time.sleep(0.3)     # the popup's list takes the focus once mapped
    for _ in range(abs(steps)):
        ui.press_key(ui.KEY_DOWN if steps > 0 else ui.KEY_UP)
        time.sleep(0.05)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the dropdown %r to show %r' % (dropdown_name, item_name),
                lambda: dropdown_shows(dropdown) == [item_name])


def toast_starting(win, prefix):
    return [t for t in ui.labels_in(win) if t.startswith(prefix)]


# The steps -----------------------------------------------------------------------------

def step_open_record():
    start_app()
    win = ui.wait_for('the main window', ui.main_window, timeout=90)
    state['win'] = win
    # A record received at the counter, with papers, from the demo data.
    conn = db()
    try:
        row = conn.execute('SELECT r.local_id, r.code FROM records r '
                           'WHERE EXISTS (SELECT 1 FROM record_documents d WHERE d.record_id = r.local_id) '
                           'AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.record_id = r.local_id) '
                           'ORDER BY r.local_id DESC LIMIT 1').fetchone()
        papers = [r[0] for r in conn.execute('SELECT name FROM record_documents WHERE record_id = ? '
                                              'ORDER BY position', (row[0],))]
    finally:
        conn.close()
    if row is None:
        raise Failure('the demo data has no record with papers')
    state['local_id'], state['code'] = row
    state['papers'] = papers
    print('# record %s, papers %r' % (state['code'], papers))

    search = pages.show_records_page(win)
    record = pages.open_record(search, state['code'])
    state['record'] = record
    ui.wait_for('the attachments group', lambda: buttons_named(record, 'Quét…'))


def step_scan_window():
    record = state['record']
    ui.activate(button(record, 'Quét…'))
    scan = ui.wait_for('the scan window', scan_window)
    state['scan'] = scan
    ui.wait_for('the test scanner in the list',
                lambda: any('(test:0)' in t for t in ui.labels_in(scan)))
    ui.wait_for('"Chọn máy quét rồi nhấn Quét."', lambda: 'Chọn máy quét rồi nhấn Quét.' in ui.labels_in(scan))
    if not is_enabled(button(scan, 'Quét')):
        raise Failure('the "Quét" button is disabled with a scanner listed')
    if is_enabled(button(scan, 'Đính kèm')):
        raise Failure('"Đính kèm" is enabled with no page')


def scan_from_feeder(scan, expected_status):
    choose_in_dropdown(scan, 'Nguồn giấy', 'Khay nạp giấy')
    ui.activate(button(scan, 'Quét'))
    return ui.wait_for('the status %r' % expected_status,
                       lambda: [t for t in ui.labels_in(scan) if t.startswith(expected_status)])


def step_scan_three():
    scan = state['scan']
    scan_from_feeder(scan, 'Đã quét xong 3 trang.')
    pages = ui.wait_for('three thumbnails', lambda: len(page_thumbnails(scan)) == 3 and page_thumbnails(scan))
    names = [ui.name_of(p) for p in pages]
    expected = ['Trang %d: %s' % (i, state['papers'][0]) for i in (1, 2, 3)]
    if names != expected:
        raise Failure('the thumbnails are %r, expected %r' % (names, expected))
    for p in pages:
        ext = ui.extents(p)
        if ext.width < 100 or ext.height < 100:
            raise Failure('thumbnail %r is only %dx%d' % (ui.name_of(p), ext.width, ext.height))


def step_attach():
    scan = state['scan']
    record = state['record']
    save = button(scan, 'Đính kèm')
    ui.wait_for('"Đính kèm" to be enabled', lambda: is_enabled(save))
    ui.activate(save)
    ui.wait_window_gone(SCAN_TITLE)
    file_name = '%s - %s.pdf' % (state['code'], state['papers'][0])
    ui.wait_for('the attachment row %r' % file_name,
                lambda: ui.find(record, None, file_name) is not None or file_name in ui.labels_in(record))
    ui.wait_for('"3 trang" in the row',
                lambda: any('PDF · 3 trang' in t for t in ui.labels_in(record)))
    rows = attachments_of(state['local_id'])
    if len(rows) != 1:
        raise Failure('the record has %d attachments, expected 1: %r' % (len(rows), rows))
    state['attachment'] = rows[0]


def step_check_pdf():
    file_name, document_name, mime, sha256, pages = state['attachment']
    if (mime, pages, document_name) != ('application/pdf', 3, state['papers'][0]):
        raise Failure('the attachment is %r' % (state['attachment'],))
    path = os.path.join(BLOBS, sha256[:2], sha256[2:])
    if not os.path.exists(path):
        raise Failure('no stored file at %s' % path)
    info = subprocess.run(['pdfinfo', path], check=True, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, timeout=60).stdout.decode('utf-8')
    fields = dict(line.split(':', 1) for line in info.splitlines() if ':' in line)
    if fields.get('Pages', '').strip() != '3':
        raise Failure('pdfinfo says %r pages' % fields.get('Pages'))
    title = fields.get('Title', '').strip()
    if title != state['papers'][0]:
        raise Failure('the PDF title is %r, expected %r' % (title, state['papers'][0]))
    if state['code'] not in info:
        raise Failure('the PDF metadata do not name the record %s:\n%s' % (state['code'], info))


def step_jam():
    record = state['record']
    # The record window has the pointer (no window manager): its shortcut opens the scanner.
    ui.click(ui.find(record, None, 'Tệp đính kèm') or button(record, 'Quét…'))
    ui.activate(button(record, 'Quét…'))
    scan = ui.wait_for('the scan window again', scan_window)
    state['scan'] = scan
    ui.wait_for('the test scanner', lambda: 'Chọn máy quét rồi nhấn Quét.' in ui.labels_in(scan))
    # Two sheets go through; then the feeder jams on the next batch.
    write_options('test-picture=Color pattern', 'onestop-max-pages=2')
    scan_from_feeder(scan, 'Đã quét xong 2 trang.')
    ui.wait_for('two thumbnails', lambda: len(page_thumbnails(scan)) == 2)
    write_options('read-return-value=SANE_STATUS_JAMMED')
    ui.activate(button(scan, 'Quét'))
    shown = ui.wait_for('the jam message', lambda: toast_starting(scan, JAM_MESSAGE))
    if shown[0] != JAM_MESSAGE + (' Hãy gỡ tờ giấy bị kẹt, đặt lại các trang chưa quét rồi quét lại.'
                                  ' Các trang đã quét được giữ lại.'):
        raise Failure('the status reads %r' % shown[0])
    if len(page_thumbnails(scan)) != 2:
        raise Failure('%d thumbnails after the jam, expected the 2 scanned before'
                      % len(page_thumbnails(scan)))
    if len(attachments_of(state['local_id'])) != 1:
        raise Failure('the jam attached something')


def step_close_after_jam():
    scan = state['scan']
    ui.close_window(scan, SCAN_TITLE, 'the scan window')
    time.sleep(0.5)
    rows = attachments_of(state['local_id'])
    if len(rows) != 1:
        raise Failure('the record has %d attachments after the jam, expected 1' % len(rows))


def chooser():
    return ui.frame_named(CHOOSER_TITLE)


def step_corrupt_pdf():
    record = state['record']
    ui.click(ui.find(record, None, 'Tệp đính kèm') or button(record, 'Thêm tệp…'))
    ui.activate(button(record, 'Thêm tệp…'))
    dialog = ui.wait_for('the %r file chooser' % CHOOSER_TITLE, chooser)
    # Ctrl+L: type a location instead of browsing.
    ui.press_combo(Atspi.ModifierType.CONTROL, ord('l'))
    entry = ui.wait_for('the location field',
                        lambda: ui.find(dialog, Atspi.Role.TEXT, 'GtkFileChooserEntry'))
    ui.set_text(entry, CORRUPT_PDF)
    ui.wait_for('the path in the location field', lambda: ui.text_of(entry) == CORRUPT_PDF)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_window_gone(CHOOSER_TITLE)
    name = os.path.basename(CORRUPT_PDF)
    message = ui.wait_for('the refusal', lambda: toast_starting(record, 'Tệp PDF “%s”' % name))
    print('# refusal: %s' % message[0])
    if 'hỏng' not in message[0]:
        raise Failure('the refusal %r does not say the file is corrupt' % message[0])
    time.sleep(0.5)
    if len(attachments_of(state['local_id'])) != 1:
        raise Failure('the corrupt file was attached')


def step_quit():
    ui.close_window(state['record'], state['code'], 'the record window')
    # The pointer over the main window: Ctrl+Q goes there.
    ui.click(ui.find(state['win'], Atspi.Role.ENTRY, 'Tìm hồ sơ'))
    ui.quit_with_ctrl_q()


def step_database():
    rows = attachments_of(state['local_id'])
    if len(rows) != 1 or rows[0] != state['attachment']:
        raise Failure('the record\'s attachments are %r, expected only %r' % (rows, state['attachment']))
    # One "attach" mutation waits in the outbox for the server (DESIGN.md).
    conn = db()
    try:
        attach = conn.execute("SELECT count(*) FROM outbox WHERE kind = 'attach' AND record_id = "
                              "(SELECT id FROM records WHERE local_id = ?)", (state['local_id'],)).fetchone()[0]
    finally:
        conn.close()
    if attach != 1:
        raise Failure('the outbox holds %d attach entries for the record, expected 1' % attach)


STEPS = [step_open_record, step_scan_window, step_scan_three, step_attach, step_check_pdf,
         step_jam, step_close_after_jam, step_corrupt_pdf, step_quit, step_database]


def main():
    missing = ui.missing_tool('pdfinfo', 'import', 'xdotool')
    if missing:
        return ui.skip('%s is not installed' % missing)
    if not os.path.exists('/etc/sane.d/test.conf'):
        return ui.skip('SANE\'s test backend is not installed (libsane1)')
    os.makedirs(WORK_DIR, exist_ok=True)
    set_up_files()
    return ui.run_steps(PLAN, STEPS, 'scan')


if __name__ == '__main__':
    ui.run_main(main)
