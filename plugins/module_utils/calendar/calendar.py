# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Calendars of mailboxes: events created once (keyed by a derived ``transactionId``) and calendar permissions.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Three layers, top-down:
- parsing: the task's ``calendars`` list, checked completely before anything is sent (``parse_calendars``);
- planning: what one mailbox needs, from what Graph holds (``read_requests``, ``plan_mailbox``, ``write_requests``);
- running: ``CalendarSync`` looks up the users behind the new mailboxes the task names, reads every mailbox whose user
  exists, stops before any write when something is wrong, then writes, waiting per mailbox for the new mailboxes
  that are not there yet while the others proceed.
No ``AnsibleModule`` here; ``graph_calendar`` turns the outcome into a task result.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import time
from urllib.parse import quote

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import is_guid, odata_string, quote_filter, user_lookups, user_path

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python < 3.9 is not supported, but the import must not break sanity's compile test
    zoneinfo = None

# Graph's calendarRoleType values that can be set; "custom" is only reported, for rights set in Outlook.
ROLES = ('none', 'freeBusyRead', 'limitedRead', 'read', 'write', 'delegateWithoutPrivateEventAccess', 'delegateWithPrivateEventAccess')
BODY_TYPES = ('text', 'html')
ATTENDEE_TYPES = ('required', 'optional', 'resource')
SHOW_AS = ('free', 'tentative', 'busy', 'oof', 'workingElsewhere')
SENSITIVITIES = ('normal', 'personal', 'private', 'confidential')
DEFAULT_TIME_ZONE = 'UTC'
# What graph_calendar counts about new mailboxes, beside the client's stats.
MAILBOX_WAIT_STATS = ('mailbox_polls', 'mailboxes_waited_for')
CALENDAR_KEYS = ('mailbox', 'events', 'permissions')
EVENT_KEYS = ('subject', 'body', 'body_type', 'start', 'end', 'timezone', 'location', 'attendees', 'categories', 'show_as', 'sensitivity',
              'reminder_minutes')
PERMISSION_KEYS = ('address', 'role', 'name')
ATTENDEE_KEYS = ('address', 'name', 'type')
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
ADDRESS = re.compile(r'^[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>".]+$')
IANA_SHAPE = re.compile(r'^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)+$')
DATE_TIME = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$')
DATE_ONLY = re.compile(r'^\d{4}-\d{2}-\d{2}$')
UTC_NAMES = ('utc', 'etc/utc', 'etc/gmt', 'gmt', 'etc/zulu', 'zulu', 'etc/universal', 'universal')
TIME_FORMAT = '%Y-%m-%dT%H:%M:%S'
EVENT_SELECT = 'id,subject,transactionId'
# Subjects looked up per events query: an ``or`` of at most this many ``subject eq`` clauses, in a URL kept short.
SUBJECTS_PER_QUERY = 10
MAX_FILTER_LENGTH = 1500
# Outlook's answer for a user without a mailbox (no Exchange licence yet, still provisioning, or hosted on-premises).
NO_MAILBOX = 'MailboxNotEnabledForRESTAPI'
# What the users behind new mailboxes are looked up with (``userPrincipalName in (..)`` / ``id in (..)``, 15 a query).
USER_FIELDS = ('id', 'userPrincipalName')
# Polling a new mailbox: first after 2 s, then 1.5 times longer each time, at most every 30 s.
FIRST_POLL = 2.0
POLL_FACTOR = 1.5
MAX_POLL = 30.0


# ----- parsing -------------------------------------------------------------------------------------


class Problem(str):
    """A validation problem: reads as ``calendars[2].events[0].start: what is wrong`` and carries the mailbox and path."""

    def __new__(cls, path, text, mailbox=None):
        obj = str.__new__(cls, '%s: %s' % (path, text))
        obj.path = path
        obj.mailbox = mailbox
        return obj

    def to_dict(self):
        return {'mailbox': self.mailbox, 'item': self.path, 'action': 'validate', 'status': None, 'code': None, 'message': str(self)}


class EventSpec:
    """One wanted event, checked; ``body()`` is what Graph is sent."""

    __slots__ = ('path', 'subject', 'start', 'end', 'timezone', 'transaction_id', 'fields')

    def __init__(self, path, subject, start, end, timezone, transaction_id, fields):
        self.path = path
        self.subject = subject
        self.start = start
        self.end = end
        self.timezone = timezone
        self.transaction_id = transaction_id
        self.fields = fields  # the other Graph properties, already in Graph's shape

    def body(self):
        body = {'subject': self.subject, 'start': {'dateTime': self.start, 'timeZone': self.timezone},
                'end': {'dateTime': self.end, 'timeZone': self.timezone}, 'transactionId': self.transaction_id}
        body.update(self.fields)
        return body

    def view(self):
        return {'subject': self.subject, 'start': self.start, 'end': self.end, 'timezone': self.timezone, 'transactionId': self.transaction_id}


