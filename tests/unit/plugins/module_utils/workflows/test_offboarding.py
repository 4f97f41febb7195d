# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The offboarding role's report: what stops it before the first write, the plan per leaver, and what is left undone."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.offboarding import OffboardingReport

LEE = 'lee@contoso.example'
NESTOR = 'nestor@contoso.example'
LOOKUP = {'users': [{'userPrincipalName': LEE, 'accountEnabled': True}, {'userPrincipalName': NESTOR, 'accountEnabled': False}],
          'ids': {LEE: 'id-lee', NESTOR: 'id-nestor'}, 'missing': []}


def refusal(results, delete=False):
    report = OffboardingReport(results, preview=False, delete=delete)
    problems = report.problems()
    return report.refusal(problems) if problems else None


def test_lookup_problems_name_the_offboarding_users_item():
    lookup = {'failed': True, 'msg': 'Nothing was read: ...', 'problems': [
        {'item': 'users[1]', 'field': None, 'reason': "'alex' is neither a userPrincipalName nor an object id", 'message': '...'}]}
    assert refusal({'lookup': lookup}) == "Nothing was changed: offboarding_users[1]: 'alex' is neither a userPrincipalName nor an object id"
    as_text = {'failed': True, 'msg': '...', 'problems': [{'item': None, 'field': 'users', 'reason': "must be a list, got the text 'a, b'"}]}
    assert refusal({'lookup': as_text}) == "Nothing was changed: offboarding_users: must be a list, got the text 'a, b'"
    failed = {'failed': True, 'msg': 'Invalid connection settings: no tenant'}
    assert refusal({'lookup': failed}) == 'Nothing was changed. Invalid connection settings: no tenant'


def test_leavers_not_found_stop_the_role_unless_it_deletes():
    lookup = dict(LOOKUP, missing=['nobody@contoso.example'])
    assert refusal({'lookup': lookup}) == ('Nothing was changed. These leavers were not found: nobody@contoso.example. Correct the names, '
                                           'or set offboarding_delete=true if they were deleted already.')
    assert refusal({'lookup': lookup}, delete=True) is None


def test_membership_check_problems_name_the_role_variable():
    memberships = {'failed': True, 'msg': '...', 'problems': [
        {'item': None, 'field': 'max_removals', 'reason': 'this run would remove 3 memberships, more than the 2 it allows'}]}
    assert refusal({'lookup': LOOKUP, 'memberships': memberships}) == (
        'Nothing was changed: offboarding_max_group_removals: this run would remove 3 memberships, more than the 2 it allows')
    assert refusal({'lookup': LOOKUP, 'memberships': {'skipped': True}}) is None


def test_the_plan_puts_each_steps_result_with_its_leaver():
    results = {
        'lookup': LOOKUP,
        'disable': {'disabled': [{'userPrincipalName': LEE}], 'revoked': [{'userPrincipalName': LEE, 'id': 'id-lee'}]},
        'memberships': {'removed': [{'group': 'Sales', 'member': LEE, 'member_type': 'user'},
                                    {'group': 'Sales', 'member': 'LAPTOP-1', 'member_type': 'device'}],
                        'skipped_memberships': [{'group': 'All users', 'member': NESTOR, 'reason': 'a dynamic-membership group'},
                                                {'group': 'Helpdesk admins', 'member': LEE, 'reason': 'a role-assignable group',
                                                 'permission': 'RoleManagement.ReadWrite.Directory'}]},
        'licences': {'updated': [{'userPrincipalName': NESTOR, 'licenses': {'removed': ['SPE_E3']}}]},
        'delete': {'skipped': True},
    }
    plan = OffboardingReport(results, preview=False).plan()
    lee, nestor = plan['users']
    assert lee == {'userPrincipalName': LEE, 'id': 'id-lee', 'auto_reply': None, 'auto_reply_reason': None, 'disable': True,
                   'revoke_sessions': True, 'groups_removed': ['Sales'],
                   'groups_left': [], 'groups_elsewhere': [], 'groups_kept': [],
                   'groups_not_changed': [{'group': 'Helpdesk admins', 'reason': 'a role-assignable group',
                                           'permission': 'RoleManagement.ReadWrite.Directory'}],
                   'licenses_removed': [], 'delete': False, 'synchronised': False, 'needs_on_premises': [],
                   'licenses_inherited': {'going': [], 'staying': []},
                   'mailbox': {'outcome': 'unchanged', 'kept_licenses': [], 'message': 'licences were not removed'}}
    assert nestor['groups_left'] == ['All users (a dynamic-membership group)'] and nestor['licenses_removed'] == ['SPE_E3']
    assert plan['totals'] == {'users': 2, 'not_found': 0, 'auto_replies_set': 0, 'auto_replies_no_mailbox': 0, 'disable': 1,
                              'revoke_sessions': 1, 'groups_removed': 1, 'licenses_removed': 1,
                              'delete': 0, 'groups_not_changed': 1, 'groups_elsewhere': 0, 'mailboxes_kept': 0, 'mailboxes_released': 0,
                              'needs_on_premises': 0}
    assert plan['summary'][:2] == ['Offboarding done.', '2 leaver(s): 1 account(s) disabled, 1 session revocation(s), '
                                                        '1 group membership(s) removed, 1 licence(s) removed']
    assert "    NOT CHANGED: 'Helpdesk admins' - a role-assignable group" in plan['summary']
    assert '    kept:     All users (a dynamic-membership group) (Graph cannot change these)' in plan['summary']
    assert plan['left_undone'] == ("Offboarding did everything else, but left 1 group membership(s) as they are: %s in 'Helpdesk admins' "
                                   "(a role-assignable group). Grant the app that permission and run the role again to complete the job." % LEE)


