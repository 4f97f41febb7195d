# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The users writer against a fake client: which requests go in which round, to which paths, and what is reported."""

from __future__ import annotations

import itertools

from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import summarise_failures
from ansible_collections.mynster.msgraph.plugins.module_utils.users.plan import Directory, plan_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.writer import UserWriter, create_settle, licence_findings, report
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import parse_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import LicenceGroups, SkuCatalog
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeWaits

E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900'
CATALOG = SkuCatalog([{'skuId': E3, 'skuPartNumber': 'ENTERPRISEPACK', 'prepaidUnits': {'enabled': 10}, 'consumedUnits': 0}])
GRAPH = 'https://graph.example/v1.0'


class Settings:
    graph_base = GRAPH


class FakeWriter(FakeWaits):
    """Records every batch call; answers each request with ``answer(request)`` -> (status, body)."""

    def __init__(self, answer=None):
        super().__init__()
        self.settings = Settings()
        self.rounds = []
        self._answer = answer or (lambda request: (200, {}))
        self._ids = itertools.count(100)

    def batch(self, requests_, paginate=False):
        self.rounds.append([dict(r) for r in requests_])
        answers = []
        for request in requests_:
            status, body = self._answer(request)
            if request['method'] == 'POST' and request['url'] == '/users' and status == 201:
                body = {'id': '00000000-0000-0000-0000-000000000%03d' % next(self._ids), 'userPrincipalName': request['body']['userPrincipalName']}
            answers.append(GraphResponse(request['id'], status, body=body))
        return answers

    def calls(self):
        return [['%s %s' % (r['method'], r['url']) for r in batch] for batch in self.rounds]


def existing(upn, number, **extra):
    user = {'id': '00000000-0000-0000-0000-%012d' % number, 'userPrincipalName': upn, 'accountEnabled': True}
    user.update(extra)
    return user


def plans_for(entries, users, revoke='never', **kwargs):
    specs, problems = parse_users(entries, **kwargs)
    assert problems == []
    directory = Directory()
    directory.catalog = CATALOG
    for user in users:
        directory.users[user['userPrincipalName'].lower()] = user
        directory.others[user['id']] = user
        directory.others[user['userPrincipalName'].lower()] = user
    plans, problems, dummy = plan_users(specs, directory, revoke_sessions=revoke)
    assert problems == []
    return plans


def answer_created(request):
    return (201, None) if request['url'] == '/users' else (200, {})


def test_two_rounds_and_every_path_by_object_id():
    users = [existing('$adm@contoso.example', 1), existing("o'neil#EXT#@contoso.example", 2, usageLocation=None),
             existing('leaver@contoso.example', 3)]
    entries = [
        {'userPrincipalName': '$adm@contoso.example', 'jobTitle': 'Admin', 'manager': 'new@contoso.example'},
        {'userPrincipalName': "o'neil#EXT#@contoso.example", 'usageLocation': 'DK', 'licenses': ['ENTERPRISEPACK']},
        {'userPrincipalName': 'leaver@contoso.example', 'account_state': 'absent'},
        {'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': 'Pw-1234567', 'licenses': ['ENTERPRISEPACK'],
         'usageLocation': 'DK'},
    ]
    plans = plans_for(entries, users)
    client = FakeWriter(answer_created)
    UserWriter(client, [p for p in plans if p.pending], replication_timeout=5).apply()
    first, second = client.calls()
    ids = dict((u['userPrincipalName'], u['id']) for u in users)
    assert first == ['PATCH /users/%s' % ids['$adm@contoso.example'], 'PATCH /users/%s' % ids["o'neil#EXT#@contoso.example"],
                     'DELETE /users/%s' % ids['leaver@contoso.example'], 'POST /users']
    new_id = plans[3].id
    assert second == ['PUT /users/%s/manager/$ref' % ids['$adm@contoso.example'],          # the manager created in round one
                      'POST /users/%s/assignLicense' % ids["o'neil#EXT#@contoso.example"],  # after its usageLocation
                      'POST /users/%s/assignLicense' % new_id]
    manager = client.rounds[1][0]
    assert manager['body'] == {'@odata.id': GRAPH + '/directoryObjects/' + new_id} and manager['replication_wait'] == 5
    create = client.rounds[0][3]
    assert create['settle']['url'] == "/users('new@contoso.example')?$select=id,userPrincipalName"
    result, before, after = report(plans, CATALOG, check_mode=False)
    assert [e['userPrincipalName'] for e in result['created']] == ['new@contoso.example']
    assert result['created'][0]['properties'] == ['accountEnabled', 'displayName', 'licenses', 'mailNickname', 'usageLocation',
                                                  'userPrincipalName']
    assert [e['properties'] for e in result['updated']] == [['jobTitle', 'manager'], ['licenses', 'usageLocation']]
    assert result['deleted'] == [{'userPrincipalName': 'leaver@contoso.example', 'id': ids['leaver@contoso.example']}]


