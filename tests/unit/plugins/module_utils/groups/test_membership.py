# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's planning and writing: input checks, rules about groups, comparing, guard rails, the writer."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.auth import jwt_claims
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import MEMBER_TYPES
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership import (
    ROLE_PERMISSION,
    GroupExport,
    Planner,
    Writer,
    has_permission,
    membership_refusal,
    public,
    read_request,
    unwritable_reason,
)
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeDirectory, guid, obj

ALREADY = "One or more added object references already exist for the following modified properties: 'members'."
REMOVED = "One or more removed object references do not exist for the following modified properties: 'members'."


def params(**overrides):
    base = dict(group=None, members=None, user=None, groups=None, memberships=None, state='present', allow_empty=False,
                max_removals=None, replication_timeout=0.0, member_types=list(MEMBER_TYPES), on_missing_permission='fail',
                recently_created=None)
    base.update(overrides)
    return base


# ----- read_request -----------------------------------------------------------------------------


def test_items_in_every_direction_with_typed_references():
    request = read_request(params(memberships=[dict(group='Sales', members=['a@x', 'device:PC-1']), dict(user='device:PC-1', groups=['Ops'])],
                                  recently_created=['a@x']))
    first, second = request.items
    assert (first.label, first.side, first.owner.type, [r.type for r in first.listed]) == ('memberships[0]', 'group', 'group', ['user', 'device'])
    assert [r.where for r in first.listed] == ['memberships[0].members[0]', 'memberships[0].members[1]']
    assert (second.side, second.owner.type, second.owner.where, second.listed[0].type) == ('user', 'device', 'memberships[1].user', 'group')
    assert request.is_recent(first.listed[0]) and not request.is_recent(first.listed[1])
    (top,) = read_request(params(group='Sales', members=['a@x'])).items
    assert top.label is None and top.name == "group 'Sales'" and top.listed[0].where == 'members[0]'


def test_every_input_problem_is_reported_at_once_naming_item_and_field():
    with pytest.raises(GraphError) as caught:
        read_request(params(state='exact', member_types=['user'], recently_created=['Fresh'], memberships=[
            dict(group='Sales', members=['a@x']),                    # fine
            dict(group='G', user='u@x'),                              # both sides
            dict(group='Sales', members=['Engineering', 'device:PC-1']),  # untyped name; a type member_types leaves out
            dict(user='u@x', groups=['Ops', 'device:PC-1']),        # not a group
            dict(group='user:a@x', members=['b@x']),                  # not a group
            dict(user='u@x', groups=[]),                              # exact, empty, no allow_empty
        ]))
    assert str(caught.value) == '; '.join([
        "recently_created[0]: 'Fresh' does not say what it is: name the type, e.g. group:Fresh (without a type a reference is an object id "
        "or a userPrincipalName)",
        'memberships[1]: give either group with members, or user with groups',
        "memberships[2].members[0]: 'Engineering' does not say what it is: name the type, e.g. group:Engineering (without a type a "
        "reference is an object id or a userPrincipalName)",
        "memberships[2].members[1]: 'device:PC-1' is a device, but member_types (user) leaves devices out of state=exact",
        "memberships[3].groups[1]: 'device:PC-1' is a device reference; groups lists groups (a group whose name starts with 'device:' is "
        "written group:device:PC-1)",
        "memberships[4].group: 'user:a@x' is a user reference; group takes a group (a group whose name starts with 'user:' is written "
        "group:user:a@x)",
        'memberships[5]: state=exact with an empty groups list would remove every direct membership; set allow_empty: true if that is intended',
    ])


@pytest.mark.parametrize('overrides, message', [
    (dict(memberships=[dict()]), 'memberships[0]: give either group with members, or user with groups'),
    (dict(memberships=[dict(group='G', groups=['H'])]), 'memberships[0]: members goes with group, not groups'),
    (dict(user='u@x', members=['m@x']), "user 'u@x': groups goes with user, not members"),
    (dict(memberships=[dict(user='u@x')]), 'memberships[0]: groups is required with user'),
    (dict(group='G', members=['a@x', '']), 'members[1]: empty reference'),
    (dict(group='  ', members=['a@x']), 'group: empty reference'),
    (dict(group='G', members=[], state='exact'), "group 'G': state=exact with an empty members list would remove every direct membership"),
    (dict(group='G', members=['a@x'], member_types=[]), 'member_types is empty'),
    (dict(user='Adele Vance', groups=['G']), "user: 'Adele Vance' does not say what it is"),
])
def test_read_request_refuses_bad_input(overrides, message):
    with pytest.raises(GraphError) as caught:
        read_request(params(**overrides))
    assert str(caught.value).startswith(message)


