# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""graph_calendar's input: the task's ``calendars`` checked completely before anything is sent.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Every problem names its place (``calendars[2].events[0].start``) and the mailbox it is about.
"""

from __future__ import annotations

import difflib
import hashlib
import re

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.times import DEFAULT_TIME_ZONE, UTC_NAMES, kind_of, parse_date_time, time_zone_name
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils.common.input_checks import list_as_text
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem

ROLES = ('none', 'freeBusyRead', 'limitedRead', 'read', 'write', 'delegateWithoutPrivateEventAccess', 'delegateWithPrivateEventAccess')
BODY_TYPES = ('text', 'html')
ATTENDEE_TYPES = ('required', 'optional', 'resource')
SHOW_AS = ('free', 'tentative', 'busy', 'oof', 'workingElsewhere')
SENSITIVITIES = ('normal', 'personal', 'private', 'confidential')
CALENDAR_KEYS = ('mailbox', 'events', 'permissions', 'automatic_replies')
AUTO_REPLY_KEYS = ('state', 'internal_message', 'external_message', 'external_audience')
AUTO_REPLY_STATES = ('enabled', 'disabled')
EXTERNAL_AUDIENCES = ('none', 'contactsOnly', 'all')
EVENT_KEYS = ('subject', 'body', 'body_type', 'start', 'end', 'timezone', 'location', 'attendees', 'categories', 'show_as', 'sensitivity',
              'reminder_minutes')
PERMISSION_KEYS = ('address', 'role', 'name')
ATTENDEE_KEYS = ('address', 'name', 'type')
ADDRESS = re.compile(r'^[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>".]+$')


def problem_at(path, reason, mailbox=None):
    """A ``Problem`` at ``path`` (``calendars[2].events[0].start``): the item is ``calendars[2]``, the field what follows."""
    item, dot, field = path.partition('.')
    return Problem(reason, item, field or None, mailbox)


def problem_path(problem):
    """The place of a ``Problem`` as one path again (``calendars[2].events[0].start``)."""
    return '.'.join(part for part in (problem.item, problem.field) if part)


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
    """One wanted calendar permission; ``external`` (set by ``sharees.check_sharees``): outside the tenant's domains,
    ``None`` when the domains could not be read."""

    __slots__ = ('path', 'address', 'role', 'name', 'external')

    def __init__(self, path, address, role, name):
        self.path = path
        self.address = address
        self.role = role
        self.name = name
        self.external = None

    @property
    def key(self):
        return self.address.lower()

    def body(self):
        email = {'address': self.address}
        if self.name:
            email['name'] = self.name
        return {'emailAddress': email, 'isInsideOrganization': self.external is not True, 'isRemovable': True, 'role': self.role}

    def view(self, **extra):
        """``{address, role}`` for the task result, with ``external: true`` for an address outside the tenant's domains."""
        view = dict({'address': self.address, 'role': self.role}, **extra)
        if self.external:
            view['external'] = True
        return view


class AutoReplySpec:
    """The wanted automatic replies of a mailbox: ``state`` enabled (always on, with both messages and the external
    audience) or disabled (messages and audience left as they are)."""

    __slots__ = ('path', 'state', 'internal', 'external', 'audience')

    def __init__(self, path, state, internal=None, external=None, audience=None):
        self.path = path
        self.state = state
        self.internal = internal
        self.external = external
        self.audience = audience

    @property
    def status(self):
        """Graph's ``automaticRepliesStatus`` for the wanted state."""
        return 'alwaysEnabled' if self.state == 'enabled' else 'disabled'

    def body(self):
        """The ``automaticRepliesSetting`` to PATCH."""
        if self.state == 'disabled':
            return {'status': 'disabled'}
        return {'status': 'alwaysEnabled', 'externalAudience': self.audience, 'internalReplyMessage': self.internal,
                'externalReplyMessage': self.external}

    def view(self):
        view = {'state': self.state, 'status': self.status}
        if self.state == 'enabled':
            view.update(external_audience=self.audience, internal_message=self.internal, external_message=self.external)
        return view


class CalendarSpec:
    """One item of ``calendars``: a mailbox, its events, permissions and automatic replies (``None``: not managed)."""

    __slots__ = ('index', 'mailbox', 'events', 'permissions', 'auto_replies')

    def __init__(self, index, mailbox):
        self.index = index
        self.mailbox = mailbox
        self.events = None
        self.permissions = None
        self.auto_replies = None

    @property
    def key(self):
        return self.mailbox.lower()

    @property
    def path(self):
        return 'calendars[%d]' % self.index

    @property
    def has_work(self):
        return bool(self.events) or self.permissions is not None or self.auto_replies is not None


