# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.mynster.msgraph.plugins.filter.offboarding import (
    FilterModule,
    offboarding_leavers,
    offboarding_lookups,
    offboarding_plan,
    offboarding_revocations,
)

ALEX_ID = '6e7b768e-07e2-4810-8459-485f84f8f204'


def test_every_filter_is_registered():
    assert sorted(FilterModule().filters()) == ['offboarding_leavers', 'offboarding_lookups', 'offboarding_plan', 'offboarding_revocations']


def test_lookups_by_upn_or_id():
    assert offboarding_lookups(['adele@contoso.example', ALEX_ID, ' guest#EXT#@contoso.example ']) == [
        {'id': 'leaver:0', 'url': '/users/adele@contoso.example?$select=id,userPrincipalName,displayName,accountEnabled'},
        {'id': 'leaver:1', 'url': '/users/%s?$select=id,userPrincipalName,displayName,accountEnabled' % ALEX_ID},
        {'id': 'leaver:2', 'url': '/users/guest%23EXT%23@contoso.example?$select=id,userPrincipalName,displayName,accountEnabled'}]


@pytest.mark.parametrize('users', [[''], [{'userPrincipalName': 'a@contoso.example'}], 'a@contoso.example'])
def test_lookups_refuse_bad_input(users):
    with pytest.raises(AnsibleFilterError, match='list of userPrincipalNames or object ids'):
        offboarding_lookups(users)


def found(request_id, user_id, upn, enabled=True):
    return {'id': request_id, 'status': 200, 'body': {'id': user_id, 'userPrincipalName': upn, 'displayName': upn.split('@')[0],
                                                      'accountEnabled': enabled}}


def test_leavers_sorted_into_found_missing_and_errors():
    responses = [
        found('leaver:0', 'id-a', 'adele@contoso.example'),
        found('leaver:1', ALEX_ID, 'alex@contoso.example', enabled=False),
        {'id': 'leaver:2', 'status': 404, 'body': {'error': {'code': 'Request_ResourceNotFound', 'message': 'gone'}}},
        {'id': 'leaver:3', 'status': 403, 'body': {'error': {'code': 'Authorization_RequestDenied', 'message': 'Insufficient privileges'}}},
        found('leaver:4', 'id-a', 'adele@contoso.example'),
    ]
    leavers = offboarding_leavers(['adele@contoso.example', ALEX_ID, 'ghost@contoso.example', 'secret@contoso.example', 'id-a'], responses)
    assert [u['userPrincipalName'] for u in leavers['found']] == ['adele@contoso.example', 'alex@contoso.example']
    assert leavers['found'][1] == {'key': ALEX_ID, 'id': ALEX_ID, 'userPrincipalName': 'alex@contoso.example', 'displayName': 'alex',
                                   'accountEnabled': False}
    assert leavers['missing'] == ['ghost@contoso.example']
    assert leavers['errors'] == ['secret@contoso.example: 403 Insufficient privileges']
    assert leavers['users'] == [{'userPrincipalName': 'adele@contoso.example'}, {'userPrincipalName': 'alex@contoso.example'}]
    assert leavers['memberships'][1] == {'user': 'alex@contoso.example', 'groups': []}
    assert leavers['license_users'][0] == {'userPrincipalName': 'adele@contoso.example', 'licenses': []}
    assert leavers['upns'] == ['adele@contoso.example', 'alex@contoso.example']


def test_revocations():
    assert offboarding_revocations(['Adele@contoso.example']) == [
        {'id': 'revoke:adele@contoso.example', 'method': 'POST', 'url': '/users/Adele@contoso.example/revokeSignInSessions'}]
    assert offboarding_revocations([]) == []


def leavers():
    return offboarding_leavers(['adele@contoso.example', 'ghost@contoso.example'], [
        found('leaver:0', 'id-a', 'adele@contoso.example'), {'id': 'leaver:1', 'status': 404, 'body': {}}])


def test_plan_in_check_mode():
    plan = offboarding_plan(
        leavers(),
        disable_result={'disabled': [{'userPrincipalName': 'Adele@contoso.example', 'id': 'id-a', 'properties': ['accountEnabled']}]},
        revoked=['adele@contoso.example'],
        membership_result={
            'removed': [{'group_id': 'g1', 'group': 'Engineering', 'member_id': 'id-a', 'member': 'adele@contoso.example'}],
            'skipped_memberships': [{'group_id': 'g2', 'group': 'All users', 'member_id': 'id-a', 'member': 'adele@contoso.example',
                                     'reason': 'a dynamic-membership group'}]},
        license_result={'disabled': [{'userPrincipalName': 'adele@contoso.example', 'properties': ['accountEnabled', 'licenses'],
                                      'licenses': {'added': [], 'removed': ['SPE_E3', 'EMS'], 'updated': []}}]},
        delete_result={'skipped': True}, check_mode=True, delete=False)
    assert plan['users'] == [{'userPrincipalName': 'adele@contoso.example', 'id': 'id-a', 'disable': True, 'revoke_sessions': True,
                              'groups_removed': ['Engineering'], 'groups_left': ['All users (a dynamic-membership group)'],
                              'licenses_removed': ['SPE_E3', 'EMS'], 'delete': False}]
    assert plan['not_found'] == ['ghost@contoso.example'] and plan['changed'] is True
    assert plan['totals'] == {'users': 1, 'not_found': 1, 'disable': 1, 'revoke_sessions': 1, 'groups_removed': 1, 'licenses_removed': 2,
                              'delete': 0}
    assert plan['summary'] == [
        'Offboarding preview (check mode): nothing has been changed.',
        '1 leaver(s): 1 account(s) to disable, 1 session revocation(s), 1 group membership(s) to remove, 2 licence(s) to remove',
        'adele@contoso.example',
        '    account:  disable, revoke sign-in sessions',
        '    groups:   - Engineering',
        '    kept:     All users (a dynamic-membership group) (Graph cannot change these)',
        '    licences: - SPE_E3, - EMS',
        'ghost@contoso.example - not found (deleted already)']


def test_plan_after_delete_and_when_nothing_is_left():
    done = offboarding_plan(leavers(), delete_result={'deleted': [{'userPrincipalName': 'adele@contoso.example', 'id': 'id-a'}]},
                            check_mode=False, delete=True)
    assert done['summary'][:4] == ['Offboarding done.',
                                   '1 leaver(s): 0 account(s) disabled, 0 session revocation(s), 0 group membership(s) removed, '
                                   '0 licence(s) removed, 1 account(s) deleted',
                                   'adele@contoso.example', '    account:  deleted']
    idle = offboarding_plan(leavers(), {'disabled': []}, [], {'removed': [], 'skipped_memberships': []}, {'updated': []}, {}, check_mode=False)
    assert idle['changed'] is False
    assert idle['summary'][0] == 'Offboarding: everything was already done, nothing changed.'
    assert idle['summary'][2] == 'adele@contoso.example - nothing left to do'
