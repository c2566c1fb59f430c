#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the desktop integration files agree with each other.

Usage: check-app-id.py --source-root DIR --app-id ID --command EXE
                       --version VERSION --gettext-package PKG
                       DESKTOP_FILE METAINFO_FILE

desktop-file-validate and appstreamcli check each file on its own; this
checks what ties them together: the application id, the icon names and
files, the executable, the schema id and path, the gettext domain, and that
the newest release in the metainfo is the project's version.
"""

import argparse
import configparser
import os
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'


def check_desktop(path, args, errors):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    with open(path, encoding='utf-8') as f:
        parser.read_file(f)
    entry = parser['Desktop Entry']
    if entry.get('Icon') != args.app_id:
        errors.append(f'desktop file: Icon={entry.get("Icon")}, expected {args.app_id}')
    exec_line = entry.get('Exec', '').split()
    if not exec_line or exec_line[0] != args.command:
        errors.append(f'desktop file: Exec does not start with {args.command}')
    if not entry.get('Name', '').strip():
        errors.append('desktop file: Name is empty')
    if not entry.get('GenericName', '').strip():
        errors.append('desktop file: GenericName is missing')
    if os.path.basename(path) != args.app_id + '.desktop':
        errors.append(f'desktop file is named {os.path.basename(path)}, expected {args.app_id}.desktop')


def check_metainfo(path, args, errors):
    root = ET.parse(path).getroot()
    if root.tag != 'component' or root.get('type') != 'desktop-application':
        errors.append('metainfo: root must be <component type="desktop-application">')
    if root.findtext('id') != args.app_id:
        errors.append(f'metainfo: id is {root.findtext("id")!r}, expected {args.app_id!r}')
    launchables = [l.text for l in root.findall('launchable') if l.get('type') == 'desktop-id']
    if launchables != [args.app_id + '.desktop']:
        errors.append(f'metainfo: launchable desktop-id is {launchables}, expected {args.app_id}.desktop')
    binaries = [b.text for b in root.findall('provides/binary')]
    if args.command not in binaries:
        errors.append(f'metainfo: <provides><binary> does not name {args.command}')
    translations = [t.text for t in root.findall('translation') if t.get('type') == 'gettext']
    if translations != [args.gettext_package]:
        errors.append(f'metainfo: gettext translation domain is {translations}, expected {args.gettext_package}')
    if root.find('developer') is None and root.find('developer_name') is None:
        errors.append('metainfo: no developer')
    if root.find('content_rating') is None:
        errors.append('metainfo: no content_rating')
    if root.find("url[@type='homepage']") is None:
        errors.append('metainfo: no homepage url')
    screenshots = root.findall('screenshots/screenshot')
    if not screenshots:
        errors.append('metainfo: no screenshots')
    for number, shot in enumerate(screenshots):
        image = shot.findtext('image', '')
        if not image.startswith('https://'):
            errors.append(f'metainfo: screenshot {number} image is not an https URL')
        if not shot.findtext('caption', '').strip():
            errors.append(f'metainfo: screenshot {number} has no caption')
    if sum(1 for s in screenshots if s.get('type') == 'default') != 1:
        errors.append('metainfo: exactly one screenshot must be type="default"')
    releases = root.findall('releases/release')
    if not releases:
        errors.append('metainfo: no releases')
    elif releases[0].get('version') != args.version:
        errors.append(f'metainfo: newest release is {releases[0].get("version")}, '
                      f'but the project version is {args.version}')


def check_icon(path, symbolic, errors):
    if not os.path.isfile(path):
        errors.append(f'{path} does not exist')
        return
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        errors.append(f'{path}: {e}')
        return
    if root.tag != SVG + 'svg':
        errors.append(f'{path}: not an SVG document')
        return
    view_box = root.get('viewBox', '').split()
    if len(view_box) != 4 or view_box[2] != view_box[3]:
        errors.append(f'{path}: needs a square viewBox')
    if symbolic:
        if (root.get('width'), root.get('height')) != ('16', '16'):
            errors.append(f'{path}: a symbolic icon is drawn at 16x16')
        for element in root.iter():
            stroke = element.get('stroke')
            if stroke not in (None, 'none'):
                errors.append(f'{path}: symbolic icons use fills only (GTK recolours fills)')
                break


def check_schema(path, args, errors):
    root = ET.parse(path).getroot()
    schemas = root.findall('schema')
    ids = [s.get('id') for s in schemas]
    if args.app_id not in ids:
        errors.append(f'{path}: no schema with id {args.app_id}')
    expected_path = '/' + args.app_id.replace('.', '/') + '/'
    for schema in schemas:
        if schema.get('id') == args.app_id and schema.get('path') != expected_path:
            errors.append(f'{path}: schema path is {schema.get("path")}, expected {expected_path}')
    if root.get('gettext-domain') != args.gettext_package:
        errors.append(f'{path}: gettext-domain should be {args.gettext_package}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--app-id', required=True)
    parser.add_argument('--command', required=True)
    parser.add_argument('--version', required=True)
    parser.add_argument('--gettext-package', required=True)
    parser.add_argument('desktop')
    parser.add_argument('metainfo')
    args = parser.parse_args()

    errors = []
    check_desktop(args.desktop, args, errors)
    check_metainfo(args.metainfo, args, errors)
    icons = os.path.join(args.source_root, 'icons', 'hicolor')
    check_icon(os.path.join(icons, 'scalable', 'apps', args.app_id + '.svg'), False, errors)
    check_icon(os.path.join(icons, 'symbolic', 'apps', args.app_id + '-symbolic.svg'), True, errors)
    check_schema(os.path.join(args.source_root, 'data', args.app_id + '.gschema.xml'), args, errors)

    for error in errors:
        print(f'FAIL: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'{args.app_id}: desktop file, metainfo, icons and schema agree')
    return 0


if __name__ == '__main__':
    sys.exit(main())
