# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Dates, times and time zone names as Outlook takes them.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

import datetime
import difflib
import re

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9 is not supported, but the import must not break sanity's compile test
    zoneinfo = None

# Time zone names Outlook takes besides IANA names: Windows' time zone ids (CLDR windowsZones, 2025).
WINDOWS_TIME_ZONES = (
    'Afghanistan Standard Time', 'Alaskan Standard Time', 'Alberta Standard Time', 'Aleutian Standard Time', 'Altai Standard Time',
    'Arab Standard Time', 'Arabian Standard Time', 'Arabic Standard Time', 'Argentina Standard Time', 'Astrakhan Standard Time',
    'Atlantic Standard Time', 'AUS Central Standard Time', 'Aus Central W. Standard Time', 'AUS Eastern Standard Time', 'Azerbaijan Standard Time',
    'Azores Standard Time', 'Bahia Standard Time', 'Bangladesh Standard Time', 'Belarus Standard Time', 'Bougainville Standard Time',
    'British Columbia Standard Time', 'Canada Central Standard Time', 'Cape Verde Standard Time', 'Caucasus Standard Time',
    'Cen. Australia Standard Time', 'Central America Standard Time', 'Central Asia Standard Time', 'Central Brazilian Standard Time',
    'Central Europe Standard Time', 'Central European Standard Time', 'Central Pacific Standard Time', 'Central Standard Time',
    'Central Standard Time (Mexico)', 'Chatham Islands Standard Time', 'China Standard Time', 'Cuba Standard Time', 'Dateline Standard Time',
    'E. Africa Standard Time', 'E. Australia Standard Time', 'E. Europe Standard Time', 'E. South America Standard Time',
    'Easter Island Standard Time', 'Eastern Standard Time', 'Eastern Standard Time (Mexico)', 'Egypt Standard Time', 'Ekaterinburg Standard Time',
    'Fiji Standard Time', 'FLE Standard Time', 'Georgian Standard Time', 'GMT Standard Time', 'Greenland Standard Time', 'Greenwich Standard Time',
    'GTB Standard Time', 'Haiti Standard Time', 'Hawaiian Standard Time', 'India Standard Time', 'Iran Standard Time', 'Israel Standard Time',
    'Jordan Standard Time', 'Kaliningrad Standard Time', 'Korea Standard Time', 'Libya Standard Time', 'Line Islands Standard Time',
    'Lord Howe Standard Time', 'Magadan Standard Time', 'Magallanes Standard Time', 'Manitoba Standard Time', 'Marquesas Standard Time',
    'Mauritius Standard Time', 'Middle East Standard Time', 'Montevideo Standard Time', 'Morocco Standard Time', 'Mountain Standard Time',
    'Mountain Standard Time (Mexico)', 'Myanmar Standard Time', 'N. Central Asia Standard Time', 'Namibia Standard Time', 'Nepal Standard Time',
    'New Zealand Standard Time', 'Newfoundland Standard Time', 'Norfolk Standard Time', 'North Asia East Standard Time', 'North Asia Standard Time',
    'North Korea Standard Time', 'Omsk Standard Time', 'Pacific SA Standard Time', 'Pacific Standard Time', 'Pacific Standard Time (Mexico)',
    'Pakistan Standard Time', 'Paraguay Standard Time', 'Qyzylorda Standard Time', 'Romance Standard Time', 'Russia Time Zone 10',
    'Russia Time Zone 11', 'Russia Time Zone 3', 'Russian Standard Time', 'SA Eastern Standard Time', 'SA Pacific Standard Time',
    'SA Western Standard Time', 'Saint Pierre Standard Time', 'Sakhalin Standard Time', 'Samoa Standard Time', 'Sao Tome Standard Time',
    'Saratov Standard Time', 'SE Asia Standard Time', 'Singapore Standard Time', 'South Africa Standard Time', 'South Sudan Standard Time',
    'Sri Lanka Standard Time', 'Sudan Standard Time', 'Syria Standard Time', 'Taipei Standard Time', 'Tasmania Standard Time',
    'Tocantins Standard Time', 'Tokyo Standard Time', 'Tomsk Standard Time', 'Tonga Standard Time', 'Transbaikal Standard Time',
    'Turkey Standard Time', 'Turks And Caicos Standard Time', 'Ulaanbaatar Standard Time', 'US Eastern Standard Time', 'US Mountain Standard Time',
    'UTC', 'UTC+12', 'UTC+13', 'UTC-02', 'UTC-08', 'UTC-09', 'UTC-11', 'Venezuela Standard Time', 'Vladivostok Standard Time',
    'Volgograd Standard Time', 'W. Australia Standard Time', 'W. Central Africa Standard Time', 'W. Europe Standard Time',
    'W. Mongolia Standard Time', 'West Asia Standard Time', 'West Bank Standard Time', 'West Pacific Standard Time', 'Yakutsk Standard Time',
    'Yukon Standard Time',
)
_WINDOWS_BY_LOWER = dict((zone.lower(), zone) for zone in WINDOWS_TIME_ZONES)
IANA_SHAPE = re.compile(r'^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)+$')
DATE_TIME = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$')
DATE_ONLY = re.compile(r'^\d{4}-\d{2}-\d{2}$')
UTC_NAMES = ('utc', 'etc/utc', 'etc/gmt', 'gmt', 'etc/zulu', 'zulu', 'etc/universal', 'universal')
TIME_FORMAT = '%Y-%m-%dT%H:%M:%S'
DEFAULT_TIME_ZONE = 'UTC'


