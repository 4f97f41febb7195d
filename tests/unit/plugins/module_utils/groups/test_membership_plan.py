# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's plan against a fake directory: comparing, guard rails, refusals naming each place, check mode."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError, summarise
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_input import parse_membership_task
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_plan import MembershipPlanner
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_writer import without_private_keys
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import ROLE_PERMISSION
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import (
    FakeDirectory, guid, membership_params as params, membership_tenant as directory, obj
)


DYNAMIC_REMEDY = 'its membership rule decides who is in it: change the rule, or the properties it reads, instead'


def plan(client, check_mode=False, claims=None, **overrides):
    warnings = []
    planner = MembershipPlanner(client, parse_membership_task(params(**overrides)), check_mode=check_mode, warn=warnings.append,
                                claims=lambda: claims if claims is not None else {'roles': ['GroupMember.ReadWrite.All']})
    planner.plan()
    planner.warnings = warnings
    return planner


def names(entries):
    return sorted((e['group'], e['member'], e['member_type']) for e in entries)


def test_exact_sees_service_principals_through_beta_and_removes_every_type():
    client = directory()
    planner = plan(client, group='Mixed', members=['u1@x'], state='exact')
    assert names(planner.removed) == [('Mixed', 'HR sync', 'servicePrincipal'), ('Mixed', 'Nested', 'group'), ('Mixed', 'PC-1', 'device'),
                                      ('Mixed', 'Partner', 'orgContact')]
    assert planner.added == [] and planner.unchanged == 1
    reads = [(version, r['url']) for version, batch in client.sent for r in batch if '/members' in r['url']]
    assert reads == [('beta', '/groups/%s/members?$select=id,displayName,userPrincipalName,mail,appId&$top=999' % guid(20))]


def test_member_types_limit_what_exact_removes():
    planner = plan(directory(), group='Mixed', members=['u1@x', 'u2@x'], state='exact', member_types=['user'])
    assert names(planner.added) == [('Mixed', 'u2@x', 'user')] and planner.removed == []
    planner = plan(directory(), group='Mixed', members=['u1@x', 'group:Nested'], state='exact', member_types=['device', 'servicePrincipal', 'user', 'group'])
    assert names(planner.removed) == [('Mixed', 'HR sync', 'servicePrincipal'), ('Mixed', 'PC-1', 'device')]


def test_an_untyped_id_of_a_type_member_types_leaves_out_is_refused():
    with pytest.raises(InputError) as caught:
        plan(directory(), group='Mixed', members=[guid(30)], state='exact', member_types=['user'])
    assert summarise(caught.value.problems) == ("members[0]: object id '%s' is a device, but member_types (user) leaves devices out "
                                                "of state=exact" % guid(30))


def test_present_and_absent_with_members_of_every_type():
    planner = plan(directory(), group='Nested', members=['device:PC-1', 'servicePrincipal:' + guid(310), 'orgContact:p@f', 'u1@x', guid(20)])
    assert names(planner.added) == [('Nested', 'HR sync', 'servicePrincipal'), ('Nested', 'Mixed', 'group'), ('Nested', 'PC-1', 'device'),
                                    ('Nested', 'Partner', 'orgContact')]
    assert planner.unchanged == 1
    planner = plan(directory(), user='servicePrincipal:HR sync', groups=['Mixed', 'Nested'], state='absent')
    assert names(planner.removed) == [('Mixed', 'HR sync', 'servicePrincipal')] and planner.unchanged == 1


def test_exact_on_the_member_side_skips_groups_graph_cannot_change_with_a_warning():
    planner = plan(directory(), user='u1@x', groups=['Nested'], state='exact', claims={'roles': [ROLE_PERMISSION]})
    assert names(planner.removed) == [('Admins', 'u1@x', 'user'), ('Mixed', 'u1@x', 'user')]
    assert [without_private_keys(e) for e in planner.skipped] == [
        {'group_id': guid(22), 'group': 'Dynamic', 'member_id': guid(1), 'member': 'u1@x', 'member_type': 'user', 'action': 'remove',
         'kind': 'dynamic', 'reason': 'a dynamic-membership group', 'remedy': DYNAMIC_REMEDY, 'command': None}]
    assert planner.warnings == ["Left u1@x in group 'Dynamic': it is a dynamic-membership group, Graph cannot change its membership; "
                                + DYNAMIC_REMEDY]


