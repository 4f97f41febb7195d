# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onboarding role's report: module problems in the role's terms, the new objects, and the plan per hire."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.onboarding import OnboardingReport, calendar_field, group_matches

ADELE = 'adele@contoso.example'
BOB = 'bob@contoso.example'
CARA = 'cara@contoso.example'
EVENT = {'subject': 'Welcome', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time'}
PEOPLE = [
    {'userPrincipalName': ADELE, 'licenses': ['SPE_E3']},                                      # no groups, no calendar
    {'userPrincipalName': BOB, 'groups': ['Engineering', 'group:All staff'], 'welcome_event': EVENT},
    {'userPrincipalName': CARA, 'groups': [], 'calendar_permissions': [{'address': ADELE, 'role': 'read'}]},
]


def problem(item, field, reason):
    return {'item': item, 'field': field, 'subject': None, 'reason': reason, 'message': '%s.%s: %s' % (item, field, reason)}


def test_each_module_problem_names_the_hire_and_the_role_key():
    results = {
        'users': {'failed': True, 'msg': 'Nothing was changed: ...', 'problems': [problem('users[1]', 'licenses', "unknown SKU 'SPE_E5'")]},
        # BOB is the first hire with groups, CARA the second: memberships[1] is CARA.
        'memberships': {'failed': True, 'msg': '...', 'problems': [problem('memberships[0]', 'groups[1]', "group 'All staff' was not found"),
                                                                   problem('memberships[1]', 'user', 'listed twice')]},
        'calendars': {'failed': True, 'msg': '...', 'problems': [problem('calendars[0]', 'events[0].start', "'9am' is not a date and time"),
                                                                 problem('calendars[1]', 'permissions[0].role', "'owner' is not one of ..."),
                                                                 problem('calendars[0].events[0]', 'attendees', 'must be a list')]},
    }
    problems = OnboardingReport(PEOPLE, results, preview=False).problems()
    assert problems == [
        "%s: licenses: unknown SKU 'SPE_E5'" % BOB,
        "%s: groups[1]: group 'All staff' was not found" % BOB,
        '%s: userPrincipalName: listed twice' % CARA,
        "%s: welcome_event.start: '9am' is not a date and time" % BOB,
        "%s: calendar_permissions[0].role: 'owner' is not one of ..." % CARA,
        '%s: welcome_event.attendees: must be a list' % BOB,
    ]
    assert problems[0].to_dict() == {'item': None, 'field': 'licenses', 'subject': BOB, 'reason': "unknown SKU 'SPE_E5'",
                                     'message': "%s: licenses: unknown SKU 'SPE_E5'" % BOB}
    assert OnboardingReport.refusal(problems[:1]) == "Nothing was changed. Problems in onboarding_users: %s: licenses: unknown SKU 'SPE_E5'" % BOB


def test_a_timeout_out_of_range_is_named_by_the_role_variable_once_and_apart_from_the_hires():
    out_of_range = {'item': None, 'field': 'replication_timeout', 'reason': 'must be between 0 and 3600 seconds, got -1',
                    'message': 'replication_timeout: must be between 0 and 3600 seconds, got -1'}
    results = {
        'users': {'failed': True, 'msg': '...', 'problems': [out_of_range, problem('users[1]', 'licenses', "unknown SKU 'SPE_E5'")]},
        'memberships': {'failed': True, 'msg': '...', 'problems': [out_of_range]},
        'calendars': {'failed': True, 'msg': '...', 'problems': [dict(out_of_range, field='mailbox_timeout',
                                                                      message='mailbox_timeout: must be ...')]},
    }
    problems = OnboardingReport(PEOPLE, results, preview=False).problems()
    assert problems == ['onboarding_replication_timeout: must be between 0 and 3600 seconds, got -1', "%s: licenses: unknown SKU 'SPE_E5'" % BOB,
                        'onboarding_mailbox_timeout: must be between 0 and 3600 seconds, got -1']
    assert OnboardingReport.refusal(problems) == (
        "Nothing was changed. Problems in onboarding_users: %s: licenses: unknown SKU 'SPE_E5'; "
        "onboarding_replication_timeout: must be between 0 and 3600 seconds, got -1; "
        "onboarding_mailbox_timeout: must be between 0 and 3600 seconds, got -1" % BOB)
    assert OnboardingReport.refusal(problems[:1]) == 'Nothing was changed. onboarding_replication_timeout: must be between 0 and 3600 seconds, got -1'


def test_a_check_that_failed_without_items_is_reported_with_its_message_and_a_clean_check_with_nothing():
    results = {'users': {'failed': True, 'msg': 'Invalid connection settings: tenant_id is missing'},
               'memberships': {'changed': True, 'added': []}, 'calendars': {'skipped': True, 'changed': False}}
    assert OnboardingReport(PEOPLE, results, preview=True).problems() == ['Invalid connection settings: tenant_id is missing']
    assert OnboardingReport(PEOPLE, {'users': {'created': []}}, preview=True).problems() == []


def test_role_assignable_groups_the_token_cannot_change_are_named_with_the_hire_and_the_group_key():
    skipped = [{'group': 'Helpdesk admins', 'group_id': 'g-1', 'member': BOB.upper(), 'member_type': 'user',
                'reason': 'a role-assignable group', 'permission': 'RoleManagement.ReadWrite.Directory'},
               {'group': 'All users', 'group_id': 'g-2', 'member': BOB, 'member_type': 'user', 'reason': 'a dynamic-membership group'}]
    people = [{'userPrincipalName': BOB, 'groups': ['Engineering', 'g-1', 'All users']}]
    problems = OnboardingReport(people, {'memberships': {'skipped_memberships': skipped}}, preview=False).problems()
    assert problems == ["%s: groups[1]: 'Helpdesk admins' is a role-assignable group, which the app's access token does not carry" % BOB]


def test_new_objects_are_the_created_hires_and_every_mailbox_that_may_not_exist_yet():
    users = {'created': [{'userPrincipalName': BOB}],
             'updated': [{'userPrincipalName': CARA, 'licenses': {'added': ['EMS'], 'removed': []}},
                         {'userPrincipalName': ADELE, 'properties': ['jobTitle']}]}
    new = OnboardingReport(PEOPLE, {'users': users}, preview=True).new_objects()
    assert new == {'users': [BOB], 'mailboxes': [BOB, CARA, ADELE], 'refused': []}
    # A skipped user step created nobody; hires whose licences the role manages still count as new mailboxes.
    assert OnboardingReport(PEOPLE, {'users': {'skipped': True}}, preview=False).new_objects() == {'users': [], 'mailboxes': [ADELE], 'refused': []}
    # A failed check: every hire counts as created, so the other checks do not report them as missing.
    failed = {'failed': True, 'msg': '...', 'problems': [problem('users[0]', 'licenses', 'unknown SKU')]}
    assert OnboardingReport(PEOPLE, {'users': failed}, preview=True).new_objects()['users'] == [ADELE, BOB, CARA]


def test_the_plan_puts_each_steps_result_with_its_hire():
    results = {
        'users': {'created': [{'userPrincipalName': BOB, 'properties': ['displayName', 'licenses'],
                               'licenses': {'added': ['SPE_E3']}}],
                  'updated': [{'userPrincipalName': ADELE.upper(), 'properties': ['jobTitle']}]},
        'memberships': {'added': [{'group': 'Engineering', 'group_id': 'g-e', 'member': BOB},
                                  {'group': 'All staff', 'group_id': 'g-a', 'member': BOB}]},
        'calendars': {'calendars': [{'mailbox': BOB, 'status': 'ok', 'events': {'created': [dict(EVENT, transactionId='t-1')]}},
                                    {'mailbox': CARA, 'status': 'pending'}],
                      'pending_mailboxes': [CARA]},
    }
    plan = OnboardingReport(PEOPLE, results, preview=True).plan()
    adele, bob, cara = plan['users']
    assert adele['action'] == 'update' and adele['properties'] == ['jobTitle']
    assert bob['action'] == 'create' and bob['properties'] == ['displayName'] and bob['licenses'] == {'added': ['SPE_E3'], 'removed': [], 'updated': []}
    assert bob['groups_added'] == ['Engineering', 'All staff']
    assert bob['event']['action'] == 'create' and bob['event']['transactionId'] == 't-1'
    assert cara['pending_mailbox'] is True and cara['calendar_permissions'] == [{'address': ADELE, 'role': 'read', 'action': 'pending'}]
    assert plan['totals'] == {'users': 3, 'create': 1, 'update': 1, 'unchanged': 1, 'licenses_added': 1, 'licenses_removed': 0,
                              'licenses_updated': 0, 'groups_added': 2, 'events_created': 1, 'permissions_granted': 0,
                              'permissions_updated': 0, 'pending_mailboxes': 1}
    assert plan['changed'] is True and plan['check_mode'] is True
    assert plan['summary'][:3] == ['Onboarding preview (check mode): nothing has been changed.',
                                   '3 hire(s): 1 new account(s), 1 account(s) to update, 1 account(s) already as wanted',
                                   'To add: 1 licence(s), 2 group membership(s), 1 welcome event(s), 0 calendar permission(s) granted or changed']
    assert '%s - new user' % BOB in plan['summary']
    assert '    groups:     + Engineering, + All staff' in plan['summary']
    assert plan['summary'][-1].startswith('1 mailbox(es) not ready within onboarding_mailbox_timeout: %s.' % CARA)


PASSWORD_RULES = 'The specified password does not comply with password complexity requirements. Please provide a different password.'


def refused_run():
    """ADELE's create Graph refused (a banned password), BOB created and in his groups, CARA's licence refused."""
    return {
        'users': {'created': [{'userPrincipalName': BOB, 'properties': ['displayName']}, {'userPrincipalName': CARA, 'properties': []}],
                  'failed_users': [{'userPrincipalName': ADELE, 'item': 'users[0]', 'subject': ADELE, 'action': 'create', 'field': 'password',
                                    'status': 400, 'code': 'Request_BadRequest', 'message': PASSWORD_RULES},
                                   {'userPrincipalName': CARA, 'item': 'users[2]', 'subject': CARA, 'action': 'licenses', 'field': 'licenses',
                                    'status': 400, 'code': 'Request_BadRequest', 'message': 'no seats'}]},
        'memberships': {'added': [{'group': 'Engineering', 'group_id': 'g-e', 'member': BOB}]},
    }


def test_hires_graph_refused_to_create_are_left_out_of_the_later_steps():
    new = OnboardingReport(PEOPLE, refused_run(), preview=False).new_objects()
    assert new == {'users': [BOB, CARA], 'mailboxes': [BOB, CARA], 'refused': [ADELE]}  # CARA exists: only her licence failed
    # validation records (a check) are no refusals
    check = {'failed_users': [{'userPrincipalName': ADELE, 'item': 'users[0]', 'action': 'validate', 'message': '...'}], 'created': []}
    assert OnboardingReport(PEOPLE, {'users': check}, preview=False).new_objects()['refused'] == []


def test_the_plan_names_every_refused_change_and_the_role_fails_on_them():
    plan = OnboardingReport(PEOPLE, refused_run(), preview=False).plan()
    adele, bob, cara = plan['users']
    assert adele['action'] == 'refused' and adele['refused'] == [{'field': 'password', 'action': 'create', 'status': 400,
                                                                  'code': 'Request_BadRequest', 'reason': PASSWORD_RULES}]
    assert bob['action'] == 'create' and bob['refused'] == [] and bob['groups_added'] == ['Engineering']
    assert cara['action'] == 'create' and [r['field'] for r in cara['refused']] == ['licenses']
    assert [(r['userPrincipalName'], r['field']) for r in plan['refused']] == [(ADELE, 'password'), (CARA, 'licenses')]
    assert plan['totals']['create'] == 2
    assert '%s - NOT CREATED' % ADELE in plan['summary'] and '    REFUSED:    password - create: %s' % PASSWORD_RULES in plan['summary']
    assert plan['left_undone'] == ('Onboarding did everything else, but Graph refused 2 change(s): %s: password: create: 400 Request_BadRequest: '
                                   '%s; %s: licenses: licenses: 400 Request_BadRequest: no seats. Correct them in onboarding_users and run the '
                                   'role again: the other hires are done and stay as they are.' % (ADELE, PASSWORD_RULES, CARA))
    assert OnboardingReport(PEOPLE, {}, preview=False).plan()['left_undone'] is None


def test_a_hire_refused_with_a_welcome_event_has_it_not_done():
    people = [dict(PEOPLE[1], userPrincipalName=ADELE)] + PEOPLE[1:]
    plan = OnboardingReport(people, refused_run(), preview=False).plan()
    assert plan['users'][0]['event']['action'] == 'not_done' and plan['totals']['events_created'] == 0


def test_a_calendar_skipped_for_want_of_a_mailbox_licence_is_named_with_its_reason():
    reason = 'no mailbox is coming: its licences (EMS) include no Exchange Online plan, and no group of its gives it a licence. ...'
    results = {'calendars': {'calendars': [{'mailbox': BOB, 'status': 'skipped', 'reason': reason, 'events': {'created': []}},
                                           {'mailbox': CARA, 'status': 'ok', 'permissions': {'granted': [{'address': ADELE, 'role': 'read'}]}}]}}
    plan = OnboardingReport(PEOPLE, results, preview=False).plan()
    adele, bob, cara = plan['users']
    assert bob['event']['action'] == 'skipped' and bob['calendar_skipped'] == reason and bob['pending_mailbox'] is False
    assert cara['calendar_skipped'] is None and cara['calendar_permissions'][0]['action'] == 'grant'
    assert plan['skipped_calendars'] == [{'userPrincipalName': BOB, 'reason': reason}] and plan['left_undone'] is None
    assert '    calendar:   SKIPPED - %s' % reason in plan['summary']


def test_a_run_that_changed_nothing_says_so():
    plan = OnboardingReport(PEOPLE, {}, preview=False).plan()
    assert plan['changed'] is False
    assert plan['summary'][0] == 'Onboarding: everything was already as wanted, nothing changed.'
    assert plan['summary'][3:] == ['%s - no change' % upn for upn in (ADELE, BOB, CARA)]


def test_the_role_gives_its_own_hint_where_the_modules_would_send_the_user_elsewhere():
    state = dict(problem('users[0]', 'state', "'absent': state is Graph's state (state or province) property"),
                 hint='to delete the account, write account_state: absent')
    found, = OnboardingReport(PEOPLE, {'users': {'failed': True, 'problems': [state]}}, preview=False).problems()
    assert found.hint.startswith('the onboarding role creates and updates accounts') and 'mynster.msgraph.offboarding' in found
    assert 'account_state' not in found


def test_groups_match_by_name_id_or_reference_and_fields_are_renamed():
    entry = {'group': 'All staff', 'group_id': 'g-a'}
    assert group_matches('group:ALL STAFF', 0, entry) and group_matches('g-a', 0, entry)
    assert not group_matches('Engineering', 0, entry) and not group_matches({'not': 'a reference'}, 0, entry)
    assert calendar_field('events[0].end') == 'welcome_event.end'
    assert calendar_field('permissions[2].address') == 'calendar_permissions[2].address'
    assert calendar_field('mailbox') is None
