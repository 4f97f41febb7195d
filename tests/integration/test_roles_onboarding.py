# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The onboarding role through ansible-playbook against the emulator: check mode, apply, re-run, and the input it refuses."""

from __future__ import annotations

import json

import pytest

from .roles_tenant import (
    DOMAIN,
    EMS,
    ONBOARD,
    PASSWORD,
    SPE_E3,
    State,
    UNUSUAL,
    failure,
    hire,
    in_play_check_mode,
    plan_of,
    seed_tenant,
    snapshot,
    upn,
    writes,
)


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


def refused_before_any_write(emulator, playbook, cohort):
    """Run the cohort in check mode and for real: both stop at the problems step with the same message, which names no
    good hire, and nothing is written. Returns the message."""
    before = snapshot(emulator)
    outcomes = []
    for check in (True, False):
        run = playbook(ONBOARD, check=check, extra_vars=cohort)
        assert run.rc != 0, run
        assert run.failed('Stop before the first write when the cohort has problems'), run
        message = failure(run)
        assert message.startswith('Nothing was changed. Problems in onboarding_users: '), message
        assert 'adele@contoso.example' not in message
        outcomes.append(message)
    assert outcomes[0] == outcomes[1]
    assert writes(emulator) == 0 and snapshot(emulator) == before
    return outcomes[0]


@pytest.mark.parametrize('bad, messages', [pytest.param(bad, messages, id=name) for name, bad, messages in REFUSED_COHORTS])
def test_onboarding_refuses_the_whole_cohort_before_any_write(emulator, playbook, bad, messages):
    """A good new hire beside a bad one: no account is created for either, in check mode or for real, with the same message."""
    seed_tenant(emulator)
    message = refused_before_any_write(emulator, playbook, {'hires': [hire('adele'), bad]})
    for expected in messages:
        assert expected in message, message
    assert upn('bob') not in State(emulator).users and upn('adele') not in State(emulator).users


def test_onboarding_refuses_exchange_and_synchronised_groups_saying_what_to_do_instead(emulator, playbook):
    """A hire listing a distribution list, a mail-enabled security group or a group synchronised from on-premises AD: the
    cohort is refused before any write, each group named with why and what to do instead (the Exchange Online command)."""
    ids = seed_tenant(emulator, groups=[
        {'displayName': 'Newsletter', 'mail': 'newsletter@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': False},
        {'displayName': 'Mail security', 'mail': 'mailsec@%s' % DOMAIN, 'mailEnabled': True, 'securityEnabled': True},
        {'displayName': 'AD Sales', 'onPremisesSyncEnabled': True}])
    cohort = {'hires': [hire('adele'), hire('bob', groups=['Engineering', 'Newsletter', 'AD Sales', 'Mail security'])]}
    message = refused_before_any_write(emulator, playbook, cohort)
    assert ("bob@contoso.example: groups[1]: group 'Newsletter' (%s) is a distribution list; Graph cannot change its membership; "
            "add bob@contoso.example to it in Exchange Online instead, with Exchange Online PowerShell: Add-DistributionGroupMember "
            "-Identity 'newsletter@contoso.example' -Member 'bob@contoso.example'" % ids['Newsletter']) in message
    assert ("bob@contoso.example: groups[2]: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its "
            "membership; add bob@contoso.example to it in on-premises Active Directory instead" % ids['AD Sales']) in message
    assert ("bob@contoso.example: groups[3]: group 'Mail security' (%s) is a mail-enabled security group" % ids['Mail security']) in message
    assert "-Identity 'mailsec@contoso.example' -Member 'bob@contoso.example'" in message


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
