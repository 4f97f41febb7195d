# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which licence removals release a mailbox, and keeping the licences that carry one."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.licences import LicenceGroups, plan_licenses
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import (
    inherited_assignments,
    keep_mailbox_licences,
    mailbox_fate,
    mailbox_licences,
)
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import CATALOG, E3, EMS, EXCHANGE


def purge(direct, inherited=()):
    return plan_licenses([], direct, set(a['skuId'] for a in inherited), purge=True)


def test_removing_the_last_mailbox_licence_releases_the_mailbox():
    direct = {E3: set(), EMS: set()}
    assert mailbox_fate(purge(direct), direct, [], CATALOG) == 'released'


def test_a_mailbox_licence_kept_or_inherited_keeps_the_mailbox():
    direct = {E3: set(), EMS: set()}
    plan = purge(direct)
    assert keep_mailbox_licences(plan, direct, CATALOG) == [E3]
    assert plan.remove == [EMS] and plan.removed == [EMS]
    assert mailbox_fate(plan, direct, [], CATALOG) == 'kept'
    inherited = [{'skuId': E3, 'disabledPlans': []}]
    assert mailbox_fate(purge(direct, inherited), direct, inherited, CATALOG) == 'kept'


def test_a_licence_whose_mailbox_plan_is_disabled_carries_no_mailbox():
    direct = {E3: {EXCHANGE}, EMS: set()}
    plan = purge(direct)
    assert keep_mailbox_licences(plan, direct, CATALOG) == [] and sorted(plan.remove) == sorted([E3, EMS])
    assert mailbox_fate(plan, direct, [], CATALOG) == 'none'
    assert mailbox_fate(purge({}), {}, [], CATALOG) == 'none'


def test_only_group_licences_in_effect_count():
    user = {'licenseAssignmentStates': [
        {'skuId': E3.upper(), 'assignedByGroup': 'g1', 'state': 'Active', 'disabledPlans': []},
        {'skuId': EMS, 'assignedByGroup': 'g2', 'state': 'Error', 'error': 'CountViolation'},
        {'skuId': EMS, 'assignedByGroup': None, 'state': 'Active'}]}
    assert inherited_assignments(user) == [{'skuId': E3, 'disabledPlans': []}]


def test_mailbox_licences_are_the_held_licences_with_a_mailbox_plan_direct_first():
    user = {'licenseAssignmentStates': [
        {'skuId': E3, 'assignedByGroup': 'g-lic', 'state': 'Active', 'disabledPlans': []},
        {'skuId': E3, 'assignedByGroup': 'g-full', 'state': 'Error', 'error': 'CountViolation', 'disabledPlans': []},
        {'skuId': E3, 'assignedByGroup': 'g-noex', 'state': 'Active', 'disabledPlans': [EXCHANGE]},
        {'skuId': EMS, 'assignedByGroup': None, 'state': 'Active', 'disabledPlans': []},
        {'skuId': E3, 'assignedByGroup': None, 'state': 'Active', 'disabledPlans': []}]}
    assert mailbox_licences(user, CATALOG, LicenceGroups({'g-lic': 'Licensing E3'})) == [
        {'sku': 'ENTERPRISEPACK', 'skuId': E3, 'group': None, 'group_id': None},
        {'sku': 'ENTERPRISEPACK', 'skuId': E3, 'group': 'Licensing E3', 'group_id': 'g-lic'}]
    assert mailbox_licences({'licenseAssignmentStates': [{'skuId': EMS, 'assignedByGroup': None, 'state': 'Active'}]}, CATALOG) == []