def test_a_second_run_has_nothing_left_to_do():
    plan = OffboardingReport({'lookup': dict(LOOKUP, missing=['id-gone'])}, preview=True, delete=True).plan()
    assert plan['changed'] is False and plan['left_undone'] is None and plan['not_found'] == ['id-gone']
    assert plan['summary'] == ['Offboarding preview (check mode): nothing has been changed.',
                               '2 leaver(s): 0 account(s) to disable, 0 session revocation(s), 0 group membership(s) to remove, '
                               '0 licence(s) to remove, 0 account(s) to delete',
                               '%s - nothing left to do' % LEE, '%s - nothing left to do' % NESTOR, 'id-gone - not found (deleted already)']


def test_synchronised_leavers_are_never_reported_done_and_mailboxes_are_named():
    lookup = {'users': [{'userPrincipalName': LEE, 'accountEnabled': True}, {'userPrincipalName': NESTOR, 'accountEnabled': True}],
              'ids': {LEE: 'id-lee', NESTOR: 'id-nestor'}, 'missing': [], 'synchronised': [LEE.upper()]}
    results = {
        'lookup': lookup,
        'disable': {'disabled': [{'userPrincipalName': LEE}, {'userPrincipalName': NESTOR}]},
        'licences': {'mailboxes': [
            {'userPrincipalName': LEE, 'mailbox': 'kept', 'kept_licenses': ['ENTERPRISEPACK'], 'message': 'kept: the user still holds ...'},
            {'userPrincipalName': NESTOR, 'mailbox': 'none', 'kept_licenses': [], 'message': 'no mailbox: ...'}]},
    }
    plan = OffboardingReport(results, preview=False, delete=True).plan()
    lee, nestor = plan['users']
    assert lee['synchronised'] is True and len(lee['needs_on_premises']) == 2 and nestor['needs_on_premises'] == []
    assert plan['needs_on_premises'] == [{'userPrincipalName': LEE, 'id': 'id-lee', 'actions': lee['needs_on_premises']}]
    assert lee['mailbox'] == {'outcome': 'kept', 'kept_licenses': ['ENTERPRISEPACK'], 'message': (
        'kept: the user still holds ... (ENTERPRISEPACK kept: it carries an Exchange Online mailbox plan; offboarding_mailbox=keep)')}
    assert nestor['mailbox']['outcome'] == 'none'
    assert plan['summary'][0].startswith('Offboarding done in the cloud; NOT DONE for 1 synchronised leaver(s)')
    assert '    account:  disabled in the cloud only (until the next synchronisation)' in plan['summary']
    assert any(line.startswith('    ON-PREMISES: disable the account in on-premises Active Directory') for line in plan['summary'])
    assert plan['on_premises_left'].startswith('1 synchronised leaver(s) are disabled in the cloud only') and LEE in plan['on_premises_left']
    assert plan['totals']['needs_on_premises'] == 1 and plan['totals']['mailboxes_kept'] == 1
    deleted = OffboardingReport(dict(results, delete={'deleted': [{'userPrincipalName': NESTOR}]}), preview=False, delete=True).plan()
    assert deleted['users'][1]['mailbox']['outcome'] == 'deleted' and 'within 30 days' in deleted['users'][1]['mailbox']['message']


