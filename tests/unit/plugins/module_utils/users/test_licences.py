# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Licences by name or id, direct and inherited, what to assign and remove, and seats."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import parse_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import (
    LicenceGroups,
    current_licenses,
    error_warning,
    group_requests,
    inherited_licences,
    licence_errors,
    licence_group_ids,
    plan_licenses,
    read_licence_groups,
    resolve_licenses,
    seat_problems,
)
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import CATALOG, E3, EMS, EXCHANGE, TEAMS, FakeDirectory, one

G1, G2 = 'aaaaaaaa-0000-0000-0000-000000000001', 'aaaaaaaa-0000-0000-0000-000000000002'


def state(sku_id, group=None, status='Active', error='None', disabled=()):
    return {'skuId': sku_id, 'disabledPlans': list(disabled), 'assignedByGroup': group, 'state': status, 'error': error}


def test_licences_resolve_by_name_or_id_and_plans_by_name_or_id():
    spec = one({'userPrincipalName': 'a@contoso.example',
                'licenses': ['enterprisepack', {'skuId': EMS, 'disabledPlans': []}]})
    assert resolve_licenses(spec, CATALOG) == ([(E3, None), (EMS, set())], [])
    spec = one({'userPrincipalName': 'a@contoso.example', 'licenses': [{'sku': 'ENTERPRISEPACK', 'disabled_plans': ['teams1', EXCHANGE]}]})
    assert resolve_licenses(spec, CATALOG) == ([(E3, {TEAMS, EXCHANGE})], [])
    spec = one({'userPrincipalName': 'a@contoso.example', 'licenses': ['SPE_E5', {'sku': 'EMS', 'disabled_plans': ['TEAMS1']}, 'EMS']})
    resolved, problems = resolve_licenses(spec, CATALOG)
    assert resolved == [(EMS, set())]
    assert [str(p) for p in problems] == [
        "users[0] (a@contoso.example): licenses: unknown SKU 'SPE_E5'; the tenant subscribes to EMS, ENTERPRISEPACK",
        "users[0] (a@contoso.example): licenses: service plan 'TEAMS1' is not part of EMS",
        'users[0] (a@contoso.example): licenses: EMS is listed twice']


