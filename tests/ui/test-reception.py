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
import sqlite3
import subprocess

import atspi_helpers as ui
import desk_pages as pages
from atspi_helpers import Atspi, Failure, find, find_all, name_of, role_of, text_of
from desk_pages import ADDRESS, CARD_ID, CARD_NAME, PHONE, PROCEDURE, SLIP_TITLE

WORK_DIR = ui.WORK_DIR
DATABASE = ui.DATABASE
EXPORT_DIR = os.path.join(WORK_DIR, 'xuat')

# Eleven digits: the reader dropped one.
BAD_CARD_LINE = '00119001234|123456789|Trần Văn Bình|01021990|Nam|Số 1 phố Huế, Hà Nội|15082021'

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

state = {}


def step_start():
    ui.start_app(ONESTOP_DATABASE=DATABASE, ONESTOP_NO_DEMO='1')
    win = ui.wait_for('the main window', ui.main_window, timeout=60)
    ui.wait_for('the procedure catalogue', lambda: find(win, Atspi.Role.LIST, 'Danh mục thủ tục'))
    state['win'] = win


def step_choose_procedure():
    pages.choose_procedure(state['win'])


def step_scan_card():
    state['rows'] = pages.scan_card(state['win'])


def step_bad_card():
    win = state['win']
    rows = state['rows']
    phone = rows['Số điện thoại']
    before = pages.form_values(rows)
    if before['Số điện thoại'] != '':
        raise Failure('the phone row is not empty before the test: %r' % before['Số điện thoại'])
    ui.type_into(phone, BAD_CARD_LINE)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the phone row to go back to empty', lambda: text_of(phone) == '')
    ui.wait_for('a toast about the 12-digit ID',
                lambda: pages.toast_shown(win, 'Số định danh trên mã QR phải có đúng 12 chữ số'))
    after = pages.form_values(rows)
    if after != before:
        changed = {n: (before[n], after[n]) for n in before if before[n] != after[n]}
        raise Failure('the malformed line changed the form: %r' % changed)


def step_rest_of_form():
    state['documents'] = pages.fill_rest_of_form(state['win'], state['rows'])


def step_save():
    slip, code = pages.save_record(state['win'])
    state['slip'] = slip
    state['code'] = code
    if name_of(slip) != SLIP_TITLE:
        raise Failure('the slip window is named %r, expected %r' % (name_of(slip), SLIP_TITLE))


def file_dialog():
    for f in ui.frames():
        if f is state['slip'] or f is state['win']:
            continue
        if find(f, Atspi.Role.TEXT, None) is not None or find(f, Atspi.Role.ENTRY, None) is not None:
            if name_of(f) == 'Xuất phiếu ra PDF':
                return f
    return None


def dialog_name_entry(dialog):
    """The file name field of GTK's save dialog: the editable text holding the suggested name."""
    entries = find_all(dialog, lambda a: role_of(a) in (Atspi.Role.TEXT, Atspi.Role.ENTRY) and
                       ui.has_state(a, Atspi.StateType.EDITABLE))
    for e in entries:
        if text_of(e).endswith('.pdf'):
            return e
    return None


def step_export():
    slip = state['slip']
    code = state['code']
    ui.activate(ui.button_containing(slip, 'Xuất PDF'))
    dialog = ui.wait_for('the "Xuất phiếu ra PDF" file dialog', file_dialog)
    entry = ui.wait_for('the file name field', lambda: dialog_name_entry(dialog))
    suggested = text_of(entry)
    if suggested != '%s-mau-01.pdf' % code:
        raise Failure('the dialog suggests %r, expected %r' % (suggested, '%s-mau-01.pdf' % code))
    os.makedirs(EXPORT_DIR, exist_ok=True)
    path = os.path.join(EXPORT_DIR, suggested)
    ui.focus(entry)
    ui.set_text(entry, path)
    ui.wait_for('the path in the name field', lambda: text_of(entry) == path)
    ui.press_key(ui.KEY_RETURN)
    ui.wait_for('the PDF file %s' % path, lambda: os.path.exists(path) and os.path.getsize(path) > 0)
    ui.wait_window_gone('Xuất phiếu ra PDF')
    ui.wait_for('the "Đã lưu" toast', lambda: pages.toast_shown(slip, 'Đã lưu %s.' % suggested))
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
    pictures = sorted(p for p in os.listdir(WORK_DIR) if p.startswith('slip-page') and p.endswith('.png'))
    if not pictures:
        raise Failure('pdftoppm made no picture of page 1')
    with open(os.path.join(WORK_DIR, 'zbarimg.log'), 'w') as log:
        result = subprocess.run(['zbarimg', '--raw', '-q', os.path.join(WORK_DIR, pictures[0])],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                                timeout=120)
    decoded = [line for line in result.stdout.decode('utf-8').splitlines() if line]
    if not decoded:
        raise Failure('no QR code found on page 1 (zbarimg status %d)' % result.returncode)
    if any(d != code for d in decoded):
        raise Failure('the QR code(s) on page 1 read %r, expected %r' % (decoded, code))


def step_find_record():
    win = state['win']
    code = state['code']
    pages.close_slip(state['slip'], dismiss_toast=True)
    search = pages.show_records_page(win)
    pages.wait_record_listed(win, code)
    record = pages.open_record(search, code)
    if CARD_NAME not in ui.labels_in(record):
        raise Failure('the record window does not show the applicant %r' % CARD_NAME)
    # Close it with its close button, so that Ctrl+Q goes to the main window.
    ui.close_window(record, code, 'the record window')


def step_quit():
    # The pointer is over the main window (the record window has gone): keys go there.
    ui.quit_with_ctrl_q()


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
    missing = ui.missing_tool('pdftotext', 'pdftoppm', 'zbarimg', 'import', 'xdotool')
    if missing:
        return ui.skip('%s is not installed' % missing)
    return ui.run_steps(PLAN, STEPS, 'reception')


if __name__ == '__main__':
    ui.run_main(main)
