#!/bin/sh
# run-ui-test.sh TEST.py: runs one accessibility-driven UI test in a real window.
#
# Each run gets its own X server (xvfb-run), its own session bus (dbus-run-session with
# session.conf, which can start only the accessibility bus) and its own HOME and XDG
# directories under the build tree.  Output goes to files, never to a pipe a daemon
# could keep open; afterwards this script makes sure nothing it started is still
# running and prints the test's TAP output.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

here=$(cd "$(dirname "$0")" && pwd)
test_script=$1
name=$(basename "$test_script" .py)
python=/usr/bin/python3     # the Debian one, with gi and Atspi

skip () {
  echo "1..0 # SKIP $*"
  exit 77
}

for tool in xvfb-run xauth dbus-run-session; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
launcher=$(sed -n 's/^Exec=//p' "$here/services/org.a11y.Bus.service")
[ -x "$launcher" ] || skip "$launcher is not installed (at-spi2-core)"
"$python" -c "import gi; gi.require_version('Atspi', '2.0')" >/dev/null 2>&1 \
  || skip "$python has no gi.repository.Atspi (gir1.2-atspi-2.0)"

: "${BUILD_DIR:?BUILD_DIR must be set (meson test sets it)}"
mkdir -p "$BUILD_DIR/tests/ui/tmp" "$BUILD_DIR/meson-logs"
work=$(mktemp -d "$BUILD_DIR/tests/ui/tmp/$name.XXXXXX") || exit 99
mkdir -p "$work/home" "$work/runtime" "$work/config" "$work/data" "$work/cache"
chmod 700 "$work/runtime"

# Nothing of the caller's desktop may leak in.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS NO_AT_BRIDGE \
      GTK_A11Y GTK_USE_PORTAL GTK_MODULES SESSION_MANAGER XAUTHORITY
export HOME="$work/home"
export XDG_RUNTIME_DIR="$work/runtime"
export XDG_CONFIG_HOME="$work/config"
export XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache"
export GSETTINGS_BACKEND=memory
export GDK_BACKEND=x11
export TZ="${TZ:-Asia/Ho_Chi_Minh}"
export UI_TEST_WORK_DIR="$work"
export UI_TEST_LOG_DIR="$BUILD_DIR/meson-logs"

# Other jobs on the machine may start X servers too; begin the search for a free
# display number somewhere else than everyone's :99.
display_from=$((200 + $$ % 500))

start=$(date +%s)
# -noreset: the X server must not reset when its last client goes away (the
# accessibility launcher connects and leaves at start-up); a client connecting
# during the reset is refused, and the app dies with "cannot open display".
# The daemons' chatter goes to session.log; the test's own TAP to test.log.
xvfb-run -a -n "$display_from" -e "$work/xvfb.log" -s "-screen 0 1280x800x24 -nolisten tcp -noreset" \
  dbus-run-session --config-file="$here/session.conf" -- \
  sh -c 'exec "$0" "$1" >"$2" 2>"$3"' "$python" "$test_script" "$work/test.log" "$work/test.err" \
  </dev/null >"$work/session.log" 2>&1
status=$?
end=$(date +%s)

cat "$work/test.log"
if [ -s "$work/test.err" ]; then
  sed 's/^/# stderr: /' "$work/test.err"
fi
if [ -s "$work/session.log" ]; then
  sed 's/^/# session: /' "$work/session.log"
fi

# Everything this run started carries UI_TEST_WORK_DIR in its environment.  The bus
# daemons and the accessibility launcher go away on their own once the session bus
# closes; give them a moment, then end (and report) whatever is left.
leftovers () {
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    [ "$pid" = "$$" ] && continue
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "UI_TEST_WORK_DIR=$work"; then
      # Zombies have no environment to read, so whatever matches is alive.
      echo "$pid"
    fi
  done
}
tries=0
left=$(leftovers)
while [ -n "$left" ] && [ $tries -lt 50 ]; do
  sleep 0.1
  tries=$((tries + 1))
  left=$(leftovers)
done
if [ -n "$left" ]; then
  echo "# processes left behind:"
  for pid in $left; do
    echo "#   $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  done
  kill $left 2>/dev/null
  sleep 1
  left=$(leftovers)
  [ -n "$left" ] && kill -9 $left 2>/dev/null
  [ $status -eq 0 ] && status=1
fi

echo "# $name: status $status in $((end - start)) s"
if [ $status -eq 0 ]; then
  rm -rf "$work"
else
  echo "# files of this run (logs, database, PDF): $work"
fi
exit $status