class PermissionSpec:
    """One wanted calendar permission."""

    __slots__ = ('path', 'address', 'role', 'name')

    def __init__(self, path, address, role, name):
        self.path = path
        self.address = address
        self.role = role
        self.name = name

    @property
    def key(self):
        return self.address.lower()

    def body(self):
        email = {'address': self.address}
        if self.name:
            email['name'] = self.name
        return {'emailAddress': email, 'isInsideOrganization': True, 'isRemovable': True, 'role': self.role}


class CalendarSpec:
    """One item of ``calendars``: a mailbox, its events and permissions (``None``: not managed)."""

    __slots__ = ('index', 'mailbox', 'events', 'permissions')

    def __init__(self, index, mailbox):
        self.index = index
        self.mailbox = mailbox
        self.events = None
        self.permissions = None

    @property
    def key(self):
        return self.mailbox.lower()

    @property
    def path(self):
        return 'calendars[%d]' % self.index

    @property
    def has_work(self):
        return bool(self.events) or self.permissions is not None


def transaction_id(mailbox, subject):
    """The event's idempotency key: the same mailbox and subject always give the same id.

    The derivation is the one the onboarding role used before this module (mailbox = the UPN), so events it created
    are found again. A mailbox named by object id gives another key than the same mailbox named by UPN.
    """
    digest = hashlib.sha256(('%s\n%s' % (str(mailbox).strip().lower(), str(subject).strip())).encode('utf-8')).hexdigest()
    return 'onboarding-%s' % digest[:32]


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
        raise ValueError('must be a date and time like 2026-03-02T09:00:00, got %s' % _kind(value))
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
        raise ValueError('must be a time zone name such as W. Europe Standard Time or Europe/Copenhagen, got %s' % _kind(value))
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


def is_address(value):
    return isinstance(value, str) and bool(ADDRESS.match(value.strip()))


def _kind(value):
    if value is None:
        return 'nothing'
    if isinstance(value, bool):
        return 'the boolean %s' % value
    if isinstance(value, (dict, list)):
        return 'a %s' % ('dict' if isinstance(value, dict) else 'list')
    return '%s %r' % (type(value).__name__, value)


def _text(value, path, problems, mailbox, required=False, what='text'):
    """A string field: numbers are taken as text; booleans, dicts and lists are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(path, 'is required', mailbox))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.append(Problem(path, 'must be %s, got %s' % (what, _kind(value)), mailbox))
        return None
    return str(value).strip()


def _choice(value, path, problems, mailbox, choices, default=None):
    if value is None:
        return default
    if value in choices:
        return value
    close = [c for c in choices if isinstance(value, str) and c.lower() == value.strip().lower()]
    hint = " (did you mean '%s'? values are case-sensitive)" % close[0] if close else ''
    problems.append(Problem(path, '%r is not one of %s%s' % (value, ', '.join(choices), hint), mailbox))
    return None


def _items(value, path, problems, mailbox, what):
    """A list field; ``None`` when absent, refused (``None``) when not a list."""
    if value is None:
        return None
    if not isinstance(value, list):
        if isinstance(value, str):
            text = "must be a list, got the text %r; write it as a YAML list (one '- item' per line)" % value
        else:
            text = 'must be a list of %s, got %s' % (what, _kind(value))
        problems.append(Problem(path, text, mailbox))
        return None
    return value


def _unknown_keys(item, allowed, path, problems, mailbox):
    for key in item:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            problems.append(Problem(path, "unsupported key '%s'%s; allowed: %s" % (key, hint, ', '.join(allowed)), mailbox))


def parse_calendars(raw):
    """``(specs, problems)`` from the task's ``calendars``; every problem names the item and the field."""
    problems, specs, seen = [], [], {}
    items = _items(raw, 'calendars', problems, None, 'dicts')
    for index, item in enumerate(items or []):
        spec = _parse_calendar(index, item, problems)
        if spec is None:
            continue
        if spec.key in seen:
            problems.append(Problem('%s.mailbox' % spec.path, "'%s' is listed twice (also calendars[%d]); list each mailbox once"
                                    % (spec.mailbox, seen[spec.key]), spec.mailbox))
            continue
        seen[spec.key] = index
        specs.append(spec)
    return specs, problems


