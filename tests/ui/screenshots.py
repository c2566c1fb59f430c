#!/usr/bin/python3
# screenshots.py: takes the AppStream screenshots (data/screenshots/*.png) of the
# desk with its demo data, at 1280x800, driving it like test-reception.py does.
#
#   ninja -C _build ui-screenshots
#
# (runs this through run-ui-test.sh, in its own X server and session bus).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib.util
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('ui', os.path.join(HERE, 'test-reception.py'))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)
Atspi = ui.Atspi

OUTPUT = os.environ.get('SCREENSHOT_DIR',
                        os.path.join(os.environ.get('SOURCE_DIR', os.path.join(HERE, '..', '..')),
                                     'data', 'screenshots'))
WIDTH, HEIGHT = 1280, 800


def xdotool(*args):
    return subprocess.run(['xdotool'] + list(args), stdin=subprocess.DEVNULL, check=True,
                          stdout=subprocess.PIPE, timeout=30).stdout.decode().strip()


def settle():
    """Lets GTK finish its transitions and paint (the view switcher and the list
    selection animate for a few hundred milliseconds)."""
    xdotool('mousemove', str(WIDTH - 1), str(HEIGHT - 1))
    time.sleep(1.5)


def shoot(name):
    path = os.path.join(OUTPUT, name)
    subprocess.run(['import', '-window', 'root', path], stdin=subprocess.DEVNULL, check=True,
                   timeout=60)
    print('# wrote %s' % path)


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    env = dict(os.environ)
    env['ONESTOP_DATABASE'] = ui.DATABASE
    env.pop('ONESTOP_NO_DEMO', None)          # the demo agency, catalogue and records
    ui.app_log = open(os.path.join(ui.WORK_DIR, 'onestop-desk.log'), 'w')
    ui.app_process = subprocess.Popen([ui.APP], stdin=subprocess.DEVNULL, stdout=ui.app_log,
                                      stderr=subprocess.STDOUT, env=env, cwd=ui.WORK_DIR)
    try:
        win = ui.wait_for('the main window', ui.main_window, timeout=60)
        # No window manager: make the window fill the screen ourselves.
        xid = ui.wait_for('the X window', lambda: xdotool('search', '--onlyvisible', '--name',
                                                          '^Một cửa$').split()[0])
        xdotool('windowsize', xid, str(WIDTH), str(HEIGHT))
        ui.wait_for('the window to be %dx%d' % (WIDTH, HEIGHT),
                    lambda: 'Geometry: %dx%d' % (WIDTH, HEIGHT) in xdotool('getwindowgeometry', xid))

        # Reception: a procedure chosen, an applicant being typed in.
        search = ui.find(win, Atspi.Role.ENTRY, 'Tìm thủ tục')
        ui.type_into(search, 'khai sinh')
        ui.press_key(ui.KEY_RETURN)
        ui.wait_for('the chosen procedure', lambda: ui.procedure_row_title(win) == 'Đăng ký khai sinh')
        rows = ui.applicant_rows(win)
        ui.type_into(rows['Họ và tên'], 'Nguyễn Thị Hồng Nhung', click_first=False)
        ui.type_into(rows['Số định danh cá nhân (CCCD)'], '001190012345')
        ui.type_into(rows['Ngày sinh (dd/mm/yyyy)'], '01/02/19')
        settle()
        shoot('reception.png')

        # Records: the demo agency's list.
        ui.press_combo(Atspi.ModifierType.ALT, ord('2'))
        ui.wait_for('the records page', lambda: ui.records_page_shown(win))
        table = ui.find(win, Atspi.Role.TREE_TABLE, 'Danh sách hồ sơ')
        ui.wait_for('records in the list', lambda: any(
            ui.CODE_RE.match(ui.text_of(a))
            for a in ui.find_all(table, lambda a: ui.role_of(a) == Atspi.Role.LABEL)))
        settle()
        shoot('records.png')
    finally:
        ui.stop_app()
    return 0


if __name__ == '__main__':
    sys.exit(main())
