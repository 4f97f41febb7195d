# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_user_bulk with users synchronised from on-premises AD, through ansible-playbook against the emulator."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.tests.integration.test_graph_user_bulk import play, task, users_by_upn

E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900'  # ENTERPRISEPACK (emulator default set)


def tenant(emulator):
    """Two synchronised users (AD's values are what is seeded) and one cloud-only user."""
    emulator.seed(users=[
        {'userPrincipalName': 'synced%d@contoso.example' % n, 'displayName': 'Synced %d' % n, 'jobTitle': 'Clerk',
         'onPremisesSyncEnabled': True} for n in range(2)] + [
        {'userPrincipalName': 'cloud@contoso.example', 'displayName': 'Cloud', 'jobTitle': 'Clerk'}])


UPDATE = [{'userPrincipalName': 'synced0@contoso.example', 'jobTitle': 'Lead', 'usageLocation': 'DK', 'licenses': ['ENTERPRISEPACK']},
          {'userPrincipalName': 'synced1@contoso.example', 'manager': 'cloud@contoso.example'},
          {'userPrincipalName': 'cloud@contoso.example', 'jobTitle': 'Lead'}]


def test_changes_active_directory_owns_are_refused_before_any_write(emulator, playbook):
    tenant(emulator)
    run = playbook(play(task('Update', UPDATE)))
    assert run.rc != 0
    result = run.result('Update')
    problems = [(entry['item'], entry['field']) for entry in result['failed_users']]
    assert problems == [('users[0]', 'jobTitle'), ('users[1]', 'manager')]
    assert "users[0] (synced0@contoso.example): jobTitle: the user is synchronised from on-premises Active Directory" in result['msg']
    assert 'synced_users=skip' in result['msg']
    assert emulator.stats()['writes'] == 0
    assert users_by_upn(emulator)['cloud@contoso.example']['jobTitle'] == 'Clerk'


def test_skip_makes_the_cloud_changes_lists_the_rest_and_a_rerun_changes_nothing(emulator, playbook):
    tenant(emulator)
    tasks = task('Update', UPDATE, synced_users='skip')
    preview = playbook(play(tasks), check=True)
    assert preview.rc == 0, preview
    assert emulator.stats()['writes'] == 0
    run = playbook(play(tasks))
    assert run.rc == 0, run
    result = run.result('Update')
    assert result['synced_skipped'] == [
        {'userPrincipalName': 'synced0@contoso.example', 'id': result['synced_skipped'][0]['id'], 'item': 'users[0]', 'fields': ['jobTitle']},
        {'userPrincipalName': 'synced1@contoso.example', 'id': result['synced_skipped'][1]['id'], 'item': 'users[1]', 'fields': ['manager']}]
    assert preview.result('Update')['synced_skipped'] == result['synced_skipped']
    assert sorted(entry['userPrincipalName'] for entry in result['updated']) == ['cloud@contoso.example', 'synced0@contoso.example']
    assert any('2 synchronised user(s) planned without what on-premises Active Directory owns' in w for w in result['warnings'])
    assert result['failed_users'] == []
    directory = users_by_upn(emulator)
    synced = directory['synced0@contoso.example']
    assert (synced['jobTitle'], synced['usageLocation'], [lic['skuId'] for lic in synced['assignedLicenses']]) == ('Clerk', 'DK', [E3])
    assert directory['cloud@contoso.example']['jobTitle'] == 'Lead'
    emulator.reset_stats()
    again = playbook(play(tasks))
    assert again.rc == 0 and again.result('Update')['changed'] is False
    assert emulator.stats()['writes'] == 0


def test_a_cloud_block_of_a_synchronised_user_is_warned_about_as_the_next_sync_lifts_it(emulator, playbook):
    tenant(emulator)
    tasks = task('Disable', [{'userPrincipalName': 'synced0@contoso.example'}], state='disabled')
    run = playbook(play(tasks))
    assert run.rc == 0, run
    result = run.result('Disable')
    assert [entry['userPrincipalName'] for entry in result['disabled']] == ['synced0@contoso.example']
    assert any('accountEnabled changed in the cloud only' in w and w.endswith(': synced0@contoso.example') for w in result['warnings'])
    assert users_by_upn(emulator)['synced0@contoso.example']['accountEnabled'] is False
    # What the warning is about: the next synchronisation cycle enables the account again from AD.
    emulator.control('POST', 'sync')
    assert users_by_upn(emulator)['synced0@contoso.example']['accountEnabled'] is True