def _parse_calendar(index, item, problems):
    path = 'calendars[%d]' % index
    if not isinstance(item, dict):
        problems.append(Problem(path, 'must be a dict with mailbox, events and permissions, got %s' % _kind(item)))
        return None
    _unknown_keys(item, CALENDAR_KEYS, path, problems, None)
    mailbox = _text(item.get('mailbox'), path + '.mailbox', problems, None, required=True, what='a userPrincipalName or object id')
    if mailbox is None:
        return None
    if not (is_guid(mailbox) or is_address(mailbox)):
        problems.append(Problem(path + '.mailbox', "'%s' is neither a userPrincipalName (name@domain) nor an object id" % mailbox))
        return None
    spec = CalendarSpec(index, mailbox)
    events = _items(item.get('events'), path + '.events', problems, mailbox, 'events (dicts)')
    if events is not None:
        spec.events = []
        subjects = {}
        for number, event in enumerate(events):
            parsed = _parse_event('%s.events[%d]' % (path, number), event, mailbox, problems)
            if parsed is None:
                continue
            if parsed.subject.lower() in subjects:
                problems.append(Problem(parsed.path + '.subject', "'%s' is used twice in this mailbox (also %s); subjects key the events, "
                                        "so each must be unique" % (parsed.subject, subjects[parsed.subject.lower()]), mailbox))
                continue
            subjects[parsed.subject.lower()] = parsed.path
            spec.events.append(parsed)
    permissions = _items(item.get('permissions'), path + '.permissions', problems, mailbox, 'permissions (dicts)')
    if permissions is not None:
        spec.permissions = []
        addresses = {}
        for number, permission in enumerate(permissions):
            parsed = _parse_permission('%s.permissions[%d]' % (path, number), permission, mailbox, problems)
            if parsed is None:
                continue
            if parsed.key in addresses:
                problems.append(Problem(parsed.path + '.address', "'%s' is listed twice in this mailbox (also %s); addresses are compared "
                                        "case-insensitively" % (parsed.address, addresses[parsed.key]), mailbox))
                continue
            addresses[parsed.key] = parsed.path
            spec.permissions.append(parsed)
    return spec


def _parse_event(path, event, mailbox, problems):
    if not isinstance(event, dict):
        problems.append(Problem(path, 'must be a dict with subject, start and end, got %s' % _kind(event), mailbox))
        return None
    before = len(problems)
    _unknown_keys(event, EVENT_KEYS, path, problems, mailbox)
    subject = _text(event.get('subject'), path + '.subject', problems, mailbox, required=True)
    zone = DEFAULT_TIME_ZONE
    if event.get('timezone') is not None:
        try:
            zone = time_zone_name(event['timezone'])
        except ValueError as exc:
            problems.append(Problem(path + '.timezone', str(exc), mailbox))
            zone = None
    times = {}
    for name in ('start', 'end'):
        if event.get(name) in (None, ''):
            problems.append(Problem('%s.%s' % (path, name), 'is required (a date and time like 2026-03-02T09:00:00)', mailbox))
            continue
        try:
            text, moment, offset = parse_date_time(event[name])
        except ValueError as exc:
            problems.append(Problem('%s.%s' % (path, name), str(exc), mailbox))
            continue
        if offset is not None and not (offset == 0 and zone and zone.lower() in UTC_NAMES):
            problems.append(Problem('%s.%s' % (path, name), "'%s' carries a UTC offset; give the local time without one and name its zone "
                                    "in timezone (the event's time zone is %s)" % (event[name], zone), mailbox))
            continue
        times[name] = (text, moment)
    if 'start' in times and 'end' in times and times['end'][1] <= times['start'][1]:
        problems.append(Problem(path + '.end', '%s is not after the start %s' % (times['end'][0], times['start'][0]), mailbox))
    fields = _event_fields(path, event, mailbox, problems)
    if len(problems) > before:
        return None
    return EventSpec(path, subject, times['start'][0], times['end'][0], zone, transaction_id(mailbox, subject), fields)


def _event_fields(path, event, mailbox, problems):
    """The optional event properties, in Graph's shape."""
    fields = {}
    body = _text(event.get('body'), path + '.body', problems, mailbox)
    body_type = _choice(event.get('body_type'), path + '.body_type', problems, mailbox, BODY_TYPES, 'text')
    if body is not None:
        fields['body'] = {'contentType': body_type or 'text', 'content': str(event['body'])}
    location = _text(event.get('location'), path + '.location', problems, mailbox)
    if location:
        fields['location'] = {'displayName': location}
    attendees = _items(event.get('attendees'), path + '.attendees', problems, mailbox, 'addresses')
    if attendees:
        fields['attendees'] = [a for a in (_attendee('%s.attendees[%d]' % (path, n), a, mailbox, problems) for n, a in enumerate(attendees)) if a]
    categories = _items(event.get('categories'), path + '.categories', problems, mailbox, 'names')
    if categories:
        fields['categories'] = [c for c in (_text(c, '%s.categories[%d]' % (path, n), problems, mailbox, required=True)
                                            for n, c in enumerate(categories)) if c]
    show_as = _choice(event.get('show_as'), path + '.show_as', problems, mailbox, SHOW_AS)
    if show_as:
        fields['showAs'] = show_as
    sensitivity = _choice(event.get('sensitivity'), path + '.sensitivity', problems, mailbox, SENSITIVITIES)
    if sensitivity:
        fields['sensitivity'] = sensitivity
    reminder = event.get('reminder_minutes')
    if reminder is not None:
        number = reminder if isinstance(reminder, int) and not isinstance(reminder, bool) else None
        if isinstance(reminder, str) and reminder.strip().isdigit():
            number = int(reminder)
        if number is None or number < 0:
            problems.append(Problem(path + '.reminder_minutes', 'must be a whole number of minutes (0 or more), got %s' % _kind(reminder), mailbox))
        else:
            fields['isReminderOn'] = True
            fields['reminderMinutesBeforeStart'] = number
    return fields


