#!/bin/sh
# run-ui-test.sh TEST.py: runs one accessibility-driven UI test in a real window.
#
# Each run gets its own X server (xvfb-run), its own session bus (dbus-run-session with
# session.conf, which can start only the accessibility bus) and its own HOME and XDG
# directories under the build tree (tests/common/private-session.sh).  Output goes to
# files, never to a pipe a daemon could keep open; afterwards this script makes sure
# nothing it started is still running and prints the test's TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common/private-session.sh"
test_script=$1
name=$(basename "$test_script" .py)
python=/usr/bin/python3     # the Debian one, with gi and Atspi

session_require xvfb-run xauth dbus-run-session
# UI_TEST_KEYRING=1: the test needs a Secret Service (login sessions); a private, unlocked
# gnome-keyring-daemon starts on the test's own session bus and ends with it.
keyring=
if [ "${UI_TEST_KEYRING:-}" = 1 ]; then
  session_require gnome-keyring-daemon
  keyring="--keyring ui-test-keyring"
fi
launcher=$(sed -n 's/^Exec=//p' "$here/services/org.a11y.Bus.service")
[ -x "$launcher" ] || session_skip "$launcher is not installed (at-spi2-core)"
"$python" -c "import gi; gi.require_version('Atspi', '2.0')" >/dev/null 2>&1 \
  || session_skip "$python has no gi.repository.Atspi (gir1.2-atspi-2.0)"

: "${BUILD_DIR:?BUILD_DIR must be set (meson test sets it)}"
mkdir -p "$BUILD_DIR/tests/ui/tmp" "$BUILD_DIR/meson-logs"
work=$(mktemp -d "$BUILD_DIR/tests/ui/tmp/$name.XXXXXX") || exit 99
# Every process of this run carries UI_TEST_WORK_DIR; the tests keep their files there.
session_enter "$work" UI_TEST_WORK_DIR
export GSETTINGS_BACKEND=memory
export TZ="${TZ:-Asia/Ho_Chi_Minh}"
export UI_TEST_LOG_DIR="$BUILD_DIR/meson-logs"
# The tests import their helpers (atspi_helpers.py …) from the source tree: no __pycache__ there.
export PYTHONDONTWRITEBYTECODE=1

start=$(date +%s)
# The daemons' chatter goes to session.log; the test's own TAP to test.log.
# shellcheck disable=SC2086  # $keyring is two words or none
session_run --x $keyring "$here/session.conf" "$work/test.log" "$work/test.err" "$python" "$test_script"
status=$?
end=$(date +%s)

cat "$work/test.log"
session_print "$work/test.err" stderr
session_print "$work/session.log" session

session_end_leftovers || { [ $status -eq 0 ] && status=1; }

echo "# $name: status $status in $((end - start)) s"
session_finish $status
exit $status
