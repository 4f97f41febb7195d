# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the role tests share: the plays, the tenant they seed, and reading the emulator's state by name."""

from __future__ import annotations

import json

from .bad_input.tenant import SKUS
from .harness import security_group

DOMAIN = 'contoso.example'
SPE_E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965'
EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e'
PASSWORD = 'Welcome-2026!'

ONBOARD = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Onboard
      ansible.builtin.include_role:
        name: mynster.msgraph.onboarding
      vars:
        onboarding_users: "{{ hires }}"
    - name: Plan
      ansible.builtin.debug:
        var: onboarding_plan
"""

OFFBOARD = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Offboard
      ansible.builtin.include_role:
        name: mynster.msgraph.offboarding
      vars:
        offboarding_users: "{{ leavers }}"
    - name: Plan
      ansible.builtin.debug:
        var: offboarding_plan
"""


def upn(name):
    return '%s@%s' % (name, DOMAIN)


def hire(name, groups=('Engineering', 'VPN users', 'All staff'), **extra):
    person = {
        'userPrincipalName': upn(name), 'displayName': name.title(), 'jobTitle': 'Engineer', 'department': 'Engineering',
        'usageLocation': 'DK', 'password': PASSWORD, 'licenses': ['SPE_E3'], 'groups': groups if isinstance(groups, str) else list(groups),
        'welcome_event': {'subject': 'Welcome, %s' % name.title(), 'body': 'See you at 9.', 'start': '2026-03-02T09:00:00',
                          'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time', 'attendees': [upn('megan')]},
        'calendar_permissions': [{'address': upn('megan'), 'role': 'read'}],
    }
    person.update(extra)
    return person


def seed_tenant(emulator, users=(), groups=()):
    """Megan (a manager), the cohort's groups, and whatever else a test needs. The subscriptions are seeded up front:
    left to the first read, they would appear in the directory during a run and look like a write."""
    everyone = [{'userPrincipalName': upn('megan'), 'displayName': 'Megan Bowen'}] + list(users)
    seeded = emulator.seed(subscribedSkus=SKUS, users=everyone,
                           groups=[security_group(name) for name in ('Engineering', 'VPN users', 'All staff', 'Sales')]
                           + list(groups))
    emulator.reset_stats()
    ids = dict((u['userPrincipalName'], u['id']) for u in seeded['users'])
    ids.update((g['displayName'], g['id']) for g in seeded['groups'])
    return ids


class State:
    """What the emulator holds, by name."""

    def __init__(self, emulator):
        dump = emulator.dump()
        objects = dump['objects']
        self.users = dict((u['userPrincipalName'].lower(), u) for u in objects.get('user', []))
        self.deleted = [d['userPrincipalName'].lower() for d in dump['deleted'] if d.get('@kind') == 'user']
        groups = dict((g['id'], g['displayName']) for g in objects.get('group', []))
        by_id = dict((u['id'], name) for name, u in self.users.items())
        self.groups_of = {}
        for link in dump['links']:
            if link['relationship'] == 'members' and link['source'] in groups:
                for target in link['targets']:
                    self.groups_of.setdefault(by_id.get(target, target), set()).add(groups[link['source']])
        self.events = {}
        for event in objects.get('event', []):
            self.events.setdefault(by_id.get(event['_mailbox'], event['_mailbox']), []).append(event)
        self.permissions = {}
        for entry in objects.get('calendarPermission', []):
            address = entry['emailAddress'].get('address')
            if address:
                self.permissions.setdefault(by_id.get(entry['_mailbox'], entry['_mailbox']), {})[address.lower()] = entry['role']

    def licences(self, name):
        return sorted(lic['skuId'] for lic in self.users[upn(name)]['assignedLicenses'])


def writes(emulator):
    return emulator.stats()['writes']


def snapshot(emulator):
    """The directory and mailboxes, without counters or timestamps that reads may touch."""
    dump = emulator.dump()
    return json.dumps({'objects': dump.get('objects'), 'deleted': dump.get('deleted'), 'links': dump.get('links')}, sort_keys=True)


def failure(run):
    """The message of the (first) failed task."""
    failed = [entry for entry in run.tasks if entry['status'] == 'failed']
    assert failed, run
    return str(failed[0]['result'].get('msg'))


def plan_of(run, role):
    """The role's plan fact, also when the role failed after putting it together (so the play's own 'Plan' task did not run)."""
    return run.result('Keep the plan as the fact %s_plan' % role)['ansible_facts']['%s_plan' % role]


def in_play_check_mode(play):
    """The same play with ``check_mode: true`` on the play (no --check on the command line)."""
    return play.replace('  gather_facts: false\n', '  gather_facts: false\n  check_mode: true\n', 1)


UNUSUAL = ['$adm@contoso.example', 'guest_fabrikam.example#EXT#@contoso.example', "o'neil@contoso.example"]