def test_exact_never_removes_a_membership_another_item_lists():
    planner = plan(directory(), state='exact', memberships=[dict(group='Nested', members=['u2@x']), dict(user='u1@x', groups=['Nested', 'Mixed', 'Admins']),
                                                            dict(user='u2@x', groups=['Nested'])], claims={'roles': [ROLE_PERMISSION]})
    assert names(planner.added) == [('Nested', 'u2@x', 'user')]
    assert names(planner.removed) == []  # item 0 would remove u1 from Nested, but item 1 lists that membership


def test_role_assignable_groups_need_the_permission():
    with pytest.raises(InputError) as caught:
        plan(directory(), group='Admins', members=['u2@x'], check_mode=True)
    assert summarise(caught.value.problems).startswith("changing the members of role-assignable group 'Admins' (%s) needs the Graph "
                                                       "permission RoleManagement.ReadWrite.Directory, which the access token does not carry"
                                                       % guid(12))
    assert len(plan(directory(), group='Admins', members=['u2@x'], claims={'roles': [ROLE_PERMISSION]}).added) == 1
    assert len(plan(directory(), group='Admins', members=['u2@x'], claims={}).added) == 1  # an opaque token: cannot tell, proceed
    assert plan(directory(), group='Admins', members=['u1@x']).added == []  # nothing to change, nothing needed


def test_on_missing_permission_skip_leaves_those_memberships_and_plans_the_rest():
    planner = plan(directory(), memberships=[dict(user='u1@x', groups=[])], state='exact', allow_empty=True, on_missing_permission='skip')
    assert names(planner.removed) == [('Mixed', 'u1@x', 'user'), ('Nested', 'u1@x', 'user')]
    skipped = dict((e['group'], e) for e in [without_private_keys(e) for e in planner.skipped])
    assert sorted(skipped) == ['Admins', 'Dynamic']
    assert skipped['Admins']['action'] == 'remove' and skipped['Admins']['permission'] == ROLE_PERMISSION
    assert skipped['Admins']['reason'] == 'a role-assignable group; changing its members needs RoleManagement.ReadWrite.Directory'
    assert (skipped['Admins']['kind'], skipped['Admins']['command']) == ('role_assignable', None)
    assert skipped['Admins']['remedy'] == 'grant the app RoleManagement.ReadWrite.Directory and run again'
    assert (skipped['Dynamic']['kind'], skipped['Dynamic']['action']) == ('dynamic', 'remove')
    assert any('Admins' in w and ROLE_PERMISSION in w for w in planner.warnings)


def test_max_removals_counts_every_type_and_is_checked_before_writing():
    client = directory()
    with pytest.raises(InputError) as caught:
        plan(client, group='Mixed', members=['u1@x'], state='exact', max_removals=3)
    (problem,) = caught.value.problems
    assert problem.field == 'max_removals' and str(problem).startswith('max_removals: this run would remove 4 memberships, more than the 3 it allows')
    assert client.requests('POST') == [r for r in client.requests('POST') if r['url'] == '/directoryObjects/getByIds']
    assert len(plan(directory(), group='Mixed', members=['u1@x'], state='exact', max_removals=4).removed) == 4


def test_unknown_ambiguous_and_unsuitable_references_are_refused_naming_each_place():
    client = directory()
    client.objects[guid(40)] = obj('device', guid(40), displayName='pc-1')
    client.objects[guid(41)] = obj('application', guid(41), displayName='App')
    with pytest.raises(InputError) as caught:
        plan(client, memberships=[dict(group='Nested', members=['ghost@x', 'device:PC-1', guid(41)]), dict(group='Team', members=['ghost@x']),
                                  dict(user='u1@x', groups=['Dynamic', guid(1)])])
    assert summarise(caught.value.problems) == '; '.join([
        "memberships[0].members[0], memberships[1].members[0]: user 'ghost@x' was not found",
        "memberships[0].members[1]: device 'PC-1' is ambiguous: 2 objects have that name (ids %s, %s); use the id instead" % (guid(30), guid(40)),
        "memberships[2].groups[1]: group id '%s' is a user, not a group" % guid(1),
        "memberships[0].members[2]: object id '%s' is an application, which cannot be a group member" % guid(41),
        "memberships[2].groups[0]: group 'Dynamic' (%s) is a dynamic-membership group; Graph cannot change its membership; %s" % (guid(22), DYNAMIC_REMEDY),
    ])
    with pytest.raises(InputError) as caught:
        plan(directory(), memberships=[dict(group='Nested', members=[guid(1)]), dict(user='u1@x', groups=['Dynamic', guid(2)]),
                                       dict(group='Team', members=['device:PC-1', 'group:Nested'])])
    assert summarise(caught.value.problems) == '; '.join([
        "memberships[1].groups[1]: group id '%s' is a user, not a group" % guid(2),
        "memberships[1].groups[0]: group 'Dynamic' (%s) is a dynamic-membership group; Graph cannot change its membership; %s" % (guid(22), DYNAMIC_REMEDY),
        "memberships[2].members[0]: device:PC-1 cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, which accepts users only",
        "memberships[2].members[1]: group:Nested cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, which accepts users only",
    ])