def test_settle_reads_the_user_by_principal_name():
    settle = create_settle('$new@contoso.example')
    assert settle['url'] == "/users('$new@contoso.example')?$select=id,userPrincipalName"
    read = GraphResponse('r', 200, body={'id': 'abc', 'userPrincipalName': '$NEW@contoso.example'})
    assert settle['found'](read) is read
    assert settle['found'](GraphResponse('r', 404, body={'error': {'code': 'Request_ResourceNotFound'}})) is None
    assert settle['found'](GraphResponse('r', 200, body={'id': 'abc', 'userPrincipalName': 'other@contoso.example'})) is None


def test_a_settled_create_counts_as_created():
    plans = plans_for([{'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': 'Pw-1234567'}], [])

    class Settling(FakeWriter):
        def batch(self, requests_, paginate=False):
            # what the client returns when the answer was lost and the settle read found the user
            self.rounds.append(requests_)
            return [requests_[0]['settle']['found'](GraphResponse(requests_[0]['id'], 200, body={'id': 'abc', 'userPrincipalName': 'new@contoso.example'}))]

    UserWriter(Settling(), plans).apply()
    assert plans[0].ok('create') and plans[0].id == 'abc'


def test_revocations_come_after_disabling_and_only_when_it_worked():
    users = [existing('a@contoso.example', 1), existing('b@contoso.example', 2), existing('c@contoso.example', 3, accountEnabled=False)]
    entries = [{'userPrincipalName': 'a@contoso.example'}, {'userPrincipalName': 'b@contoso.example'},
               {'userPrincipalName': 'c@contoso.example'}]

    def refuse_b(request):
        return (403, {'error': {'code': 'Authorization_RequestDenied', 'message': 'no'}}) if request['url'].endswith('02') else (200, {})

    plans = plans_for(entries, users, revoke='when_disabled', default_state='disabled')
    client = FakeWriter(refuse_b)
    UserWriter(client, [p for p in plans if p.pending], revoke_sessions='when_disabled').apply()
    assert client.calls() == [['PATCH /users/%s' % users[0]['id'], 'PATCH /users/%s' % users[1]['id']],
                              ['POST /users/%s/revokeSignInSessions' % users[0]['id']]]
    assert client.rounds[1][0]['body'] == {}
    result, before, after = report(plans, CATALOG, check_mode=False)
    assert result['revoked'] == [{'userPrincipalName': 'a@contoso.example', 'id': users[0]['id']}]
    assert [(f['userPrincipalName'], f['action'], f['status']) for f in result['failed_users']] == [
        ('b@contoso.example', 'update', 403), ('b@contoso.example', 'revoke_sessions', None)]
    message = summarise_failures(result['failed_users'], 'failed_users')
    assert 'b@contoso.example: revoke_sessions: not attempted: disabling the account failed' in message
    # always: users that need no other write are revoked in round one
    plans = plans_for(entries, users, revoke='always')
    client = FakeWriter()
    UserWriter(client, [p for p in plans if p.pending], revoke_sessions='always').apply()
    assert client.calls() == [['POST /users/%s/revokeSignInSessions' % u['id'] for u in users]]
    result, before, after = report(plans, CATALOG, check_mode=False)
    assert len(result['revoked']) == 3 and result['updated'] == [] and result['unchanged'] == 0


def test_check_mode_reports_what_would_happen():
    users = [existing('a@contoso.example', 1)]
    plans = plans_for([{'userPrincipalName': 'a@contoso.example', 'state': 'Hovedstaden'}], users, revoke='when_disabled',
                      default_state='disabled')
    result, before, after = report(plans, CATALOG, check_mode=True, diff=True)
    assert result['disabled'] == [{'userPrincipalName': 'a@contoso.example', 'id': users[0]['id'], 'properties': ['accountEnabled', 'state']}]
    assert result['revoked'] == [{'userPrincipalName': 'a@contoso.example', 'id': users[0]['id']}]
    assert before['a@contoso.example'] == {'userPrincipalName': 'a@contoso.example', 'state': None, 'accountEnabled': True}
    assert after['a@contoso.example'] == {'userPrincipalName': 'a@contoso.example', 'state': 'Hovedstaden', 'accountEnabled': False}


