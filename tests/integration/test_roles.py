# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onboarding and offboarding roles, and the drift report, through ansible-playbook against the emulator.

Each workflow goes through check mode (no write reaches the emulator, the plan fact says what would happen), apply (the
emulator's directory and mailboxes hold the wanted state) and a re-run (``changed=0`` in the PLAY RECAP, no write).
Input the roles refuse leaves the emulator exactly as it was, in check mode and in a real run alike, with the same message.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .bad_input.tenant import SKUS
from .conftest import REPO_ROOT
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


# ----- onboarding ---------------------------------------------------------------------------------


def test_onboarding_preview_apply_and_rerun(emulator, playbook):
    seed_tenant(emulator)
    cohort = {'hires': [hire('adele'), hire('alex', licenses=['SPE_E3', 'EMS'], groups=['Sales', 'VPN users', 'All staff'])]}

    preview = playbook(ONBOARD, check=True, extra_vars=cohort)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    plan = preview.result('Plan')['onboarding_plan']
    assert plan['check_mode'] is True and plan['changed'] is True and plan['pending_mailboxes'] == []
    assert plan['totals'] == {'users': 2, 'create': 2, 'update': 0, 'unchanged': 0, 'licenses_added': 3, 'licenses_removed': 0,
                              'licenses_updated': 0, 'groups_added': 6, 'events_created': 2, 'permissions_granted': 2,
                              'permissions_updated': 0, 'pending_mailboxes': 0}
    adele = plan['users'][0]
    assert adele['action'] == 'create' and 'jobTitle' in adele['properties'] and adele['licenses']['added'] == ['SPE_E3']
    assert adele['groups_added'] == ['Engineering', 'VPN users', 'All staff']
    assert adele['event']['action'] == 'create' and adele['event']['transactionId'].startswith('onboarding-')
    assert adele['calendar_permissions'] == [{'address': upn('megan'), 'role': 'read', 'action': 'grant'}]
    assert adele['pending_mailbox'] is False
    assert 'Onboarding preview (check mode): nothing has been changed.' in preview.stdout
    assert '    groups:     + Engineering, + VPN users, + All staff' in preview.stdout
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
        assert events[0]['transactionId'] == plan['users'][0 if name == 'adele' else 1]['event']['transactionId']
        assert events[0]['start'] == {'dateTime': '2026-03-02T09:00:00.0000000', 'timeZone': 'Romance Standard Time'}
        assert events[0]['attendees'][0]['emailAddress']['address'] == upn('megan')
        assert state.permissions[upn(name)] == {upn('megan'): 'read'}
    applied_plan = applied.result('Plan')['onboarding_plan']
    assert applied_plan['check_mode'] is False and applied_plan['totals']['create'] == 2
    assert applied_plan['totals']['groups_added'] == 6 and applied_plan['totals']['events_created'] == 2
    assert 'Onboarding done.' in applied.stdout
    # the checks before the writes report no change in a real run: only the three writes do
    assert applied.recap['changed'] == 3

    emulator.reset_stats()
    again = playbook(ONBOARD, extra_vars=cohort)
    assert again.rc == 0, again
    assert again.recap['changed'] == 0 and again.recap['failed'] == 0
    assert writes(emulator) == 0
    assert again.result('Plan')['onboarding_plan']['changed'] is False
    assert 'nothing changed' in again.stdout
    assert len(State(emulator).events[upn('adele')]) == 1
    # the checks found nothing to change, so the write steps did not read everything again
    for task in ('Create or update the hires and their licences', 'Add the hires to their groups (only the hires just created are waited for)',
                 'Create the welcome events and grant the calendar permissions (new mailboxes are waited for)'):
        assert again.entry(task)['status'] == 'skipped', task


def test_onboarding_preview_through_the_plays_check_mode(emulator, playbook):
    """check_mode: true on the play, no --check: ansible_check_mode is false, yet the role previews and writes nothing."""
    seed_tenant(emulator)
    before = snapshot(emulator)
    run = playbook(in_play_check_mode(ONBOARD), extra_vars={'hires': [hire('adele')]})
    assert run.rc == 0, run
    assert writes(emulator) == 0 and snapshot(emulator) == before
    plan = run.result('Plan')['onboarding_plan']
    assert plan['check_mode'] is True and plan['totals']['create'] == 1
    assert 'Onboarding preview (check mode): nothing has been changed.' in run.stdout
    assert run.entry('Create or update the hires and their licences')['status'] == 'skipped'


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


def test_onboarding_state_is_the_province(emulator, playbook):
    """onboarding_users[].state is Graph's state property: it reaches the user and never disables or deletes an account."""
    seed_tenant(emulator, users=[{'userPrincipalName': upn('adele'), 'displayName': 'Adele', 'usageLocation': 'DK', 'state': 'Sjælland'}])
    cohort = {'hires': [hire('adele', state='Hovedstaden'), hire('alex', state='Midtjylland')]}
    preview = playbook(ONBOARD, check=True, extra_vars=cohort)
    assert preview.rc == 0, preview
    adele = preview.result('Plan')['onboarding_plan']['users'][0]
    assert adele['action'] == 'update' and 'state' in adele['properties']
    run = playbook(ONBOARD, extra_vars=cohort)
    assert run.rc == 0, run
    state = State(emulator)
    assert state.users[upn('adele')]['state'] == 'Hovedstaden' and state.users[upn('adele')]['accountEnabled'] is not False
    assert state.users[upn('alex')]['state'] == 'Midtjylland' and state.users[upn('alex')]['accountEnabled'] is True
    assert upn('adele') not in state.deleted


def test_onboarding_refuses_account_state(emulator, playbook):
    """account_state is graph_user_bulk's lifecycle key; the role does not take it, so no hire can be disabled or deleted by it."""
    seed_tenant(emulator, users=[{'userPrincipalName': upn('adele'), 'displayName': 'Adele'}])
    before = snapshot(emulator)
    for check in (False, True):
        run = playbook(ONBOARD, check=check, extra_vars={'hires': [hire('adele', account_state='absent')]})
        assert run.rc != 0
        assert run.failed("Validating arguments against arg spec 'main' - Onboard new hires to Microsoft Entra ID")
        assert 'onboarding_users.account_state' in run.stdout and 'Supported parameters include' in run.stdout
    assert emulator.stats()['http_requests'] == 0 and snapshot(emulator) == before


def test_onboarding_waits_for_replication_of_new_users(emulator, playbook):
    seed_tenant(emulator)
    emulator.configure(replication_delay_ms=1500)
    run = playbook(ONBOARD, extra_vars={'hires': [hire('adele'), hire('alex')]})
    assert run.rc == 0, run
    state = State(emulator)
    assert state.groups_of[upn('alex')] == {'Engineering', 'VPN users', 'All staff'}
    assert len(state.events[upn('alex')]) == 1 and state.permissions[upn('alex')] == {upn('megan'): 'read'}


def _event(**changes):
    event = {'subject': 'Welcome, Bob', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00', 'timezone': 'Romance Standard Time'}
    event.update(changes)
    return event


REFUSED_COHORTS = [
    ('misspelt group', hire('bob', groups=['Engineering', 'Enginering']), ["bob@contoso.example: groups[1]: group 'Enginering' was not found"]),
    ('event tomorrow 9am', hire('bob', welcome_event=_event(start='tomorrow 9am')),
     ["bob@contoso.example: welcome_event.start: 'tomorrow 9am' is not a date and time"]),
    ('event ends before it starts', hire('bob', welcome_event=_event(end='2026-03-02T08:00:00')),
     ['bob@contoso.example: welcome_event.end: 2026-03-02T08:00:00 is not after the start']),
    ('groups as text', hire('bob', groups='Engineering, All staff'),
     ["bob@contoso.example: groups: must be a list, got the text 'Engineering, All staff'"]),
    ('unknown licence', hire('bob', licenses=['SPE_E5']), ["bob@contoso.example: licenses: unknown SKU 'SPE_E5'"]),
    ('bad permission role', hire('bob', calendar_permissions=[{'address': upn('megan'), 'role': 'owner'}]),
     ["bob@contoso.example: calendar_permissions[0].role: 'owner' is not one of"]),
    ('province with a lifecycle value', hire('bob', state='absent'), ['bob@contoso.example', 'state', 'use the mynster.msgraph.offboarding role']),
]


@pytest.mark.parametrize('bad, messages', [pytest.param(bad, messages, id=name) for name, bad, messages in REFUSED_COHORTS])
def test_onboarding_refuses_the_whole_cohort_before_any_write(emulator, playbook, bad, messages):
    """A good new hire beside a bad one: no account is created for either, in check mode or for real, with the same message."""
    seed_tenant(emulator)
    before = snapshot(emulator)
    cohort = {'hires': [hire('adele'), bad]}
    outcomes = []
    for check in (True, False):
        run = playbook(ONBOARD, check=check, extra_vars=cohort)
        assert run.rc != 0, run
        assert run.failed('Stop before the first write when the cohort has problems'), run
        message = failure(run)
        assert message.startswith('Nothing was changed. Problems in onboarding_users: '), message
        for expected in messages:
            assert expected in message, message
        assert 'adele@contoso.example' not in message
        outcomes.append(message)
    assert outcomes[0] == outcomes[1]
    assert writes(emulator) == 0 and snapshot(emulator) == before
    assert upn('bob') not in State(emulator).users and upn('adele') not in State(emulator).users


def test_onboarding_refuses_exchange_and_synchronised_groups_saying_what_to_do_instead(emulator, playbook):
    """A hire listing a distribution list, a mail-enabled security group or a group synchronised from on-premises AD: the
    cohort is refused before any write, each group named with why and what to do instead (the Exchange Online command)."""
    ids = seed_tenant(emulator, groups=[
        {'displayName': 'Newsletter', 'mail': 'newsletter@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': False},
        {'displayName': 'Mail security', 'mail': 'mailsec@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': True},
        {'displayName': 'AD Sales', 'onPremisesSyncEnabled': True}])
    before = snapshot(emulator)
    cohort = {'hires': [hire('adele'), hire('bob', groups=['Engineering', 'Newsletter', 'AD Sales', 'Mail security'])]}
    outcomes = []
    for check in (True, False):
        run = playbook(ONBOARD, check=check, extra_vars=cohort)
        assert run.rc != 0, run
        assert run.failed('Stop before the first write when the cohort has problems'), run
        message = failure(run)
        assert message.startswith('Nothing was changed. Problems in onboarding_users: '), message
        assert ("bob@contoso.example: groups[1]: group 'Newsletter' (%s) is a distribution list; Graph cannot change its membership; "
                "add bob@contoso.example to it in Exchange Online instead, with Exchange Online PowerShell: Add-DistributionGroupMember "
                "-Identity 'newsletter@contoso.example' -Member 'bob@contoso.example'" % ids['Newsletter']) in message
        assert ("bob@contoso.example: groups[2]: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its "
                "membership; add bob@contoso.example to it in on-premises Active Directory instead" % ids['AD Sales']) in message
        assert ("bob@contoso.example: groups[3]: group 'Mail security' (%s) is a mail-enabled security group" % ids['Mail security']) in message
        assert "-Identity 'mailsec@contoso.example' -Member 'bob@contoso.example'" in message
        assert 'adele@contoso.example' not in message
        outcomes.append(message)
    assert outcomes[0] == outcomes[1]
    assert writes(emulator) == 0 and snapshot(emulator) == before


def test_onboarding_names_every_problem_at_once(emulator, playbook):
    seed_tenant(emulator)
    cohort = {'hires': [hire('bob', licenses=['SPE_E5']), hire('carl', welcome_event=_event(start='tomorrow 9am')),
                        hire('dina', calendar_permissions=[{'address': upn('megan'), 'role': 'owner'}]),
                        hire('eve', groups=['Nonexistent team'])]}
    run = playbook(ONBOARD, extra_vars=cohort)
    assert run.rc != 0
    message = failure(run)
    for expected in ("bob@contoso.example: licenses: unknown SKU 'SPE_E5'", 'carl@contoso.example: welcome_event.start',
                     'dina@contoso.example: calendar_permissions[0].role', "eve@contoso.example: groups[0]: group 'Nonexistent team' was not found"):
        assert expected in message, message
    assert writes(emulator) == 0


@pytest.mark.parametrize('hires, message', [
    ([{'displayName': 'No UPN'}], 'missing required arguments: userPrincipalName'),
    ([hire('adele', welcome_event={'subject': 'Hi', 'end': '2026-03-02T10:00:00', 'colour': 'red'})], 'welcome_event.colour'),
    ([hire('adele', favouriteColour='blue')], 'favouriteColour'),
    ('adele@contoso.example', 'onboarding_users'),
])
def test_onboarding_argument_spec_refuses_before_any_request(emulator, playbook, hires, message):
    seed_tenant(emulator)
    run = playbook(ONBOARD, extra_vars={'hires': hires})
    assert run.rc != 0
    assert run.failed('Validating arguments against arg spec \'main\' - Onboard new hires to Microsoft Entra ID')
    assert message in run.stdout
    assert emulator.stats()['http_requests'] == 0


def test_onboarding_without_the_required_variable(emulator, playbook):
    run = playbook(ONBOARD.replace('        onboarding_users: "{{ hires }}"\n', '        unrelated: 1\n'))
    assert run.rc != 0 and 'missing required arguments: onboarding_users' in run.stdout


UNUSUAL = ['$adm@contoso.example', 'guest_fabrikam.example#EXT#@contoso.example', "o'neil@contoso.example"]


def test_onboarding_existing_users_with_unusual_upns(emulator, playbook):
    """Accounts synchronised with a leading $, a guest's #EXT#, an apostrophe: properties, groups and calendars end to end."""
    seed_tenant(emulator, users=[{'userPrincipalName': name, 'displayName': 'Odd %d' % n, 'usageLocation': 'DK'} for n, name in enumerate(UNUSUAL)])
    hires = [{'userPrincipalName': name, 'jobTitle': 'Consultant', 'groups': ['Engineering'],
              'welcome_event': {'subject': 'Welcome', 'start': '2026-03-02T09:00:00', 'end': '2026-03-02T10:00:00'},
              'calendar_permissions': [{'address': upn('megan'), 'role': 'read'}]} for name in UNUSUAL]
    preview = playbook(ONBOARD, check=True, extra_vars={'hires': hires})
    assert preview.rc == 0, preview
    assert preview.result('Plan')['onboarding_plan']['totals']['events_created'] == 3 and writes(emulator) == 0
    run = playbook(ONBOARD, extra_vars={'hires': hires})
    assert run.rc == 0, run
    state = State(emulator)
    for name in UNUSUAL:
        assert state.users[name.lower()]['jobTitle'] == 'Consultant'
        assert state.groups_of[name.lower()] == {'Engineering'}
        assert [e['subject'] for e in state.events[name.lower()]] == ['Welcome']
        assert state.permissions[name.lower()] == {upn('megan'): 'read'}
    emulator.reset_stats()
    again = playbook(ONBOARD, extra_vars={'hires': hires})
    assert again.rc == 0 and again.recap['changed'] == 0 and writes(emulator) == 0


def test_onboarding_pending_mailbox_is_named_and_a_rerun_completes_it(emulator, playbook):
    """Exchange has not created the new hire's mailbox by onboarding_mailbox_timeout: the account, licence and groups are
    done, the hire is named as pending with a warning, the other hire is complete, and a later run finishes the job."""
    seed_tenant(emulator, users=[{'userPrincipalName': upn('adele'), 'displayName': 'Adele', 'usageLocation': 'DK'}])
    emulator.configure(mailbox_provisioning_delay_ms=3600 * 1000)
    cohort = {'hires': [hire('adele', licenses=None), hire('nestor')], 'onboarding_mailbox_timeout': 1}
    play = ONBOARD.replace('        onboarding_users: "{{ hires }}"\n',
                           '        onboarding_users: "{{ hires }}"\n        onboarding_mailbox_timeout: "{{ onboarding_mailbox_timeout }}"\n')
    run = playbook(play, extra_vars=cohort)
    assert run.rc == 0, run
    plan = run.result('Plan')['onboarding_plan']
    assert plan['pending_mailboxes'] == [upn('nestor')] and plan['totals']['pending_mailboxes'] == 1
    adele, nestor = plan['users']
    assert adele['pending_mailbox'] is False and adele['event']['action'] == 'create'
    assert nestor['pending_mailbox'] is True and nestor['action'] == 'create' and nestor['event']['action'] == 'pending'
    assert nestor['calendar_permissions'] == [{'address': upn('megan'), 'role': 'read', 'action': 'pending'}]
    assert 'nestor@contoso.example' in ' '.join(run.result('Create the welcome events and grant the calendar permissions '
                                                           '(new mailboxes are waited for)')['warnings'])
    assert 'PENDING' in run.stdout and 'Run the role again later' in run.stdout
    state = State(emulator)
    assert state.groups_of[upn('nestor')] == {'Engineering', 'VPN users', 'All staff'} and state.licences('nestor') == [SPE_E3]
    assert upn('nestor') not in state.events and len(state.events[upn('adele')]) == 1

    early = playbook(play, extra_vars=cohort)  # still being provisioned: waited for again and still pending, nothing refused
    assert early.rc == 0, early
    assert early.result('Plan')['onboarding_plan']['pending_mailboxes'] == [upn('nestor')]

    emulator.configure(mailbox_provisioning_delay_ms=0)  # Exchange has created the mailbox by now
    again = playbook(play, extra_vars=cohort)
    assert again.rc == 0, again
    plan = again.result('Plan')['onboarding_plan']
    assert plan['pending_mailboxes'] == [] and plan['totals']['events_created'] == 1 and plan['totals']['create'] == 0
    state = State(emulator)
    assert len(state.events[upn('nestor')]) == 1 and state.permissions[upn('nestor')] == {upn('megan'): 'read'}


def test_onboarding_does_not_wait_for_a_mailbox_no_licence_brings(emulator, playbook):
    """Frank's only licence, EMS, has no Exchange Online plan, and Gina has none: no mailbox will come for them, so their
    welcome events are skipped at once with the reason, not waited for; Adele (SPE_E3) gets hers, and both accounts and
    their groups are done."""
    seed_tenant(emulator)
    cohort = {'hires': [hire('adele'), hire('frank', licenses=['EMS']), hire('gina', licenses=[])]}
    run = playbook(ONBOARD, extra_vars=cohort)
    assert run.rc == 0, run
    step = run.result('Create the welcome events and grant the calendar permissions (new mailboxes are waited for)')
    assert [entry['mailbox'] for entry in step['skipped_mailboxes']] == [upn('frank'), upn('gina')]
    frank, gina = (entry['reason'] for entry in step['skipped_mailboxes'])
    assert frank.startswith('no mailbox is coming: its licences (EMS) include no Exchange Online plan')
    assert gina.startswith('no mailbox is coming: it holds no licence')
    assert step['pending_mailboxes'] == [] and step['stats']['mailbox_polls'] == 0 and step['stats']['mailboxes_waited_for'] == 0
    assert any(upn('frank') in warning and 'skipped' in warning for warning in step['warnings'])
    plan = run.result('Plan')['onboarding_plan']
    adele, frank_entry, gina_entry = plan['users']
    assert adele['event']['action'] == 'create' and adele['calendar_skipped'] is None
    assert frank_entry['event']['action'] == 'skipped' and frank_entry['calendar_skipped'] == frank
    assert frank_entry['calendar_permissions'] == [{'address': upn('megan'), 'role': 'read', 'action': 'skipped'}]
    assert [entry['userPrincipalName'] for entry in plan['skipped_calendars']] == [upn('frank'), upn('gina')]
    assert 'calendar:   SKIPPED - no mailbox is coming' in run.stdout
    state = State(emulator)
    assert len(state.events[upn('adele')]) == 1 and upn('frank') not in state.events and upn('gina') not in state.events
    assert state.groups_of[upn('frank')] == {'Engineering', 'VPN users', 'All staff'} and state.licences('frank') == [EMS]


BANNED = 'P@ssw0rd!'  # long enough, four kinds of characters, and on (our emulator's guess at) Entra's banned list


def test_onboarding_completes_the_others_when_graph_refuses_a_banned_password(emulator, playbook):
    """No check can know Entra's banned passwords, so Graph refuses Bob's at creation. Adele and Carl are created, licensed,
    put in their groups and given their welcome events and permissions; the role then fails naming Bob, his password and
    Graph's reason. A re-run with another password completes Bob and changes nothing for the other two."""
    seed_tenant(emulator)
    cohort = {'hires': [hire('adele'), hire('bob', password=BANNED), hire('carl', groups=['Sales'])]}
    preview = playbook(ONBOARD, check=True, extra_vars=cohort)
    assert preview.rc == 0, preview  # nothing a check can see
    run = playbook(ONBOARD, extra_vars=cohort)
    assert run.rc != 0
    assert run.failed('Fail on the changes Graph refused (everything else is done)'), run
    message = failure(run)
    assert message.startswith('Onboarding did everything else, but Graph refused 1 change(s): bob@contoso.example: password: create: '
                              '400 Request_BadRequest: The specified password does not comply with password complexity requirements.'), message
    assert BANNED not in run.stdout + run.stderr
    plan = plan_of(run, 'onboarding')
    assert plan['refused'] == [{'userPrincipalName': upn('bob'), 'field': 'password', 'action': 'create', 'status': 400,
                                'code': 'Request_BadRequest', 'reason': 'The specified password does not comply with password complexity '
                                                                        'requirements. Please provide a different password.'}]
    adele, bob, carl = plan['users']
    assert bob['action'] == 'refused' and bob['groups_added'] == [] and bob['event']['action'] == 'not_done'
    assert (adele['action'], carl['action']) == ('create', 'create') and carl['groups_added'] == ['Sales']
    assert 'bob@contoso.example - NOT CREATED' in run.stdout
    state = State(emulator)
    assert upn('bob') not in state.users
    for name, groups in (('adele', {'Engineering', 'VPN users', 'All staff'}), ('carl', {'Sales'})):
        assert state.licences(name) == [SPE_E3] and state.groups_of[upn(name)] == groups
        assert [e['subject'] for e in state.events[upn(name)]] == ['Welcome, %s' % name.title()]
        assert state.permissions[upn(name)] == {upn('megan'): 'read'}
    before = dict((name, (state.users[upn(name)], state.events[upn(name)], state.permissions[upn(name)], state.groups_of[upn(name)]))
                  for name in ('adele', 'carl'))

    cohort['hires'][1]['password'] = 'Another-Initial-Pa55!'
    again = playbook(ONBOARD, extra_vars=cohort)
    assert again.rc == 0, again
    plan = again.result('Plan')['onboarding_plan']
    assert plan['refused'] == [] and plan['left_undone'] is None
    assert [user['action'] for user in plan['users']] == ['none', 'create', 'none']
    state = State(emulator)
    assert state.licences('bob') == [SPE_E3] and state.groups_of[upn('bob')] == {'Engineering', 'VPN users', 'All staff'}
    assert len(state.events[upn('bob')]) == 1 and state.permissions[upn('bob')] == {upn('megan'): 'read'}
    for name in ('adele', 'carl'):
        assert (state.users[upn(name)], state.events[upn(name)], state.permissions[upn(name)], state.groups_of[upn(name)]) == before[name]


@pytest.mark.parametrize('check', [False, True])
def test_onboarding_prints_no_password_at_vvvv(emulator, playbook, check):
    """Initial passwords appear nowhere at -vvvv: not in the checks, the writes, a refusal or the plan. The cohort is in the
    play (ansible-playbook itself echoes extra vars given on its command line at -vvvv)."""
    seed_tenant(emulator)
    hires = [hire('adele', password='Sekret-Initial-Pa55!'), hire('bob', password='Other-Sekret-Pa55!', groups=['Nonexistent'])]

    def play(cohort):
        return ONBOARD.replace('  gather_facts: false\n', '  gather_facts: false\n  vars:\n    hires: %s\n' % json.dumps(cohort), 1)

    refused = playbook(play(hires), check=check, verbosity=4)
    assert refused.rc != 0 and "group 'Nonexistent' was not found" in refused.stdout
    hires[1]['groups'] = ['Sales']
    run = playbook(play(hires), check=check, verbosity=4, diff=True)
    assert run.rc == 0, run
    for output in (refused.stdout + refused.stderr, run.stdout + run.stderr):
        assert 'Sekret' not in output
        assert 'Check the hires and their licences' in output
    if not check:
        assert State(emulator).users[upn('adele')]['accountEnabled'] is True


# ----- offboarding --------------------------------------------------------------------------------


def seed_leavers(emulator):
    """Two leavers with direct groups, a dynamic group, a direct licence and one inherited from a group."""
    leaver = {'usageLocation': 'DK', 'assignedLicenses': [{'skuId': SPE_E3}]}
    return seed_tenant(
        emulator,
        users=[dict(leaver, userPrincipalName=upn('lee'), displayName='Lee Gu'),
               dict(leaver, userPrincipalName=upn('nestor'), displayName='Nestor Wilke'),
               {'userPrincipalName': upn('stays'), 'displayName': 'Stays', 'assignedLicenses': [{'skuId': SPE_E3}]}],
        groups=[security_group('Alumni-excluded', members=[upn('lee'), upn('nestor'), upn('stays')]),
                security_group('Licensed staff', assignedLicenses=[{'skuId': EMS, 'disabledPlans': []}], members=[upn('lee')]),
                security_group('All users (dynamic)', groupTypes=['DynamicMembership'], membershipRule='user.accountEnabled -eq true',
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
    assert lee['userPrincipalName'] == upn('lee') and (lee['id'], nestor['id']) == (ids[upn('lee')], ids[upn('nestor')])
    assert (lee['disable'], lee['revoke_sessions'], lee['delete']) == (True, True, False)
    # SPE_E3 carries an Exchange Online mailbox plan, so the default offboarding_mailbox=keep leaves it; the EMS
    # inherited from 'Licensed staff' is not a direct licence and goes with that group.
    assert lee['licenses_removed'] == [] and lee['mailbox']['outcome'] == 'kept' and lee['mailbox']['kept_licenses'] == ['SPE_E3']
    assert lee['licenses_inherited'] == {'going': [{'sku': 'EMS', 'group': 'Licensed staff'}], 'staying': []}
    assert sorted(lee['groups_removed']) == ['Alumni-excluded', 'Licensed staff']
    assert lee['groups_left'] == ['All users (dynamic) (a dynamic-membership group)'] and lee['groups_not_changed'] == []
    assert nestor['userPrincipalName'] == upn('nestor') and nestor['groups_removed'] == ['Alumni-excluded']
    assert plan['totals'] == {'users': 2, 'not_found': 0, 'auto_replies_set': 0, 'auto_replies_no_mailbox': 0, 'disable': 2,
                              'revoke_sessions': 2, 'groups_removed': 3,
                              'licenses_removed': 0, 'delete': 0, 'groups_not_changed': 0, 'groups_elsewhere': 0, 'mailboxes_kept': 2,
                              'mailboxes_released': 0, 'needs_on_premises': 0}
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
        assert state.licences(name) == [SPE_E3]  # the mailbox licence stays; the group's EMS is inherited, not stored on the user
        assert '@mailboxDeletionScheduled' not in user
    assert state.groups_of[upn('stays')] == {'Alumni-excluded'} and state.licences('stays') == [SPE_E3]
    assert emulator.stats()['requests_by_method'].get('POST', 0) >= 2  # the two revocations (and the licence removals)
    assert applied.result('Plan')['offboarding_plan']['totals']['revoke_sessions'] == 2
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


def test_offboarding_mailbox_release_removes_the_mailbox_licence_and_says_the_data_goes_in_30_days(emulator, playbook):
    seed_leavers(emulator)
    extra = {'leavers': [upn('lee')], 'offboarding_mailbox': 'release'}
    preview = playbook(OFFBOARD, check=True, extra_vars=extra)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    lee = preview.result('Plan')['offboarding_plan']['users'][0]
    assert lee['licenses_removed'] == ['SPE_E3'] and lee['mailbox']['outcome'] == 'released'
    assert 'deletes the mailbox data 30 days later' in lee['mailbox']['message']
    run = playbook(OFFBOARD, extra_vars=extra)
    assert run.rc == 0, run
    state = State(emulator)
    assert state.licences('lee') == [] and '@mailboxDeletionScheduled' in state.users[upn('lee')]
    assert 'mailbox:  released' in run.stdout
    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=extra)
    assert again.rc == 0 and again.recap['changed'] == 0 and writes(emulator) == 0
    assert again.result('Plan')['offboarding_plan']['users'][0]['mailbox']['outcome'] == 'none'


def seed_synchronised_leaver(emulator):
    """Sam, synchronised from on-premises AD, with a cloud group and a direct licence."""
    return seed_tenant(emulator, users=[{'userPrincipalName': upn('sam'), 'displayName': 'Sam Synced', 'usageLocation': 'DK',
                                         'onPremisesSyncEnabled': True, 'assignedLicenses': [{'skuId': SPE_E3}, {'skuId': EMS}]}],
                       groups=[security_group('Project X', members=[upn('sam')])])


def test_a_synchronised_leaver_is_disabled_in_the_cloud_and_never_reported_done(emulator, playbook):
    seed_synchronised_leaver(emulator)
    extra = {'leavers': [upn('sam')]}
    run = playbook(OFFBOARD, extra_vars=extra)
    assert run.rc == 0, run
    plan = run.result('Plan')['offboarding_plan']
    sam = plan['users'][0]
    assert sam['synchronised'] is True and sam['disable'] is True and sam['groups_removed'] == ['Project X']
    assert sam['licenses_removed'] == ['EMS'] and sam['mailbox']['kept_licenses'] == ['SPE_E3']
    assert plan['needs_on_premises'] == [{'userPrincipalName': upn('sam'), 'id': sam['id'], 'actions': sam['needs_on_premises']}]
    assert sam['needs_on_premises'][0].startswith('disable the account in on-premises Active Directory')
    assert 'NOT DONE for 1 synchronised leaver(s)' in run.stdout and 'Offboarding done.' not in run.stdout
    assert any(upn('sam') in w for w in run.result('Put together the plan from the modules\' results')['warnings'])
    state = State(emulator)
    assert state.users[upn('sam')]['accountEnabled'] is False and upn('sam') not in state.groups_of
    # Why it is not done: the next synchronisation cycle enables the account again from AD.
    emulator.control('POST', 'sync')
    assert State(emulator).users[upn('sam')]['accountEnabled'] is True


def test_offboarding_synced_fail_fails_at_the_end_and_delete_leaves_the_account_to_ad(emulator, playbook):
    seed_synchronised_leaver(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('sam')], 'offboarding_synced': 'fail', 'offboarding_delete': True})
    assert run.rc != 0
    assert run.failed('Fail on the synchronised leavers that on-premises AD must still disable (offboarding_synced=fail)'), run
    assert failure(run).startswith('1 synchronised leaver(s) are disabled in the cloud only')
    plan = plan_of(run, 'offboarding')
    sam = plan['users'][0]
    assert sam['delete'] is False and any(action.startswith('delete the account in Active Directory') for action in sam['needs_on_premises'])
    state = State(emulator)
    assert upn('sam') in state.users and state.users[upn('sam')]['accountEnabled'] is False  # everything else is done


def test_offboarding_preview_through_the_plays_check_mode(emulator, playbook):
    seed_leavers(emulator)
    before = snapshot(emulator)
    run = playbook(in_play_check_mode(OFFBOARD), extra_vars={'leavers': [upn('lee')], 'offboarding_delete': True})
    assert run.rc == 0, run
    assert writes(emulator) == 0 and snapshot(emulator) == before
    plan = run.result('Plan')['offboarding_plan']
    assert plan['check_mode'] is True and plan['users'][0]['delete'] is True and plan['totals']['groups_removed'] == 2


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
    before = snapshot(emulator)
    for check in (True, False):
        run = playbook(OFFBOARD, check=check, extra_vars={'leavers': [upn('lee'), upn('nestor')], 'offboarding_max_group_removals': 2})
        assert run.rc != 0
        assert run.failed('Stop before the first write when the automatic replies or membership check found problems'), run
        assert 'Nothing was changed: offboarding_max_group_removals: this run would remove 3 memberships, more than the 2 it allows' in failure(run)
    assert writes(emulator) == 0 and snapshot(emulator) == before  # not even disabled


def test_offboarding_role_assignable_group_is_left_and_named_at_the_end(emulator, playbook):
    """Without RoleManagement.ReadWrite.Directory (the emulator's default token lacks it) the role-assignable group stays;
    everything else is done (disable, revoke, other groups, licences, delete when asked), then the role fails naming the
    group and the permission. Once the permission is granted, a re-run completes the job."""
    seed_leavers(emulator)
    emulator.seed(groups=[security_group('Helpdesk admins', isAssignableToRole=True, members=[upn('lee'), upn('stays')])])
    emulator.reset_stats()
    leavers = {'leavers': [upn('lee'), upn('nestor')]}

    preview = playbook(OFFBOARD, check=True, extra_vars=leavers)
    assert preview.rc != 0 and writes(emulator) == 0
    assert "lee@contoso.example in 'Helpdesk admins'" in failure(preview) and 'Offboarding would do everything else' in failure(preview)

    run = playbook(OFFBOARD, extra_vars=leavers)
    assert run.rc != 0
    message = failure(run)
    assert run.failed('Fail on the group memberships that could not be changed (everything else is done)')
    assert message.startswith('Offboarding did everything else, but left 1 group membership(s) as they are:'), message
    assert "lee@contoso.example in 'Helpdesk admins' (a role-assignable group; changing its members needs " \
           'RoleManagement.ReadWrite.Directory)' in message
    plan = plan_of(run, 'offboarding')
    assert plan['groups_not_changed'] == [{'userPrincipalName': upn('lee'), 'group': 'Helpdesk admins', 'permission':
                                           'RoleManagement.ReadWrite.Directory',
                                           'reason': 'a role-assignable group; changing its members needs RoleManagement.ReadWrite.Directory'}]
    assert "NOT CHANGED: 'Helpdesk admins'" in run.stdout  # the summary is printed before the role fails
    state = State(emulator)
    for name in ('lee', 'nestor'):
        assert state.users[upn(name)]['accountEnabled'] is False and state.licences(name) == [SPE_E3]  # the mailbox licence is kept
    assert state.groups_of[upn('lee')] == {'All users (dynamic)', 'Helpdesk admins'}
    assert state.groups_of[upn('stays')] == {'Alumni-excluded', 'Helpdesk admins'}

    emulator.configure(app_roles=emulator.default_config()['app_roles'] + ['RoleManagement.ReadWrite.Directory'])
    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=leavers)
    assert again.rc == 0, again
    assert again.result('Plan')['offboarding_plan']['users'][0]['groups_removed'] == ['Helpdesk admins']
    assert writes(emulator) == 1
    state = State(emulator)
    assert state.groups_of[upn('lee')] == {'All users (dynamic)'} and 'Helpdesk admins' in state.groups_of[upn('stays')]


def test_offboarding_role_assignable_group_with_delete(emulator, playbook):
    seed_leavers(emulator)
    emulator.seed(groups=[security_group('Helpdesk admins', isAssignableToRole=True, members=[upn('lee')])])
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')], 'offboarding_delete': True})
    assert run.rc != 0 and "lee@contoso.example in 'Helpdesk admins'" in failure(run)
    state = State(emulator)
    assert upn('lee') in state.deleted and upn('lee') not in state.users  # the account is deleted all the same
    plan = plan_of(run, 'offboarding')
    assert plan['users'][0]['delete'] is True and plan['users'][0]['licenses_removed'] == []
    assert plan['users'][0]['mailbox']['outcome'] == 'deleted' and 'within 30 days' in plan['users'][0]['mailbox']['message']


def test_offboarding_lists_exchange_and_synchronised_groups_with_what_an_admin_does(emulator, playbook):
    """Graph cannot remove a leaver from a distribution list, a mail-enabled security group or a group synchronised from
    on-premises AD: the role does everything else, writes nothing to those groups, and lists each with the Exchange Online
    command or the on-premises instruction, in the plan and the printed summary, without failing."""
    seed_leavers(emulator)
    emulator.seed(groups=[
        {'displayName': 'Newsletter', 'mail': 'newsletter@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': False,
         'members': [upn('lee'), upn('stays')]},
        {'displayName': 'Mail security', 'mailEnabled': True, 'securityEnabled': True, 'members': [upn('lee')]},
        {'displayName': 'AD Sales', 'onPremisesSyncEnabled': True, 'members': [upn('lee')]}])
    emulator.reset_stats()
    before = snapshot(emulator)
    leavers = {'leavers': [upn('lee'), upn('nestor')]}
    news = "Remove-DistributionGroupMember -Identity 'newsletter@%s' -Member '%s'" % (DOMAIN, upn('lee'))
    mail_security = "Remove-DistributionGroupMember -Identity 'Mail security' -Member '%s'" % upn('lee')  # no mail seeded: its name

    def check(run, removed=('Alumni-excluded', 'Licensed staff')):
        plan = run.result('Plan')['offboarding_plan']
        lee, nestor = plan['users']
        elsewhere = dict((g['group'], g) for g in lee['groups_elsewhere'])
        assert sorted(elsewhere) == ['AD Sales', 'Mail security', 'Newsletter'] and nestor['groups_elsewhere'] == []
        assert (elsewhere['Newsletter']['kind'], elsewhere['Newsletter']['reason'], elsewhere['Newsletter']['command']) == (
            'exchange', 'a distribution list', news)
        assert (elsewhere['Mail security']['kind'], elsewhere['Mail security']['command']) == ('exchange', mail_security)
        assert (elsewhere['AD Sales']['kind'], elsewhere['AD Sales']['command']) == ('on_premises', None)
        assert elsewhere['AD Sales']['remedy'].startswith('remove %s from it in on-premises Active Directory instead' % upn('lee'))
        assert sorted(lee['groups_removed']) == list(removed)
        assert lee['groups_left'] == ['All users (dynamic) (a dynamic-membership group)']
        assert plan['totals']['groups_elsewhere'] == 3 and len(plan['groups_elsewhere']) == 3 and plan['left_undone'] is None
        assert all(g['userPrincipalName'] == upn('lee') for g in plan['groups_elsewhere'])
        assert "EXCHANGE ONLINE: 'Newsletter' (a distribution list) - " + news in run.stdout
        assert "ON-PREMISES AD: 'AD Sales' (synced from on-premises Active Directory) - remove " + upn('lee') in run.stdout
        assert '3 group membership(s) Graph cannot change are left for an admin' in run.stdout

    preview = playbook(OFFBOARD, check=True, extra_vars=leavers)
    assert preview.rc == 0, preview
    check(preview)
    assert writes(emulator) == 0 and snapshot(emulator) == before

    applied = playbook(OFFBOARD, extra_vars=leavers)
    assert applied.rc == 0, applied
    check(applied)
    state = State(emulator)
    assert state.users[upn('lee')]['accountEnabled'] is False and state.licences('lee') == []
    assert state.groups_of[upn('lee')] == {'All users (dynamic)', 'Newsletter', 'Mail security', 'AD Sales'}
    assert state.groups_of[upn('stays')] == {'Alumni-excluded', 'Newsletter'}

    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=leavers)
    assert again.rc == 0 and again.recap['changed'] == 0 and writes(emulator) == 0
    check(again, removed=())  # still listed until an admin changes them where they are owned


