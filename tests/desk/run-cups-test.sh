#!/bin/sh
# Starts a private CUPS with one PostScript printer that writes to a file, runs the print
# test against it in a real (Xvfb) display, and stops CUPS again. Nothing on the machine's
# own CUPS is touched.
#   usage: run-cups-test.sh TEST-PROGRAM
set -u

test_program=$1
cupsd=/usr/sbin/cupsd
if [ ! -x "$cupsd" ] || ! command -v lpadmin >/dev/null || ! command -v ps2pdf >/dev/null; then
  echo "1..0 # SKIP cupsd, lpadmin or ps2pdf missing"
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/onestop-cups-XXXXXX")
mkdir -p "$dir/spool" "$dir/tmp" "$dir/cache" "$dir/state" "$dir/log" "$dir/out" "$dir/ppd"
chmod 1777 "$dir/out" "$dir/tmp"
chmod 755 "$dir"

cat > "$dir/cups-files.conf" <<CONF
ServerRoot $dir
RequestRoot $dir/spool
TempDir $dir/tmp
CacheDir $dir/cache
StateDir $dir/state
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
FileDevice Yes
DataDir /usr/share/cups
ServerBin /usr/lib/cups
Sandboxing Relaxed
CONF

cat > "$dir/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel info
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
CONF

"$cupsd" -f -c "$dir/cupsd.conf" -s "$dir/cups-files.conf" > "$dir/log/cupsd.out" 2>&1 &
cupsd_pid=$!

cleanup () {
  kill "$cupsd_pid" 2>/dev/null
  wait "$cupsd_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

export CUPS_SERVER="$dir/cups.sock"
for i in $(seq 50); do
  [ -S "$dir/cups.sock" ] && lpstat -r >/dev/null 2>&1 && break
  sleep 0.1
done

lpadmin -p onestop-test -E -v "file:$dir/out/job.ps" -m drv:///sample.drv/generic.ppd 2>/dev/null || {
  echo "Bail out! could not add the test printer"; cat "$dir/log/error_log"; exit 1; }

xvfb-run -a -s "-screen 0 1024x768x24" "$test_program" --tap \
  --printer=onestop-test --output="$dir/out/job.ps" --work-dir="$dir/tmp"
status=$?
[ $status -ne 0 ] && tail -n 30 "$dir/log/error_log" >&2
exit $status
