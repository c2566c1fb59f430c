#!/usr/bin/python3
# screenshots.py: takes the AppStream screenshots (data/screenshots/*.png) of the
# desk with its demo data, at 1280x800, driving it the way the UI tests do
# (atspi_helpers.py, desk_pages.py).
#
#   ninja -C _build ui-screenshots
#
# (runs this through run-ui-test.sh, in its own X server and session bus).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time

import atspi_helpers as ui
import desk_pages as pages
from atspi_helpers import Atspi

HERE = os.path.dirname(os.path.abspath(__file__))
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
    ui.screenshot(path, check=True, timeout=60)
    print('# wrote %s' % path)


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    # The demo agency, catalogue and records.
    ui.start_app(ONESTOP_DATABASE=ui.DATABASE, ONESTOP_NO_DEMO=None)
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
        ui.wait_for('the chosen procedure', lambda: pages.procedure_row_title(win) == pages.PROCEDURE)
        rows = pages.applicant_rows(win)
        ui.type_into(rows['Họ và tên'], pages.CARD_NAME, click_first=False)
        ui.type_into(rows['Số định danh cá nhân (CCCD)'], pages.CARD_ID)
        ui.type_into(rows['Ngày sinh (dd/mm/yyyy)'], '01/02/19')
        settle()
        shoot('reception.png')

        # Records: the demo agency's list.
        pages.show_records_page(win)
        table = pages.records_table(win)
        ui.wait_for('records in the list',
                    lambda: any(pages.CODE_RE.match(t) for t in pages.codes_listed(table)))
        settle()
        shoot('records.png')
    finally:
        ui.stop_app()
    return 0


if __name__ == '__main__':
    sys.exit(main())