def test_offboarding_existing_users_with_unusual_upns(emulator, playbook):
    seed_tenant(emulator, users=[{'userPrincipalName': name, 'displayName': 'Odd %d' % n, 'assignedLicenses': [{'skuId': SPE_E3}],
                                  'usageLocation': 'DK'} for n, name in enumerate(UNUSUAL)],
                groups=[security_group('Odd ones', members=UNUSUAL)])
    before = State(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': UNUSUAL, 'offboarding_mailbox': 'release'})
    assert run.rc == 0, run
    plan = run.result('Plan')['offboarding_plan']
    assert [u['userPrincipalName'] for u in plan['users']] == UNUSUAL
    assert all(u['disable'] and u['revoke_sessions'] and u['groups_removed'] == ['Odd ones'] and u['licenses_removed'] == ['SPE_E3']
               for u in plan['users']), plan
    state = State(emulator)
    for name in UNUSUAL:
        user = state.users[name.lower()]
        assert user['accountEnabled'] is False and user['assignedLicenses'] == []
        assert user['signInSessionsValidFromDateTime'] > before.users[name.lower()]['signInSessionsValidFromDateTime']
        assert name.lower() not in state.groups_of
    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars={'leavers': UNUSUAL, 'offboarding_mailbox': 'release'})
    assert again.rc == 0 and again.recap['changed'] == 0 and writes(emulator) == 0


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
    seed_leavers(emulator)
    run = playbook(OFFBOARD, extra_vars={'leavers': [{'userPrincipalName': upn('lee')}]})
    assert run.rc != 0
    assert failure(run).startswith("Nothing was changed: offboarding_users[0]: ")
    assert 'is neither a userPrincipalName nor an object id' in failure(run)
    assert emulator.stats()['http_requests'] == 0