def test_inherited_licences_go_with_the_groups_left_and_stay_with_the_others():
    lookup = dict(LOOKUP, inherited_licenses={LEE.upper(): [
        {'sku': 'EMS', 'skuId': 'e', 'group': 'Licensed staff', 'group_id': 'g-staff', 'state': 'Active', 'error': 'None'},
        {'sku': 'SPE_E3', 'skuId': 's', 'group': 'All users', 'group_id': 'g-dyn', 'state': 'Active', 'error': 'None'}]})
    memberships = {'removed': [{'group': 'Licensed staff', 'group_id': 'g-staff', 'member': LEE, 'member_type': 'user'}],
                   'skipped_memberships': [{'group': 'All users', 'group_id': 'g-dyn', 'member': LEE, 'reason': 'a dynamic-membership group'}]}
    plan = OffboardingReport({'lookup': lookup, 'memberships': memberships}, preview=True).plan()
    assert plan['users'][0]['licenses_inherited'] == {'going': [{'sku': 'EMS', 'group': 'Licensed staff'}], 'staying': [
        {'sku': 'SPE_E3', 'group': 'All users', 'reason': 'a dynamic-membership group'}]}
    assert "    inherited licences going with their groups: EMS ('Licensed staff')" in plan['summary']
    assert "    inherited licence staying: SPE_E3 through 'All users' (a dynamic-membership group)" in plan['summary']


EXCHANGE_COMMAND = "Remove-DistributionGroupMember -Identity 'news@contoso.example' -Member '%s'" % LEE
ON_PREMISES_REMEDY = ('remove %s from it in on-premises Active Directory instead; the next synchronisation cycle (Entra Connect or '
                      'Cloud Sync) brings the change to Entra ID' % LEE)


def test_groups_another_system_owns_are_listed_per_leaver_with_what_an_admin_runs():
    results = {
        'lookup': LOOKUP,
        'memberships': {'removed': [], 'skipped_memberships': [
            {'group': 'Newsletter', 'group_id': 'g-news', 'member': LEE, 'action': 'remove', 'kind': 'exchange', 'reason': 'a distribution list',
             'remedy': 'remove it in Exchange Online instead, with Exchange Online PowerShell: ' + EXCHANGE_COMMAND, 'command': EXCHANGE_COMMAND},
            {'group': 'AD Sales', 'group_id': 'g-ad', 'member': LEE, 'action': 'remove', 'kind': 'on_premises',
             'reason': 'synced from on-premises Active Directory', 'remedy': ON_PREMISES_REMEDY, 'command': None},
            {'group': 'All users', 'group_id': 'g-dyn', 'member': NESTOR, 'action': 'remove', 'kind': 'dynamic', 'reason': 'a dynamic-membership group',
             'remedy': 'its membership rule decides', 'command': None}]},
    }
    for preview in (True, False):
        plan = OffboardingReport(results, preview=preview).plan()
        lee, nestor = plan['users']
        assert lee['groups_elsewhere'] == [
            {'group': 'Newsletter', 'group_id': 'g-news', 'kind': 'exchange', 'reason': 'a distribution list',
             'remedy': 'remove it in Exchange Online instead, with Exchange Online PowerShell: ' + EXCHANGE_COMMAND, 'command': EXCHANGE_COMMAND},
            {'group': 'AD Sales', 'group_id': 'g-ad', 'kind': 'on_premises', 'reason': 'synced from on-premises Active Directory',
             'remedy': ON_PREMISES_REMEDY, 'command': None}]
        assert lee['groups_left'] == [] and lee['groups_not_changed'] == []
        assert nestor['groups_left'] == ['All users (a dynamic-membership group)'] and nestor['groups_elsewhere'] == []
        assert [(g['userPrincipalName'], g['group']) for g in plan['groups_elsewhere']] == [(LEE, 'Newsletter'), (LEE, 'AD Sales')]
        assert plan['totals']['groups_elsewhere'] == 2
        # Nothing the role can do about them: no change, and the role does not fail for them.
        assert plan['changed'] is False and plan['left_undone'] is None
        summary = plan['summary']
        assert LEE in summary  # a head line, not "nothing left to do"
        assert "    EXCHANGE ONLINE: 'Newsletter' (a distribution list) - %s" % EXCHANGE_COMMAND in summary
        assert "    ON-PREMISES AD: 'AD Sales' (synced from on-premises Active Directory) - %s" % ON_PREMISES_REMEDY in summary
        assert summary[-1] == ('2 group membership(s) Graph cannot change are left for an admin: see EXCHANGE ONLINE and ON-PREMISES AD above '
                               '(the role does not fail for them).')


