# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""graph_user_bulk's plan: one batched read of users, subscriptions, domains and managers, then every write and problem."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import reference_problems
from ansible_collections.mynster.msgraph.plugins.module_utils.users.plan import plan_users, read_directory, refused_field
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import BOSS_ID, E3, KNOWN, FakeDirectory, specs_of


def test_one_batch_reads_users_skus_domains_and_managers():
    client = FakeDirectory([{'id': '1', 'userPrincipalName': "o'neil@contoso.example"}])
    specs = specs_of({'userPrincipalName': "O'Neil@contoso.example", 'jobTitle': 'x', 'manager': 'boss@contoso.example', 'licenses': []},
                     {'userPrincipalName': 'new@contoso.example', 'password': 'Pw-1234567', 'manager': BOSS_ID})
    directory = read_directory(client, specs)
    assert len(client.calls) == 1
    urls = client.calls[0]
    assert urls[0].startswith("/users?$filter=userPrincipalName%20in%20('O''Neil@contoso.example','new@contoso.example')&$select=id,"
                              "userPrincipalName,displayName,accountEnabled,onPremisesSyncEnabled,usageLocation,assignedLicenses,"
                              "licenseAssignmentStates,jobTitle")
    assert urls[0].endswith('&$expand=manager($select=id,userPrincipalName)')
    assert urls[1:3] == ['/subscribedSkus', '/organization?$select=verifiedDomains']
    assert urls[3].startswith("/users?$filter=userPrincipalName%20in%20('boss@contoso.example')&$select=id,userPrincipalName")
    assert urls[4].startswith("/users?$filter=id%20in%20('" + BOSS_ID + "')")
    assert list(directory.users) == ["o'neil@contoso.example"] and directory.domains == ['contoso.example']
    assert directory.catalog.part_number(E3) == 'ENTERPRISEPACK'