# ----- the drift report ---------------------------------------------------------------------------


def copy_playbooks(tmp_path):
    """The shipped playbooks, copied so that the test's output stays in its own folder."""
    target = os.path.join(str(tmp_path), 'playbooks')
    shutil.copytree(os.path.join(REPO_ROOT, 'playbooks'), target, ignore=shutil.ignore_patterns('*.results.jsonl'))
    return target


DRIFT = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Someone changes a job title by hand
      mynster.msgraph.graph_user_bulk:
        users: [{userPrincipalName: adele.vance@contoso.example, jobTitle: Intern}]
    - name: Someone takes a user out of a group
      mynster.msgraph.graph_group_membership:
        group: VPN users
        members: [alex.wilber@contoso.example]
        state: absent
"""


@pytest.mark.parametrize('check', [False, True], ids=['play-check-mode', 'command-line-check'])
def test_drift_report_reads_and_reports_without_writing(emulator, playbook, tmp_path, check):
    with open(os.path.join(REPO_ROOT, 'scripts', 'demo_seed.json')) as handle:
        emulator.seed(**json.load(handle))
    books = copy_playbooks(tmp_path)
    report = os.path.join(books, 'drift_report.yml')
    assert playbook.run_file(os.path.join(books, 'onboarding_demo.yml')).rc == 0

    emulator.reset_stats()
    clean = playbook.run_file(report, check=check)
    assert clean.rc == 0, clean
    assert writes(emulator) == 0 and clean.recap['changed'] == 0
    assert 'No drift: Entra ID matches vars/cohort.yml.' in clean.stdout

    assert playbook(DRIFT).rc == 0
    before = snapshot(emulator)
    emulator.reset_stats()
    drifted = playbook.run_file(report, check=check)
    assert drifted.rc != 0
    assert writes(emulator) == 0 and snapshot(emulator) == before
    assert drifted.failed('Fail the job when Entra ID has drifted from the cohort definition')
    lines = drifted.result('Show what drifted')['msg']
    assert lines == ['adele.vance@contoso.example: jobTitle is "Intern", wanted "Software Engineer"',
                     "alex.wilber@contoso.example: not a member of 'VPN users' (2 direct members now)"]
    assert failure(drifted).startswith('Drift found, 2 difference(s): ')
    report_fact = drifted.result('Put the report together (values now beside the wanted ones)')['ansible_facts']['drift_report']
    adele = [h for h in report_fact['hires'] if h['userPrincipalName'] == 'adele.vance@contoso.example'][0]
    assert adele['properties'] == {'jobTitle': {'now': 'Intern', 'wanted': 'Software Engineer'}}
    assert report_fact['totals']['update'] == 1 and report_fact['totals']['groups_added'] == 1

    only_report = playbook.run_file(report, check=check, extra_vars={'drift_report_fail_on_drift': False})
    assert only_report.rc == 0 and writes(emulator) == 0


def test_drift_report_names_a_deleted_group(emulator, playbook, tmp_path):
    """A group of the cohort deleted by hand stops the onboarding preview; the report says so and writes nothing."""
    with open(os.path.join(REPO_ROOT, 'scripts', 'demo_seed.json')) as handle:
        seeded = emulator.seed(**json.load(handle))
    books = copy_playbooks(tmp_path)
    assert playbook.run_file(os.path.join(books, 'onboarding_demo.yml')).rc == 0
    crm = [g['id'] for g in seeded['groups'] if g['displayName'] == 'CRM users'][0]
    assert playbook('- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Delete\n      mynster.msgraph.graph_batch:\n'
                    '        requests: [{method: DELETE, url: /groups/%s}]\n' % crm).rc == 0
    emulator.reset_stats()
    run = playbook.run_file(os.path.join(books, 'drift_report.yml'))
    assert run.rc != 0 and writes(emulator) == 0
    lines = run.result('Show what drifted')['msg']
    assert "group 'CRM users' does not exist" in lines
    assert any(line.startswith('the onboarding preview stopped: Nothing was changed.') and "group 'CRM users' was not found" in line
               for line in lines), lines


# ----- the example playbooks and lint -------------------------------------------------------------


def test_example_playbooks(emulator, playbook, tmp_path):
    with open(os.path.join(REPO_ROOT, 'scripts', 'demo_seed.json')) as handle:
        emulator.seed(**json.load(handle))
    books = copy_playbooks(tmp_path)
    onboarding = os.path.join(books, 'onboarding_demo.yml')
    offboarding = os.path.join(books, 'offboarding_demo.yml')
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


def test_no_filter_plugins_left():
    """The roles are plain module tasks: no public filter plugins, no Graph URLs or batch request ids built in a role."""
    assert not os.path.exists(os.path.join(REPO_ROOT, 'plugins', 'filter'))
    for role in ('onboarding', 'offboarding'):
        for folder, _dirs, files in os.walk(os.path.join(REPO_ROOT, 'roles', role)):
            for name in files:
                with open(os.path.join(folder, name)) as handle:
                    text = handle.read()
                assert 'mynster.msgraph.onboarding_' not in text and 'mynster.msgraph.offboarding_' not in text, name
                assert '/users/' not in text and 'graph_batch:' not in text, name


# ----- offboarding: automatic replies -------------------------------------------------------------

AUTO_REPLY = {'message': 'I have left Contoso. Please write to sales@contoso.example.',
              'external_message': 'I no longer work at Contoso; sales@contoso.example will help you.', 'external_audience': 'contactsOnly'}


def auto_replies(emulator):
    """Each mailbox's automaticRepliesSetting as the emulator holds it, by owner UPN (only settings written)."""
    objects = emulator.dump()['objects']
    names = dict((u['id'], u['userPrincipalName'].lower()) for u in objects.get('user', []))
    return dict((names.get(s['_mailbox'], s['_mailbox']), s['automaticRepliesSetting']) for s in objects.get('mailboxSettings', []))