# ----- automatic replies --------------------------------------------------------------------------


def test_offboarding_auto_reply_problems_are_named_by_its_keys():
    def problems(value):
        return [str(p) for p in OffboardingReport({'lookup': LOOKUP}, preview=False, auto_reply=value).problems()]
    assert problems(None) == [] and problems('Gone') == [] and problems({'message': 'Gone', 'external_audience': 'none'}) == []
    assert problems('  ') == ['offboarding_auto_reply: is empty; give the message (text or HTML)']
    assert problems(['Gone']) == ['offboarding_auto_reply: must be the message (text) or a dict with message, external_message and '
                                  'external_audience, got a list']
    assert problems({'mesage': 'Gone'}) == [
        "offboarding_auto_reply: unsupported key 'mesage' (did you mean 'message'?); allowed: message, external_message, external_audience",
        'offboarding_auto_reply.message: is empty; give the message (text or HTML)']
    assert problems({'message': 'Gone', 'external_audience': 'Everyone'}) == [
        "offboarding_auto_reply.external_audience: 'Everyone' is not one of none, contactsOnly, all"]
    assert problems({'message': 'Gone', 'external_audience': 'contactsonly'}) == [
        "offboarding_auto_reply.external_audience: 'contactsonly' is not one of none, contactsOnly, all (did you mean 'contactsOnly'? "
        "values are case-sensitive)"]
    (number,) = problems({'message': 'Gone', 'external_message': 5})
    assert number.startswith('offboarding_auto_reply.external_message: must be the message as text, got ')


def test_the_auto_reply_checks_problems_name_the_variable_or_the_leaver():
    check = {'failed': True, 'msg': '...', 'problems': [
        {'item': 'calendars[0]', 'field': 'automatic_replies.internal_message', 'reason': 'is required'},
        {'item': 'calendars[1]', 'field': 'automatic_replies.internal_message', 'reason': 'is required'},
        {'item': 'calendars[1]', 'field': 'mailbox', 'reason': "reading the calendar of 'x' failed: 403 ErrorAccessDenied: Access is denied."}]}
    assert refusal({'lookup': LOOKUP, 'auto_reply': check}) == (
        "Nothing was changed: offboarding_auto_reply.message: is required; %s: automatic replies: reading the calendar of 'x' failed: "
        "403 ErrorAccessDenied: Access is denied." % NESTOR)
    assert refusal({'lookup': LOOKUP, 'auto_reply': {'failed': True, 'msg': 'Invalid connection settings'}}) == (
        'Nothing was changed. Invalid connection settings')
    assert refusal({'lookup': LOOKUP, 'auto_reply': {'skipped': True}}) is None


def test_the_plan_says_per_leaver_what_became_of_the_automatic_replies():
    calendars = {'calendars': [
        {'mailbox': LEE.upper(), 'status': 'ok', 'reason': None, 'automatic_replies': {'outcome': 'set', 'state': 'enabled'}},
        {'mailbox': NESTOR, 'status': 'skipped', 'reason': 'has no mailbox (Outlook answered MailboxNotEnabledForRESTAPI)',
         'automatic_replies': {'outcome': 'skipped', 'state': 'enabled'}}]}
    plan = OffboardingReport({'lookup': LOOKUP, 'auto_reply': calendars}, preview=True).plan()
    lee, nestor = plan['users']
    assert (lee['auto_reply'], nestor['auto_reply']) == ('set', 'no mailbox')
    assert nestor['auto_reply_reason'].startswith('has no mailbox')
    assert plan['totals']['auto_replies_set'] == 1 and plan['totals']['auto_replies_no_mailbox'] == 1 and plan['changed']
    assert plan['summary'][1].startswith('2 leaver(s): 1 automatic reply(ies) to set, ')
    assert '    auto-reply: to set' in plan['summary']
    assert '    auto-reply: not set: has no mailbox (Outlook answered MailboxNotEnabledForRESTAPI)' in plan['summary']
    again = dict(calendars, calendars=[dict(calendars['calendars'][0], automatic_replies={'outcome': 'unchanged'})])
    plan = OffboardingReport({'lookup': LOOKUP, 'auto_reply': again}, preview=False).plan()
    assert plan['users'][0]['auto_reply'] == 'already set' and plan['users'][1]['auto_reply'] is None and not plan['changed']
    lines = plan['summary']
    assert lines[lines.index('%s - nothing left to do' % LEE) + 1] == '    auto-reply: already set'


