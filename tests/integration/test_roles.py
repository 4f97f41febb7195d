# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The offboarding role, the drift report and the example playbooks, through ansible-playbook against the emulator.

Each workflow goes through check mode (no write reaches the emulator, the plan fact says what would happen), apply (the
emulator's directory and mailboxes hold the wanted state) and a re-run (``changed=0`` in the PLAY RECAP, no write).
Input the roles refuse leaves the emulator exactly as it was. The onboarding role is in test_roles_onboarding.py.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .conftest import REPO_ROOT
from .roles_tenant import (
    DOMAIN,
    EMS,
    OFFBOARD,
    SPE_E3,
    State,
    UNUSUAL,
    failure,
    in_play_check_mode,
    plan_of,
    security_group,
    seed_tenant,
    snapshot,
    upn,
    writes,
)


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


def test_offboarding_keeps_the_group_a_leavers_only_mailbox_licence_comes_from(emulator, playbook):
    # Ivy and Jo hold SPE_E3 (a mailbox plan) only through 'Licensing E3'. Leaving the group would take the licence and
    # start the mailbox's 30-day deletion, so offboarding_mailbox=keep keeps that one membership; release lets it go.
    seed_tenant(emulator, users=[{'userPrincipalName': upn(name), 'displayName': name.title(), 'usageLocation': 'DK'} for name in ('ivy', 'jo')],
                groups=[security_group('Licensing E3', assignedLicenses=[{'skuId': SPE_E3, 'disabledPlans': []}], members=[upn('ivy'), upn('jo')]),
                        security_group('Project X', members=[upn('ivy'), upn('jo')])])
    keep = {'leavers': [upn('ivy')]}
    preview = playbook(OFFBOARD, check=True, extra_vars=keep)
    assert preview.rc == 0, preview
    assert writes(emulator) == 0
    ivy = preview.result('Plan')['offboarding_plan']['users'][0]
    assert ivy['groups_removed'] == ['Project X'] and [g['group'] for g in ivy['groups_kept']] == ['Licensing E3']
    assert ivy['mailbox']['outcome'] == 'kept' and "SPE_E3 through 'Licensing E3', a membership kept for it" in ivy['mailbox']['message']
    assert ivy['licenses_inherited']['going'] == [] and ivy['licenses_inherited']['staying'][0]['sku'] == 'SPE_E3'

    applied = playbook(OFFBOARD, extra_vars=keep)
    assert applied.rc == 0, applied
    state = State(emulator)
    assert state.users[upn('ivy')]['accountEnabled'] is False and state.groups_of[upn('ivy')] == {'Licensing E3'}
    assert '@mailboxDeletionScheduled' not in state.users[upn('ivy')]
    assert "kept:     'Licensing E3' (for the mailbox" in applied.stdout
    emulator.reset_stats()
    again = playbook(OFFBOARD, extra_vars=keep)
    assert again.rc == 0 and again.recap['changed'] == 0 and writes(emulator) == 0, again

    release = {'leavers': [upn('jo')], 'offboarding_mailbox': 'release'}
    preview = playbook(OFFBOARD, check=True, extra_vars=release)
    assert preview.rc == 0, preview
    jo = preview.result('Plan')['offboarding_plan']['users'][0]
    assert sorted(jo['groups_removed']) == ['Licensing E3', 'Project X'] and jo['groups_kept'] == []
    assert jo['mailbox']['outcome'] == 'released' and "SPE_E3 through 'Licensing E3', whose group the leaver leaves" in jo['mailbox']['message']
    applied = playbook(OFFBOARD, extra_vars=release)
    assert applied.rc == 0, applied
    assert applied.result('Plan')['offboarding_plan']['users'][0]['mailbox']['outcome'] == 'released'
    state = State(emulator)
    assert upn('jo') not in state.groups_of and '@mailboxDeletionScheduled' in state.users[upn('jo')]
    assert state.groups_of[upn('ivy')] == {'Licensing E3'}


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
    assert state.users[upn('lee')]['accountEnabled'] is False and state.licences('lee') == [SPE_E3]  # the mailbox licence is kept
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