def transaction_id(mailbox, subject):
    """The event's idempotency key: the same mailbox and subject always give the same id.

    The derivation is the one the onboarding role used before this module (mailbox = the UPN), so events it created
    are found again. A mailbox named by object id gives another key than the same mailbox named by UPN.
    """
    digest = hashlib.sha256(('%s\n%s' % (str(mailbox).strip().lower(), str(subject).strip())).encode('utf-8')).hexdigest()
    return 'onboarding-%s' % digest[:32]


def is_address(value):
    return isinstance(value, str) and bool(ADDRESS.match(value.strip()))


def _text(value, path, problems, mailbox, required=False, what='text'):
    """A string field: numbers are taken as text; booleans, dicts and lists are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(problem_at(path, 'is required', mailbox))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.append(problem_at(path, 'must be %s, got %s' % (what, kind_of(value)), mailbox))
        return None
    return str(value).strip()


def _choice(value, path, problems, mailbox, choices, default=None):
    if value is None:
        return default
    if value in choices:
        return value
    close = [c for c in choices if isinstance(value, str) and c.lower() == value.strip().lower()]
    hint = " (did you mean '%s'? values are case-sensitive)" % close[0] if close else ''
    problems.append(problem_at(path, '%r is not one of %s%s' % (value, ', '.join(choices), hint), mailbox))
    return None


def _items(value, path, problems, mailbox, what):
    """A list field; ``None`` when absent, refused (``None``) when not a list."""
    if value is None:
        return None
    if not isinstance(value, list):
        text = list_as_text(value) or 'must be a list of %s, got %s' % (what, kind_of(value))
        problems.append(problem_at(path, text, mailbox))
        return None
    return value


def _unknown_keys(item, allowed, path, problems, mailbox):
    for key in item:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = " (did you mean '%s'?)" % close[0] if close else ''
            problems.append(problem_at(path, "unsupported key '%s'%s; allowed: %s" % (key, hint, ', '.join(allowed)), mailbox))


def parse_calendars(raw):
    """``(specs, problems)`` from the task's ``calendars``; every problem names the item and the field."""
    problems, specs, seen = [], [], {}
    items = _items(raw, 'calendars', problems, None, 'dicts')
    for index, item in enumerate(items or []):
        spec = _parse_calendar(index, item, problems)
        if spec is None:
            continue
        if spec.key in seen:
            problems.append(problem_at('%s.mailbox' % spec.path, "'%s' is listed twice (also calendars[%d]); list each mailbox once"
                                       % (spec.mailbox, seen[spec.key]), spec.mailbox))
            continue
        seen[spec.key] = index
        specs.append(spec)
    return specs, problems