def test_an_object_that_cannot_be_a_member_is_refused():
    client = directory()
    client.objects[guid(41)] = obj('application', guid(41), displayName='App')
    with pytest.raises(InputError) as caught:
        plan(client, group='Nested', members=[guid(41)])
    assert str(caught.value) == "members[0]: object id '%s' is an application, which cannot be a group member" % guid(41)


def test_recently_created_in_check_mode_is_a_new_object_with_no_memberships():
    client = directory()
    planner = plan(client, check_mode=True, memberships=[dict(user='new@x', groups=['Nested', 'New team']), dict(group='New team', members=['device:PC-1'])],
                   recently_created=['new@x', 'group:New team'])
    assert names(planner.added) == [('Nested', 'new@x', 'user'), ('New team', 'PC-1', 'device'), ('New team', 'new@x', 'user')]
    assert [(e['group_id'], e['member_id']) for e in planner.added if e['member'] == 'new@x'] == [(guid(21), None), (None, None)]
    assert not any('memberOf' in r['url'] for r in client.requests())  # nothing to read for objects that do not exist yet
    before, after = planner.view(planner.added, [])
    assert before == {'group New team': [], 'user new@x': []}
    assert after == {'group New team': ['device:PC-1', 'user:new@x'], 'user new@x': ['Nested', 'New team']}


def test_recently_created_not_found_in_a_real_run_fails_after_the_wait():
    with pytest.raises(InputError) as caught:
        plan(directory(), group='Nested', members=['new@x'], recently_created=['new@x'], replication_timeout=0.0)
    assert "members[0]: user 'new@x' was not found within replication_timeout=0.0 s (it is listed in recently_created)" in str(caught.value)


def test_view_names_members_with_their_types_and_groups_by_name():
    planner = plan(directory(), memberships=[dict(group='Nested', members=['device:PC-1']), dict(user='group:Nested', groups=['Mixed']),
                                             dict(user='device:PC-1', groups=['Nested'])])
    before, after = planner.view(planner.added, planner.removed)
    assert before == {'group Nested': ['user:u1@x'], 'device PC-1': ['Mixed']}
    assert after == {'group Nested': ['device:PC-1', 'user:u1@x'], 'device PC-1': ['Mixed', 'Nested']}
    assert planner.view([], []) == ({}, {})


def hybrid_tenant():
    """u1 in a cloud group, a synchronised group, a distribution list and a mail-enabled security group."""
    return FakeDirectory(
        obj('user', guid(1), userPrincipalName='u1@x', displayName='U1'),
        obj('group', guid(20), displayName='Cloud', groupTypes=[]),
        obj('group', guid(23), displayName='AD Sales', groupTypes=[], onPremisesSyncEnabled=True, mailEnabled=False, securityEnabled=True),
        obj('group', guid(24), displayName='Newsletter', groupTypes=[], mail='news@x', mailEnabled=True, securityEnabled=False),
        obj('group', guid(25), displayName='Mail security', groupTypes=[], mail='ms@x', mailEnabled=True, securityEnabled=True),
        members={guid(20): [guid(1)], guid(23): [guid(1)], guid(24): [guid(1)], guid(25): [guid(1)]},
    )


