#!/usr/bin/python3
# test-sync-login.py: a desk that works with a server, driven through AT-SPI the way an
# officer works: log in (a wrong password first), see the header say it is in step with
# the server, lose the server (killed), receive a record offline with a number the server
# leased earlier, see the header and the record say it waits, get the server back, see
# the header say "Đã đồng bộ", and find the record on the server.
#
# Run by run-ui-test.sh (own X server, session bus and unlocked keyring: UI_TEST_KEYRING=1)
# under tests/common/with-postgres.sh (a throwaway PostgreSQL and a TLS certificate), with
# ONESTOP_SERVER set to the built onestop-server.  Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import signal
import socket
import ssl
import subprocess
import time
import urllib.request

import atspi_helpers as ui
import desk_pages as pages
from atspi_helpers import Atspi, Failure, find, find_all, name_of, role_of, text_of, labels_in

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get('SOURCE_DIR', os.path.dirname(os.path.dirname(HERE)))
WORK_DIR = ui.WORK_DIR
SHOT_DIR = os.environ.get('UI_TEST_SHOT_DIR')      # set to keep screenshots of each state

AGENCY = '000.00.11.H26'
UNIT_NAME = 'UBND Phường Trung Hòa'
USERNAME = 'lan'
FULL_NAME = 'Nguyễn Thị Lan'
PASSWORD = 'mat-khau-cua-lan'
REFUSED_TITLE = 'Thay đổi bị máy chủ từ chối'
SYNC_TIMEOUT = 120.0    # the engine retries with backoff: 1, 2, 4, … s

PLAN = [
    'a server runs with a unit, an officer, a desk and the catalogue',
    'the login window appears and refuses a wrong password in Vietnamese',
    'the officer logs in; the header says "Đã đồng bộ"',
    'the sync popover shows the last sync, the leased numbers and "Đồng bộ ngay"',
    'with the server killed, a record is received with a leased code',
    'the header says the record waits, offline; the record window says so too',
    'the server comes back; the header says "Đã đồng bộ" and the record window agrees',
    'the server holds the record under its code',
    'Ctrl+Shift+E opens the refused list, empty',
    'logging out (confirmed) revokes the session and brings the login window back',
    'logging in again resumes the same database, in step with the server',
    'Ctrl+Q quits, and the application logged no critical',
]

state = {}
server = {'process': None, 'port': None, 'log': None}


# The server ------------------------------------------------------------------------------

def env(name):
    value = os.environ.get(name)
    if not value:
        raise Failure('%s is not set (run under tests/common/with-postgres.sh)' % name)
    return value


def admin(*args, stdin=None):
    result = subprocess.run([env('ONESTOP_SERVER'), 'admin', '--db', env('ONESTOP_TEST_CONNINFO')] + list(args),
                            input=(stdin or '').encode('utf-8'), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60)
    if result.returncode != 0:
        raise Failure('onestop-server admin %s failed: %s' % (' '.join(args), result.stderr.decode()))
    return result.stdout.decode('utf-8').strip()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def base_url():
    return 'https://127.0.0.1:%d/api/v1' % server['port']


def health():
    context = ssl.create_default_context(cafile=env('ONESTOP_TEST_CERT'))
    try:
        with urllib.request.urlopen(base_url() + '/health', context=context, timeout=2) as answer:
            return answer.status == 200
    except Exception:
        return False


