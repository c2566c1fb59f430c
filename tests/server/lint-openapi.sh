#!/bin/sh
# Lints data/openapi.yaml with @redocly/cli: the copy `npm ci` installed in tests/server
# (.ci/setup), else the same pinned version through npx.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
here=$(cd "$(dirname "$0")" && pwd)
spec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "${TMPDIR:-/tmp}"
if [ -x "$here/node_modules/.bin/redocly" ]; then
  exec "$here/node_modules/.bin/redocly" lint "$spec"
fi
version=$(sed -n 's/.*"@redocly\/cli": "\([^"]*\)".*/\1/p' "$here/package.json")
exec npx --yes "@redocly/cli@$version" lint "$spec"
