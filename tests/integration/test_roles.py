# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onboarding and offboarding roles through ansible-playbook against the emulator.

Each workflow goes through check mode (no write reaches the emulator, the plan fact says what would happen), apply (the
emulator's directory and mailboxes hold the wanted state) and a re-run (``changed=0`` in the PLAY RECAP, no write).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import REPO_ROOT

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


def group(name, **extra):
    body = {'displayName': name, 'mailNickname': name.lower().replace(' ', '-'), 'mailEnabled': False, 'securityEnabled': True}
    body.update(extra)
    return body


def hire(name, groups=('Engineering', 'VPN users', 'All staff'), **extra):
    person = {
        'userPrincipalName': upn(name), 'displayName': name.title(), 'jobTitle': 'Engineer', 'department': 'Engineering',
        'usageLocation': 'DK', 'password': PASSWORD, 'licenses': ['SPE_E3'], 'groups': list(groups),
        'welcome_event': {'subject': 'Welcome, %s' % name.title(), 'body': 'See you at 9.', 'start': '2026-03-02T09:00:00',
                          'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time', 'attendees': [upn('megan')]},
        'calendar_permissions': [{'address': upn('megan'), 'role': 'read'}],
    }
    person.update(extra)
    return person


def seed_tenant(emulator, users=(), groups=()):
    """Megan (a manager), the cohort's groups, and whatever else a test needs."""
    everyone = [{'userPrincipalName': upn('megan'), 'displayName': 'Megan Bowen'}] + list(users)
    seeded = emulator.seed(users=everyone, groups=[group('Engineering'), group('VPN users'), group('All staff'), group('Sales')]
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


# ----- onboarding ---------------------------------------------------------------------------------


def test_onboarding_preview_apply_and_rerun(emulator, playbook):
    seed_tenant(emulator)
    cohort = {'hires': [hire('adele'), hire('alex', licenses=['SPE_E3', 'EMS'], groups=['Sales', 'VPN users', 'All staff'])]}

    preview = playbook(ONBOARD, check=True, extra_vars=cohort)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    plan = preview.result('Plan')['onboarding_plan']
    assert plan['check_mode'] is True and plan['changed'] is True and plan['problems'] == []
    assert plan['totals'] == {'users': 2, 'create': 2, 'update': 0, 'unchanged': 0, 'licenses_added': 3, 'licenses_removed': 0,
                              'licenses_updated': 0, 'groups_added': 6, 'events_created': 2, 'permissions_granted': 2,
                              'permissions_updated': 0}
    adele = plan['users'][0]
    assert adele['action'] == 'create' and 'jobTitle' in adele['properties'] and adele['licenses']['added'] == ['SPE_E3']
    assert adele['groups_added'] == ['Engineering', 'VPN users', 'All staff']
    assert adele['event']['action'] == 'create' and adele['calendar_permissions'] == [
        {'address': upn('megan'), 'role': 'read', 'action': 'grant'}]
    assert 'Onboarding preview (check mode): nothing has been changed.' in preview.stdout
    assert PASSWORD not in preview.stdout
    assert State(emulator).users.keys() == {upn('megan')}

    applied = playbook(ONBOARD, extra_vars=cohort)
    assert applied.rc == 0, applied
    state = State(emulator)
    assert state.users[upn('adele')]['jobTitle'] == 'Engineer' and state.users[upn('adele')]['accountEnabled'] is True
    assert state.licences('adele') == [SPE_E3] and state.licences('alex') == sorted([SPE_E3, EMS])
    assert state.groups_of[upn('adele')] == {'Engineering', 'VPN users', 'All staff'}
    assert state.groups_of[upn('alex')] == {'Sales', 'VPN users', 'All staff'}
    for name in ('adele', 'alex'):
        events = state.events[upn(name)]
        assert len(events) == 1 and events[0]['subject'] == 'Welcome, %s' % name.title()
        assert events[0]['transactionId'].startswith('onboarding-')
        assert events[0]['start'] == {'dateTime': '2026-03-02T09:00:00.0000000', 'timeZone': 'Romance Standard Time'}
        assert events[0]['attendees'][0]['emailAddress']['address'] == upn('megan')
        assert state.permissions[upn(name)] == {upn('megan'): 'read'}
    applied_plan = applied.result('Plan')['onboarding_plan']
    assert applied_plan['check_mode'] is False and applied_plan['totals']['create'] == 2
    assert 'Onboarding done.' in applied.stdout

    emulator.reset_stats()
    again = playbook(ONBOARD, extra_vars=cohort)
    assert again.rc == 0, again
    assert again.recap['changed'] == 0 and again.recap['failed'] == 0
    assert writes(emulator) == 0
    assert again.result('Plan')['onboarding_plan']['changed'] is False
    assert 'nothing changed' in again.stdout
    assert len(State(emulator).events[upn('adele')]) == 1


def test_onboarding_updates_an_existing_user_and_repairs_drift(emulator, playbook):
    seed_tenant(emulator, users=[{'userPrincipalName': upn('adele'), 'displayName': 'Adele', 'jobTitle': 'Intern', 'usageLocation': 'DK'}])
    cohort = {'hires': [hire('adele')]}
    assert playbook(ONBOARD, extra_vars=cohort).rc == 0
    state = State(emulator)
    assert state.users[upn('adele')]['jobTitle'] == 'Engineer' and state.licences('adele') == [SPE_E3]
    # Someone changes the permission and deletes the welcome event.
    event_id = state.events[upn('adele')][0]['id']
    drift = playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Drift
      mynster.msgraph.graph_batch:
        requests:
          - method: PATCH
            url: /users/%s/calendar/calendarPermissions/%s
            body: {role: write}
          - method: DELETE
            url: /users/%s/events/%s
""" % (upn('adele'), 'RXhjaGFuZ2VQdWJsaXNoZWRVc2VyLm1lZ2FuQGNvbnRvc28uZXhhbXBsZQ==', upn('adele'), event_id))
    assert drift.rc == 0, drift
    emulator.reset_stats()

    preview = playbook(ONBOARD, check=True, extra_vars={'hires': [hire('adele', jobTitle='Senior Engineer')]})
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    adele = preview.result('Plan')['onboarding_plan']['users'][0]
    assert adele['action'] == 'update' and adele['properties'] == ['jobTitle'] and adele['groups_added'] == []
    assert adele['event']['action'] == 'create'
    assert adele['calendar_permissions'] == [{'address': upn('megan'), 'role': 'read', 'action': 'update'}]
    assert 'adele@contoso.example - update' in preview.stdout and '~ megan@contoso.example: read' in preview.stdout

    assert playbook(ONBOARD, extra_vars={'hires': [hire('adele', jobTitle='Senior Engineer')]}).rc == 0
    state = State(emulator)
    assert state.users[upn('adele')]['jobTitle'] == 'Senior Engineer'
    assert state.permissions[upn('adele')] == {upn('megan'): 'read'} and len(state.events[upn('adele')]) == 1


def test_onboarding_waits_for_replication_of_new_users(emulator, playbook):
    seed_tenant(emulator)
    emulator.configure(replication_delay_ms=1500)
    run = playbook(ONBOARD, extra_vars={'hires': [hire('adele'), hire('alex')]})
    assert run.rc == 0, run
    state = State(emulator)
    assert state.groups_of[upn('alex')] == {'Engineering', 'VPN users', 'All staff'}
    assert len(state.events[upn('alex')]) == 1 and state.permissions[upn('alex')] == {upn('megan'): 'read'}


def test_onboarding_preview_stops_on_a_missing_group(emulator, playbook):
    seed_tenant(emulator)
    run = playbook(ONBOARD, check=True, extra_vars={'hires': [hire('adele', groups=['Engineering', 'Nonexistent team'])]})
    assert run.rc != 0
    assert "adele@contoso.example: group 'Nonexistent team' was not found" in run.stdout
    assert 'PROBLEM:' in run.stdout  # the plan is printed before the role stops
    assert writes(emulator) == 0


@pytest.mark.parametrize('hires, message', [
    ([{'displayName': 'No UPN'}], 'missing required arguments: userPrincipalName'),
    ([hire('adele', calendar_permissions=[{'address': upn('megan'), 'role': 'owner'}])], 'role must be one of'),
    ([hire('adele', welcome_event={'subject': 'Hi', 'end': '2026-03-02T10:00:00'})], 'missing required arguments: start'),
    ([hire('adele', favouriteColour='blue')], 'favouriteColour'),
    ('adele@contoso.example', 'onboarding_users'),
])
def test_onboarding_bad_input_fails_before_any_request(emulator, playbook, hires, message):
    seed_tenant(emulator)
    run = playbook(ONBOARD, extra_vars={'hires': hires})
    assert run.rc != 0
    assert run.failed('Validating arguments against arg spec \'main\' - Onboard new hires to Microsoft Entra ID')
    assert message in run.stdout
    assert emulator.stats()['http_requests'] == 0


def test_onboarding_without_the_required_variable(emulator, playbook):
    run = playbook(ONBOARD.replace('        onboarding_users: "{{ hires }}"\n', '        unrelated: 1\n'))
    assert run.rc != 0 and 'missing required arguments: onboarding_users' in run.stdout


# ----- offboarding --------------------------------------------------------------------------------


def seed_leavers(emulator):
    """Two leavers with direct groups, a dynamic group, a direct licence and one inherited from a group."""
    leaver = {'usageLocation': 'DK', 'assignedLicenses': [{'skuId': SPE_E3}]}
    return seed_tenant(
        emulator,
        users=[dict(leaver, userPrincipalName=upn('lee'), displayName='Lee Gu'),
               dict(leaver, userPrincipalName=upn('nestor'), displayName='Nestor Wilke'),
               {'userPrincipalName': upn('stays'), 'displayName': 'Stays', 'assignedLicenses': [{'skuId': SPE_E3}]}],
        groups=[group('Alumni-excluded', members=[upn('lee'), upn('nestor'), upn('stays')]),
                group('Licensed staff', assignedLicenses=[{'skuId': EMS, 'disabledPlans': []}], members=[upn('lee')]),
                group('All users (dynamic)', groupTypes=['DynamicMembership'], membershipRule='user.accountEnabled -eq true',
                      membershipRuleProcessingState='On', members=[upn('lee'), upn('nestor')])])


def test_offboarding_preview_apply_rerun_and_delete(emulator, playbook):
    ids = seed_leavers(emulator)
    before = State(emulator)
    leavers = {'leavers': [upn('lee'), ids[upn('nestor')]]}  # by UPN and by object id

    preview = playbook(OFFBOARD, check=True, extra_vars=leavers)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    plan = preview.result('Plan')['offboarding_plan']
    lee, nestor = plan['users']
    assert (lee['userPrincipalName'], lee['id']) == (upn('lee'), ids[upn('lee')])
    assert (lee['disable'], lee['revoke_sessions'], lee['delete']) == (True, True, False)
    assert lee['licenses_removed'] == ['SPE_E3']  # the EMS inherited from 'Licensed staff' is not a direct licence
    assert sorted(lee['groups_removed']) == ['Alumni-excluded', 'Licensed staff']
    assert lee['groups_left'] == ['All users (dynamic) (a dynamic-membership group)']
    assert nestor['userPrincipalName'] == upn('nestor') and nestor['groups_removed'] == ['Alumni-excluded']
    assert 'Offboarding preview (check mode): nothing has been changed.' in preview.stdout
    assert State(emulator).users[upn('lee')]['accountEnabled'] is True

    applied = playbook(OFFBOARD, extra_vars=leavers)
    assert applied.rc == 0, applied
    state = State(emulator)
    for name in ('lee', 'nestor'):
        user = state.users[upn(name)]
        assert user['accountEnabled'] is False
        assert user['signInSessionsValidFromDateTime'] >= before.users[upn(name)]['signInSessionsValidFromDateTime']
        assert state.groups_of[upn(name)] == {'All users (dynamic)'}  # the dynamic membership stays
        assert state.licences(name) == []  # direct licence gone; the group's EMS is inherited, not stored on the user
    assert state.groups_of[upn('stays')] == {'Alumni-excluded'} and state.licences('stays') == [SPE_E3]
    assert emulator.stats()['requests_by_method'].get('POST', 0) >= 2  # the two revocations (and the licence removals)
    assert 'Offboarding done.' in applied.stdout

    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=leavers)
    assert again.rc == 0, again
    assert again.recap['changed'] == 0 and writes(emulator) == 0
    assert 'nothing left to do' in again.stdout

    deleted = playbook(OFFBOARD, extra_vars=dict(leavers, offboarding_delete=True))
    assert deleted.rc == 0, deleted
    state = State(emulator)
    assert upn('lee') in state.deleted and upn('nestor') in state.deleted and upn('lee') not in state.users

    emulator.reset_stats()
    gone = playbook(OFFBOARD, extra_vars=dict(leavers, offboarding_delete=True))
    assert gone.rc == 0, gone
    assert gone.recap['changed'] == 0 and writes(emulator) == 0
    assert gone.result('Plan')['offboarding_plan']['not_found'] == [upn('lee'), ids[upn('nestor')]]


def test_offboarding_revokes_sessions_only_when_it_disables_unless_forced(emulator, playbook):
    seed_tenant(emulator, users=[{'userPrincipalName': upn('lee'), 'accountEnabled': False}])
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')]})
    assert run.rc == 0, run
    assert run.result('Plan')['offboarding_plan']['users'][0]['revoke_sessions'] is False
    assert run.recap['changed'] == 0
    emulator.reset_stats()
    forced = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')], 'offboarding_force_revoke_sessions': True})
    assert forced.rc == 0, forced
    assert forced.result('Plan')['offboarding_plan']['users'][0]['revoke_sessions'] is True
    assert forced.recap['changed'] == 1 and writes(emulator) == 1


def test_offboarding_steps_can_be_turned_off(emulator, playbook):
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')], 'offboarding_remove_groups': False, 'offboarding_remove_licenses': False})
    assert run.rc == 0, run
    state = State(emulator)
    assert state.users[upn('lee')]['accountEnabled'] is False
    assert state.licences('lee') == [SPE_E3] and 'Alumni-excluded' in state.groups_of[upn('lee')]


def test_offboarding_unknown_user_fails_before_any_write(emulator, playbook):
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee'), upn('nobody')]})
    assert run.rc != 0
    assert 'These leavers were not found: nobody@contoso.example' in run.stdout
    assert writes(emulator) == 0
    assert State(emulator).users[upn('lee')]['accountEnabled'] is True


def test_offboarding_max_group_removals_guard(emulator, playbook):
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee'), upn('nestor')], 'offboarding_max_group_removals': 2})
    assert run.rc != 0
    assert 'more than max_removals=2' in run.stdout
    assert 'Alumni-excluded' in State(emulator).groups_of[upn('lee')]


@pytest.mark.parametrize('extra, message', [
    ({'leavers': upn('lee'), 'offboarding_delete': 'perhaps'}, "argument 'offboarding_delete' is of type"),
    ({'leavers': [upn('lee')], 'offboarding_max_group_removals': 'ten'}, "argument 'offboarding_max_group_removals' is of type"),
])
def test_offboarding_bad_input_fails_before_any_request(emulator, playbook, extra, message):
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars=extra)
    assert run.rc != 0
    assert run.failed("Validating arguments against arg spec 'main' - Offboard leavers from Microsoft Entra ID")
    assert message in run.stdout
    assert emulator.stats()['http_requests'] == 0


def test_offboarding_leavers_given_as_dicts_fail_before_any_request(emulator, playbook):
    # The argument spec turns a dict into text for a list of str, so the role's first filter refuses it.
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [{'userPrincipalName': upn('lee')}]})
    assert run.rc != 0
    assert 'offboarding_users must be a list of userPrincipalNames or object ids' in run.stdout
    assert emulator.stats()['http_requests'] == 0


# ----- the example playbooks and lint -------------------------------------------------------------


def test_example_playbooks(emulator, playbook):
    with open(os.path.join(REPO_ROOT, 'scripts', 'demo_seed.json')) as handle:
        emulator.seed(**json.load(handle))
    onboarding = os.path.join(REPO_ROOT, 'playbooks', 'onboarding_demo.yml')
    offboarding = os.path.join(REPO_ROOT, 'playbooks', 'offboarding_demo.yml')
    emulator.reset_stats()
    assert playbook.run_file(onboarding, check=True).rc == 0
    assert writes(emulator) == 0
    assert playbook.run_file(onboarding).rc == 0
    again = playbook.run_file(onboarding)
    assert again.rc == 0 and again.recap['changed'] == 0
    assert playbook.run_file(offboarding, check=True).rc == 0
    assert playbook.run_file(offboarding).rc == 0
    assert State(emulator).users[upn('isaiah.langer')]['accountEnabled'] is False
    assert len(State(emulator).users) == 7


def test_ansible_lint_production_profile():
    lint = os.path.join(os.path.dirname(sys.executable), 'ansible-lint')
    if not os.path.exists(lint):
        pytest.skip('ansible-lint is not installed next to %s' % sys.executable)
    from .harness import collections_path
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(REPO_ROOT), NO_COLOR='1')
    done = subprocess.run([lint, '--offline', '--profile', 'production', 'roles/onboarding', 'roles/offboarding', 'playbooks'],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