def test_exact_on_the_member_side_leaves_synchronised_and_exchange_groups_with_what_to_do():
    planner = plan(hybrid_tenant(), user='u1@x', groups=[], state='exact', allow_empty=True)
    assert names(planner.removed) == [('Cloud', 'u1@x', 'user')]
    skipped = dict((e['group'], without_private_keys(e)) for e in planner.skipped)
    assert sorted(skipped) == ['AD Sales', 'Mail security', 'Newsletter']
    kinds = dict((name, e['kind']) for name, e in skipped.items())
    assert kinds == {'AD Sales': 'on_premises', 'Mail security': 'exchange', 'Newsletter': 'exchange'}
    assert skipped['Newsletter']['command'] == "Remove-DistributionGroupMember -Identity 'news@x' -Member 'u1@x'"
    assert skipped['Mail security']['command'] == "Remove-DistributionGroupMember -Identity 'ms@x' -Member 'u1@x'"
    assert skipped['Mail security']['reason'] == 'a mail-enabled security group' and skipped['Newsletter']['reason'] == 'a distribution list'
    assert skipped['AD Sales']['command'] is None and skipped['AD Sales']['reason'] == 'synced from on-premises Active Directory'
    assert 'remove u1@x from it in on-premises Active Directory instead' in skipped['AD Sales']['remedy']
    assert all(e['action'] == 'remove' for e in skipped.values())
    warnings = ' '.join(planner.warnings)
    assert "Left u1@x in group 'AD Sales': it is synced from on-premises Active Directory" in warnings
    assert "Remove-DistributionGroupMember -Identity 'news@x' -Member 'u1@x'" in warnings


@pytest.mark.parametrize('overrides, message', [
    (dict(user='u1@x', groups=['AD Sales']),
     "groups[0]: group 'AD Sales' (%s) is synced from on-premises Active Directory; Graph cannot change its membership; add u1@x to it in "
     "on-premises Active Directory instead" % guid(23)),
    (dict(user='u1@x', groups=['Newsletter'], state='absent'),
     "groups[0]: group 'Newsletter' (%s) is a distribution list; Graph cannot change its membership; remove u1@x from it in Exchange Online "
     "instead, with Exchange Online PowerShell: Remove-DistributionGroupMember -Identity 'news@x' -Member 'u1@x'" % guid(24)),
    (dict(group='Mail security', members=['u1@x']),
     "group: group 'Mail security' (%s) is a mail-enabled security group; Graph cannot change its membership; change its members in "
     "Exchange Online instead" % guid(25)),
])
def test_listed_synchronised_and_exchange_groups_are_refused_saying_what_to_do(overrides, message):
    client = hybrid_tenant()
    with pytest.raises(InputError) as caught:
        plan(client, **overrides)
    (problem,) = caught.value.problems
    assert str(problem).startswith(message), str(problem)
    assert problem.hint and problem.hint in str(problem)
    assert not [r for r in client.requests('POST') if r['url'] != '/directoryObjects/getByIds']


def test_exact_leaves_the_kept_memberships_as_they_are_whatever_the_group():
    planner = plan(directory(), user='u1@x', groups=[], keep=['Mixed', 'Dynamic', 'Nested'], state='exact', allow_empty=True,
                   claims={'roles': [ROLE_PERMISSION]})
    assert names(planner.removed) == [('Admins', 'u1@x', 'user')] and planner.added == []
    assert planner.skipped == [] and planner.warnings == [] and planner.unchanged == 3
    planner = plan(directory(), group='Mixed', members=['u1@x'], keep=['device:PC-1', 'group:Nested'], state='exact')
    assert names(planner.removed) == [('Mixed', 'HR sync', 'servicePrincipal'), ('Mixed', 'Partner', 'orgContact')]


@pytest.mark.parametrize('overrides, message', [
    (dict(state='present', groups=['Mixed'], keep=['Nested']),
     "user 'u1@x': keep only applies to state=exact (state=present adds or removes only what is listed); leave it out"),
    (dict(state='exact', groups=['Mixed'], keep=['mixed']),
     "keep[0]: 'mixed' is both listed and kept; list it to have the membership, or keep it to leave the membership as it is, not both"),
    (dict(state='exact', groups=['Mixed'], keep=['No such group']), "keep[0]: group 'No such group' was not found"),
    (dict(state='exact', groups=['Mixed'], keep=['device:PC-1']),
     "keep[0]: 'device:PC-1' is a device reference; groups lists groups (a group whose name starts with 'device:' is written group:device:PC-1)"),
])
def test_keep_is_refused_when_it_cannot_mean_what_it_says(overrides, message):
    with pytest.raises(InputError) as caught:
        plan(directory(), user='u1@x', **overrides)
    assert summarise(caught.value.problems) == message