def start_server():
    if server['port'] is None:
        server['port'] = free_port()
    server['log'] = open(os.path.join(WORK_DIR, 'onestop-server.log'), 'a')
    server['process'] = subprocess.Popen(
        [env('ONESTOP_SERVER'), 'serve', '--db', env('ONESTOP_TEST_CONNINFO'), '--listen', '127.0.0.1',
         '--port', str(server['port']), '--tls-cert', env('ONESTOP_TEST_CERT'),
         '--tls-key', env('ONESTOP_TEST_KEY'), '--workers', '2'],
        stdin=subprocess.DEVNULL, stdout=server['log'], stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while not health():
        if server['process'].poll() is not None:
            raise Failure('onestop-server exited with status %d (see %s)'
                          % (server['process'].returncode, server['log'].name))
        if time.monotonic() > deadline:
            raise Failure('onestop-server did not answer /health within 30 s')
        time.sleep(0.1)


def kill_server():
    p = server['process']
    if p is not None and p.poll() is None:
        p.send_signal(signal.SIGKILL)       # like a crash or a pulled cable
        p.wait()
    server['process'] = None


def psql(sql):
    result = subprocess.run(['psql', env('ONESTOP_TEST_CONNINFO'), '-tAc', sql], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if result.returncode != 0:
        raise Failure('psql failed: %s' % result.stderr.decode())
    return result.stdout.decode('utf-8').split('\n')


# The application ----------------------------------------------------------------------------

def start_app():
    ui.start_app(ONESTOP_SERVER_URL=base_url(), ONESTOP_DESK_ID=state['desk'],
                 ONESTOP_SERVER_CA=env('ONESTOP_TEST_CERT'), ONESTOP_DATABASE=None)


def shot(name):
    """A picture of the screen for people to look at (UI_TEST_SHOT_DIR)."""
    if not SHOT_DIR:
        return
    os.makedirs(SHOT_DIR, exist_ok=True)
    ui.screenshot(os.path.join(SHOT_DIR, name + '.png'))


def login_window():
    for f in ui.frames():
        if find(f, None, 'Tên đăng nhập') is not None and find(f, None, 'Mật khẩu') is not None:
            return f
    return None


def editable(root, name):
    found = find_all(root, lambda a: name_of(a) == name and
                     role_of(a) in (Atspi.Role.TEXT, Atspi.Role.ENTRY, Atspi.Role.PASSWORD_TEXT))
    return found[0] if found else None


def button(root, name):
    """A push button by its accessible name or its label.  (GTK 4.8 names a button
    after its label property and its label child both: "Đăng _xuất Đăng xuất".)  Of
    several, one that has a size on screen."""
    def named(a):
        if role_of(a) != Atspi.Role.PUSH_BUTTON:
            return False
        if name_of(a) == name or name_of(a).startswith(name + ' '):
            return True
        return any(role_of(c) == Atspi.Role.LABEL and text_of(c) == name for c in ui.children(a))
    found = find_all(root, named)
    for b in found:
        try:
            if ui.extents(b).width > 0:
                return b
        except Exception:
            pass
    return found[0] if found else None


STATUS_PREFIX = 'Trạng thái đồng bộ: '


def status_of(win):
    """What the header's sync button says ("" when it is not there)."""
    for acc in find_all(win, lambda a: name_of(a).startswith(STATUS_PREFIX)):
        return name_of(acc)[len(STATUS_PREFIX):]
    return ''


def status_buttons(win):
    """The header's sync button (it opens the sync popover)."""
    return find_all(win, lambda a: role_of(a) in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON) and
                    name_of(a).startswith(STATUS_PREFIX))


def wait_status(win, what, predicate, timeout=ui.TIMEOUT):
    seen = []

    def probe():
        s = status_of(win)
        if not seen or seen[-1] != s:
            seen.append(s)
        return s if predicate(s) else None
    try:
        return ui.wait_for(what, probe, timeout=timeout)
    finally:
        print('# header said, in turn: %s' % ' → '.join(repr(s) for s in seen))


# The steps -------------------------------------------------------------------------------------

def step_server():
    admin('migrate')
    admin('unit-add', AGENCY, UNIT_NAME)
    admin('user-add', USERNAME, FULL_NAME, '--roles=reception', '--units=' + AGENCY, stdin=PASSWORD + '\n')
    desk = admin('desk-add', AGENCY, 'Quầy 1')
    if not re.match(r'^[0-9a-f-]{36}$', desk.splitlines()[-1]):
        raise Failure('desk-add printed %r, expected the desk id' % desk)
    state['desk'] = desk.splitlines()[-1]
    admin('import-procedures', os.path.join(SOURCE_DIR, 'data', 'demo', 'procedures.json'))
    start_server()


def step_login_refused():
    start_app()
    win = ui.wait_for('the login window', login_window, timeout=60)
    state['login'] = win
    user = editable(win, 'Tên đăng nhập')
    password = editable(win, 'Mật khẩu')
    if user is None or password is None:
        raise Failure('the login window has no "Tên đăng nhập" or "Mật khẩu" field')
    ui.type_into(user, USERNAME)
    ui.set_text(password, 'sai-mat-khau')
    login = button(win, 'Đăng nhập')
    if login is None:
        raise Failure('no button "Đăng nhập"')
    shot('sync-login')
    ui.activate(login)
    ui.wait_for('the refusal in the login window',
                lambda: 'Sai tên đăng nhập hoặc mật khẩu.' in labels_in(win))
    shot('sync-login-refused')


def step_login():
    win = state['login']
    password = editable(win, 'Mật khẩu')
    ui.set_text(password, PASSWORD)
    ui.activate(button(win, 'Đăng nhập'))
    main = ui.wait_for('the main window after logging in', ui.main_window, timeout=60)
    state['win'] = main
    ui.wait_for('the procedure catalogue', lambda: find(main, Atspi.Role.LIST, 'Danh mục thủ tục'))
    wait_status(main, 'the header to say "Đã đồng bộ"', lambda s: s == 'Đã đồng bộ', timeout=SYNC_TIMEOUT)
    shot('sync-header-synced')


def step_popover():
    win = state['win']
    buttons = status_buttons(win)
    if not buttons:
        raise Failure('no sync status button in the header')
    ui.click(buttons[0])

    def details():
        labels = [t for a in ui.frames() for t in labels_in(a)]
        last = [t for t in labels if t.startswith('Lần đồng bộ cuối: ')]
        codes = [t for t in labels if t.startswith('Số hiệu hồ sơ còn cấp được hôm nay: ')]
        return (last, codes) if last and codes else None
    last, codes = ui.wait_for('the popover with the last sync and the free numbers', details)
    if not re.match(r'^Lần đồng bộ cuối: \d\d/\d\d/\d{4} \d\d:\d\d$', last[0]):
        raise Failure('the popover says %r' % last[0])
    free = int(codes[0].rsplit(' ', 1)[1])
    if free <= 0:
        raise Failure('no leased number for today: %r' % codes[0])
    print('# %s; %s' % (last[0], codes[0]))
    if not [b for f in ui.frames() for b in [button(f, 'Đồng bộ ngay')] if b is not None]:
        raise Failure('no "Đồng bộ ngay" button in the popover')
    shot('sync-popover')
    ui.press_key(ui.KEY_ESCAPE)
    ui.wait_for('the popover to close',
                lambda: not any(ui.has_state(b, Atspi.StateType.CHECKED) or
                                ui.has_state(b, Atspi.StateType.PRESSED) for b in buttons) or None)


def step_receive_offline():
    kill_server()
    win = state['win']
    # Back on the reception page with the focus in the procedure search (Ctrl+N).
    ui.press_combo(Atspi.ModifierType.CONTROL, ord('n'))
    pages.choose_procedure(win)
    rows = pages.scan_card(win)
    pages.fill_rest_of_form(win, rows)
    slip, state['code'] = pages.save_record(win)
    if not state['code'].startswith(AGENCY + '-'):
        raise Failure('the code %r does not start with the unit\'s agency code %s' % (state['code'], AGENCY))
    pages.close_slip(slip)


def step_waiting():
    win = state['win']
    status = wait_status(win, 'the header to say one record waits',
                         lambda s: '1 hồ sơ chờ gửi' in s and s.startswith('Ngoại tuyến'),
                         timeout=SYNC_TIMEOUT)
    print('# header: %s' % status)
    shot('sync-header-offline')
    # The record's own state, in its window (Alt+2, search its code, Enter).
    search = pages.show_records_page(win)
    record = pages.open_record(search, state['code'])
    ui.wait_for('the record window to say it waits',
                lambda: 'Đang chờ gửi lên máy chủ' in labels_in(record))
    state['record'] = record
    shot('sync-record-waiting')


def step_back_online():
    start_server()
    win = state['win']
    wait_status(win, 'the header to say "Đã đồng bộ" again', lambda s: s == 'Đã đồng bộ',
                timeout=SYNC_TIMEOUT)
    record = state['record']
    ui.wait_for('the record window to say the server has it',
                lambda: 'Máy chủ đã nhận mọi thay đổi của hồ sơ' in labels_in(record))
    shot('sync-header-synced-again')
    ui.close_window(record, state['code'], 'the record window')


def step_on_server():
    rows = [r for r in psql("SELECT code || '|' || (data->>'applicant_name') FROM records") if r]
    codes = [r.split('|')[0] for r in rows]
    if codes.count(state['code']) != 1:
        raise Failure('the server holds %r, expected the record %s once' % (rows, state['code']))
    print('# on the server: %s' % rows)


def refused_window():
    return ui.frame_named(REFUSED_TITLE)


def step_refused_list():
    ui.press_combo((Atspi.ModifierType.CONTROL, Atspi.ModifierType.SHIFT), ord('e'))
    refused = ui.wait_for('the "Thay đổi bị máy chủ từ chối" window', refused_window)
    ui.wait_for('the empty list', lambda: 'Không có thay đổi nào bị từ chối' in labels_in(refused))
    shot('sync-refused-empty')
    ui.close_window(refused, REFUSED_TITLE, 'the refused window')


def frame_with_label(text):
    for f in ui.frames():
        if text in labels_in(f):
            return f
    return None


def step_logout():
    win = state['win']
    status = status_buttons(win)[0]
    ui.click(status)
    logout = ui.wait_for('"Đăng xuất" in the popover',
                         lambda: [b for f in ui.frames() for b in [button(f, 'Đăng xuất')] if b is not None])
    ui.activate(logout[0])
    dialog = ui.wait_for('the "Đăng xuất?" question', lambda: frame_with_label('Đăng xuất?'))
    if 'Mọi thay đổi đã được gửi lên máy chủ. Phiên làm việc sẽ được thu hồi.' not in labels_in(dialog):
        raise Failure('the question says %r' % labels_in(dialog))
    shot('sync-logout-question')
    ui.activate(button(dialog, 'Đăng xuất'))
    login = ui.wait_for('the login window after logging out', login_window)
    ui.wait_for('"Đã đăng xuất." in the login window', lambda: 'Đã đăng xuất.' in labels_in(login))
    if ui.main_window() is not None:
        raise Failure('the main window is still there after logging out')
    sessions = [r for r in psql('SELECT revoked FROM sessions ORDER BY created_at') if r]
    if not sessions or sessions[-1] != 't':
        raise Failure('the server\'s sessions are %r, expected the last one revoked' % sessions)
    state['login'] = login


def step_login_again():
    login = state['login']
    user = editable(login, 'Tên đăng nhập')
    if text_of(user) != USERNAME:
        raise Failure('the login window offers %r, expected the last user %r' % (text_of(user), USERNAME))
    ui.set_text(editable(login, 'Mật khẩu'), PASSWORD)
    ui.activate(button(login, 'Đăng nhập'))
    main = ui.wait_for('the main window after logging in again', ui.main_window, timeout=60)
    state['win'] = main
    wait_status(main, 'the header to say "Đã đồng bộ"', lambda s: s == 'Đã đồng bộ', timeout=SYNC_TIMEOUT)
    # The same database: the record received before is still on this desk.
    pages.show_records_page(main)
    pages.wait_record_listed(main, state['code'])


def step_quit():
    # The pointer is over the main window (the records list): keys go there.
    ui.quit_with_ctrl_q()


STEPS = [step_server, step_login_refused, step_login, step_popover, step_receive_offline,
         step_waiting, step_back_online, step_on_server, step_refused_list, step_logout, step_login_again,
         step_quit]


def server_diagnostics():
    if server['log'] is not None:
        print('# server log: %s' % server['log'].name)


def main():
    missing = ui.missing_tool('pdftotext', 'import', 'xdotool', 'psql')
    if missing:
        return ui.skip('%s is not installed' % missing)
    for name in ('ONESTOP_SERVER', 'ONESTOP_TEST_CONNINFO', 'ONESTOP_TEST_CERT'):
        if not os.environ.get(name):
            return ui.skip('%s is not set (run under tests/common/with-postgres.sh)' % name)
    return ui.run_steps(PLAN, STEPS, 'sync', diagnostics=server_diagnostics, cleanup=kill_server)


if __name__ == '__main__':
    ui.run_main(main, cleanup=kill_server)
