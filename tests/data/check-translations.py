#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check a translation against the sources.

Usage:
  check-translations.py complete PO_FILE
  check-translations.py coverage SOURCE_ROOT PO_FILE PACKAGE

complete: `msgfmt --check --statistics` accepts PO_FILE and reports no fuzzy and no
          untranslated message.
coverage: the template that meson's 'glib' gettext preset would extract from
          po/POTFILES.in (xgettext, into a temporary directory: po/ is not touched)
          has no msgid that PO_FILE lacks or leaves untranslated (msgcmp).

The gettext tools come from Debian's gettext package. When they are missing the test
is skipped (exit 77), except when CI is set in the environment, where it fails.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# meson's i18n 'glib' preset (mesonbuild/modules/i18n.py, PRESET_ARGS['glib']),
# plus the arguments its `gettext pot` helper adds itself.
GLIB_PRESET_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

STATISTICS = re.compile(
    r'(?P<translated>\d+) translated messages?'
    r'(?:, (?P<fuzzy>\d+) fuzzy translations?)?'
    r'(?:, (?P<untranslated>\d+) untranslated messages?)?\.'
)


def in_ci():
    return os.environ.get('CI', '').lower() not in ('', '0', 'false')


def require(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return None
    message = f'{", ".join(missing)} not found (Debian package gettext)'
    if in_ci():
        print(f'FAIL: {message}', file=sys.stderr)
        return 1
    print(f'SKIP: {message}')
    return 77


def complete(po_file):
    status = require('msgfmt')
    if status is not None:
        return status

    result = subprocess.run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po_file],
                            capture_output=True, text=True, env=dict(os.environ, LC_ALL='C'))
    output = (result.stdout + result.stderr).strip()
    if output:
        print(output)
    if result.returncode != 0:
        print(f'FAIL: msgfmt --check rejects {po_file}', file=sys.stderr)
        return 1

    match = None
    for line in output.splitlines():
        match = STATISTICS.search(line) or match
    if match is None:
        print(f'FAIL: no statistics line in the output of msgfmt for {po_file}', file=sys.stderr)
        return 1

    translated = int(match.group('translated'))
    fuzzy = int(match.group('fuzzy') or 0)
    untranslated = int(match.group('untranslated') or 0)
    if fuzzy or untranslated or translated == 0:
        print(f'FAIL: {po_file}: {translated} translated, {fuzzy} fuzzy, '
              f'{untranslated} untranslated; update it with msgmerge and translate the rest',
              file=sys.stderr)
        return 1
    print(f'{po_file}: all {translated} messages translated')
    return 0


def coverage(source_root, po_file, package):
    status = require('xgettext', 'msgcmp')
    if status is not None:
        return status

    potfiles = os.path.join(source_root, 'po', 'POTFILES.in')
    with tempfile.TemporaryDirectory(prefix='check-translations-') as tmp:
        pot = os.path.join(tmp, package + '.pot')
        result = subprocess.run(
            ['xgettext', '--package-name=' + package, '-p', tmp, '-f', potfiles,
             '-D', source_root, '-k_', '-o', pot] + GLIB_PRESET_ARGS,
            capture_output=True, text=True)
        if result.returncode != 0 or not os.path.exists(pot):
            print(result.stdout + result.stderr, file=sys.stderr)
            print('FAIL: xgettext could not extract the template from po/POTFILES.in',
                  file=sys.stderr)
            return 1
        if result.stderr.strip():
            print(result.stderr.strip())

        # msgcmp counts an untranslated or fuzzy entry of PO_FILE as missing.
        result = subprocess.run(['msgcmp', po_file, pot], capture_output=True, text=True,
                                env=dict(os.environ, LC_ALL='C'))
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            with open(pot, encoding='utf-8') as f:
                lines = f.read().split('\n')
            for match in re.finditer(r':(\d+): this message is used but not defined',
                                     result.stderr):
                # msgcmp points into the entry; show it from its first line.
                start = min(int(match.group(1)) - 1, len(lines) - 1)
                while start > 0 and lines[start - 1].strip():
                    start -= 1
                entry = []
                for line in lines[start:]:
                    if not line.strip() or line.startswith('msgstr'):
                        break
                    entry.append(line)
                print('missing:\n  ' + '\n  '.join(entry), file=sys.stderr)
            print(f'FAIL: {po_file} lacks messages of the template: regenerate it '
                  f'(meson compile -C <builddir> {package}-update-po) and translate them',
                  file=sys.stderr)
            return 1

        with open(pot, encoding='utf-8') as f:
            count = sum(1 for line in f if line.startswith('msgid ')) - 1
    print(f'{po_file}: covers all {count} messages extracted from po/POTFILES.in')
    return 0


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == 'complete':
        return complete(args[1])
    if len(args) == 4 and args[0] == 'coverage':
        return coverage(*args[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