def _attendee(path, value, mailbox, problems):
    if isinstance(value, dict):
        _unknown_keys(value, ATTENDEE_KEYS, path, problems, mailbox)
        address, name = value.get('address'), _text(value.get('name'), path + '.name', problems, mailbox)
        kind = _choice(value.get('type'), path + '.type', problems, mailbox, ATTENDEE_TYPES, 'required')
        path += '.address'
    else:
        address, name, kind = value, None, 'required'
    if not is_address(address):
        problems.append(Problem(path, "%s is not an email address" % ("'%s'" % address if isinstance(address, str) else _kind(address)), mailbox))
        return None
    email = {'address': address.strip()}
    if name:
        email['name'] = name
    return {'emailAddress': email, 'type': kind or 'required'}


def _parse_permission(path, permission, mailbox, problems):
    if not isinstance(permission, dict):
        problems.append(Problem(path, 'must be a dict with address and role, got %s' % _kind(permission), mailbox))
        return None
    before = len(problems)
    _unknown_keys(permission, PERMISSION_KEYS, path, problems, mailbox)
    address = _text(permission.get('address'), path + '.address', problems, mailbox, required=True, what='an email address')
    if address is not None and not is_address(address):
        problems.append(Problem(path + '.address', "'%s' is not an email address" % address, mailbox))
    elif address is not None and address.lower() == mailbox.lower():
        problems.append(Problem(path + '.address', "'%s' is the mailbox itself; its owner needs no permission" % address, mailbox))
    role = permission.get('role')
    if role in (None, ''):
        problems.append(Problem(path + '.role', 'is required (one of %s)' % ', '.join(ROLES), mailbox))
    elif role == 'custom':
        problems.append(Problem(path + '.role', "'custom' cannot be set (Graph only reports it for rights given in Outlook); use one of %s"
                                % ', '.join(ROLES), mailbox))
    else:
        role = _choice(role, path + '.role', problems, mailbox, ROLES)
    name = _text(permission.get('name'), path + '.name', problems, mailbox)
    if len(problems) > before:
        return None
    return PermissionSpec(path, address, role, name)


def parse_mailbox_names(raw, option):
    """``(set of lower-case names, problems)`` for a list option naming mailboxes (``new_mailboxes``)."""
    problems, names = [], set()
    for index, value in enumerate(_items(raw, option, problems, None, 'mailboxes') or []):
        text = _text(value, '%s[%d]' % (option, index), problems, None, required=True, what='a userPrincipalName or object id')
        if text is not None:
            names.add(text.lower())
    return names, problems


# ----- planning one mailbox ------------------------------------------------------------------------


def _subject_chunks(subjects):
    """Subjects grouped for ``subject eq .. or ..`` queries: at most 10 per query and a URL of reasonable length."""
    chunk, length = [], 0
    for subject in subjects:
        clause = len(quote_filter('subject eq %s or ' % odata_string(subject)))
        if chunk and (len(chunk) >= SUBJECTS_PER_QUERY or length + clause > MAX_FILTER_LENGTH):
            yield chunk
            chunk, length = [], 0
        chunk.append(subject)
        length += clause
    if chunk:
        yield chunk


def read_requests(spec, prefix):
    """The GETs that show what a mailbox holds of what the task manages: its events with the listed subjects
    (Outlook cannot filter on ``transactionId``) and, when permissions are managed, its calendar permissions."""
    requests = []
    for number, chunk in enumerate(_subject_chunks([event.subject for event in spec.events or []])):
        expression = ' or '.join('subject eq %s' % odata_string(subject) for subject in chunk)
        url = '%s?$filter=%s&$select=%s&$top=50' % (user_path(spec.mailbox, 'events'), quote_filter(expression), EVENT_SELECT)
        requests.append({'id': '%s:events:%d' % (prefix, number), 'url': url})
    if spec.permissions is not None:
        requests.append({'id': '%s:permissions' % prefix, 'url': user_path(spec.mailbox, 'calendar/calendarPermissions')})
    return requests