def test_the_groups_granting_licences_are_named_in_a_second_read_when_licences_are_listed():
    group = 'aaaaaaaa-0000-0000-0000-000000000001'
    inherited = {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': group, 'state': 'Active', 'error': 'None'}
    client = FakeDirectory([{'id': '1', 'userPrincipalName': 'a@contoso.example', 'licenseAssignmentStates': [inherited]}],
                           groups=[{'id': group, 'displayName': 'Sales E3'}])
    directory = read_directory(client, specs_of({'userPrincipalName': 'a@contoso.example', 'licenses': []}))
    assert len(client.calls) == 2 and client.calls[1] == ["/groups?$filter=id%20in%20('" + group + "')&$select=id,displayName"]
    assert directory.licence_groups.name(group) == 'Sales E3'
    # without licences in the task nothing about them is read
    client.calls = []
    assert read_directory(client, specs_of({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x'})).licence_groups.names == {}
    assert len(client.calls) == 1 and '/subscribedSkus' not in client.calls[0]


def test_unknown_properties_are_found_and_named_per_user():
    client = FakeDirectory([{'id': '1', 'userPrincipalName': 'a@contoso.example'}])
    specs = specs_of({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x', 'favouriteColour': 'red'},
                     {'userPrincipalName': 'b@contoso.example', 'shoeSize': '42', 'favouriteColour': 'blue', 'state': 'Sjælland'})
    directory = read_directory(client, specs)
    assert directory.unknown == ['favouriteColour', 'shoeSize']
    # first read refused, one probe per given property, then the read again without the unknown ones
    assert [len(call) for call in client.calls] == [1, 4, 1]
    assert 'favouriteColour' not in client.calls[2][0] and 'state' in client.calls[2][0]
    plans, problems, warnings = plan_users(specs, directory)
    assert [(p.subject, p.field) for p in problems if 'no property' in p] == [
        ('a@contoso.example', 'favouriteColour'), ('b@contoso.example', 'favouriteColour'), ('b@contoso.example', 'shoeSize')]
    assert str(problems[0]) == ("users[0] (a@contoso.example): favouriteColour: Graph's users have no property 'favouriteColour' (Graph: "
                                "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.)")


def test_a_refused_select_the_task_did_not_cause_is_reported_as_is():
    client = FakeDirectory()
    specs = specs_of({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x'})
    KNOWN.discard('accountenabled')
    try:
        with pytest.raises(GraphError, match="Could not find a property named 'accountEnabled'"):
            read_directory(client, specs)
    finally:
        KNOWN.add('accountenabled')


def test_missing_managers_fail_at_once_unless_recently_created():
    client = FakeDirectory([{'id': '1', 'userPrincipalName': 'a@contoso.example'}, {'id': '2', 'userPrincipalName': 'b@contoso.example'}])
    specs = specs_of({'userPrincipalName': 'a@contoso.example', 'manager': 'typo@contoso.example'},
                     {'userPrincipalName': 'b@contoso.example', 'manager': 'fresh@contoso.example'})
    directory = read_directory(client, specs, recently_created=['FRESH@contoso.example'], replication_timeout=0)
    # the misspelt manager is not looked up again; the recent one is (once, with a timeout of 0)
    assert len(client.calls) == 2 and client.calls[1][0].startswith("/users?$filter=userPrincipalName%20in%20('fresh@contoso.example')")
    plans, problems, warnings = plan_users(specs, directory)
    assert [str(p) for p in problems] == [
        "users[0] (a@contoso.example): manager: 'typo@contoso.example' was not found (only managers listed in recently_created are waited for)",
        "users[1] (b@contoso.example): manager: 'fresh@contoso.example' was not found (only managers listed in recently_created are waited for)"]
    # check mode: a recent manager that is not visible is the user an earlier task would create
    client.calls = []
    directory = read_directory(client, specs[1:], recently_created=['fresh@contoso.example'], check_mode=True)
    assert len(client.calls) == 1
    plans, problems, warnings = plan_users(specs[1:], directory)
    assert problems == [] and plans[0].manager_change == 'set' and plans[0].manager_target is None


def test_new_users_are_checked_against_the_verified_domains_or_warned_about():
    specs = specs_of({'userPrincipalName': 'new@fabrikam.example', 'displayName': 'N', 'password': 'Pw-1234567'},
                     {'userPrincipalName': 'jørgen@contoso.example', 'displayName': 'J', 'password': 'Pw-1234567'})
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(), specs))
    assert [str(p) for p in problems] == [
        "users[0] (new@fabrikam.example): userPrincipalName: 'fabrikam.example' is not a verified domain of the tenant (verified: contoso.example)",
        "users[1] (jørgen@contoso.example): userPrincipalName: 'jørgen@contoso.example' has characters Graph does not accept before the @ of "
        "a new user: 'ø' (only A-Z a-z 0-9 and ' . - _ ! # ^ ~, no accents)"]
    plans, problems, warnings = plan_users(specs[:1], read_directory(FakeDirectory(organization_status=403), specs[:1]))
    assert problems == []
    assert warnings == ['The domains of new userPrincipalNames were not checked: reading the verified domains was refused (403 '
                        'Authorization_RequestDenied: Insufficient privileges to complete the operation.); grant Organization.Read.All '
                        'to have them checked before anything is written']
    # no password anywhere: nobody can be created, so the domains are not read
    client = FakeDirectory()
    read_directory(client, specs_of({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'x'}))
    assert client.calls == [[client.calls[0][0]]]


def test_revocations_follow_the_option():
    users = [{'id': '1', 'userPrincipalName': 'on@contoso.example', 'accountEnabled': True},
             {'id': '2', 'userPrincipalName': 'off@contoso.example', 'accountEnabled': False},
             {'id': '3', 'userPrincipalName': 'gone@contoso.example', 'accountEnabled': True}]
    entries = [{'userPrincipalName': 'on@contoso.example'}, {'userPrincipalName': 'off@contoso.example'},
               {'userPrincipalName': 'gone@contoso.example', 'account_state': 'absent'},
               {'userPrincipalName': 'new@contoso.example', 'displayName': 'N', 'password': 'Pw-1234567'}]
    specs = specs_of(*entries, default_state='disabled')
    directory = read_directory(FakeDirectory(users), specs)
    revoked = dict((mode, [p.spec.upn for p in plan_users(specs, directory, revoke_sessions=mode)[0] if p.revoke])
                   for mode in ('never', 'when_disabled', 'always'))
    assert revoked == {'never': [], 'when_disabled': ['on@contoso.example'], 'always': ['on@contoso.example', 'off@contoso.example']}


def test_recently_created_entries_must_be_names_or_ids():
    assert [str(p) for p in reference_problems('recently_created', ['a@contoso.example', BOSS_ID, 'Engineering', 5])] == [
        "recently_created[2]: 'Engineering' is neither a userPrincipalName nor an object id",
        'recently_created[3]: 5 is neither a userPrincipalName nor an object id']


def test_a_refused_write_names_the_field_its_answer_points_at():
    password = GraphError('The specified password does not comply with password complexity requirements. Please provide a different password.',
                          400, 'Request_BadRequest')
    other = GraphError('Another object with the same value for property userPrincipalName already exists.', 400, 'Request_BadRequest')
    assert refused_field('create', password) == 'password' and refused_field('update', password) == 'password'
    assert refused_field('create', other) is None and refused_field('create', None) is None
    assert refused_field('licenses', other) == 'licenses' and refused_field('manager', None) == 'manager'
    assert refused_field('revoke_sessions', other) is None


SYNCED = [{'id': '1', 'userPrincipalName': 'synced@contoso.example', 'accountEnabled': True, 'onPremisesSyncEnabled': True,
           'jobTitle': 'Clerk', 'usageLocation': None},
          {'id': '2', 'userPrincipalName': 'cloud@contoso.example', 'accountEnabled': True, 'onPremisesSyncEnabled': None, 'jobTitle': 'Clerk'}]


def test_changes_active_directory_owns_are_refused_for_synchronised_users_only():
    specs = specs_of({'userPrincipalName': 'synced@contoso.example', 'jobTitle': 'Lead', 'usageLocation': 'DK'},
                     {'userPrincipalName': 'cloud@contoso.example', 'jobTitle': 'Lead'})
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(SYNCED), specs))
    assert [(p.item, p.field, p.subject) for p in problems] == [('users[0]', 'jobTitle', 'synced@contoso.example')]
    assert 'on-premises Active Directory, which owns' in problems[0] and 'synced_users=skip' in problems[0]
    assert warnings == []


def test_skip_leaves_what_active_directory_owns_and_keeps_the_cloud_changes():
    specs = specs_of({'userPrincipalName': 'synced@contoso.example', 'jobTitle': 'Lead', 'usageLocation': 'DK'},
                     {'userPrincipalName': 'cloud@contoso.example', 'jobTitle': 'Lead'})
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(SYNCED), specs), synced_users='skip')
    assert problems == []
    assert (plans[0].action, plans[0].changes, plans[0].synced_skipped) == ('update', {'usageLocation': 'DK'}, ['jobTitle'])
    assert (plans[1].action, plans[1].changes, plans[1].synced_skipped) == ('update', {'jobTitle': 'Lead'}, [])
    assert warnings == ["1 synchronised user(s) planned without what on-premises Active Directory owns (synced_users=skip; change it in AD): "
                        "synced@contoso.example (jobTitle)"]


def test_deleting_a_synchronised_user_is_refused_and_disabling_it_is_said_to_last_until_the_next_sync():
    specs = specs_of({'userPrincipalName': 'synced@contoso.example', 'account_state': 'absent'})
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(SYNCED), specs))
    assert [(p.field, p.subject) for p in problems] == [('account_state', 'synced@contoso.example')]
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(SYNCED), specs), synced_users='skip')
    assert problems == [] and plans[0].action is None and plans[0].synced_skipped == ['account_state']
    specs = specs_of({'userPrincipalName': 'synced@contoso.example'}, default_state='disabled')
    plans, problems, warnings = plan_users(specs, read_directory(FakeDirectory(SYNCED), specs))
    assert problems == [] and plans[0].changes == {'accountEnabled': False}
    assert len(warnings) == 1 and 'next synchronisation' in warnings[0] and warnings[0].endswith(': synced@contoso.example')
