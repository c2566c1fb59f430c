#!/bin/sh
# bench-startup.sh BUILD_DIR DATABASE [RUNS]: runs bench-startup in a display and session
# of its own (the way tests/ui/run-ui-test.sh runs the UI tests): one Xvfb and one private
# session bus for all the runs, its own HOME and XDG directories under the build tree.
# Output goes to files, never to a pipe; afterwards nothing this run started is left.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "$1" && pwd)
database=$2
runs=${3:-5}

for tool in xvfb-run xauth dbus-run-session; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench-startup.sh: $tool is not installed" >&2
    exit 77
  fi
done

work="$build_dir/tests/bench/startup-work"
rm -rf "$work"
mkdir -p "$work/home" "$work/runtime" "$work/data" "$work/cache" "$work/runs"
chmod 700 "$work/runtime"

unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS NO_AT_BRIDGE \
      GTK_A11Y GTK_USE_PORTAL GTK_MODULES SESSION_MANAGER XAUTHORITY GSK_RENDERER
export HOME="$work/home"
export XDG_RUNTIME_DIR="$work/runtime"
export XDG_DATA_HOME="$work/data"
export XDG_CACHE_HOME="$work/cache"
export GSETTINGS_SCHEMA_DIR="$build_dir/data"
export GDK_BACKEND=x11
export TZ="${TZ:-Asia/Ho_Chi_Minh}"
export BENCH_WORK_DIR="$work"   # marks every process of this run

display_from=$((200 + $$ % 500))
xvfb-run -a -n "$display_from" -e "$work/xvfb.log" -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session --config-file="$here/../ui/session.conf" -- \
  sh -c 'exec "$0" --app="$1" --db="$2" --work-dir="$3" --runs="$4" >"$5" 2>"$6"' \
  "$build_dir/tests/bench/bench-startup" "$build_dir/src/desk/onestop-desk" "$database" \
  "$work/runs" "$runs" "$work/out.log" "$work/err.log" \
  </dev/null >"$work/session.log" 2>&1
status=$?

cat "$work/out.log"
grep -v -e '^dbus-daemon' "$work/err.log" >&2

# The accessibility bus may outlive the session bus for a moment; end what is left.
leftovers () {
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    [ "$pid" = "$$" ] && continue
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "BENCH_WORK_DIR=$work"; then
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
  kill $left 2>/dev/null
  sleep 1
  left=$(leftovers)
  [ -n "$left" ] && kill -9 $left 2>/dev/null
fi
exit $status