class MailboxContent:
    """What a mailbox holds of what the task manages: events with the listed subjects, and permission entries."""

    def __init__(self, events=None, permissions=None):
        self.events = list(events or [])
        self.permissions = list(permissions or [])

    def view(self, spec):
        """The compared state, for diff: events of the task found in the mailbox, and every permission's role."""
        wanted = set(event.transaction_id for event in spec.events or [])
        view = {'events': sorted(event.get('subject') or '' for event in self.events if event.get('transactionId') in wanted)}
        if spec.permissions is not None:
            view['permissions'] = dict((_entry_label(entry), entry.get('role')) for entry in self.permissions)
        return view


def _entry_label(entry):
    email = entry.get('emailAddress') or {}
    return email.get('address') or email.get('name') or str(entry.get('id'))


def _error_code(answer):
    error = answer.error()
    return error.code if error is not None else None


def mailbox_missing(answer):
    """True for Graph's answer that the mailbox (or its user) is not there, as opposed to an item of it."""
    return answer.status == 404 and _error_code(answer) != 'ErrorItemNotFound'


def read_outcome(answers):
    """``('ok', MailboxContent)``, ``('missing', GraphError)`` or ``('error', GraphError)`` from a mailbox's read answers."""
    content = MailboxContent()
    for answer in answers:
        if not answer.ok:
            return ('missing' if mailbox_missing(answer) else 'error'), answer.error()
        values = (answer.body or {}).get('value') or [] if isinstance(answer.body, dict) else []
        if answer.id.endswith(':permissions'):
            content.permissions = values
        else:
            content.events.extend(values)
    return 'ok', content


def missing_text(spec, error):
    """Why a mailbox that the task did not name as new cannot be used."""
    if error is not None and error.code == NO_MAILBOX:
        reason = 'has no mailbox (Outlook answered %s: no Exchange Online licence, or hosted on-premises)' % NO_MAILBOX
    else:
        reason = 'was not found (%s)' % (error or '404')
    return ("'%s' %s; if the user was created or licensed moments ago, list it in new_mailboxes to wait for its mailbox"
            % (spec.mailbox, reason))


def lookup_requests(mailboxes):
    """``[(request, names)]``: the queries that look up the users behind ``mailboxes`` (userPrincipalNames and object
    ids), 15 to an ``in``, each with the names it asks for."""
    names = list(dict((str(name).strip().lower(), str(name).strip()) for name in mailboxes).values())
    return [({'id': 'users:%d' % n, 'url': url}, chunk) for n, (chunk, url) in enumerate(user_lookups(names, USER_FIELDS))]


def absent_users(client, mailboxes):
    """The lower-case names among ``mailboxes`` that no user has, from one ``client.batch`` of ``in`` queries.

    Only a query Graph answered tells that a user is not there: the names of a query that failed (for example
    without permission to read users, or refused for a userPrincipalName it cannot take) are not returned, so
    their mailboxes are read as if there had been no lookup. A user created moments ago may not be visible yet
    (replication): it counts as absent, which for a new mailbox means the same as its mailbox not being there.
    """
    pairs = lookup_requests(mailboxes)
    if not pairs:
        return set()
    answers = dict((answer.id, answer) for answer in client.batch([request for request, names in pairs], paginate=True))
    absent = set()
    for request, names in pairs:
        answer = answers.get(request['id'])
        body = answer.body if answer is not None and answer.ok else None
        if not isinstance(body, dict) or not isinstance(body.get('value'), list):
            continue
        found = set()
        for user in body['value']:
            if isinstance(user, dict):
                found.update(str(user.get(key) or '').lower() for key in USER_FIELDS)
        absent.update(name.lower() for name in names if name.lower() not in found)
    return absent


class MailboxPlan:
    """The writes one mailbox needs."""

    def __init__(self, spec):
        self.spec = spec
        self.create = []      # EventSpec
        self.existing = []    # (EventSpec, event id)
        self.grant = []       # PermissionSpec
        self.update = []      # (PermissionSpec, entry)
        self.remove = []      # entry
        self.unchanged = []   # PermissionSpec
        self.problems = []

    @property
    def writes(self):
        return bool(self.create or self.grant or self.update or self.remove)

    def requests(self, prefix):
        """The write requests, each with ``_kind`` and ``_target`` for recording its answer (popped before sending)."""
        mailbox = self.spec.mailbox
        permissions = user_path(mailbox, 'calendar/calendarPermissions')
        requests = []
        for number, event in enumerate(self.create):
            requests.append({'id': '%s:event:%d' % (prefix, number), 'method': 'POST', 'url': user_path(mailbox, 'events'),
                             'body': event.body(), '_kind': 'create_event', '_target': event})
        for number, permission in enumerate(self.grant):
            # Safe to send again after a lost answer: a grant that did happen comes back 409 and is settled by reading.
            requests.append({'id': '%s:grant:%d' % (prefix, number), 'method': 'POST', 'url': permissions, 'body': permission.body(),
                             'safe_to_resend': True, '_kind': 'grant', '_target': permission})
        for number, (permission, entry) in enumerate(self.update):
            requests.append({'id': '%s:update:%d' % (prefix, number), 'method': 'PATCH', 'url': _entry_url(permissions, entry),
                             'body': {'role': permission.role}, '_kind': 'update', '_target': (permission, entry)})
        for number, entry in enumerate(self.remove):
            requests.append({'id': '%s:remove:%d' % (prefix, number), 'method': 'DELETE', 'url': _entry_url(permissions, entry),
                             '_kind': 'remove', '_target': entry})
        return requests


