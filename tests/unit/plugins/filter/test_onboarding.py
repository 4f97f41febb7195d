# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mynster.msgraph.plugins.filter.onboarding import (
    FilterModule,
    event_body,
    onboarding_memberships,
    onboarding_plan,
    onboarding_reads,
    onboarding_user_items,
    onboarding_writes,
    transaction_id,
)

GROUP_ID = '0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11'


def hire(name='adele', **extra):
    user = {
        'userPrincipalName': '%s@contoso.example' % name, 'displayName': name.title(), 'password': 'Secret-123!', 'licenses': ['SPE_E3'],
        'groups': ['Engineering', 'All staff'],
        'welcome_event': {'subject': "Welcome, %s" % name.title(), 'body': 'Hello', 'start': '2026-03-02T09:00:00',
                          'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time', 'attendees': ['megan@contoso.example']},
        'calendar_permissions': [{'address': 'megan@contoso.example', 'role': 'read'}],
    }
    user.update(extra)
    return user


def test_every_filter_is_registered():
    assert sorted(FilterModule().filters()) == ['onboarding_memberships', 'onboarding_plan', 'onboarding_reads', 'onboarding_user_items',
                                                'onboarding_writes']


def test_user_items_keep_graph_properties_password_and_licences_only():
    items = onboarding_user_items([hire(), hire('alex', licenses=None, jobTitle='Engineer')])
    assert items[0] == {'userPrincipalName': 'adele@contoso.example', 'displayName': 'Adele', 'password': 'Secret-123!', 'licenses': ['SPE_E3']}
    assert items[1] == {'userPrincipalName': 'alex@contoso.example', 'displayName': 'Alex', 'password': 'Secret-123!', 'jobTitle': 'Engineer'}


@pytest.mark.parametrize('users, message', [
    ([hire(), hire(userPrincipalName='ADELE@contoso.example')], 'listed twice'),
    ([{'displayName': 'x'}], 'needs a userPrincipalName'),
    (['adele@contoso.example'], 'must be a dict'),
    ({'userPrincipalName': 'x'}, 'must be a list'),
])
def test_bad_input_is_refused(users, message):
    with pytest.raises(AnsibleFilterError, match=message):
        onboarding_user_items(users)


def test_memberships_skip_users_without_groups_and_excluded_ones():
    users = [hire(), hire('alex', groups=[]), hire('megan', groups=[GROUP_ID])]
    assert onboarding_memberships(users) == [{'user': 'adele@contoso.example', 'groups': ['Engineering', 'All staff']},
                                             {'user': 'megan@contoso.example', 'groups': [GROUP_ID]}]
    assert onboarding_memberships(users, exclude=['ADELE@contoso.example']) == [{'user': 'megan@contoso.example', 'groups': [GROUP_ID]}]


def test_transaction_id_is_stable_per_user_and_subject():
    first = transaction_id('Adele@Contoso.example', 'Welcome')
    assert first == transaction_id('adele@contoso.example', ' Welcome ')
    assert first.startswith('onboarding-') and len(first) == len('onboarding-') + 32
    assert first != transaction_id('adele@contoso.example', 'Welcome back')
    assert first != transaction_id('alex@contoso.example', 'Welcome')


def test_event_body():
    body = event_body('adele@contoso.example', hire()['welcome_event'])
    assert body == {
        'subject': 'Welcome, Adele', 'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'Romance Standard Time'},
        'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'Romance Standard Time'},
        'transactionId': transaction_id('adele@contoso.example', 'Welcome, Adele'), 'body': {'contentType': 'text', 'content': 'Hello'},
        'attendees': [{'emailAddress': {'address': 'megan@contoso.example'}, 'type': 'required'}]}


def test_event_body_accepts_yaml_timestamps_and_defaults_to_utc():
    body = event_body('a@contoso.example', {'subject': 'Hi', 'start': datetime.datetime(2026, 3, 2, 9, 0), 'end': '2026-03-02 09:30',
                                            'body': '<p>Hi</p>', 'body_type': 'html', 'location': 'Reception'})
    assert body['start'] == {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'UTC'}
    assert body['end']['dateTime'] == '2026-03-02T09:30:00'
    assert body['body'] == {'contentType': 'html', 'content': '<p>Hi</p>'} and body['location'] == {'displayName': 'Reception'}
    assert 'attendees' not in body