def _parse_calendar(index, item, problems):
    path = 'calendars[%d]' % index
    if not isinstance(item, dict):
        problems.append(problem_at(path, 'must be a dict with mailbox, events, permissions and automatic_replies, got %s' % kind_of(item)))
        return None
    _unknown_keys(item, CALENDAR_KEYS, path, problems, None)
    mailbox = _text(item.get('mailbox'), path + '.mailbox', problems, None, required=True, what='a userPrincipalName or object id')
    if mailbox is None:
        return None
    if not (is_guid(mailbox) or is_address(mailbox)):
        problems.append(problem_at(path + '.mailbox', "'%s' is neither a userPrincipalName (name@domain) nor an object id" % mailbox))
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
                problems.append(problem_at(parsed.path + '.subject', "'%s' is used twice in this mailbox (also %s); subjects key the events, "
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
                problems.append(problem_at(parsed.path + '.address', "'%s' is listed twice in this mailbox (also %s); addresses are compared "
                                           "case-insensitively" % (parsed.address, addresses[parsed.key]), mailbox))
                continue
            addresses[parsed.key] = parsed.path
            spec.permissions.append(parsed)
    if item.get('automatic_replies') is not None:
        spec.auto_replies = parse_auto_replies(path + '.automatic_replies', item['automatic_replies'], mailbox, problems)
    return spec


def parse_auto_replies(path, value, mailbox, problems):
    """An ``AutoReplySpec`` from ``automatic_replies`` (``None`` when it has problems, which are added to ``problems``).

    The external message defaults to the internal one; the audience to ``all``. Messages are sent as given (plain text
    or HTML); only leading and trailing white space is dropped.
    """
    if not isinstance(value, dict):
        problems.append(problem_at(path, 'must be a dict with internal_message (and optionally external_message, external_audience, state), '
                                   'got %s' % kind_of(value), mailbox))
        return None
    before = len(problems)
    _unknown_keys(value, AUTO_REPLY_KEYS, path, problems, mailbox)
    state = _choice(value.get('state'), path + '.state', problems, mailbox, AUTO_REPLY_STATES, 'enabled')
    audience = _choice(value.get('external_audience'), path + '.external_audience', problems, mailbox, EXTERNAL_AUDIENCES, 'all')
    internal = _text(value.get('internal_message'), path + '.internal_message', problems, mailbox, required=state == 'enabled', what='a message (text)')
    external = _text(value.get('external_message'), path + '.external_message', problems, mailbox, what='a message (text)')
    if len(problems) > before or state is None:
        return None
    if state == 'disabled':
        return AutoReplySpec(path, state)
    return AutoReplySpec(path, state, internal, external if external is not None else internal, audience)


def _parse_event(path, event, mailbox, problems):
    if not isinstance(event, dict):
        problems.append(problem_at(path, 'must be a dict with subject, start and end, got %s' % kind_of(event), mailbox))
        return None
    before = len(problems)
    _unknown_keys(event, EVENT_KEYS, path, problems, mailbox)
    subject = _text(event.get('subject'), path + '.subject', problems, mailbox, required=True)
    zone = DEFAULT_TIME_ZONE
    if event.get('timezone') is not None:
        try:
            zone = time_zone_name(event['timezone'])
        except ValueError as exc:
            problems.append(problem_at(path + '.timezone', str(exc), mailbox))
            zone = None
    times = {}
    for name in ('start', 'end'):
        if event.get(name) in (None, ''):
            problems.append(problem_at('%s.%s' % (path, name), 'is required (a date and time like 2026-03-02T09:00:00)', mailbox))
            continue
        try:
            text, moment, offset = parse_date_time(event[name])
        except ValueError as exc:
            problems.append(problem_at('%s.%s' % (path, name), str(exc), mailbox))
            continue
        if offset is not None and not (offset == 0 and zone and zone.lower() in UTC_NAMES):
            problems.append(problem_at('%s.%s' % (path, name), "'%s' carries a UTC offset; give the local time without one and name its zone "
                                       "in timezone (the event's time zone is %s)" % (event[name], zone), mailbox))
            continue
        times[name] = (text, moment)
    if 'start' in times and 'end' in times and times['end'][1] <= times['start'][1]:
        problems.append(problem_at(path + '.end', '%s is not after the start %s' % (times['end'][0], times['start'][0]), mailbox))
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
            problems.append(problem_at(path + '.reminder_minutes', 'must be a whole number of minutes (0 or more), got %s' % kind_of(reminder), mailbox))
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
        problems.append(problem_at(path, "%s is not an email address" % ("'%s'" % address if isinstance(address, str) else kind_of(address)), mailbox))
        return None
    email = {'address': address.strip()}
    if name:
        email['name'] = name
    return {'emailAddress': email, 'type': kind or 'required'}


def _parse_permission(path, permission, mailbox, problems):
    if not isinstance(permission, dict):
        problems.append(problem_at(path, 'must be a dict with address and role, got %s' % kind_of(permission), mailbox))
        return None
    before = len(problems)
    _unknown_keys(permission, PERMISSION_KEYS, path, problems, mailbox)
    address = _text(permission.get('address'), path + '.address', problems, mailbox, required=True, what='an email address')
    if address is not None and not is_address(address):
        problems.append(problem_at(path + '.address', "'%s' is not an email address" % address, mailbox))
    elif address is not None and address.lower() == mailbox.lower():
        problems.append(problem_at(path + '.address', "'%s' is the mailbox itself; its owner needs no permission" % address, mailbox))
    role = permission.get('role')
    if role in (None, ''):
        problems.append(problem_at(path + '.role', 'is required (one of %s)' % ', '.join(ROLES), mailbox))
    elif role == 'custom':
        problems.append(problem_at(path + '.role', "'custom' cannot be set (Graph only reports it for rights given in Outlook); use one of %s"
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