def _entry_url(permissions, entry):
    return '%s/%s' % (permissions, quote(str(entry.get('id')), safe=''))


def plan_mailbox(spec, content, exact=False):
    """Compare the wanted events and permissions with ``content`` (``None``: a mailbox that does not exist yet).

    Events are found by their ``transactionId`` and never changed once there. Permissions are matched by address,
    case-insensitively; with ``exact`` the removable ones not listed are removed (never the default entries, which
    have no address and cannot be removed).
    """
    plan = MailboxPlan(spec)
    content = content or MailboxContent()
    found = dict((event.get('transactionId'), event) for event in content.events if event.get('transactionId'))
    for event in spec.events or []:
        if event.transaction_id in found:
            plan.existing.append((event, found[event.transaction_id].get('id')))
        else:
            plan.create.append(event)
    if spec.permissions is None:
        return plan
    current = {}
    for entry in content.permissions:
        address = (entry.get('emailAddress') or {}).get('address')
        if address:
            current[address.lower()] = entry
    for permission in spec.permissions:
        entry = current.pop(permission.key, None)
        if entry is None:
            plan.grant.append(permission)
        elif entry.get('role') == permission.role:
            plan.unchanged.append(permission)
        elif entry.get('allowedRoles') and permission.role not in entry['allowedRoles']:
            plan.problems.append(Problem(permission.path + '.role', "'%s' cannot be given to %s on this calendar; Graph allows %s"
                                         % (permission.role, permission.address, ', '.join(entry['allowedRoles'])), spec.mailbox))
        else:
            plan.update.append((permission, entry))
    if exact:
        plan.remove = [entry for address, entry in sorted(current.items()) if entry.get('isRemovable') is True]
    return plan


# ----- running: read everything, then write while new mailboxes are waited for -------------------------


class MailboxRun:
    """One mailbox through the run: its plan, its state, and what happened."""

    def __init__(self, spec, new):
        self.spec = spec
        self.new = new              # listed in new_mailboxes: waited for when not there
        self.state = 'read'         # read, wait, write, done, pending, failed
        self.found = None           # whether the mailbox was there (None: not read, nothing to manage)
        self.plan = None
        self.before = None          # MailboxContent.view of the first successful read
        self.delay = FIRST_POLL
        self.next_poll = None
        self.created = {}           # transactionId -> (EventSpec, id)
        self.granted = []           # PermissionSpec
        self.updated = []           # (PermissionSpec, previous role)
        self.removed = []           # entry
        self.failures = []
        self.settling = set()       # addresses whose grant answered 409: read again to see what is there
        self.settled = False        # settling is tried once
        self.settle_read = False    # the next read settles grants (it is not a poll for a missing mailbox)

    @property
    def prefix(self):
        return 'c%d' % self.spec.index

    def fail(self, item, action, error, **detail):
        failure = {'mailbox': self.spec.mailbox, 'item': item, 'action': action, 'status': getattr(error, 'status', None),
                   'code': getattr(error, 'code', None), 'message': getattr(error, 'message', None) or str(error)}
        failure.update(detail)
        self.failures.append(failure)