def test_direct_and_inherited_licences():
    user = {'assignedLicenses': [{'skuId': E3, 'disabledPlans': []}, {'skuId': EMS, 'disabledPlans': []}],
            'licenseAssignmentStates': [{'skuId': E3, 'disabledPlans': [TEAMS.upper()], 'assignedByGroup': None},
                                        {'skuId': EMS, 'disabledPlans': [], 'assignedByGroup': 'g1'},
                                        {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': 'g2'}]}
    assert current_licenses(user) == ({E3: {TEAMS}}, {EMS, E3})
    assert current_licenses({'assignedLicenses': [{'skuId': EMS.upper()}]}) == ({EMS: set()}, set())
    assert current_licenses(None) == ({}, set())


def test_licence_plan():
    direct, inherited = {E3: {TEAMS}, EMS: set()}, {'spe'}
    unchanged = plan_licenses([(E3, None)], direct, inherited, purge=False)
    assert not unchanged and unchanged.body() == {'addLicenses': [], 'removeLicenses': []}
    plan = plan_licenses([(E3, set()), ('spe', None), ('new', {TEAMS})], direct, inherited, purge=True)
    assert plan.body() == {'addLicenses': [{'skuId': E3, 'disabledPlans': []}, {'skuId': 'spe', 'disabledPlans': []},
                                           {'skuId': 'new', 'disabledPlans': [TEAMS]}], 'removeLicenses': [EMS]}
    assert (plan.added, plan.updated, plan.removed, plan.new_seats) == (['spe', 'new'], [E3], [EMS], ['new'])
    # purge never removes what only a group gives
    assert plan_licenses([], {}, {'spe'}, purge=True).remove == []


def test_seat_problems_name_the_users_beyond_the_free_seats():
    specs, dummy = parse_users([{'userPrincipalName': 'u%d@contoso.example' % i} for i in range(4)])
    assert seat_problems({E3: 2}, CATALOG, {E3: specs[:2]}) == []
    problems = seat_problems({E3: 4, EMS: 1}, CATALOG, {E3: specs, EMS: specs[:1]})
    assert [(p.subject, p.field) for p in problems] == [('u2@contoso.example', 'licenses'), ('u3@contoso.example', 'licenses'),
                                                        ('u0@contoso.example', 'licenses')]
    assert str(problems[0]) == 'users[2] (u2@contoso.example): licenses: ENTERPRISEPACK has 2 free seat(s) but this task assigns 4 new ones'
    assert 'EMS has 0 free seat(s)' in problems[2]


def test_an_inherited_assignment_in_error_or_disabled_is_not_held():
    user = {'licenseAssignmentStates': [state(E3, G1, 'Error', 'CountViolation'), state(EMS, G2, 'Disabled'),
                                        state('spe', G1, 'ActiveWithError', 'Other'), state('direct', None, 'Error', 'Other')]}
    # a direct assignment stays direct whatever its state: it is what the task's list is compared with
    assert current_licenses(user) == ({'direct': set()}, {'spe'})


def test_a_wanted_licence_only_inherited_in_error_is_assigned_directly_and_takes_a_seat():
    held = {'licenseAssignmentStates': [state(E3, G1)]}
    failed = {'licenseAssignmentStates': [state(E3, G1, 'Error', 'CountViolation')]}
    plan = plan_licenses([(E3, None)], *current_licenses(held), purge=False)
    assert (plan.added, plan.new_seats) == ([E3], [])  # held through the group: a direct assignment on top, no new seat
    plan = plan_licenses([(E3, None)], *current_licenses(failed), purge=False)
    assert (plan.added, plan.new_seats) == ([E3], [E3])  # the group's assignment holds no seat: Graph counts a new one


def test_purge_removes_direct_assignments_only():
    user = {'licenseAssignmentStates': [state(E3), state(E3, G1), state(EMS, G2), state('spe', G2, 'Error', 'CountViolation')]}
    plan = plan_licenses([], *current_licenses(user), purge=True)
    # E3's direct assignment goes (the group keeps giving it); EMS and spe come only from a group and are never removed
    assert plan.body() == {'addLicenses': [], 'removeLicenses': [E3]}


def test_inherited_licences_and_errors_are_reported_with_their_group():
    groups = LicenceGroups({G1: 'Sales E3'})
    user = {'licenseAssignmentStates': [state(EMS, G2, 'Error', 'CountViolation'), state(E3, G1), state(E3),
                                        state(EMS, None, 'Active', None)]}
    assert inherited_licences(user, CATALOG, groups) == [
        {'sku': 'EMS', 'skuId': EMS, 'group': None, 'group_id': G2, 'state': 'Error', 'error': 'CountViolation'},
        {'sku': 'ENTERPRISEPACK', 'skuId': E3, 'group': 'Sales E3', 'group_id': G1, 'state': 'Active', 'error': 'None'}]
    assert licence_errors(user, CATALOG, groups) == [
        {'sku': 'EMS', 'skuId': EMS, 'group': None, 'group_id': G2, 'state': 'Error', 'error': 'CountViolation'}]
    assert inherited_licences(None, CATALOG) == [] and licence_errors({'assignedLicenses': [{'skuId': E3}]}, CATALOG) == []


def test_error_warnings_say_whether_the_user_holds_the_licence():
    record = {'sku': 'EMS', 'skuId': EMS, 'group': 'Staff', 'group_id': G2, 'state': 'Error', 'error': 'CountViolation'}
    assert error_warning('a@contoso.example', record) == (
        "a@contoso.example: licence EMS inherited from group 'Staff' (%s) is in state Error (error CountViolation), so it gives "
        "the user no licence; free a seat or buy more for Entra to assign it" % G2)
    assert error_warning('a@contoso.example', record, assigned=True).endswith('; this task assigns EMS directly')
    assert error_warning('a@contoso.example', record, direct=True).endswith('; the user holds EMS directly')
    active = dict(record, state='ActiveWithError', error='Other', group=None)
    assert error_warning('a@contoso.example', active) == (
        "a@contoso.example: licence EMS inherited from group '%s' (%s) is in state ActiveWithError (error Other)" % (G2, G2))


def test_group_names_are_read_in_one_batch_only_when_some_user_inherits():
    users = [{'licenseAssignmentStates': [state(E3, 'g%02d' % n)]} for n in range(20)] + [{'licenseAssignmentStates': [state(E3)]}]
    assert licence_group_ids(users) == ['g%02d' % n for n in range(20)]
    assert [len(r['url'].split("'")) // 2 for r in group_requests(licence_group_ids(users))] == [15, 5]
    client = FakeDirectory(groups=[{'id': 'g01', 'displayName': 'One'}, {'id': 'G02', 'displayName': 'Two'}])
    groups = read_licence_groups(client, users)
    assert len(client.calls) == 1 and all(url.startswith('/groups?$filter=id%20in%20(') for url in client.calls[0])
    assert (groups.name('g01'), groups.name('g02'), groups.name('g03'), groups.warning()) == ('One', 'Two', None, None)
    nobody = FakeDirectory()
    assert read_licence_groups(nobody, users[-1:]).names == {} and nobody.calls == []
    denied = read_licence_groups(FakeDirectory(groups_status=403), users)
    assert denied.names == {} and 'Grant GroupMember.Read.All or Group.Read.All' in denied.warning()
