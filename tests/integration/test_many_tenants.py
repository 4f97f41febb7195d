# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/many-tenants.md, run: one ansible-playbook run onboards a cohort into two tenants at once.

Two emulator processes are two tenants, each with its own tenant id, app credentials, CA and verified domain. The
playbook and the inventory's shape are read from the guide itself, so the guide cannot drift from what is tested; the
client secrets are vault-encrypted host variables, as the guide shows. Only the onboarding role's public variables are
used.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from .conftest import REPO_ROOT
from .harness import EmulatorProcess, PlaybookRunner, guide_block, security_group

GUIDE = os.path.join(REPO_ROOT, 'docs', 'many-tenants.md')
SPE_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
VAULT_PASSWORD = 'correct horse battery staple'

# Host name -> the tenant's identity in its emulator. Distinct secrets: a host given another tenant's credentials
# cannot sign in.
TENANTS = {
    'contoso': {'domain': 'contoso.example', 'tenant_id': '11111111-aaaa-4aaa-8aaa-000000000001',
                'client_id': '22222222-bbbb-4bbb-8bbb-000000000001', 'client_secret': 'contoso-secret-Aa1!'},
    'fabrikam': {'domain': 'fabrikam.example', 'tenant_id': '11111111-aaaa-4aaa-8aaa-000000000002',
                 'client_id': '22222222-bbbb-4bbb-8bbb-000000000002', 'client_secret': 'fabrikam-secret-Bb2!'},
}
GROUPS = ('Engineering', 'All staff')
COHORTS = {
    'contoso': ('adele.vance', 'alex.wilber', 'diego.siciliani'),
    'fabrikam': ('grady.archie', 'lee.gu'),
}

# One task that every host must reach before any can finish it: each host marks its arrival, then waits for all the
# others. Under the linear strategy a task only moves on when it has finished on every host, so with forks=1 the first
# host would wait for a host that never starts and fail at the timeout. Passing shows the tenants run side by side in
# this very run.
SIDE_BY_SIDE = """
- name: Both tenants at the same time
  hosts: tenants
  gather_facts: false
  tasks:
    - name: Arrive and wait for every other tenant
      ansible.builtin.shell: |
        touch "$BARRIER/{{ inventory_hostname }}"
        for _ in $(seq 300); do
          missing=0
          for host in {{ ansible_play_hosts_all | join(' ') }}; do
            [ -e "$BARRIER/$host" ] || missing=1
          done
          [ "$missing" = 0 ] && exit 0
          sleep 1
        done
        echo "not every tenant arrived within 300 s" >&2
        exit 1
      environment:
        BARRIER: "{{ barrier_dir }}"
      changed_when: false

- name: The guide's playbook
  ansible.builtin.import_playbook: onboard_tenants.yml
"""


def hire(name, domain):
    return {'userPrincipalName': '%s@%s' % (name, domain), 'displayName': name.replace('.', ' ').title(),
            'password': 'Welcome-2026!', 'usageLocation': 'DK', 'licenses': ['SPE_E3'], 'groups': list(GROUPS)}


def vault_encrypt(value, name, password_file):
    """``name: !vault |...`` as ``ansible-vault encrypt_string`` writes it."""
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-vault'), 'encrypt_string', '--vault-password-file',
               password_file, '--name', name, value]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture
def tenants(tmp_path):
    """Two running emulators, each seeded with the cohort's groups and accepting only its own domain."""
    emulators = {}
    try:
        for host, tenant in TENANTS.items():
            state_dir = tmp_path / ('emulator-' + host)
            state_dir.mkdir()
            emulator = EmulatorProcess(REPO_ROOT, str(state_dir), [
                '--tenant-id', tenant['tenant_id'], '--client-id', tenant['client_id'],
                '--client-secret', tenant['client_secret'], '--verified-domain', tenant['domain']])
            emulator.start()
            emulators[host] = emulator
            emulator.seed(groups=[security_group(name) for name in GROUPS])
            emulator.reset_stats()
        yield emulators
    finally:
        for emulator in emulators.values():
            emulator.stop()