def test_an_empty_list_is_fine_when_allowed_or_not_exact():
    assert read_request(params(user='u@x', groups=[], state='exact', allow_empty=True)).items[0].listed == []
    assert read_request(params(group='G', members=[])).items[0].listed == []


# ----- rules about groups -----------------------------------------------------------------------


@pytest.mark.parametrize('group, reason', [
    ({'groupTypes': [], 'mailEnabled': False, 'securityEnabled': True}, None),
    ({'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False}, None),
    ({'groupTypes': ['DynamicMembership'], 'mailEnabled': False, 'securityEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': ['Unified', 'DynamicMembership'], 'mailEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': True}, 'a mail-enabled security group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': False}, 'a distribution list'),
    ({'groupTypes': None, 'onPremisesSyncEnabled': True}, 'synced from on-premises'),
    ({}, None),
])
def test_unwritable_reason(group, reason):
    assert unwritable_reason(group) == reason


TEAM = obj('group', guid(10), displayName='Team', groupTypes=['Unified'])
SECURITY = obj('group', guid(11), displayName='Sec', groupTypes=[])
ADMINS = obj('group', guid(12), displayName='Admins', groupTypes=[], isAssignableToRole=True)


@pytest.mark.parametrize('group, member, refusal', [
    (TEAM, obj('user', guid(1)), None),
    (TEAM, obj('device', guid(2)), "group 'Team' is a Microsoft 365 group, which accepts users only"),
    (SECURITY, TEAM, 'a Microsoft 365 group cannot be a member of another group'),
    (SECURITY, SECURITY, 'a group cannot be a member of itself'),
    (ADMINS, SECURITY, "group 'Admins' is role-assignable, and groups cannot be nested in a role-assignable group"),
    (ADMINS, obj('servicePrincipal', guid(3)), None),
    (SECURITY, {'id': guid(4)}, None),  # unknown type: Graph decides
])
def test_membership_refusal(group, member, refusal):
    assert membership_refusal(group, member) == refusal


def token(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip('=')
    return '%s.%s.signature' % (part({'alg': 'RS256'}), part(claims))


@pytest.mark.parametrize('claims, expected', [
    ({'roles': ['GroupMember.ReadWrite.All', ROLE_PERMISSION]}, True),
    ({'roles': ['GroupMember.ReadWrite.All']}, False),
    ({'scp': 'Group.ReadWrite.All RoleManagement.ReadWrite.Directory'}, True),
    ({'scp': 'Group.ReadWrite.All'}, False),
    ({'aud': 'x'}, None),
    ({}, None),
])
def test_has_permission_from_token_claims(claims, expected):
    assert has_permission(jwt_claims(token(claims)), ROLE_PERMISSION) is expected


def test_jwt_claims_of_opaque_tokens_are_empty():
    assert jwt_claims('opaque-token') == {} and jwt_claims('a.b.c') == {} and jwt_claims(None) == {}
    assert jwt_claims('x.%s.y' % base64.urlsafe_b64encode(b'[1]').decode()) == {}


# ----- planning against a fake directory --------------------------------------------------------


def directory():
    users = [obj('user', guid(i), userPrincipalName='u%d@x' % i, displayName='U%d' % i) for i in range(1, 5)]
    return FakeDirectory(
        *users,
        obj('group', guid(20), displayName='Mixed', groupTypes=[]),
        obj('group', guid(21), displayName='Nested', groupTypes=[]),
        obj('group', guid(22), displayName='Dynamic', groupTypes=['DynamicMembership']),
        dict(ADMINS),
        dict(TEAM),
        obj('device', guid(30), displayName='PC-1'),
        obj('servicePrincipal', guid(31), displayName='HR sync', appId=guid(310)),
        obj('orgContact', guid(32), displayName='Partner', mail='p@f'),
        members={guid(20): [guid(1), guid(21), guid(30), guid(31), guid(32)], guid(22): [guid(1)], guid(12): [guid(1)], guid(21): [guid(1)]},
    )


def plan(client, check_mode=False, claims=None, **overrides):
    warnings = []
    planner = Planner(client, read_request(params(**overrides)), check_mode=check_mode, warn=warnings.append,
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
    with pytest.raises(GraphError) as caught:
        plan(directory(), group='Mixed', members=[guid(30)], state='exact', member_types=['user'])
    assert str(caught.value) == ("Nothing was changed: members[0]: object id '%s' is a device, but member_types (user) leaves devices out "
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
    assert public(planner.skipped) == [{'group_id': guid(22), 'group': 'Dynamic', 'member_id': guid(1), 'member': 'u1@x', 'member_type': 'user',
                                        'reason': 'a dynamic-membership group'}]
    assert planner.warnings == ["Left u1@x in group 'Dynamic': it is a dynamic-membership group, Graph cannot change its membership"]


def test_exact_never_removes_a_membership_another_item_lists():
    planner = plan(directory(), state='exact', memberships=[dict(group='Nested', members=['u2@x']), dict(user='u1@x', groups=['Nested', 'Mixed', 'Admins']),
                                                            dict(user='u2@x', groups=['Nested'])], claims={'roles': [ROLE_PERMISSION]})
    assert names(planner.added) == [('Nested', 'u2@x', 'user')]
    assert names(planner.removed) == []  # item 0 would remove u1 from Nested, but item 1 lists that membership


def test_role_assignable_groups_need_the_permission():
    with pytest.raises(GraphError) as caught:
        plan(directory(), group='Admins', members=['u2@x'], check_mode=True)
    assert str(caught.value).startswith("Nothing was changed: changing the members of role-assignable group 'Admins' (%s) needs the Graph "
                                        "permission RoleManagement.ReadWrite.Directory, which the access token does not carry" % guid(12))
    assert len(plan(directory(), group='Admins', members=['u2@x'], claims={'roles': [ROLE_PERMISSION]}).added) == 1
    assert len(plan(directory(), group='Admins', members=['u2@x'], claims={}).added) == 1  # an opaque token: cannot tell, proceed
    assert plan(directory(), group='Admins', members=['u1@x']).added == []  # nothing to change, nothing needed


def test_on_missing_permission_skip_leaves_those_memberships_and_plans_the_rest():
    planner = plan(directory(), memberships=[dict(user='u1@x', groups=[])], state='exact', allow_empty=True, on_missing_permission='skip')
    assert names(planner.removed) == [('Mixed', 'u1@x', 'user'), ('Nested', 'u1@x', 'user')]
    skipped = dict((e['group'], e) for e in public(planner.skipped))
    assert sorted(skipped) == ['Admins', 'Dynamic']
    assert skipped['Admins']['action'] == 'remove' and skipped['Admins']['permission'] == ROLE_PERMISSION
    assert skipped['Admins']['reason'] == 'a role-assignable group; changing its members needs RoleManagement.ReadWrite.Directory'
    assert any('Admins' in w and ROLE_PERMISSION in w for w in planner.warnings)


def test_max_removals_counts_every_type_and_is_checked_before_writing():
    client = directory()
    with pytest.raises(GraphError) as caught:
        plan(client, group='Mixed', members=['u1@x'], state='exact', max_removals=3)
    assert str(caught.value).startswith('Nothing was changed: this run would remove 4 memberships, more than max_removals=3')
    assert client.requests('POST') == [r for r in client.requests('POST') if r['url'] == '/directoryObjects/getByIds']
    assert len(plan(directory(), group='Mixed', members=['u1@x'], state='exact', max_removals=4).removed) == 4


def test_unknown_ambiguous_and_unsuitable_references_are_refused_naming_each_place():
    client = directory()
    client.objects[guid(40)] = obj('device', guid(40), displayName='pc-1')
    client.objects[guid(41)] = obj('application', guid(41), displayName='App')
    with pytest.raises(GraphError) as caught:
        plan(client, memberships=[dict(group='Nested', members=['ghost@x', 'device:PC-1', guid(41)]), dict(group='Team', members=['ghost@x']),
                                  dict(user='u1@x', groups=['Dynamic', guid(1)])])
    assert str(caught.value) == 'Nothing was changed: ' + '; '.join([
        "memberships[0].members[0], memberships[1].members[0]: user 'ghost@x' was not found",
        "memberships[0].members[1]: device 'PC-1' is ambiguous: 2 objects have that name (ids %s, %s); use the id instead" % (guid(30), guid(40)),
        "memberships[2].groups[1]: group id '%s' is a user, not a group" % guid(1),
        "memberships[0].members[2]: object id '%s' is an application, which cannot be a group member" % guid(41),
        "memberships[2].groups[0]: group 'Dynamic' (%s) is a dynamic-membership group; Graph cannot change its membership" % guid(22),
    ])
    with pytest.raises(GraphError) as caught:
        plan(directory(), memberships=[dict(group='Nested', members=[guid(1)]), dict(user='u1@x', groups=['Dynamic', guid(2)]),
                                       dict(group='Team', members=['device:PC-1', 'group:Nested'])])
    assert str(caught.value) == 'Nothing was changed: ' + '; '.join([
        "memberships[1].groups[1]: group id '%s' is a user, not a group" % guid(2),
        "memberships[1].groups[0]: group 'Dynamic' (%s) is a dynamic-membership group; Graph cannot change its membership" % guid(22),
        "memberships[2].members[0]: device:PC-1 cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, which accepts users only",
        "memberships[2].members[1]: group:Nested cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, which accepts users only",
    ])


def test_an_object_that_cannot_be_a_member_is_refused():
    client = directory()
    client.objects[guid(41)] = obj('application', guid(41), displayName='App')
    with pytest.raises(GraphError) as caught:
        plan(client, group='Nested', members=[guid(41)])
    assert str(caught.value) == "Nothing was changed: members[0]: object id '%s' is an application, which cannot be a group member" % guid(41)


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
    with pytest.raises(GraphError) as caught:
        plan(directory(), group='Nested', members=['new@x'], recently_created=['new@x'], replication_timeout=0.0)
    assert "members[0]: user 'new@x' was not found within replication_timeout=0.0 s (it is listed in recently_created)" in str(caught.value)


def test_view_names_members_with_their_types_and_groups_by_name():
    planner = plan(directory(), memberships=[dict(group='Nested', members=['device:PC-1']), dict(user='group:Nested', groups=['Mixed']),
                                             dict(user='device:PC-1', groups=['Nested'])])
    before, after = planner.view(planner.added, planner.removed)
    assert before == {'group Nested': ['user:u1@x'], 'device PC-1': ['Mixed']}
    assert after == {'group Nested': ['device:PC-1', 'user:u1@x'], 'device PC-1': ['Mixed', 'Nested']}
    assert planner.view([], []) == ({}, {})


# ----- writing ----------------------------------------------------------------------------------


def error(message, code='Request_BadRequest'):
    return {'error': {'code': code, 'message': message}}


def entry(group_id, member_id, member_type='user'):
    return {'group_id': group_id, 'group': 'G' + group_id[-2:], 'member_id': member_id, 'member': 'm' + member_id[-2:], 'member_type': member_type}


def test_writer_packs_twenty_per_patch_and_sends_lone_additions_as_ref():
    client = FakeDirectory()
    many = [entry(guid(1), guid(100 + i), 'device') for i in range(41)]
    added, removed, failed = Writer(client, fresh=[guid(140)], wait=5.0).apply(many + [entry(guid(2), guid(3))], [entry(guid(2), guid(4))])
    assert (len(added), len(removed), failed) == (42, 1, [])
    ((dummy, sent),) = client.sent
    assert [(r['method'], r['url']) for r in sent] == [('PATCH', '/groups/%s' % guid(1))] * 2 + [
        ('POST', '/groups/%s/members/$ref' % guid(1)), ('POST', '/groups/%s/members/$ref' % guid(2)),
        ('DELETE', '/groups/%s/members/%s/$ref' % (guid(2), guid(4)))]
    assert len(sent[0]['body']['members@odata.bind']) == 20
    assert sent[0]['body']['members@odata.bind'][0] == 'https://graph.example/v1.0/directoryObjects/%s' % guid(100)
    assert 'replication_wait' not in sent[0] and 'replication_wait' not in sent[4]
    assert sent[2]['replication_wait'] == 5.0  # a member listed in recently_created
    assert sent[3]['replication_wait'] == 0.0  # nothing new: a 404 is final


def test_writer_falls_back_to_single_adds_and_reports_the_bad_member():
    def answer(request):
        if request['method'] == 'PATCH':
            return GraphResponse(request['id'], 404, body=error("Resource does not exist", 'Request_ResourceNotFound'))
        member = request['body']['@odata.id'].rsplit('/', 1)[-1]
        if member == guid(3):
            return GraphResponse(request['id'], 404, body=error("Resource '%s' does not exist" % guid(3), 'Request_ResourceNotFound'))
        if member == guid(2):
            return GraphResponse(request['id'], 400, body=error(ALREADY))
        return GraphResponse(request['id'], 204)

    client = FakeDirectory()
    client.write_answer = answer
    added, removed, failed = Writer(client).apply([entry(guid(9), guid(u)) for u in (1, 2, 3, 4)], [])
    assert sorted(e['member_id'] for e in added) == [guid(1), guid(2), guid(4)] and removed == []
    assert failed == [dict(entry(guid(9), guid(3)), action='add', status=404, code='Request_ResourceNotFound',
                           message="Resource '%s' does not exist" % guid(3))]
    assert [len(batch) for dummy, batch in client.sent] == [1, 4]


def test_writer_counts_already_removed_as_done_and_reports_other_refusals():
    answers = {
        guid(1): (404, error('does not exist', 'Request_ResourceNotFound')),
        guid(2): (400, error(REMOVED)),
        guid(3): (403, error('Insufficient privileges to complete the operation.', 'Authorization_RequestDenied')),
        guid(4): (204, None),
    }
    client = FakeDirectory()
    client.write_answer = lambda r: GraphResponse(r['id'], answers[r['url'].split('/')[4]][0], body=answers[r['url'].split('/')[4]][1])
    added, removed, failed = Writer(client).apply([], [entry(guid(9), guid(u)) for u in (1, 2, 3, 4)])
    assert added == [] and sorted(e['member_id'] for e in removed) == [guid(1), guid(2), guid(4)]
    assert [(f['member_id'], f['action'], f['status']) for f in failed] == [(guid(3), 'remove', 403)]


# ----- graph_group_info's export ----------------------------------------------------------------


def test_export_names_members_by_unique_names_and_leaves_groups_graph_cannot_change_out():
    client = directory()
    client.objects[guid(40)] = obj('device', guid(40), displayName='PC-1')  # a second PC-1: members named so are given by id
    client.objects[guid(41)] = obj('group', guid(41), displayName='Device: fleet', groupTypes=[])
    client.members[guid(41)] = [guid(2)]
    export = GroupExport(client).read(['Mixed', 'Dynamic', guid(41), 'Gone', 'group:Team'])
    groups, memberships = export.result()
    assert export.missing == ['Gone']
    assert [g['displayName'] for g in groups] == ['Mixed', 'Dynamic', 'Device: fleet', 'Team']
    assert groups[1]['membershipRule'] is None and 'membershipRule' not in groups[0] and groups[0]['isAssignableToRole'] is False
    assert memberships == [
        {'group': 'Mixed', 'members': sorted([guid(30), 'group:Nested', 'orgContact:Partner', 'servicePrincipal:HR sync', 'user:u1@x'])},
        {'group': 'group:Device: fleet', 'members': ['user:u2@x']},
        {'group': 'Team', 'members': []},
    ]
    member_reads = [(version, r['url'].split('?')[0]) for version, batch in client.sent for r in batch if '/members' in r['url']]
    assert sorted(member_reads) == sorted(('beta', '/groups/%s/members' % g) for g in (guid(20), guid(41), guid(10)))


def test_export_of_every_group_and_refusals():
    client = directory()
    groups, memberships = GroupExport(client).read().result()
    assert [g['displayName'] for g in groups] == ['Admins', 'Dynamic', 'Mixed', 'Nested', 'Team']
    assert [m['group'] for m in memberships] == ['Admins', 'Mixed', 'Nested', 'Team']
    client.objects[guid(42)] = obj('group', guid(42), displayName='nested', groupTypes=[])
    with pytest.raises(GraphError) as caught:
        GroupExport(client).read(['Nested', 'device:PC-1', guid(1)])
    assert str(caught.value) == ("groups[1]: 'device:PC-1' is a device reference; groups lists groups (a group whose name starts with 'device:' "
                                 "is written group:device:PC-1)")
    with pytest.raises(GraphError) as caught:
        GroupExport(client).read(['Nested', guid(1)])
    assert str(caught.value) == ("groups[0]: group 'Nested' is ambiguous: 2 objects have that name (ids %s, %s); use the id instead; "
                                 "groups[1]: group id '%s' is a user, not a group" % (guid(21), guid(42), guid(1)))
