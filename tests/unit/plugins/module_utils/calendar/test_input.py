# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_calendar's input: the event key, and every problem of calendars named by item and field."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import parse_calendars, parse_mailbox_names, transaction_id
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.calendar.calendar_tenant import EVENT


# ----- the event key ------------------------------------------------------------------------------


def test_transaction_id_is_the_one_the_onboarding_role_derived():
    # 'onboarding-' + sha256('adele@contoso.com\nWelcome, Adele')[:32], as plugins/filter/onboarding.py derived it.
    assert transaction_id(' Adele@Contoso.com ', ' Welcome, Adele ') == 'onboarding-7399f25b7acb671acc445daa1b8713e1'
    assert transaction_id('adele@contoso.com', 'welcome, adele') != 'onboarding-7399f25b7acb671acc445daa1b8713e1'  # the subject keeps its case


def test_transaction_id_of_a_mailbox_named_by_object_id():
    guid = '4F1C2D3E-0000-4000-8000-000000000001'
    assert transaction_id(guid, 'Welcome') == transaction_id(guid.lower(), 'Welcome') != transaction_id('adele@contoso.com', 'Welcome')


# ----- parsing calendars --------------------------------------------------------------------------


def test_parse_a_full_calendar():
    (parsed,), problems = parse_calendars([{
        'mailbox': ' Adele@Contoso.com ',
        'events': [dict(EVENT, subject=' Welcome ', body='<p>Hi</p>', body_type='html', timezone='europe/copenhagen', location='Room 1',
                        attendees=['megan@contoso.com', {'address': 'it@contoso.com', 'name': 'IT', 'type': 'optional'}],
                        categories=['Onboarding'], show_as='free', sensitivity='private', reminder_minutes='30')],
        'permissions': [{'address': 'megan@contoso.com', 'role': 'read', 'name': 'Megan'}],
    }])
    assert problems == []
    assert parsed.mailbox == 'Adele@Contoso.com' and parsed.index == 0
    (event,) = parsed.events
    assert event.path == 'calendars[0].events[0]'
    assert event.body() == {
        'subject': 'Welcome', 'transactionId': transaction_id('adele@contoso.com', 'Welcome'),
        'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'Europe/Copenhagen'},
        'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'Europe/Copenhagen'},
        'body': {'contentType': 'html', 'content': '<p>Hi</p>'}, 'location': {'displayName': 'Room 1'},
        'attendees': [{'emailAddress': {'address': 'megan@contoso.com'}, 'type': 'required'},
                      {'emailAddress': {'address': 'it@contoso.com', 'name': 'IT'}, 'type': 'optional'}],
        'categories': ['Onboarding'], 'showAs': 'free', 'sensitivity': 'private', 'isReminderOn': True, 'reminderMinutesBeforeStart': 30,
    }
    (permission,) = parsed.permissions
    assert permission.body() == {'emailAddress': {'address': 'megan@contoso.com', 'name': 'Megan'}, 'isInsideOrganization': True,
                                 'isRemovable': True, 'role': 'read'}


def test_defaults_and_parts_left_alone():
    (only_events, only_permissions), problems = parse_calendars([{'mailbox': 'a@contoso.com', 'events': [EVENT]},
                                                                 {'mailbox': 'b@contoso.com', 'permissions': []}])
    assert problems == []
    assert only_events.permissions is None and only_events.events[0].timezone == 'UTC' and 'body' not in only_events.events[0].body()
    assert only_permissions.events is None and only_permissions.permissions == [] and only_permissions.has_work
    (nothing,), dummy = parse_calendars([{'mailbox': 'c@contoso.com', 'events': []}])
    assert not nothing.has_work


def test_a_bad_item_is_reported_with_every_other_problem():
    specs, problems = parse_calendars([
        {'mailbox': 'a@contoso.com', 'events': [EVENT]},
        {'mailbox': 'b@contoso.com', 'events': [dict(EVENT, start='soon'), dict(EVENT, subject='Other', end='2026-03-02T08:00:00')],
         'permissions': [{'address': 'x@contoso.com', 'role': 'owner'}]},
        {'mailbox': 'A@contoso.com', 'events': [EVENT]},
        'c@contoso.com',
    ])
    assert [s.mailbox for s in specs] == ['a@contoso.com', 'b@contoso.com']
    assert [p.where for p in problems] == ['calendars[1].events[0].start', 'calendars[1].events[1].end', 'calendars[1].permissions[0].role',
                                           'calendars[2].mailbox', 'calendars[3]']
    assert problems[0].to_dict() == {'item': 'calendars[1]', 'field': 'events[0].start', 'subject': 'b@contoso.com',
                                     'reason': "'soon' is not a date and time like 2026-03-02T09:00:00",
                                     'message': "calendars[1].events[0].start: 'soon' is not a date and time like 2026-03-02T09:00:00"}


@pytest.mark.parametrize('event, message', [
    (dict(EVENT, start='2026-03-02T09:00:00Z', timezone='Europe/Copenhagen'), 'carries a UTC offset'),
    (dict(EVENT, start='2026-03-02T09:00:00+01:00', timezone='UTC'), 'carries a UTC offset'),
    (dict(EVENT, attendees=[{'name': 'Megan'}]), 'attendees[0].address: nothing is not an email address'),
    (dict(EVENT, attendees=[{'address': 'm@contoso.com', 'mail': 'x'}]), "attendees[0]: unsupported key 'mail'"),
    (dict(EVENT, categories=['', 'x']), 'categories[0]: is required'),
    (dict(EVENT, reminder_minutes=True), 'reminder_minutes: must be a whole number'),
    (dict(EVENT, body=['a']), 'body: must be text, got a list'),
    (dict(EVENT, sensitivity='secret'), "'secret' is not one of normal, personal, private, confidential"),
])
def test_event_problems(event, message):
    dummy, problems = parse_calendars([{'mailbox': 'a@contoso.com', 'events': [event]}])
    assert len(problems) == 1 and message in problems[0], problems


def test_utc_times_with_z_are_fine_in_utc():
    utc = dict(EVENT, start='2026-03-02T09:00:00Z', end='2026-03-02T10:00:00+00:00', timezone='Etc/UTC')
    (parsed,), problems = parse_calendars([{'mailbox': 'a@contoso.com', 'events': [utc]}])
    assert problems == [] and parsed.events[0].start == '2026-03-02T09:00:00'


def test_new_mailbox_names():
    assert parse_mailbox_names(['A@contoso.com', ' b@contoso.com '], 'new_mailboxes') == ({'a@contoso.com', 'b@contoso.com'}, [])
    assert parse_mailbox_names(None, 'new_mailboxes') == (set(), [])
    dummy, problems = parse_mailbox_names(['', {'a': 1}], 'new_mailboxes')
    assert problems == ['new_mailboxes[0]: is required', 'new_mailboxes[1]: must be a userPrincipalName or object id, got a dict']