def test_resend_marks_and_a_user_already_gone_is_deleted():
    users = [existing('a@contoso.example', 1, usageLocation='DK', assignedLicenses=[{'skuId': E3}]),
             existing('b@contoso.example', 2, usageLocation='DK'), existing('c@contoso.example', 3)]
    entries = [{'userPrincipalName': 'a@contoso.example', 'licenses': []}, {'userPrincipalName': 'b@contoso.example', 'licenses': ['ENTERPRISEPACK']},
               {'userPrincipalName': 'c@contoso.example', 'account_state': 'absent'}]
    specs, problems = parse_users(entries)
    directory = Directory()
    directory.catalog = CATALOG
    directory.users = dict((u['userPrincipalName'], u) for u in users)
    plans, problems, dummy = plan_users(specs, directory, purge_licenses=True, revoke_sessions='always')
    client = FakeWriter(lambda request: (404, {'error': {'code': 'Request_ResourceNotFound'}}) if request['method'] == 'DELETE' else (200, {}))
    UserWriter(client, [p for p in plans if p.pending], revoke_sessions='always').apply()
    marks = dict(('%s %s' % (r['method'], r['url'].split('/')[-1]), r.get('safe_to_resend')) for r in client.rounds[0])
    assert marks == {'POST assignLicense': True, 'POST revokeSignInSessions': True, 'DELETE %s' % users[2]['id']: None}
    # a's licence removal would be refused if sent twice: not marked
    assert [r.get('safe_to_resend') for r in client.rounds[0] if r['url'] == '/users/%s/assignLicense' % users[0]['id']] == [False]
    result, before, after = report(plans, CATALOG, check_mode=False)
    assert result['failed_users'] == [] and [e['userPrincipalName'] for e in result['deleted']] == ['c@contoso.example']


def test_licence_entries_list_inherited_licences_and_errors_are_found_per_user():
    group = 'aaaaaaaa-0000-0000-0000-000000000001'
    failed = {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': group, 'state': 'Error', 'error': 'CountViolation'}
    users = [existing('a@contoso.example', 1, usageLocation='DK', licenseAssignmentStates=[failed]),
             existing('b@contoso.example', 2, usageLocation='DK', licenseAssignmentStates=[dict(failed, state='Active', error='None')]),
             existing('c@contoso.example', 3, licenseAssignmentStates=[failed])]
    entries = [{'userPrincipalName': 'a@contoso.example', 'licenses': ['ENTERPRISEPACK']},   # wanted, only inherited in Error
               {'userPrincipalName': 'b@contoso.example', 'licenses': [], 'account_state': 'disabled'},  # a leaver
               {'userPrincipalName': 'c@contoso.example', 'licenses': []},                   # unchanged, still in Error
               {'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': 'Pw-1234567!', 'licenses': []}]
    plans = plans_for(entries, users)
    groups = LicenceGroups({group: 'Sales E3'})
    result, dummy, dummy = report(plans, CATALOG, check_mode=True, groups=groups)
    inherited = {'sku': 'ENTERPRISEPACK', 'skuId': E3, 'group': 'Sales E3', 'group_id': group, 'state': 'Error', 'error': 'CountViolation'}
    assert result['updated'][0]['licenses'] == {'added': ['ENTERPRISEPACK'], 'removed': [], 'updated': [], 'inherited': [inherited]}
    # the leaver's licences did not change, yet its entry tells what it inherits and from which group
    assert result['disabled'][0]['properties'] == ['accountEnabled']
    assert result['disabled'][0]['licenses'] == {'added': [], 'removed': [], 'updated': [],
                                                 'inherited': [dict(inherited, state='Active', error='None')]}
    assert result['created'][0]['licenses'] == {'added': [], 'removed': [], 'updated': [], 'inherited': []}
    assert result['unchanged'] == 1
    errors, warnings = licence_findings(plans, CATALOG, True, groups)
    assert errors == [dict(inherited, userPrincipalName='a@contoso.example', id=users[0]['id']),
                      dict(inherited, userPrincipalName='c@contoso.example', id=users[2]['id'])]
    assert warnings[0].endswith('this task assigns ENTERPRISEPACK directly') and 'free a seat' in warnings[1]
    # after a run whose licence write failed the warning does not claim the assignment
    client = FakeWriter(lambda request: (400, {'error': {'code': 'Request_BadRequest', 'message': 'no seats'}}))
    UserWriter(client, [p for p in plans if p.pending]).apply()
    result, dummy, dummy = report(plans, CATALOG, check_mode=False, groups=groups)
    assert all(p.licenses.remove == [] for p in plans)  # nothing inherited is ever removed
    assert 'assigns' not in licence_findings(plans, CATALOG, False, groups)[1][0]