@pytest.fixture
def project(tenants, tmp_path):
    """The guide's layout: tenants.yml, host_vars/<tenant>.yml with vaulted secrets, the guide's playbook."""
    root = tmp_path / 'project'
    (root / 'host_vars').mkdir(parents=True)
    password_file = str(tmp_path / 'vault-pass')
    with open(password_file, 'w') as handle:
        handle.write(VAULT_PASSWORD + '\n')

    inventory = yaml.safe_load(guide_block(GUIDE, '# tenants.yml'))
    assert sorted(inventory['tenants']['hosts']) == sorted(TENANTS), 'the guide names other tenants than this test'
    for host, variables in inventory['tenants']['hosts'].items():
        emulator = tenants[host]
        variables.update(msgraph_tenant_id=TENANTS[host]['tenant_id'], msgraph_client_id=TENANTS[host]['client_id'],
                         msgraph_graph_url=emulator.info['graph_url'], msgraph_authority_url=emulator.info['authority_url'],
                         msgraph_ca_path=emulator.info['ca_path'])
        hires = [hire(name, TENANTS[host]['domain']) for name in COHORTS[host]]
        with open(root / 'host_vars' / (host + '.yml'), 'w') as handle:
            handle.write(vault_encrypt(TENANTS[host]['client_secret'], 'msgraph_client_secret', password_file))
            handle.write(yaml.safe_dump({'new_hires': hires}, sort_keys=False))
    with open(root / 'tenants.yml', 'w') as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)
    with open(root / 'onboard_tenants.yml', 'w') as handle:
        handle.write(guide_block(GUIDE, '# onboard_tenants.yml'))
    with open(root / 'side_by_side.yml', 'w') as handle:
        handle.write(SIDE_BY_SIDE)
    (tmp_path / 'barrier').mkdir()
    return {'root': root, 'password_file': password_file, 'barrier': str(tmp_path / 'barrier')}


def directory(emulator):
    """{upn: (licence sku ids, group names)} of the users in one emulated tenant."""
    dump = emulator.dump()
    users = dict((u['id'], u) for u in dump['objects'].get('user', []))
    groups = dict((g['id'], g['displayName']) for g in dump['objects'].get('group', []))
    member_of = {}
    for link in dump['links']:
        if link['relationship'] == 'members' and link['source'] in groups:
            for target in link['targets']:
                member_of.setdefault(target, set()).add(groups[link['source']])
    result = {}
    for user_id, user in users.items():
        licences = sorted(lic['skuId'] for lic in user.get('assignedLicenses', []))
        result[user['userPrincipalName'].lower()] = (licences, sorted(member_of.get(user_id, ())))
    return result


def test_two_tenants_onboard_side_by_side_in_one_run(tenants, project, ansible_collections_dir):
    runner = PlaybookRunner(None, ansible_collections_dir, project['root'])
    options = dict(inventory=str(project['root'] / 'tenants.yml'), credentials=False,
                   extra_args=['--vault-password-file', project['password_file'], '--forks', '2'])

    def run(playbook, **extra):
        return runner.run_file(str(project['root'] / playbook), **dict(options, **extra))

    preview = run('onboard_tenants.yml', check=True)
    assert preview.rc == 0, preview
    assert sorted(preview.recaps) == sorted(TENANTS), preview
    for host, emulator in tenants.items():
        stats = emulator.stats()
        assert stats['writes'] == 0, (host, stats)
        assert stats['token_requests'] >= 1, (host, stats)  # each host signed in to its own tenant

    applied = run('side_by_side.yml', extra_vars={'barrier_dir': project['barrier']})
    assert applied.rc == 0, applied
    for host, emulator in tenants.items():
        assert applied.recaps[host]['failed'] == 0 and applied.recaps[host]['changed'] > 0, applied.recaps
        expected = dict(('%s@%s' % (name, TENANTS[host]['domain']), ([SPE_E3], sorted(GROUPS))) for name in COHORTS[host])
        assert directory(emulator) == expected, host  # its own cohort, licensed and in its groups; nobody else's

    for emulator in tenants.values():
        emulator.reset_stats()
    again = run('onboard_tenants.yml')
    assert again.rc == 0, again
    for host, emulator in tenants.items():
        assert again.recaps[host]['changed'] == 0, again.recaps
        assert emulator.stats()['writes'] == 0, host