class CalendarSync:
    """Brings the calendars of many mailboxes to what the task lists, in as few batches as Outlook's limits allow.

    1. The users behind the mailboxes listed in ``new_mailboxes`` are looked up (one ``client.batch`` of
       ``in`` queries); a new mailbox whose user is not there (or not visible yet) is not read: its mailbox
       cannot be there either.
    2. Every other mailbox is read at once (one ``client.batch``). A mailbox that is missing and not listed in
       ``new_mailboxes``, a failed read, or a role Graph does not allow stops the run there: nothing is written.
       In check mode that is all (a listed new mailbox that is not there yet is planned as empty).
    3. Then rounds: each sends the writes of the mailboxes that are ready together with a new read of each
       waiting mailbox whose turn has come. A waiting mailbox is read again after 2 s, then 1.5 times later each
       time (at most 30 s apart), until ``timeout`` seconds after the start; then it is left ``pending``.
       Other mailboxes never wait for it.
    """

    def __init__(self, client, specs, exact=False, new_mailboxes=(), timeout=600.0, check_mode=False, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.exact = exact
        self.timeout = timeout
        self.check_mode = check_mode
        self.clock = clock
        self.sleep = sleep
        new = set(name.lower() for name in new_mailboxes)
        self.runs = [MailboxRun(spec, spec.key in new) for spec in specs]
        self.deadline = None
        self.stats = dict.fromkeys(MAILBOX_WAIT_STATS, 0)

    def run(self):
        """Read, check and (unless in check mode) write; returns the problems that stopped the run before any write."""
        self.deadline = self.clock() + self.timeout
        problems = self._first_read()
        if not problems and not self.check_mode:
            self._write_and_wait()
        return problems

    # ----- rounds ----------------------------------------------------------------------------------

    def _first_read(self):
        working = [run for run in self.runs if run.spec.has_work]
        for run in self.runs:
            if not run.spec.has_work:
                run.state = 'done'
        absent = absent_users(self.client, [run.spec.mailbox for run in working if run.new])
        reading = []
        for run in working:
            if run.new and run.spec.key in absent:
                self._not_there(run)
            else:
                reading.append(run)
        answers = self._send([(run, read_requests(run.spec, run.prefix)) for run in reading])
        problems = []
        for run in reading:
            outcome, value = read_outcome([entry[0] for entry in answers.get(run, [])])
            if outcome == 'ok':
                problems.extend(self._planned(run, value))
            elif outcome == 'missing' and run.new:
                self._not_there(run)
            elif outcome == 'missing':
                problems.append(Problem(run.spec.path + '.mailbox', missing_text(run.spec, value), run.spec.mailbox))
            else:
                problems.append(Problem(run.spec.path + '.mailbox', "reading the calendar of '%s' failed: %s" % (run.spec.mailbox, value),
                                        run.spec.mailbox))
        return problems

    def _write_and_wait(self):
        while True:
            now = self.clock()
            work = []
            for run in self.runs:
                if run.state == 'write':
                    work.append((run, run.plan.requests(run.prefix)))
                elif run.state == 'wait' and run.next_poll <= now:
                    self.stats['mailbox_polls'] += 0 if run.settle_read else 1
                    work.append((run, read_requests(run.spec, run.prefix)))
            if not work:
                waiting = [run.next_poll for run in self.runs if run.state == 'wait']
                if not waiting:
                    return
                self.sleep(max(0.0, min(waiting) - now))
                continue
            answers = self._send(work)
            for run, dummy in work:
                if run.state == 'write':
                    self._record_writes(run, answers.get(run, []))
                else:
                    self._record_poll(run, answers.get(run, []))

    def _send(self, work):
        """One ``client.batch`` for every mailbox's requests; answers grouped by mailbox, with each write's kind and target."""
        requests, owners = [], {}
        for run, run_requests in work:
            for request in run_requests:
                owners[request['id']] = (run, request.pop('_kind', None), request.pop('_target', None))
                requests.append(request)
        grouped = {}
        for answer in self.client.batch(requests, paginate=True) if requests else []:
            run, kind, target = owners[answer.id]
            grouped.setdefault(run, []).append((answer, kind, target))
        return grouped

    # ----- one mailbox -----------------------------------------------------------------------------

    def _planned(self, run, content):
        run.found = True
        run.settle_read = False
        run.plan = plan_mailbox(run.spec, content, self.exact)
        for permission in [p for p in run.plan.unchanged if p.key in run.settling]:
            run.plan.unchanged.remove(permission)  # there now with the listed role: the grant whose answer was 409 took effect
            run.granted.append(permission)
        run.settling.clear()
        if run.before is None:
            run.before = content.view(run.spec)
        for event, event_id in run.plan.existing:
            if event.transaction_id in run.created:
                run.created[event.transaction_id] = (event, event_id)
        run.plan.existing = [(e, i) for e, i in run.plan.existing if e.transaction_id not in run.created]
        run.state = 'write' if run.plan.writes else 'done'
        return run.plan.problems

    def _not_there(self, run):
        """A new mailbox that is not there yet: planned as empty in check mode, else waited for."""
        self.stats['mailboxes_waited_for'] += 1
        run.found = False
        if self.check_mode:
            run.plan = plan_mailbox(run.spec, None, self.exact)
            run.before = MailboxContent().view(run.spec)
            run.state = 'write'
        else:
            self._wait(run)

    def _wait(self, run):
        """Schedule the next read of a missing new mailbox, or give up on it at the deadline."""
        now = self.clock()
        if now >= self.deadline:
            run.state = 'pending'
            return
        run.state = 'wait'
        run.next_poll = min(now + run.delay, self.deadline)
        run.delay = min(run.delay * POLL_FACTOR, MAX_POLL)

    def _record_poll(self, run, answers):
        outcome, value = read_outcome([entry[0] for entry in answers])
        if outcome == 'ok':
            for problem in self._planned(run, value):
                run.fail(problem.path, 'validate', None, message=str(problem))
        elif outcome == 'missing' and run.new and not run.settle_read:
            self._wait(run)
        else:
            run.fail(run.spec.path, 'read', value)
            run.state = 'failed'

    def _record_writes(self, run, answers):
        reread = settle = False
        for answer, kind, target in answers:
            if answer.ok or (kind == 'remove' and answer.status == 404):
                self._done(run, kind, target, answer)
            elif kind == 'grant' and answer.status == 409 and not run.settled:
                # Shared with that address already: a grant re-sent after its answer was lost, or someone else's just now.
                run.settling.add(target.key)
                settle = True
            elif run.new and mailbox_missing(answer) and self.clock() < self.deadline:
                reread = True  # the mailbox answered reads but not yet writes: read it again and plan what is left
            else:
                self._failed(run, kind, target, answer.error())
        if reread:
            run.delay = FIRST_POLL
            self._wait(run)
        elif settle:
            run.settled = run.settle_read = True
            run.state, run.next_poll = 'wait', self.clock()
        else:
            run.state = 'done'

    @staticmethod
    def _done(run, kind, target, answer):
        if kind == 'create_event':
            run.created[target.transaction_id] = (target, (answer.body or {}).get('id') if isinstance(answer.body, dict) else None)
        elif kind == 'grant':
            run.granted.append(target)
        elif kind == 'update':
            run.updated.append((target[0], target[1].get('role')))
        else:
            run.removed.append(target)

    @staticmethod
    def _failed(run, kind, target, error):
        if kind == 'create_event':
            run.fail(target.path, kind, error, subject=target.subject)
        elif kind == 'grant':
            run.fail(target.path, kind, error, address=target.address, role=target.role)
        elif kind == 'update':
            run.fail(target[0].path, kind, error, address=target[0].address, role=target[0].role)
        else:
            run.fail(run.spec.path + '.permissions', kind, error, address=_entry_label(target), role=target.get('role'))

    # ----- outcome ---------------------------------------------------------------------------------

    def outcome(self):
        """``(calendars, pending mailboxes, failed items, changed, before, after)`` for the task result."""
        calendars, pending, failures, before, after = [], [], [], {}, {}
        changed = False
        for run in self.runs:
            entry = self._entry(run)
            calendars.append(entry)
            failures.extend(run.failures)
            if run.state in ('pending', 'wait'):
                pending.append(run.spec.mailbox)
            if entry['changed']:
                changed = True
                before[run.spec.mailbox] = run.before
                after[run.spec.mailbox] = self._after(run, entry)
        return calendars, pending, failures, changed, before, after

    def _entry(self, run):
        planned = self.check_mode and run.plan is not None
        if planned:
            created = [(event, None) for event in run.plan.create]
            granted, updated = run.plan.grant, [(p, e.get('role')) for p, e in run.plan.update]
            removed = run.plan.remove
        else:
            created = list(run.created.values())
            granted, updated, removed = run.granted, run.updated, run.removed
        existing = run.plan.existing if run.plan else []
        touched = set(p.key for p in granted) | set(p.key for p, dummy in updated)
        unchanged = [p for p in (run.plan.unchanged if run.plan else []) if p.key not in touched]
        status = 'pending' if run.state in ('pending', 'wait') else 'failed' if run.failures else 'ok'
        entry = {
            'mailbox': run.spec.mailbox, 'status': status, 'new_mailbox': run.new, 'found': run.found,
            'events': {'created': [dict(event.view(), id=event_id) for event, event_id in created],
                       'existing': [dict(event.view(), id=event_id) for event, event_id in existing]},
            'permissions': {'granted': [{'address': p.address, 'role': p.role} for p in granted],
                            'updated': [{'address': p.address, 'role': p.role, 'previous_role': old} for p, old in updated],
                            'removed': [{'address': _entry_label(e), 'role': e.get('role')} for e in removed],
                            'unchanged': [{'address': p.address, 'role': p.role} for p in unchanged]},
        }
        entry['changed'] = bool(created or granted or updated or removed)
        return entry

    @staticmethod
    def _after(run, entry):
        view = {'events': sorted(run.before['events'] + [event['subject'] for event in entry['events']['created']])}
        if 'permissions' in run.before:
            permissions = dict(run.before['permissions'])
            for change in entry['permissions']['removed']:
                permissions.pop(change['address'], None)
            lowered = dict((label.lower(), label) for label in permissions)
            for change in entry['permissions']['granted'] + entry['permissions']['updated']:
                permissions[lowered.get(change['address'].lower(), change['address'])] = change['role']
            view['permissions'] = permissions
        return view
