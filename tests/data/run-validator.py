#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run an external validator and fail on what it reports.

Usage: run-validator.py [--fail-on REGEX]... [--ignore REGEX]...
                        [--package DEB] -- PROGRAM [ARGS...]

The test fails when PROGRAM exits non-zero, or when a line of its output
matches a --fail-on pattern and no --ignore pattern (some validators only
print infos and warnings and still exit 0). When PROGRAM is not installed
the test is skipped (exit 77), except under CI (CI set in the environment),
where a missing validator is an error: a skipped check hides defects.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--fail-on', action='append', default=[])
    parser.add_argument('--ignore', action='append', default=[])
    parser.add_argument('--package', default=None)
    parser.add_argument('command', nargs=argparse.REMAINDER)
    args = parser.parse_args()

    command = args.command
    if command and command[0] == '--':
        command = command[1:]
    if not command:
        parser.error('no command given')

    program = shutil.which(command[0])
    if program is None:
        hint = f' (Debian package {args.package})' if args.package else ''
        print(f'{command[0]} is not installed{hint}', file=sys.stderr)
        return 1 if os.environ.get('CI') else SKIP

    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix='onestop-validate-') as home:
        # flatpak-builder and friends want a writable HOME; never touch the real one.
        env['HOME'] = home
        env.setdefault('XDG_CACHE_HOME', os.path.join(home, '.cache'))
        env['NO_COLOR'] = '1'
        proc = subprocess.run([program] + command[1:], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors='replace')

    output = proc.stdout
    sys.stdout.write(output)

    fail_on = [re.compile(p) for p in args.fail_on]
    ignore = [re.compile(p) for p in args.ignore]
    offending = []
    for line in output.splitlines():
        if any(p.search(line) for p in fail_on) and not any(p.search(line) for p in ignore):
            offending.append(line)

    if proc.returncode != 0:
        print(f'FAIL: {command[0]} exited with status {proc.returncode}', file=sys.stderr)
        return 1
    if offending:
        print(f'FAIL: {command[0]} reported {len(offending)} problem(s):', file=sys.stderr)
        for line in offending:
            print(f'  {line}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