@pytest.mark.parametrize('event, message', [
    ({'subject': '', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00'}, 'subject is required'),
    ({'subject': 'x', 'start': 'Monday', 'end': '2026-03-02T10:00:00'}, 'not a date and time'),
    ({'subject': 'x', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T08:00:00'}, 'before its start'),
])
def test_event_body_problems(event, message):
    with pytest.raises(AnsibleFilterError, match=message):
        event_body('a@contoso.example', event)


def test_reads_for_existing_hires_and_group_checks_for_pending_ones():
    users = [hire(), hire("o'brien", groups=['Sales', GROUP_ID]), hire('plain', welcome_event=None, calendar_permissions=None)]
    reads = onboarding_reads(users, pending=["O'BRIEN@contoso.example"])
    assert [r['id'] for r in reads] == ['event:adele@contoso.example', 'permissions:adele@contoso.example', 'groups:id:0',
                                        'groups:displayName:0']
    assert reads[0]['url'] == ("/users/adele@contoso.example/events?$filter=subject%20eq%20'Welcome,%20Adele'"
                               "&$select=id,subject,transactionId,start,end&$top=50")
    assert reads[1]['url'] == '/users/adele@contoso.example/calendar/calendarPermissions'
    assert unquote(reads[2]['url']) == "/groups?$filter=id in ('%s')&$select=id,displayName" % GROUP_ID
    assert unquote(reads[3]['url']) == "/groups?$filter=displayName in ('Sales')&$select=id,displayName"


def test_reads_quote_subjects_and_unusual_upns():
    user = hire('x', userPrincipalName='guest_fabrikam.example#EXT#@contoso.example',
                welcome_event={'subject': "Rock & roll's 100% + more", 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00'})
    url = onboarding_reads([user])[0]['url']
    path, query = url.split('?', 1)
    assert path == '/users/guest_fabrikam.example%23EXT%23@contoso.example/events'
    assert '&' not in query.split('&$select')[0] and '+' not in query and '#' not in url
    assert unquote(query.split('&')[0]) == "$filter=subject eq 'Rock & roll''s 100% + more'"


def test_reads_chunk_group_lookups_by_fifteen():
    users = [hire('u%d' % i, groups=['Group %02d' % (i * 2), 'Group %02d' % (i * 2 + 1)]) for i in range(10)]
    reads = onboarding_reads(users, pending=[u['userPrincipalName'] for u in users])
    assert [r['id'] for r in reads] == ['groups:displayName:0', 'groups:displayName:15']


def answer(request_id, values, status=200):
    return {'id': request_id, 'status': status, 'body': {'value': values}}


def test_writes_create_everything_for_a_hire_not_read():
    writes = onboarding_writes([hire()], responses=[])
    assert [(w['id'], w['method'], w['url']) for w in writes] == [
        ('event:adele@contoso.example', 'POST', '/users/adele@contoso.example/events'),
        ('permission:adele@contoso.example:megan@contoso.example', 'POST', '/users/adele@contoso.example/calendar/calendarPermissions')]
    assert writes[0]['body']['transactionId'] == transaction_id('adele@contoso.example', 'Welcome, Adele')
    assert writes[1]['body'] == {'emailAddress': {'address': 'megan@contoso.example'}, 'isInsideOrganization': True, 'isRemovable': True,
                                 'role': 'read'}


def test_writes_skip_what_exists_and_patch_a_different_role():
    user = hire(calendar_permissions=[{'address': 'Megan@contoso.example', 'role': 'write', 'name': 'Megan'},
                                      {'address': 'lee@contoso.example', 'role': 'read'},
                                      {'address': 'new@contoso.example', 'role': 'limitedRead', 'name': 'New Person'}])
    tid = transaction_id('adele@contoso.example', 'Welcome, Adele')
    responses = [
        answer('event:adele@contoso.example', [{'id': 'AAMk1', 'subject': 'Welcome, Adele', 'transactionId': tid}]),
        answer('permissions:adele@contoso.example', [
            {'id': 'RGVmYXVsdA==', 'emailAddress': {'name': 'My Organization'}, 'role': 'freeBusyRead'},
            {'id': 'a/b+c==', 'emailAddress': {'address': 'megan@contoso.example'}, 'role': 'read'},
            {'id': 'bGVl', 'emailAddress': {'address': 'LEE@contoso.example'}, 'role': 'read'}]),
    ]
    writes = onboarding_writes([user], responses)
    assert [(w['method'], w['url'], w['body']) for w in writes] == [
        ('PATCH', '/users/adele@contoso.example/calendar/calendarPermissions/a%2Fb%2Bc%3D%3D', {'role': 'write'}),
        ('POST', '/users/adele@contoso.example/calendar/calendarPermissions',
         {'emailAddress': {'address': 'new@contoso.example', 'name': 'New Person'}, 'isInsideOrganization': True, 'isRemovable': True,
          'role': 'limitedRead'})]


def test_writes_create_the_event_when_only_a_foreign_event_has_the_subject():
    responses = [answer('event:adele@contoso.example', [{'id': 'AAMk1', 'subject': 'Welcome, Adele', 'transactionId': None}])]
    writes = onboarding_writes([hire(calendar_permissions=None)], responses)
    assert [w['id'] for w in writes] == ['event:adele@contoso.example']


def test_duplicate_permission_addresses_are_refused():
    user = hire(calendar_permissions=[{'address': 'a@contoso.example', 'role': 'read'}, {'address': 'A@contoso.example', 'role': 'write'}])
    with pytest.raises(AnsibleFilterError, match='twice'):
        onboarding_writes([user], [])


def test_plan_in_check_mode_for_a_new_and_an_existing_hire():
    users = [hire(), hire('alex', groups=['Engineering', 'Sales'], licenses=['SPE_E3'])]
    user_result = {'created': [{'userPrincipalName': 'adele@contoso.example', 'id': None,
                                'properties': ['accountEnabled', 'displayName', 'licenses', 'userPrincipalName'],
                                'licenses': {'added': ['SPE_E3'], 'removed': [], 'updated': []}}],
                   'updated': [{'userPrincipalName': 'Alex@contoso.example', 'id': 'x', 'properties': ['jobTitle']}]}
    membership_result = {'added': [{'group_id': 'g2', 'group': 'Sales', 'member_id': 'x', 'member': 'alex@contoso.example'},
                                   {'group_id': 'g1', 'group': 'Engineering', 'member_id': 'x', 'member': 'alex@contoso.example'}]}
    responses = [answer('groups:displayName:0', [{'id': 'g1', 'displayName': 'Engineering'}]),
                 answer('permissions:alex@contoso.example', [{'id': 'm', 'emailAddress': {'address': 'megan@contoso.example'}, 'role': 'read'}])]
    writes = onboarding_writes(users, responses)
    plan = onboarding_plan(users, user_result, membership_result, writes, responses, pending=['adele@contoso.example'], check_mode=True)
    adele, alex = plan['users']
    assert adele['action'] == 'create' and adele['properties'] == ['accountEnabled', 'displayName', 'userPrincipalName']
    assert adele['licenses'] == {'added': ['SPE_E3'], 'removed': [], 'updated': []}
    assert adele['groups_added'] == ['Engineering', 'All staff']
    assert adele['event']['action'] == 'create' and adele['calendar_permissions'][0]['action'] == 'grant'
    assert alex['action'] == 'update' and alex['properties'] == ['jobTitle'] and alex['groups_added'] == ['Engineering', 'Sales']
    assert alex['calendar_permissions'][0]['action'] == 'none'
    assert plan['problems'] == ["adele@contoso.example: group 'All staff' was not found"]
    assert plan['totals'] == {'users': 2, 'create': 1, 'update': 1, 'unchanged': 0, 'licenses_added': 1, 'licenses_removed': 0,
                              'licenses_updated': 0, 'groups_added': 4, 'events_created': 2, 'permissions_granted': 1,
                              'permissions_updated': 0}
    assert plan['changed'] is True and plan['check_mode'] is True
    summary = plan['summary']
    assert summary[0] == 'Onboarding preview (check mode): nothing has been changed.'
    assert 'adele@contoso.example - new user' in summary
    assert '    licences:   + SPE_E3' in summary and '    groups:     + Engineering, + All staff' in summary
    assert '    calendar:   + megan@contoso.example: read' in summary
    assert '    event:      + "Welcome, Adele" 2026-03-02 09:00 to 2026-03-02 10:00 (Romance Standard Time)' in summary
    assert 'alex@contoso.example - update' in summary and '    properties: jobTitle' in summary
    assert summary[-1] == "PROBLEM: adele@contoso.example: group 'All staff' was not found"
    assert 'Secret-123!' not in repr(plan)


def test_plan_when_nothing_changes():
    users = [hire()]
    tid = transaction_id('adele@contoso.example', 'Welcome, Adele')
    responses = [answer('event:adele@contoso.example', [{'id': 'e', 'transactionId': tid}]),
                 answer('permissions:adele@contoso.example', [{'id': 'm', 'emailAddress': {'address': 'megan@contoso.example'}, 'role': 'read'}])]
    plan = onboarding_plan(users, {'created': [], 'updated': [], 'unchanged': 1}, {'skipped': True}, onboarding_writes(users, responses),
                           responses, pending=[], check_mode=False)
    assert plan['changed'] is False and plan['problems'] == []
    assert plan['summary'] == ['Onboarding: everything was already as wanted, nothing changed.',
                               '1 hire(s): 0 new account(s), 0 account(s) updated, 1 account(s) already as wanted',
                               'Added: 0 licence(s), 0 group membership(s), 0 welcome event(s), 0 calendar permission(s) granted or changed',
                               'adele@contoso.example - no change']


def test_plan_after_applying_groups_and_calendar_for_an_existing_account():
    users = [hire(licenses=None)]
    membership_result = {'added': [{'group_id': 'g1', 'group': 'Engineering', 'member': 'adele@contoso.example'}]}
    plan = onboarding_plan(users, {'created': [], 'updated': []}, membership_result, onboarding_writes(users, []), [], check_mode=False)
    assert plan['summary'][0] == 'Onboarding done.'
    assert plan['summary'][3] == 'adele@contoso.example - existing user'
