#!/bin/sh
# run-keyring-test.sh PROGRAM [ARGS…]: runs a test program with a real, unlocked Secret
# Service of its own (gnome-keyring-daemon on a private session bus) and fresh HOME and
# XDG directories, so nothing of the caller's keyring is read or written.  Prints the
# program's TAP output.  (The session: tests/common/private-session.sh.)
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common/private-session.sh"

session_require dbus-run-session gnome-keyring-daemon

: "${BUILD_DIR:?BUILD_DIR must be set (meson test sets it)}"
mkdir -p "$BUILD_DIR/tests/account/tmp"
work=$(mktemp -d "$BUILD_DIR/tests/account/tmp/$(basename "$1").XXXXXX") || exit 99
session_enter "$work" KEYRING_TEST_WORK_DIR

# The session bus (session.conf) can start nothing but what the test starts itself.
session_run --keyring keyring-test-password "$here/session.conf" "$work/test.log" "$work/stderr" "$@"
status=$?

cat "$work/test.log"
session_print "$work/stderr" stderr
session_print "$work/session.log" session

# gnome-keyring-daemon leaves when its bus closes; make sure nothing of this run stays.
session_end_leftovers

session_finish $status
exit $status
