#!/bin/sh
# with-postgres.sh COMMAND...: runs COMMAND with a throwaway PostgreSQL cluster and a
# self-signed TLS certificate for localhost/127.0.0.1, then removes both, also when
# COMMAND fails or the script is interrupted.
#
# Exports ONESTOP_TEST_PGHOST (the socket directory), ONESTOP_TEST_PGPORT,
# ONESTOP_TEST_CONNINFO (database "postgres", user "postgres"), ONESTOP_TEST_CERT and
# ONESTOP_TEST_KEY. Settings for the cluster can be added with ONESTOP_TEST_PGOPTIONS
# (e.g. "-c shared_buffers=256MB"). initdb refuses to run as root, so under root the
# cluster belongs to the unprivileged user "nobody".
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
  PGBIN=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
fi
if [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres.sh: PostgreSQL server binaries not found (apt install postgresql)" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/onestop-pg.XXXXXX")
chmod 755 "$dir"
mkdir "$dir/data" "$dir/run" "$dir/tls"

as_pg() {
  "$@"
}
if [ "$(id -u)" = 0 ]; then
  chown nobody "$dir/data" "$dir/run"
  as_pg() {
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
  }
fi

started=""
cleanup() {
  status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$started" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# A free TCP port number: the server listens only on its socket, but the port names it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
       echo $((20000 + $$ % 20000)))

(cd / && as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1) || {
  cat "$dir/initdb.log" >&2
  exit 1
}
# shellcheck disable=SC2086
(cd / && as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/run/postgres.log" -w \
  -o "-k $dir/run -c listen_addresses='' -p $port -c max_connections=200 -c fsync=on ${ONESTOP_TEST_PGOPTIONS:-}" \
  start >/dev/null) || {
  cat "$dir/run/postgres.log" >&2
  exit 1
}
started=1

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1

export ONESTOP_TEST_PGHOST="$dir/run"
export ONESTOP_TEST_PGPORT="$port"
export ONESTOP_TEST_CONNINFO="host=$dir/run port=$port dbname=postgres user=postgres"
export ONESTOP_TEST_CERT="$dir/tls/cert.pem"
export ONESTOP_TEST_KEY="$dir/tls/key.pem"

"$@"
