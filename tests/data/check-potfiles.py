#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check po/POTFILES.in against the sources.

Usage: check-potfiles.py SOURCE_ROOT

Fails when
  - a file listed in po/POTFILES.in does not exist, or is listed twice;
  - a file under src/ contains a gettext call (_(, N_(, C_(, NC_( and the
    other keywords of meson's 'glib' preset) or translatable="yes" but is not
    listed in po/POTFILES.in (nor in po/POTFILES.skip, if that exists).
"""

import os
import re
import sys

SOURCE_SUFFIXES = ('.c', '.h', '.ui', '.xml', '.in', '.js', '.py', '.vala')

# A gettext keyword not preceded by an identifier character, optionally
# followed by blanks, then '('.
MARKERS = re.compile(
    r'(?<![A-Za-z0-9_])'
    r'(?:_|N_|C_|NC_|Q_|gettext|ngettext|pgettext|g_dgettext|g_dcgettext|'
    r'g_dngettext|g_dpgettext|g_dpgettext2)'
    r'\s*\('
    r'|translatable\s*=\s*["\']yes["\']'
)

ENTRY_PREFIX = re.compile(r'^\[[^\]]*\]\s*')


def read_list(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            entries.append((number, ENTRY_PREFIX.sub('', line)))
    return entries


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    potfiles = os.path.join(root, 'po', 'POTFILES.in')
    if not os.path.exists(potfiles):
        print(f'FAIL: {potfiles} does not exist', file=sys.stderr)
        return 1

    errors = []
    listed = set()
    for number, entry in read_list(potfiles):
        if entry in listed:
            errors.append(f'po/POTFILES.in:{number}: {entry} is listed twice')
        listed.add(entry)
        if not os.path.isfile(os.path.join(root, entry)):
            errors.append(f'po/POTFILES.in:{number}: {entry} does not exist')

    skipped = {entry for _, entry in read_list(os.path.join(root, 'po', 'POTFILES.skip'))}

    src = os.path.join(root, 'src')
    for directory, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, root).replace(os.sep, '/')
            try:
                with open(path, encoding='utf-8') as f:
                    text = f.read()
            except UnicodeDecodeError:
                continue
            match = MARKERS.search(text)
            if match and relative not in listed and relative not in skipped:
                line = text.count('\n', 0, match.start()) + 1
                errors.append(f'{relative}:{line}: has translatable strings '
                              f'("{match.group(0)}") but is not listed in po/POTFILES.in')

    for error in errors:
        print(f'FAIL: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'po/POTFILES.in: {len(listed)} files listed, all present, none missing')
    return 0


if __name__ == '__main__':
    sys.exit(main())
