#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the demo procedure catalogue (data/demo/procedures.json).

Usage: check-procedures.py PROCEDURES_JSON ADMINISTRATIVE_UNITS_JSON

The core library reads this file at first start (src/core/os-demo.c) and
skips what it cannot read, so a broken entry would only show up as a missing
procedure. This check fails on any entry the reader would drop or misread,
and on a catalogue that stops covering every counting rule the due-date code
has to handle.
"""

import json
import re
import sys

SLUG = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
# National procedure number, optionally with the agency suffix
# (1.001193 or 1.001193.000.00.00.H29).
CODE = re.compile(r'^[0-9]\.[0-9]{6}(?:\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?$')
# Electronic identifier of an agency (Decision 20/2020/QĐ-TTg): dot-separated
# groups of digits and capitals, at most 35 characters.
AGENCY_ID = re.compile(r'^[0-9A-Z]+(?:\.[0-9A-Z]+)+$')
CUTOFF = re.compile(r'^([01][0-9]|2[0-3]):[0-5][0-9]$')
UNITS = {'sessions', 'calendar-days', 'same-day'}
MIN_PROCEDURES = 22
REQUIRED_TEXT = ('name', 'field', 'fee', 'result', 'legal_basis', 'note')


def unit_names(units):
    names = set()
    for province in units.get('provinces', []):
        for unit in province.get('units', province.get('communes', [])):
            names.add(unit.get('name'))
    return names


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    errors = []
    with open(sys.argv[1], encoding='utf-8') as f:
        catalogue = json.load(f)
    with open(sys.argv[2], encoding='utf-8') as f:
        units = json.load(f)

    if 'DEMO' not in catalogue.get('note', ''):
        errors.append('top-level "note" must say the catalogue is DEMO data')

    agency = catalogue.get('agency', {})
    identifier = agency.get('identifier', '')
    if not AGENCY_ID.match(identifier) or len(identifier) > 35:
        errors.append(f'agency identifier {identifier!r} is not a well-formed mã định danh')
    for key in ('name', 'parent_name', 'place', 'desk_name'):
        if not isinstance(agency.get(key), str) or not agency.get(key).strip():
            errors.append(f'agency.{key} is missing or empty')
    name = agency.get('name', '')
    commune = name[len('UBND '):] if name.startswith('UBND ') else name
    if commune not in unit_names(units):
        errors.append(f'agency {name!r}: {commune!r} is not a commune or ward of the 2025 list')

    procedures = catalogue.get('procedures', [])
    if len(procedures) < MIN_PROCEDURES:
        errors.append(f'only {len(procedures)} procedures, expected at least {MIN_PROCEDURES}')

    seen = set()
    rules = set()
    cutoffs = 0
    for index, p in enumerate(procedures):
        pid = p.get('id', '')
        where = f'procedures[{index}] {pid}'
        if not SLUG.match(pid):
            errors.append(f'{where}: id must be a lower-case ASCII slug')
        if pid in seen:
            errors.append(f'{where}: duplicate id')
        seen.add(pid)
        code = p.get('code')
        if not isinstance(code, str) or (code and not CODE.match(code)):
            errors.append(f'{where}: code {code!r} must be "" or like 1.001193')
        for key in REQUIRED_TEXT:
            if not isinstance(p.get(key), str) or not p.get(key).strip():
                errors.append(f'{where}: {key} is missing or empty')
        documents = p.get('documents')
        if (not isinstance(documents, list) or not documents
                or not all(isinstance(d, str) and d.strip() for d in documents)):
            errors.append(f'{where}: documents must be a non-empty list of names')
        elif len(set(documents)) != len(documents):
            errors.append(f'{where}: a document is listed twice')

        time = p.get('time')
        if not isinstance(time, dict):
            errors.append(f'{where}: time must be an object')
            continue
        unit, amount = time.get('unit'), time.get('amount')
        if unit not in UNITS:
            errors.append(f'{where}: time.unit {unit!r} must be one of {sorted(UNITS)}')
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            errors.append(f'{where}: time.amount must be a non-negative integer')
        elif unit == 'calendar-days' and amount == 0:
            errors.append(f'{where}: 0 calendar days makes no sense; use sessions')
        cutoff = p.get('cutoff', None)
        if cutoff is not None:
            if not isinstance(cutoff, str) or not CUTOFF.match(cutoff):
                errors.append(f'{where}: cutoff {cutoff!r} must be "HH:MM" or null')
            else:
                cutoffs += 1
        if unit == 'sessions' and isinstance(amount, int):
            if amount == 0:
                rules.add('same session')
            elif amount == 1:
                rules.add('half a day')
            elif amount % 2 == 0:
                rules.add('working days')
        elif unit == 'calendar-days':
            rules.add('calendar days')
        elif unit == 'same-day':
            rules.add('same day')

    # Same-session and half-day limits are in the engine and its tests; no real commune
    # procedure in the demo catalogue is known to use them.
    for rule in ('same day', 'working days', 'calendar days'):
        if rule not in rules:
            errors.append(f'no procedure uses the "{rule}" counting rule')
    if cutoffs < 2:
        errors.append(f'only {cutoffs} procedure(s) with a cut-off, expected at least 2')

    for error in errors:
        print(f'FAIL: {error}', file=sys.stderr)
    if errors:
        return 1
    print(f'{len(procedures)} procedures; rules: {", ".join(sorted(rules))}; {cutoffs} with a cut-off')
    return 0


if __name__ == '__main__':
    sys.exit(main())
