# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/export-tenant.md, run: playbooks/export_tenant.yml exports tenant A; its seed starts emulator B; B exports the same.

Tenant A is small but has what an export can get wrong: licences with a disabled plan and a subscription the emulator
does not have by default, managers, unusual userPrincipalNames (a ``'`` and a guest's ``#EXT#``), groups of every kind
(security, Microsoft 365, role-assignable, dynamic, a distribution list, a mail-enabled security group, an empty one,
two with one name, one whose name looks like a typed reference, a nested one) with members of all five types, and a
device whose name two devices share (exported by id). The playbook that feeds tenant.yml back is read from the guide.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
import yaml

from .conftest import REPO_ROOT
from .harness import EmulatorProcess, PlaybookRunner, guide_block

GUIDE = os.path.join(REPO_ROOT, 'docs', 'export-tenant.md')
EXPORT_TASKS = ('Read every user with licences and manager', 'Read every group and the members of those Graph can change',
                'Read the subscriptions and the members exported by id')

SPE_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'
# A subscription the emulator does not have unless it is seeded: B only has it through the export.
KIOSK = {'skuId': '4b585984-651b-448a-9e53-3b10f069cf7f', 'skuPartNumber': 'DESKLESSPACK', 'prepaidUnits': {'enabled': 40},
         'servicePlans': [{'servicePlanId': '9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'servicePlanName': 'EXCHANGE_S_DESKLESS'},
                          {'servicePlanId': '902b47e5-dcb2-4fdc-858b-c63a90a2bdb9', 'servicePlanName': 'SHAREPOINTDESKLESS'}]}
E3 = {'skuId': SPE_E3, 'skuPartNumber': 'SPE_E3', 'prepaidUnits': {'enabled': 25},
      'servicePlans': [{'servicePlanId': 'efb87545-963c-4e0d-99df-69c6916d9eb0', 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'},
                       {'servicePlanId': TEAMS, 'servicePlanName': 'TEAMS1'}]}
GUEST = 'pat_fabrikam.com#EXT#@contoso.onmicrosoft.com'
OBRIEN = "conan.o'brien@contoso.com"


def tenant_a():
    """The seed of tenant A, and the id of the device whose name two devices share."""
    users = [
        {'userPrincipalName': 'megan.bowen@contoso.com', 'displayName': 'Megan Bowen', 'jobTitle': 'CEO', 'usageLocation': 'DK',
         'assignedLicenses': [{'skuId': SPE_E3, 'disabledPlans': [TEAMS]}]},
        {'userPrincipalName': 'adele.vance@contoso.com', 'displayName': 'Adele Vance', 'jobTitle': 'Product Manager', 'department': 'Sales',
         'usageLocation': 'DK', 'state': 'Hovedstaden', 'businessPhones': ['+45 33 12 34 56'], 'manager': 'megan.bowen@contoso.com',
         'assignedLicenses': [{'skuPartNumber': 'SPE_E3'}, {'skuPartNumber': 'DESKLESSPACK'}]},
        {'userPrincipalName': OBRIEN, 'displayName': "Conan O'Brien", 'usageLocation': 'IE', 'manager': 'adele.vance@contoso.com',
         'assignedLicenses': [{'skuPartNumber': 'DESKLESSPACK', 'disabledPlans': ['902b47e5-dcb2-4fdc-858b-c63a90a2bdb9']}]},
        {'userPrincipalName': GUEST, 'displayName': 'Pat (Fabrikam)', 'mail': 'pat@fabrikam.com', 'userType': 'Guest',
         'manager': 'adele.vance@contoso.com'},
        {'userPrincipalName': 'former@contoso.com', 'displayName': 'Former Employee', 'accountEnabled': False},
    ]
    groups = [
        {'displayName': 'Engineering', 'members': ['adele.vance@contoso.com', 'group:Nested', 'device:LAPTOP-1', 'servicePrincipal:HR sync',
                                                   'orgContact:Pat Partner', 'twin']},
        {'displayName': 'Nested', 'members': [OBRIEN]},
        {'displayName': 'Team', 'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False,
         'members': ['megan.bowen@contoso.com', GUEST]},
        {'displayName': 'Tier 0 admins', 'isAssignableToRole': True, 'members': ['megan.bowen@contoso.com']},
        {'displayName': 'All staff', 'groupTypes': ['DynamicMembership'], 'membershipRule': 'user.accountEnabled -eq true',
         'membershipRuleProcessingState': 'On', 'members': ['megan.bowen@contoso.com', 'adele.vance@contoso.com']},
        {'displayName': 'Sales DL', 'mailEnabled': True, 'securityEnabled': False, 'members': ['adele.vance@contoso.com']},
        {'displayName': 'Mail security', 'mailEnabled': True, 'securityEnabled': True, 'members': ['megan.bowen@contoso.com']},
        {'displayName': 'Empty'},
        {'displayName': 'Project', 'members': ['megan.bowen@contoso.com']},
        {'displayName': 'Project', 'members': ['device:LAPTOP-1']},
        {'displayName': 'Device: fleet', 'members': ['device:LAPTOP-1', 'twin']},
    ]
    return {'subscribedSkus': [E3, KIOSK], 'users': users, 'groups': groups,
            'devices': [{'displayName': 'LAPTOP-1'}, {'displayName': 'Twin PC'}, {'displayName': 'Twin PC'}],
            'servicePrincipals': [{'displayName': 'HR sync'}], 'contacts': [{'displayName': 'Pat Partner', 'mail': 'partner@fabrikam.com'}]}


def seed_tenant_a(emulator):
    """Seed A; the member called 'twin' is the first of two devices named 'Twin PC' (so it is exported by id)."""
    seed = tenant_a()
    groups = seed.pop('groups')
    seeded = emulator.seed(**seed)
    twin = seeded['devices'][1]['id']
    for group in groups:
        group['members'] = [twin if m == 'twin' else m for m in group.get('members', [])]
    emulator.seed(groups=groups)
    emulator.reset_stats()
    return twin


def copy_playbooks(tmp_path):
    """The shipped playbooks, copied so that nothing a run leaves behind lands in the checkout."""
    target = os.path.join(str(tmp_path), 'playbooks')
    shutil.copytree(os.path.join(REPO_ROOT, 'playbooks'), target, ignore=shutil.ignore_patterns('*.results.jsonl'))
    return target


def export(runner, books, folder):
    """Run playbooks/export_tenant.yml into ``folder``; (run, tenant.yml parsed, tenant-seed.json parsed)."""
    run = runner.run_file(os.path.join(books, 'export_tenant.yml'), extra_vars={'export_tenant_dir': folder})
    assert run.rc == 0, run
    with open(os.path.join(folder, 'tenant.yml'), encoding='utf-8') as handle:
        state = yaml.safe_load(handle)
    with open(os.path.join(folder, 'tenant-seed.json'), encoding='utf-8') as handle:
        seed = json.load(handle)
    return run, state, seed


@pytest.fixture
def tenant_b(tmp_path):
    """Start an emulator from a seed file (``start(path)``), as the guide does; stopped at the end."""
    started = []

    def start(seed_path):
        state_dir = tmp_path / ('emulator-b-%d' % len(started))
        state_dir.mkdir()
        emulator = EmulatorProcess(REPO_ROOT, str(state_dir), ['--seed', seed_path])
        started.append(emulator)
        emulator.start()
        return emulator
    yield start
    for emulator in started:
        emulator.stop()


def test_export_seeds_an_emulator_that_exports_the_same_and_takes_the_export_back(emulator, playbook, tmp_path, tenant_b,
                                                                                  ansible_collections_dir):
    twin = seed_tenant_a(emulator)
    books = copy_playbooks(tmp_path)
    folder_a = str(tmp_path / 'export-a')
    run_a, state_a, seed = export(playbook, books, folder_a)
    assert emulator.stats()['writes'] == 0
    for task in EXPORT_TASKS:
        assert run_a.result(task)['changed'] is False, task
    # the figure the guide quotes: users with licences and managers in a few requests
    assert run_a.result(EXPORT_TASKS[0])['stats']['http_requests'] <= 2

    # tenant.yml: users with licences (a disabled plan by name) and managers, unusual names kept as they are
    users = dict((u['userPrincipalName'], u) for u in state_a['users'])
    assert sorted(users) == sorted(u['userPrincipalName'] for u in tenant_a()['users'])
    assert users['megan.bowen@contoso.com']['licenses'] == [{'sku': 'SPE_E3', 'disabled_plans': ['TEAMS1']}]
    assert users[OBRIEN]['licenses'] == [{'sku': 'DESKLESSPACK', 'disabled_plans': ['SHAREPOINTDESKLESS']}]
    assert sorted(users['adele.vance@contoso.com']['licenses']) == ['DESKLESSPACK', 'SPE_E3']
    assert users[OBRIEN]['manager'] == 'adele.vance@contoso.com' and users[GUEST]['manager'] == 'adele.vance@contoso.com'
    assert users['former@contoso.com']['accountEnabled'] is False
    assert not any('password' in str(key).lower() for user in state_a['users'] for key in user)
    # memberships: every member type; groups Graph cannot change are in groups only; a shared name by id
    groups = dict((g['id'], g) for g in state_a['groups'])
    assert sorted(g['displayName'] for g in groups.values()) == sorted(g['displayName'] for g in tenant_a()['groups'])
    memberships = dict((m['group'], m['members']) for m in state_a['memberships'])
    projects = sorted(i for i, g in groups.items() if g['displayName'] == 'Project')
    assert sorted(memberships) == sorted(['Empty', 'Engineering', 'Nested', 'Team', 'Tier 0 admins', 'group:Device: fleet'] + projects)
    assert memberships['Engineering'] == sorted(['user:adele.vance@contoso.com', 'group:Nested', 'device:LAPTOP-1',
                                                 'servicePrincipal:HR sync', 'orgContact:Pat Partner', twin])
    assert memberships['Team'] == sorted(['user:megan.bowen@contoso.com', 'user:' + GUEST]) and memberships['Empty'] == []
    assert memberships['Nested'] == ['user:' + OBRIEN]

    # tenant-seed.json: the subscriptions, the member objects by name or (the twin) by id with its name
    assert sorted(s['skuPartNumber'] for s in seed['subscribedSkus']) == ['DESKLESSPACK', 'SPE_E3']
    # the twin keeps its id; the other 'Twin PC' (a member of no group, not read) has a stand-in, so the name stays shared
    assert sorted(d['displayName'] for d in seed['devices']) == ['LAPTOP-1', 'Twin PC', 'Twin PC']
    assert [d.get('id') for d in seed['devices'] if d['displayName'] == 'Twin PC'] == [twin, None]
    assert [s['displayName'] for s in seed['servicePrincipals']] == ['HR sync']
    assert [c['displayName'] for c in seed['contacts']] == ['Pat Partner']
    obrien = [u for u in seed['users'] if u['userPrincipalName'] == OBRIEN][0]
    assert obrien['assignedLicenses'] == [{'skuPartNumber': 'DESKLESSPACK', 'disabledPlans': ['902b47e5-dcb2-4fdc-858b-c63a90a2bdb9']}]
    assert 'licenses' not in obrien

    # B: an emulator started from the seed file exports the same desired state
    b = tenant_b(os.path.join(folder_a, 'tenant-seed.json'))
    runner_b = PlaybookRunner(b, ansible_collections_dir, tmp_path / 'runs-b')
    os.makedirs(runner_b.workdir)
    dummy, state_b, seed_b = export(runner_b, books, str(tmp_path / 'export-b'))
    assert state_b == state_a
    assert b.stats()['writes'] == 0

    # A's tenant.yml fed back to B, with the guide's playbook: nothing to change, nothing written
    apply = os.path.join(str(tmp_path), 'apply_tenant.yml')
    with open(apply, 'w', encoding='utf-8') as handle:
        handle.write(guide_block(GUIDE, '# apply_tenant.yml'))
    for check in (True, False):
        b.reset_stats()
        fed_back = runner_b.run_file(apply, check=check, extra_vars={'export_tenant_dir': folder_a})
        assert fed_back.rc == 0, fed_back
        assert fed_back.recap['changed'] == 0, fed_back
        users_result = fed_back.result('Users as exported')
        memberships_result = fed_back.result('Group members as exported')
        assert users_result['changed'] is False and memberships_result['changed'] is False
        assert memberships_result['unchanged'] == sum(len(m) for m in memberships.values())
        assert b.stats()['writes'] == 0, b.stats()
