#!/bin/sh
# bench-startup.sh BUILD_DIR DATABASE [RUNS]: runs bench-startup in a display and session
# of its own (the way tests/ui/run-ui-test.sh runs the UI tests, with
# tests/common/private-session.sh): one Xvfb and one private session bus for all the
# runs, its own HOME and XDG directories under the build tree.  Output goes to files,
# never to a pipe; afterwards nothing this run started is left.
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common/private-session.sh"
build_dir=$(cd "$1" && pwd)
database=$2
runs=${3:-5}

# Not a test: no TAP.
session_skip () {
  echo "bench-startup.sh: $*" >&2
  exit 77
}
session_require xvfb-run xauth dbus-run-session

work="$build_dir/tests/bench/startup-work"
rm -rf "$work"
mkdir -p "$work/runs"
session_enter "$work" BENCH_WORK_DIR
unset GSK_RENDERER
export GSETTINGS_SCHEMA_DIR="$build_dir/data"
export TZ="${TZ:-Asia/Ho_Chi_Minh}"

session_run --x "$here/../ui/session.conf" "$work/out.log" "$work/err.log" \
  "$build_dir/tests/bench/bench-startup" --app="$build_dir/src/desk/onestop-desk" --db="$database" \
  --work-dir="$work/runs" --runs="$runs"
status=$?

cat "$work/out.log"
grep -v -e '^dbus-daemon' "$work/err.log" >&2

# The accessibility bus may outlive the session bus for a moment; end what is left.
session_end_leftovers >&2
exit $status