MAILBOX_VIA_GROUP = {LEE.upper(): [{'sku': 'SPE_E3', 'skuId': 's', 'group': 'Licensing E3', 'group_id': 'g-lic'}],
                     NESTOR: [{'sku': 'SPE_E3', 'skuId': 's', 'group': None, 'group_id': None},
                              {'sku': 'SPE_E3', 'skuId': 's', 'group': 'Licensing E3', 'group_id': 'g-lic'}]}
E3_VIA_GROUP = [{'sku': 'SPE_E3', 'skuId': 's', 'group': 'Licensing E3', 'group_id': 'g-lic', 'state': 'Active', 'error': 'None'}]


def test_with_mailbox_keep_a_leaver_stays_in_the_groups_its_only_mailbox_licence_comes_from():
    lookup = dict(LOOKUP, mailbox_licenses=MAILBOX_VIA_GROUP)
    leavers = OffboardingReport({'lookup': lookup}, preview=False).leavers()
    assert leavers['memberships'] == [{'user': LEE, 'groups': [], 'keep': ['g-lic']}, {'user': NESTOR, 'groups': []}]  # Nestor holds E3 directly
    assert leavers['users'] == [{'userPrincipalName': LEE}, {'userPrincipalName': NESTOR}]
    assert leavers['licences'] == [{'userPrincipalName': LEE, 'licenses': []}, {'userPrincipalName': NESTOR, 'licenses': []}]
    for options in (dict(mailbox='release'), dict(delete=True)):
        assert OffboardingReport({'lookup': lookup}, preview=False, **options).leavers()['memberships'][0] == {'user': LEE, 'groups': []}


def test_a_mailbox_kept_through_a_group_is_named_with_the_group_and_why_the_membership_stays():
    lookup = dict(LOOKUP, mailbox_licenses=MAILBOX_VIA_GROUP, inherited_licenses={LEE: E3_VIA_GROUP})
    results = {'lookup': lookup, 'memberships': {'removed': [{'group': 'Sales', 'group_id': 'g-sales', 'member': LEE, 'member_type': 'user'}]},
               'licences': {'mailboxes': [{'userPrincipalName': LEE, 'mailbox': 'kept', 'kept_licenses': [], 'message': 'kept: ...'}]}}
    lee = OffboardingReport(results, preview=True).plan()['users'][0]
    assert lee['groups_kept'] == [{'group': 'Licensing E3', 'group_id': 'g-lic', 'reason': lee['groups_kept'][0]['reason']}]
    assert "last licence with an Exchange Online mailbox plan" in lee['groups_kept'][0]['reason']
    assert lee['mailbox']['outcome'] == 'kept' and lee['mailbox']['kept_licenses'] == []
    assert lee['mailbox']['message'].endswith("(SPE_E3 through 'Licensing E3', a membership kept for it)")
    assert lee['licenses_inherited']['going'] == [] and lee['licenses_inherited']['staying'][0]['reason'] == lee['groups_kept'][0]['reason']
    assert any(line.startswith("    kept:     'Licensing E3' (for the mailbox") for line in OffboardingReport(results, preview=True).plan()['summary'])


def test_a_mailbox_licence_inherited_from_a_group_the_leaver_leaves_releases_the_mailbox():
    # With release, the membership goes; the licence step reads the user before (preview: 'kept') or after (real run:
    # 'none') that, so the plan judges the mailbox from the lookup.
    lookup = dict(LOOKUP, mailbox_licenses={LEE: MAILBOX_VIA_GROUP[LEE.upper()]}, inherited_licenses={LEE: E3_VIA_GROUP})
    removed = {'removed': [{'group': 'Licensing E3', 'group_id': 'g-lic', 'member': LEE, 'member_type': 'user'}]}
    for preview, seen in ((True, 'kept'), (False, 'none')):
        results = {'lookup': lookup, 'memberships': removed,
                   'licences': {'mailboxes': [{'userPrincipalName': LEE, 'mailbox': seen, 'kept_licenses': [], 'message': '...'}]}}
        plan = OffboardingReport(results, preview=preview, mailbox='release').plan()
        lee = plan['users'][0]
        assert lee['groups_kept'] == [] and lee['mailbox']['outcome'] == 'released', preview
        assert "SPE_E3 through 'Licensing E3', whose group the leaver leaves" in lee['mailbox']['message']
        assert plan['totals']['mailboxes_released'] == 1
    unchanged = OffboardingReport({'lookup': lookup, 'licences': {'skipped': True}}, preview=False).plan()['users'][0]
    assert unchanged['mailbox']['outcome'] == 'unchanged'