def test_offboarding_auto_reply_preview_apply_rerun_and_a_leaver_without_mailbox(emulator, playbook):
    seed_leavers(emulator)
    emulator.seed(users=[{'userPrincipalName': upn('frontline'), 'displayName': 'Frontline', 'mailbox': False}])
    emulator.reset_stats()
    extra = {'leavers': [upn('lee'), upn('nestor'), upn('frontline')], 'offboarding_auto_reply': AUTO_REPLY}

    preview = playbook(OFFBOARD, check=True, extra_vars=extra)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0 and auto_replies(emulator) == {}
    plan = preview.result('Plan')['offboarding_plan']
    assert [u['auto_reply'] for u in plan['users']] == ['set', 'set', 'no mailbox']
    assert 'MailboxNotEnabledForRESTAPI' in plan['users'][2]['auto_reply_reason']
    assert plan['totals']['auto_replies_set'] == 2 and plan['totals']['auto_replies_no_mailbox'] == 1
    assert '    auto-reply: to set' in plan['summary'] and plan['summary'][1].startswith('3 leaver(s): 2 automatic reply(ies) to set, ')

    run = playbook(OFFBOARD, extra_vars=extra)
    assert run.rc == 0, run
    settings = auto_replies(emulator)
    assert sorted(settings) == [upn('lee'), upn('nestor')]  # the leaver without a mailbox is skipped, and the role goes on
    for setting in settings.values():
        assert setting['status'] == 'alwaysEnabled' and setting['externalAudience'] == 'contactsOnly'
        assert AUTO_REPLY['message'] in setting['internalReplyMessage'] and 'will help you' in setting['externalReplyMessage']
    state = State(emulator)
    assert all(state.users[upn(name)]['accountEnabled'] is False for name in ('lee', 'nestor', 'frontline'))
    # The automatic replies are the run's first write: before the accounts are disabled and licences removed.
    names = [entry['task'] for entry in run.tasks]
    assert names.index('Set the automatic replies (before anything else changes)') < names.index(
        'Disable the accounts and revoke their sign-in sessions (of the accounts this run disables, or all when forced)')
    plan = run.result('Plan')['offboarding_plan']
    assert [u['auto_reply'] for u in plan['users']] == ['set', 'set', 'no mailbox'] and '    auto-reply: set' in plan['summary']

    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=extra)
    assert again.rc == 0, again
    assert again.recap['changed'] == 0 and writes(emulator) == 0
    assert [u['auto_reply'] for u in again.result('Plan')['offboarding_plan']['users']] == ['already set', 'already set', 'no mailbox']

    # The message as text alone is for both audiences (all of them); a changed message is written again.
    text = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')], 'offboarding_auto_reply': 'Lee is gone.'})
    assert text.rc == 0, text
    lee = auto_replies(emulator)[upn('lee')]
    assert lee['externalAudience'] == 'all' and 'Lee is gone.' in lee['internalReplyMessage'] and 'Lee is gone.' in lee['externalReplyMessage']


def test_offboarding_auto_reply_problems_stop_the_role_before_any_write(emulator, playbook):
    seed_leavers(emulator)
    before = snapshot(emulator)
    for check in (True, False):
        run = playbook(OFFBOARD, check=check, extra_vars={'leavers': [upn('lee')], 'offboarding_auto_reply': {'message': 'Gone', 'audience': 'all'}})
        assert run.rc != 0
        assert "Nothing was changed: offboarding_auto_reply: unsupported key 'audience'" in failure(run)
    # Without MailboxSettings.ReadWrite the check cannot read the settings: the role stops before disabling anyone.
    emulator.configure(app_roles=[role for role in emulator.default_config()['app_roles'] if role != 'MailboxSettings.ReadWrite'])
    run = playbook(OFFBOARD, extra_vars={'leavers': [upn('lee')], 'offboarding_auto_reply': 'Gone'})
    assert run.rc != 0
    assert run.failed('Stop before the first write when the automatic replies or membership check found problems'), run
    assert 'Nothing was changed: %s: automatic replies: ' % upn('lee') in failure(run) and '403' in failure(run)
    assert writes(emulator) == 0 and snapshot(emulator) == before
