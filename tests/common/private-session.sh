# private-session.sh: sourced (not run) by the scripts that run a program in a session of
# its own: tests/ui/run-ui-test.sh, tests/account/run-keyring-test.sh and
# tests/bench/bench-startup.sh.  Their program gets fresh HOME and XDG directories, none of
# the caller's desktop, its own session bus (dbus-run-session with a configuration file
# that activates only what the program needs), optionally an unlocked keyring on that bus
# and an X server of its own (Xvfb), and output in files, never in a pipe a daemon could
# keep open.  Afterwards nothing the run started is left running.
#
#   . "$here/../common/private-session.sh"
#   session_require TOOL...            # or session_skip "TOOL is not installed"
#   session_enter WORK MARKER          # WORK/home, WORK/runtime, ... and export MARKER=WORK
#   session_run [--x] [--keyring PASSWORD] CONFIG OUT ERR COMMAND [ARG...]
#   session_end_leftovers || status=1  # ends what is still running of this run
#   session_print FILE PREFIX          # FILE's lines as TAP comments "# PREFIX: ..."
#   session_finish STATUS              # removes WORK after a success, names it otherwise
#
# Everything it defines starts with "session_".
#
# SPDX-License-Identifier: GPL-3.0-or-later

# session_skip REASON: the TAP plan of a test that cannot run here; meson's "skipped".
# (A script that does not print TAP defines its own after sourcing this file.)
session_skip () {
  echo "1..0 # SKIP $*"
  exit 77
}

# session_require TOOL...: skips unless every TOOL is on PATH.
session_require () {
  for session_tool in "$@"; do
    command -v "$session_tool" >/dev/null 2>&1 || session_skip "$session_tool is not installed"
  done
}

# session_enter WORK MARKER: makes WORK's home, runtime, config, data and cache
# directories and points HOME and XDG_* there; drops the caller's display, session bus,
# accessibility bus and keyring; exports MARKER=WORK, by which session_end_leftovers
# knows every process of this run.
session_enter () {
  session_work=$1
  session_marker=$2
  mkdir -p "$session_work/home" "$session_work/runtime" "$session_work/config" \
           "$session_work/data" "$session_work/cache" || exit 99
  chmod 700 "$session_work/runtime"
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS NO_AT_BRIDGE \
        GTK_A11Y GTK_USE_PORTAL GTK_MODULES SESSION_MANAGER XAUTHORITY \
        GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  export HOME="$session_work/home"
  export XDG_RUNTIME_DIR="$session_work/runtime"
  export XDG_CONFIG_HOME="$session_work/config"
  export XDG_DATA_HOME="$session_work/data"
  export XDG_CACHE_HOME="$session_work/cache"
  export "$session_marker=$session_work"
}

# session_run [--x] [--keyring PASSWORD] CONFIG OUT ERR COMMAND [ARG...]: runs COMMAND on a
# session bus of its own (dbus-run-session --config-file=CONFIG), its output to OUT and
# ERR, the daemons' to WORK/session.log.  --keyring: an unlocked gnome-keyring-daemon
# (secrets only, log in WORK/keyring.log) on that bus first.  --x: all that in an Xvfb
# display of its own, 1280x800 (GDK_BACKEND=x11).  Returns COMMAND's status.
session_run () {
  session_x=0
  session_keyring=
  while :; do
    case $1 in
      --x) session_x=1; shift ;;
      --keyring) session_keyring=$2; shift 2 ;;
      *) break ;;
    esac
  done
  session_config=$1
  shift
  set -- dbus-run-session --config-file="$session_config" -- \
    sh -c 'if [ -n "$0" ]; then
             printf %s "$0" | gnome-keyring-daemon --unlock --components=secrets >"$1" 2>&1 || exit 99
             # The daemon forks and may take the bus name a moment after it returns; a
             # program that asks before then is told the Secret Service does not exist.
             tries=0
             until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                     org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
                   grep -q "boolean true"; do
               tries=$((tries + 1))
               [ $tries -lt 100 ] || { echo "the keyring never took its bus name" >>"$1"; exit 99; }
               sleep 0.1
             done
           fi
           out=$2 err=$3
           shift 3
           exec "$@" >"$out" 2>"$err"' \
    "$session_keyring" "$session_work/keyring.log" "$@"
  if [ $session_x = 1 ]; then
    export GDK_BACKEND=x11
    # Other jobs on the machine may start X servers too; begin the search for a free
    # display number somewhere else than everyone's :99.  -noreset: the X server must
    # not reset when its last client goes away (the accessibility launcher connects and
    # leaves at start-up); a client connecting during the reset is refused, and the app
    # dies with "cannot open display".
    set -- xvfb-run -a -n $((200 + $$ % 500)) -e "$session_work/xvfb.log" \
      -s "-screen 0 1280x800x24 -nolisten tcp -noreset" "$@"
  fi
  "$@" </dev/null >"$session_work/session.log" 2>&1
}

# The processes of this run: every one that carries MARKER=WORK in its environment.
# (Zombies have no environment to read, so whatever matches is alive.)
session_leftovers () {
  for session_environ in /proc/[0-9]*/environ; do
    session_pid=${session_environ#/proc/}
    session_pid=${session_pid%/environ}
    [ "$session_pid" = "$$" ] && continue
    if { tr '\0' '\n' <"$session_environ"; } 2>/dev/null \
         | grep -qxF "$session_marker=$session_work"; then
      echo "$session_pid"
    fi
  done
}

# session_end_leftovers: the bus daemons, the keyring and the accessibility launcher go
# away on their own once the session bus closes; gives them a moment, then ends (and
# names) whatever is left.  Fails when something was left.
session_end_leftovers () {
  session_tries=0
  session_left=$(session_leftovers)
  while [ -n "$session_left" ] && [ $session_tries -lt 50 ]; do
    sleep 0.1
    session_tries=$((session_tries + 1))
    session_left=$(session_leftovers)
  done
  [ -z "$session_left" ] && return 0
  echo "# processes left behind:"
  for session_pid in $session_left; do
    echo "#   $(tr '\0' ' ' <"/proc/$session_pid/cmdline" 2>/dev/null)"
  done
  kill $session_left 2>/dev/null
  sleep 1
  session_left=$(session_leftovers)
  [ -n "$session_left" ] && kill -9 $session_left 2>/dev/null
  return 1
}

# session_print FILE PREFIX: FILE's lines, if any, as TAP comments "# PREFIX: line".
session_print () {
  if [ -s "$1" ]; then
    sed "s/^/# $2: /" "$1"
  fi
}

# session_finish STATUS: removes WORK after a success; otherwise says where it is.
session_finish () {
  if [ "$1" -eq 0 ]; then
    rm -rf "$session_work"
  else
    echo "# files of this run: $session_work"
  fi
}