def parse_date_time(value):
    """``(text, moment, offset)`` for a local date and time: ``2026-03-02T09:00:00`` (or with a space, or a YAML timestamp).

    ``offset`` is ``None`` without a UTC offset, else the offset in minutes. Raises ``ValueError`` saying what is wrong.
    """
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        moment = value.replace(tzinfo=None, microsecond=0)
        return moment.strftime(TIME_FORMAT), moment, None if offset is None else int(offset.total_seconds() // 60)
    if isinstance(value, datetime.date):
        raise ValueError('%s is a date without a time of day; give both, like %sT09:00:00' % (value.isoformat(), value.isoformat()))
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError('must be a date and time like 2026-03-02T09:00:00, got %s' % kind_of(value))
    text = value.strip()
    if DATE_ONLY.match(text):
        raise ValueError("'%s' is a date without a time of day; give both, like %sT09:00:00" % (text, text))
    match = DATE_TIME.match(text)
    if not match:
        raise ValueError("'%s' is not a date and time like 2026-03-02T09:00:00" % text)
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups()[:6])
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ValueError("'%s' is not a valid date and time (%s)" % (text, exc))
    zone = match.group(7)
    offset = None
    if zone:
        offset = 0 if zone in ('Z', 'z') else _offset_minutes(zone)
    return moment.strftime(TIME_FORMAT), moment, offset


def _offset_minutes(text):
    sign = -1 if text[0] == '-' else 1
    digits = text[1:].replace(':', '')
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


_IANA_NAMES = {}


def _iana_names():
    """Lower-case IANA name -> name, from the target's time zone database (empty when it has none)."""
    if not _IANA_NAMES and zoneinfo is not None:
        try:
            names = zoneinfo.available_timezones()
        except Exception:  # pylint: disable=broad-except
            names = ()
        _IANA_NAMES.update((name.lower(), name) for name in names)
        _IANA_NAMES.setdefault('utc', 'UTC')
    return _IANA_NAMES


def time_zone_name(value):
    """The time zone name as Outlook takes it: a Windows time zone id or an IANA name, spelt canonically.

    Both lists are known exactly (Windows ids from CLDR, IANA names from the target's time zone database), so a
    misspelt name is refused with the closest known one. Where the target has no time zone database, any name
    shaped like ``Area/Location`` is taken as IANA and left to Graph.
    """
    if isinstance(value, bool) or not isinstance(value, str) or not value.strip():
        raise ValueError('must be a time zone name such as W. Europe Standard Time or Europe/Copenhagen, got %s' % kind_of(value))
    name = value.strip()
    if name.lower() in _WINDOWS_BY_LOWER:
        return _WINDOWS_BY_LOWER[name.lower()]
    iana = _iana_names()  # read from the time zone database only when a name is not a Windows one
    if name.lower() in iana:
        return iana[name.lower()]
    if len(iana) <= 1 and IANA_SHAPE.match(name):
        return name
    close = difflib.get_close_matches(name, list(WINDOWS_TIME_ZONES) + sorted(iana.values()), n=1, cutoff=0.75)
    hint = " (did you mean '%s'?)" % close[0] if close else ''
    raise ValueError("'%s' is not a time zone Outlook knows%s; use a Windows name such as W. Europe Standard Time or an IANA name "
                     "such as Europe/Copenhagen" % (name, hint))


def kind_of(value):
    """How a value that has the wrong type is named in a message."""
    if value is None:
        return 'nothing'
    if isinstance(value, bool):
        return 'the boolean %s' % value
    if isinstance(value, (dict, list)):
        return 'a %s' % ('dict' if isinstance(value, dict) else 'list')
    return '%s %r' % (type(value).__name__, value)
