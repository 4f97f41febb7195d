# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Licences by name or id, direct and inherited, what to assign and remove, and seats."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import parse_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import current_licenses, plan_licenses, resolve_licenses, seat_problems
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import CATALOG, E3, EMS, EXCHANGE, TEAMS, one


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
