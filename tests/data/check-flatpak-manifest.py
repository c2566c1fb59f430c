#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest for the keys and values the project relies on.

Usage: check-flatpak-manifest.py MANIFEST APP_ID COMMAND

flatpak-builder --show-manifest (a separate test) only rejects JSON it cannot
parse; this script checks what a build would need: the GNOME 43 runtime
(GTK 4.8 and libadwaita 1.2), the command, the sandbox permissions, that every
module has a known build system and pinned sources, that no archive carries a
placeholder checksum, and that the last module builds this tree with meson.
"""

import json
import os
import re
import sys

BUILDSYSTEMS = {'autotools', 'cmake', 'cmake-ninja', 'meson', 'simple', 'qmake'}
SOURCE_TYPES = {'archive', 'git', 'bzr', 'svn', 'dir', 'file', 'script',
                'inline', 'shell', 'patch', 'extra-data'}
REQUIRED_FINISH_ARGS = {
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--share=network',
    '--talk-name=org.freedesktop.secrets',
}
# Permissions that would give the desk more than it needs.
FORBIDDEN_FINISH_ARGS = {
    '--filesystem=host',
    '--filesystem=home',
    '--socket=session-bus',
    '--socket=system-bus',
    '--socket=x11',
}
SHA256 = re.compile(r'^[0-9a-f]{64}$')


def check_source(where, source, manifest_dir, errors):
    kind = source.get('type')
    if kind not in SOURCE_TYPES:
        errors.append(f'{where}: unknown source type {kind!r}')
        return
    if kind == 'git':
        if not source.get('url'):
            errors.append(f'{where}: git source without url')
        if not (source.get('tag') or source.get('commit')):
            errors.append(f'{where}: git source pinned to neither a tag nor a commit')
        commit = source.get('commit')
        if commit is not None and not re.match(r'^[0-9a-f]{40}$', commit):
            errors.append(f'{where}: commit {commit!r} is not a full 40-digit hash')
    if kind in ('archive', 'file') and 'url' in source:
        checksum = source.get('sha256', '')
        if not SHA256.match(checksum):
            errors.append(f'{where}: {kind} source needs a sha256 of 64 hex digits')
        elif len(set(checksum)) < 4:
            errors.append(f'{where}: sha256 {checksum} looks like a placeholder')
    if kind == 'dir':
        path = os.path.normpath(os.path.join(manifest_dir, source.get('path', '')))
        if not os.path.isdir(path):
            errors.append(f'{where}: dir source {path} does not exist')


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    manifest_path, app_id, command = sys.argv[1:]
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    errors = []

    with open(manifest_path, encoding='utf-8') as f:
        try:
            manifest = json.load(f)
        except json.JSONDecodeError as e:
            print(f'FAIL: {manifest_path}: {e}', file=sys.stderr)
            return 1

    if os.path.basename(manifest_path) != app_id + '.json':
        errors.append(f'manifest file should be named {app_id}.json')
    expected = {
        'id': app_id,
        'runtime': 'org.gnome.Platform',
        'runtime-version': '43',
        'sdk': 'org.gnome.Sdk',
        'command': command,
    }
    for key, value in expected.items():
        if manifest.get(key) != value:
            errors.append(f'{key} is {manifest.get(key)!r}, expected {value!r}')

    finish_args = manifest.get('finish-args', [])
    for arg in sorted(REQUIRED_FINISH_ARGS - set(finish_args)):
        errors.append(f'finish-args lacks {arg}')
    for arg in sorted(FORBIDDEN_FINISH_ARGS & set(finish_args)):
        errors.append(f'finish-args has {arg}, which the desk does not need')
    if len(finish_args) != len(set(finish_args)):
        errors.append('finish-args has duplicates')

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        errors.append('no modules')
        modules = []
    names = set()
    for index, module in enumerate(modules):
        if isinstance(module, str):
            errors.append(f'modules[{index}]: external module files are not used here')
            continue
        name = module.get('name')
        where = f'module {name or index}'
        if not name:
            errors.append(f'modules[{index}] has no name')
        elif name in names:
            errors.append(f'{where}: duplicate module name')
        names.add(name)
        buildsystem = module.get('buildsystem', 'autotools')
        if buildsystem not in BUILDSYSTEMS:
            errors.append(f'{where}: unknown buildsystem {buildsystem!r}')
        sources = module.get('sources', [])
        if not sources:
            errors.append(f'{where}: no sources')
        for number, source in enumerate(sources):
            check_source(f'{where} source {number}', source, manifest_dir, errors)

    if modules and isinstance(modules[-1], dict):
        last = modules[-1]
        if last.get('buildsystem') != 'meson':
            errors.append('the last module (this project) must build with meson')
        dirs = [s for s in last.get('sources', []) if s.get('type') == 'dir']
        if not dirs:
            errors.append('the last module must build this tree (a "dir" source)')
        for source in dirs:
            root = os.path.normpath(os.path.join(manifest_dir, source.get('path', '')))
            meson_build = os.path.join(root, 'meson.build')
            try:
                with open(meson_build, encoding='utf-8') as f:
                    top = f.read(2000)
            except OSError:
                errors.append(f'{meson_build} not found: the dir source is not the project')
                continue
            if f"app_id = '{app_id}'" not in top:
                errors.append(f'{meson_build} does not define app_id {app_id!r}')
    for required in ('libqrencode', 'sane-backends'):
        if required not in names:
            errors.append(f'no {required} module: the GNOME runtime does not ship it')

    for error in errors:
        print(f'FAIL: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'{manifest_path}: {len(modules)} modules, manifest looks complete')
    return 0


if __name__ == '__main__':
    sys.exit(main())
