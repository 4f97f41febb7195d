# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_calendar: bad calendars refused before the first write, naming the item and the field.

Every case lists a valid calendar first (adele's, with an event and a permission): it must not be written either.
"""

from __future__ import annotations

from . import Case
from .tenant import upn

EVENT = {'subject': 'Welcome', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time'}
GOOD = {'mailbox': upn('adele'), 'events': [EVENT], 'permissions': [{'address': upn('megan'), 'role': 'read'}]}
# For cases that get as far as reading: reading permissions makes the emulator create the default entry, so leave them out.
GOOD_EVENTS_ONLY = {'mailbox': upn('adele'), 'events': [EVENT]}


def _calendars(*bad, **options):
    """A valid calendar first, then the bad ones."""
    args = {'calendars': [GOOD] + list(bad)}
    args.update(options)
    return args


def _event(**changes):
    """Alex's calendar with one event: the valid one changed by ``changes`` (a value of None drops the key)."""
    event = dict(EVENT)
    event.update(changes)
    return _calendars({'mailbox': upn('alex'), 'events': [dict((k, v) for k, v in event.items() if v is not None)]})


def _permission(*permissions):
    return _calendars({'mailbox': upn('alex'), 'permissions': list(permissions)})


def _replies(replies):
    """Alex's automatic replies as given (``GOOD`` first)."""
    return _calendars({'mailbox': upn('alex'), 'automatic_replies': replies})


CASES = [
    # the list and its items
    Case('calendar-calendars-as-text', 'graph_calendar', {'calendars': upn('adele')}, 'calendars must be a list, got the text'),
    Case('calendar-item-not-a-dict', 'graph_calendar', _calendars(upn('alex')), "calendars[1] must be a dict, got str 'alex@contoso.example'"),
    Case('calendar-mailbox-missing', 'graph_calendar', _calendars({'events': [EVENT]}), 'calendars[1].mailbox: is required'),
    Case('calendar-mailbox-display-name', 'graph_calendar', _calendars({'mailbox': 'Alex Wilber', 'events': [EVENT]}),
         "calendars[1].mailbox: 'Alex Wilber' is neither a userPrincipalName (name@domain) nor an object id", modes=('real', 'check')),
    Case('calendar-mailbox-twice', 'graph_calendar', _calendars({'mailbox': upn('ADELE'), 'events': [EVENT]}),
         "calendars[1].mailbox: 'ADELE@contoso.example' is listed twice (also calendars[0]); list each mailbox once"),
    Case('calendar-unknown-key', 'graph_calendar', _calendars({'mailbox': upn('alex'), 'event': [EVENT]}),
         "calendars[1]: unsupported option 'event' (did you mean 'events'?)"),
    Case('calendar-events-as-text', 'graph_calendar', _calendars({'mailbox': upn('alex'), 'events': 'Welcome'}),
         'calendars[1].events must be a list, got the text'),
    Case('calendar-events-as-dict', 'graph_calendar', _calendars({'mailbox': upn('alex'), 'events': EVENT}),
         'calendars[1].events: must be a list of events (dicts), got a dict'),
    Case('calendar-event-as-text', 'graph_calendar', _calendars({'mailbox': upn('alex'), 'events': ['Welcome']}),
         "calendars[1].events[0] must be a dict, got str 'Welcome'"),
    # events
    Case('calendar-event-subject-missing', 'graph_calendar', _event(subject=None), 'calendars[1].events[0].subject: is required'),
    Case('calendar-event-subject-blank', 'graph_calendar', _event(subject='   '), 'calendars[1].events[0].subject: is required'),
    Case('calendar-event-subject-dict', 'graph_calendar', _event(subject={'text': 'Hi'}), 'calendars[1].events[0].subject: must be text, got a dict'),
    Case('calendar-event-unknown-key', 'graph_calendar', _event(subjet='Hi'),
         "calendars[1].events[0]: unsupported option 'subjet' (did you mean 'subject'?)"),
    Case('calendar-event-start-words', 'graph_calendar', _event(start='tomorrow 9am'),
         "calendars[1].events[0].start: 'tomorrow 9am' is not a date and time like 2026-03-02T09:00:00", modes=('real', 'check'),
         why='the issue: a welcome event starting "tomorrow 9am" got the account created before the run failed'),
    Case('calendar-event-start-missing', 'graph_calendar', _event(start=None), 'calendars[1].events[0].start: is required'),
    Case('calendar-event-start-number', 'graph_calendar', _event(start=20260302),
         'calendars[1].events[0].start: must be a date and time like 2026-03-02T09:00:00, got int 20260302'),
    Case('calendar-event-start-month-13', 'graph_calendar', _event(start='2026-13-02T09:00:00'),
         "calendars[1].events[0].start: '2026-13-02T09:00:00' is not a valid date and time (month must be in 1..12)"),
    Case('calendar-event-start-date-only', 'graph_calendar', _event(start='2026-03-02', end='2026-03-03'),
         "calendars[1].events[0].start: '2026-03-02' is a date without a time of day"),
    Case('calendar-event-start-with-offset', 'graph_calendar', _event(start='2026-03-02T09:00:00+01:00'),
         "calendars[1].events[0].start: '2026-03-02T09:00:00+01:00' carries a UTC offset"),
    Case('calendar-event-ends-before-start', 'graph_calendar', _event(end='2026-03-02T08:00:00'),
         'calendars[1].events[0].end: 2026-03-02T08:00:00 is not after the start 2026-03-02T09:00:00', modes=('real', 'check'),
         why='the issue: an event that ends before it starts got the account created first'),
    Case('calendar-event-ends-at-start', 'graph_calendar', _event(end='2026-03-02T09:00'), 'is not after the start 2026-03-02T09:00:00'),
    Case('calendar-event-timezone-garbage', 'graph_calendar', _event(timezone='Mars/Olympus Mons'),
         "calendars[1].events[0].timezone: 'Mars/Olympus Mons' is not a time zone Outlook knows"),
    Case('calendar-event-timezone-typo', 'graph_calendar', _event(timezone='Romance Standrd Time'),
         "'Romance Standrd Time' is not a time zone Outlook knows (did you mean 'Romance Standard Time'?)"),
    Case('calendar-event-timezone-offset', 'graph_calendar', _event(timezone='+01:00'), "'+01:00' is not a time zone Outlook knows"),
    Case('calendar-event-body-type', 'graph_calendar', _event(body='Hi', body_type='markdown'),
         "calendars[1].events[0].body_type: 'markdown' is not one of text, html"),
    Case('calendar-event-attendees-as-text', 'graph_calendar', _event(attendees='%s, %s' % (upn('megan'), upn('adele'))),
         'calendars[1].events[0].attendees must be a list, got the text'),
    Case('calendar-event-attendee-name', 'graph_calendar', _event(attendees=['Megan Bowen']),
         "calendars[1].events[0].attendees[0]: 'Megan Bowen' is not an email address"),
    Case('calendar-event-attendee-type', 'graph_calendar', _event(attendees=[{'address': upn('megan'), 'type': 'cc'}]),
         "calendars[1].events[0].attendees[0].type: 'cc' is not one of required, optional, resource"),
    Case('calendar-event-reminder-negative', 'graph_calendar', _event(reminder_minutes=-5),
         'calendars[1].events[0].reminder_minutes: must be a whole number of minutes (0 or more), got int -5'),
    Case('calendar-event-show-as', 'graph_calendar', _event(show_as='away'), "calendars[1].events[0].show_as: 'away' is not one of free, tentative"),
    Case('calendar-event-subject-twice', 'graph_calendar',
         _calendars({'mailbox': upn('alex'), 'events': [EVENT, dict(EVENT, subject=' welcome ')]}),
         "calendars[1].events[1].subject: 'welcome' is used twice in this mailbox (also calendars[1].events[0])"),
    # permissions
    Case('calendar-permissions-as-text', 'graph_calendar', _calendars({'mailbox': upn('alex'), 'permissions': upn('megan')}),
         'calendars[1].permissions must be a list, got the text'),
    Case('calendar-permission-role-missing', 'graph_calendar', _permission({'address': upn('megan')}),
         'calendars[1].permissions[0].role: is required (one of none, freeBusyRead'),
    Case('calendar-permission-role-unknown', 'graph_calendar', _permission({'address': upn('megan'), 'role': 'owner'}),
         "calendars[1].permissions[0].role: 'owner' is not one of none, freeBusyRead, limitedRead, read, write", modes=('real', 'check')),
    Case('calendar-permission-role-custom', 'graph_calendar', _permission({'address': upn('megan'), 'role': 'custom'}),
         "calendars[1].permissions[0].role: 'custom' cannot be set"),
    Case('calendar-permission-role-case', 'graph_calendar', _permission({'address': upn('megan'), 'role': 'FreeBusyRead'}),
         "(did you mean 'freeBusyRead'? values are case-sensitive)"),
    Case('calendar-permission-address-missing', 'graph_calendar', _permission({'role': 'read'}), 'calendars[1].permissions[0].address: is required'),
    Case('calendar-permission-address-not-email', 'graph_calendar', _permission({'address': 'megan', 'role': 'read'}),
         "calendars[1].permissions[0].address: 'megan' is not an email address"),
    Case('calendar-permission-address-twice', 'graph_calendar',
         _permission({'address': upn('megan'), 'role': 'read'}, {'address': upn('Megan'), 'role': 'write'}),
         "calendars[1].permissions[1].address: 'Megan@contoso.example' is listed twice in this mailbox (also calendars[1].permissions[0])"),
    Case('calendar-permission-own-mailbox', 'graph_calendar', _permission({'address': upn('alex'), 'role': 'read'}),
         "calendars[1].permissions[0].address: 'alex@contoso.example' is the mailbox itself"),
    Case('calendar-permission-unknown-key', 'graph_calendar', _permission({'adress': upn('megan'), 'role': 'read'}),
         "calendars[1].permissions[0]: unsupported option 'adress' (did you mean 'address'?)"),
    Case('calendar-permission-address-in-own-domain-of-nobody', 'graph_calendar',
         {'calendars': [GOOD_EVENTS_ONLY, {'mailbox': upn('alex'), 'permissions': [
             {'address': upn('megan'), 'role': 'read'}, {'address': 'partner@fabrikam.example', 'role': 'read'},
             {'address': upn('megna'), 'role': 'read'}]}]},
         ["calendars[1].permissions[2].address: 'megna@contoso.example' is in contoso.example, one of the tenant's verified domains, "
          "but no user or group has that address", 'check the spelling'], modes=('real', 'check'),
         why='a typo in an address of the tenant would share the calendar with nobody, silently; external addresses are fine'),
    Case('calendar-problems-in-two-items', 'graph_calendar',
         _calendars({'mailbox': upn('alex'), 'events': [dict(EVENT, start='soon')], 'permissions': [{'address': upn('megan'), 'role': 'boss'}]}),
         ['Nothing was changed: 2 problem(s) in calendars', 'calendars[1].events[0].start', 'calendars[1].permissions[0].role']),
    # options
    Case('calendar-typo-option', 'graph_calendar', {'calendar': [GOOD]}, "unsupported option 'calendar' (did you mean 'calendars'?)"),
    Case('calendar-permissions-state-unknown', 'graph_calendar', _calendars(permissions_state='replace'), 'permissions_state'),
    Case('calendar-mailbox-timeout-negative', 'graph_calendar', _calendars(mailbox_timeout=-1),
         'mailbox_timeout must be at least 0 and at most 3600, got -1'),
    Case('calendar-mailbox-timeout-huge', 'graph_calendar', _calendars(mailbox_timeout=86400), 'mailbox_timeout must be at least 0 and at most 3600'),
    Case('calendar-new-mailboxes-as-text', 'graph_calendar', _calendars(new_mailboxes=upn('alex')), 'new_mailboxes must be a list, got the text'),
    Case('calendar-new-mailboxes-blank', 'graph_calendar', _calendars(new_mailboxes=['']), 'new_mailboxes[0]: is required'),
    # automatic replies
    Case('calendar-automatic-replies-message-missing', 'graph_calendar', _replies({'external_message': 'Gone'}),
         'calendars[1].automatic_replies.internal_message: is required', modes=('real', 'check')),
    Case('calendar-automatic-replies-message-blank', 'graph_calendar', _replies({'internal_message': '  '}),
         'calendars[1].automatic_replies.internal_message: is required'),
    Case('calendar-automatic-replies-message-list', 'graph_calendar', _replies({'internal_message': ['Gone']}),
         ['calendars[1].automatic_replies.internal_message', 'list']),
    Case('calendar-automatic-replies-audience-unknown', 'graph_calendar', _replies({'internal_message': 'Gone', 'external_audience': 'everyone'}),
         ['calendars[1].automatic_replies.external_audience', "'everyone'", 'none, contactsOnly, all']),
    Case('calendar-automatic-replies-audience-case', 'graph_calendar', _replies({'internal_message': 'Gone', 'external_audience': 'contactsonly'}),
         ['calendars[1].automatic_replies.external_audience', "did you mean 'contactsOnly'?"]),
    Case('calendar-automatic-replies-state-unknown', 'graph_calendar', _replies({'internal_message': 'Gone', 'state': 'scheduled'}),
         ['calendars[1].automatic_replies.state', "'scheduled'", 'enabled, disabled']),
    Case('calendar-automatic-replies-unknown-key', 'graph_calendar', _replies({'internal_mesage': 'Gone'}),
         ['calendars[1].automatic_replies', "'internal_mesage'", "did you mean 'internal_message'?"]),
    Case('calendar-automatic-replies-as-text', 'graph_calendar', _replies('Gone'), ['calendars[1].automatic_replies', 'dict']),
    Case('calendar-automatic-replies-missing-mailboxes-unknown', 'graph_calendar',
         dict(_replies({'internal_message': 'Gone'}), missing_mailboxes='ignore'), ['missing_mailboxes', 'fail, skip']),
    # mailboxes that are not there
    Case('calendar-mailbox-not-found', 'graph_calendar',
         {'calendars': [GOOD_EVENTS_ONLY, {'mailbox': upn('ghost'), 'events': [EVENT]}], 'new_mailboxes': [upn('alex')]},
         ["calendars[1].mailbox: 'ghost@contoso.example' was not found", 'list it in new_mailboxes'], modes=('real', 'check'),
         why='a misspelt mailbox fails at once instead of waiting for a mailbox nobody is creating'),
]
