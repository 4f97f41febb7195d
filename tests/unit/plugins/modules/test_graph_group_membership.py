# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's pure logic: input validation, planning, the write fallback and the diff view."""

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_client import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_errors import GraphError
from ansible_collections.mynster.msgraph.plugins.modules.graph_group_membership import (
    Planner,
    Writer,
    membership_view,
    read_items,
    unwritable_reason,
)

ALREADY = "One or more added object references already exist for the following modified properties: 'members'."
REMOVED = "One or more removed object references do not exist for the following modified properties: 'members'."


def params(**overrides):
    base = dict(group=None, members=None, user=None, groups=None, memberships=None, state='present', allow_empty=False,
                max_removals=None, replication_timeout=0.0)
    base.update(overrides)
    return base


# ----- read_items ---------------------------------------------------------------------------------


def test_read_items_top_level_and_memberships():
    (item,) = read_items(params(group='Sales', members=['a@x', 'b@x']))
    assert (item.label, item.side, item.owner, item.listed, item.listed_kind) == ("group 'Sales'", 'group', 'Sales', ['a@x', 'b@x'], 'user')
    items = read_items(params(memberships=[dict(group='Sales', members=['a@x'], user=None, groups=None),
                                           dict(group=None, members=None, user='a@x', groups=['Ops'])]))
    assert [(i.label, i.side, i.listed_kind, i.numbered) for i in items] == [('memberships[0]', 'group', 'user', True),
                                                                             ('memberships[1]', 'user', 'group', True)]


@pytest.mark.parametrize('overrides, message', [
    (dict(memberships=[dict(group='G', user='u')]), 'memberships[0]: give either group with members, or user with groups'),
    (dict(memberships=[dict()]), 'memberships[0]: give either group with members, or user with groups'),
    (dict(memberships=[dict(group='G', groups=['H'])]), 'memberships[0]: members goes with group, not groups'),
    (dict(user='u', members=['m']), "user 'u': groups goes with user, not members"),
    (dict(memberships=[dict(user='u')]), 'memberships[0]: groups is required with user'),
    (dict(group='G', members=['a', '']), "group 'G': members contains an empty name"),
    (dict(group='  ', members=['a']), "group '  ': group is empty"),
    (dict(group='G', members=[], state='exact'), "group 'G': state=exact with an empty members list would remove every direct membership"),
])
def test_read_items_refuses_bad_input(overrides, message):
    with pytest.raises(GraphError) as caught:
        read_items(params(**overrides))
    assert str(caught.value).startswith(message)


def test_exact_with_an_empty_list_needs_allow_empty():
    (item,) = read_items(params(user='u', groups=[], state='exact', allow_empty=True))
    assert item.listed == []
    assert read_items(params(group='G', members=[]))[0].listed == []  # present with nothing listed is a harmless no-op


# ----- unwritable_reason ------------------------------------------------------------------------


@pytest.mark.parametrize('group, reason', [
    ({'groupTypes': [], 'mailEnabled': False, 'securityEnabled': True}, None),
    ({'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False}, None),
    ({'groupTypes': ['DynamicMembership'], 'mailEnabled': False, 'securityEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': ['Unified', 'DynamicMembership'], 'mailEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': ['dynamicmembership']}, 'a dynamic-membership group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': True}, 'a mail-enabled security group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': False}, 'a distribution list'),
    ({'groupTypes': None, 'mailEnabled': False, 'securityEnabled': True, 'onPremisesSyncEnabled': True}, 'synced from on-premises'),
    ({}, None),
])
def test_unwritable_reason(group, reason):
    assert unwritable_reason(group) == reason


# ----- planning ---------------------------------------------------------------------------------


class FakeClient:
    """Answers batches from a function; records what was sent."""

    class settings:  # pylint: disable=invalid-name,too-few-public-methods
        graph_base = 'https://graph.example/v1.0'

    def __init__(self, answer=None):
        self.answer = answer
        self.sent = []

    def batch(self, requests_, paginate=False):
        self.sent.append(requests_)
        return [self.answer(request) for request in requests_]


class FakeModule:
    def __init__(self, client=None, **overrides):
        self.params = params(**overrides)
        self.client = client or FakeClient()
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


USERS = dict(('u%d' % i, {'id': 'u%d' % i, 'userPrincipalName': 'user%d@x' % i}) for i in range(5))
GROUPS = {
    'g1': {'id': 'g1', 'displayName': 'One', 'groupTypes': []},
    'g2': {'id': 'g2', 'displayName': 'Two', 'groupTypes': []},
    'dyn': {'id': 'dyn', 'displayName': 'Dynamic', 'groupTypes': ['DynamicMembership']},
}


def planned(module, current):
    """A planner with names already resolved (ids used as names) and the given current membership."""
    planner = Planner(module, read_items(module.params))
    planner.groups, planner.users = dict(GROUPS), dict(USERS)
    for item in planner.items:
        owners, others = (GROUPS, USERS) if item.side == 'group' else (USERS, GROUPS)
        item.owner_obj = owners[item.owner]
        item.listed_objs = dict((name, others[name]) for name in item.listed)
    planner.current = dict(((side, owner), dict((i, (USERS.get(i) or GROUPS.get(i))) for i in ids)) for (side, owner), ids in current.items())
    planner.compare()
    return planner


def pairs(entries):
    return sorted((e['group_id'], e['member_id']) for e in entries)


def test_compare_present_absent_exact():
    module = FakeModule(group='g1', members=['u1', 'u2'])
    planner = planned(module, {('group', 'g1'): ['u1', 'u3']})
    assert pairs(planner.added) == [('g1', 'u2')] and planner.removed == [] and planner.unchanged == 1
    assert planner.added[0] == {'group_id': 'g1', 'group': 'One', 'member_id': 'u2', 'member': 'user2@x'}
    planner = planned(FakeModule(group='g1', members=['u1', 'u2'], state='absent'), {('group', 'g1'): ['u1', 'u3']})
    assert planner.added == [] and pairs(planner.removed) == [('g1', 'u1')] and planner.unchanged == 1
    planner = planned(FakeModule(group='g1', members=['u1', 'u2'], state='exact'), {('group', 'g1'): ['u1', 'u3', 'g2']})
    assert pairs(planner.added) == [('g1', 'u2')] and pairs(planner.removed) == [('g1', 'g2'), ('g1', 'u3')]


def test_exact_on_the_user_side_skips_groups_graph_cannot_change_with_a_warning():
    module = FakeModule(user='u1', groups=['g2'], state='exact')
    planner = planned(module, {('user', 'u1'): ['g1', 'dyn']})
    assert pairs(planner.added) == [('g2', 'u1')] and pairs(planner.removed) == [('g1', 'u1')]
    assert planner.skipped == [{'group_id': 'dyn', 'group': 'Dynamic', 'member_id': 'u1', 'member': 'user1@x', 'reason': 'a dynamic-membership group'}]
    assert module.warnings == ["Left user1@x in group 'Dynamic': it is a dynamic-membership group, Graph cannot change its membership"]


def test_exact_never_removes_a_membership_another_item_lists():
    module = FakeModule(state='exact', memberships=[dict(group='g1', members=['u1']), dict(user='u2', groups=['g1']),
                                                    dict(user='u1', groups=['g2'])])
    planner = planned(module, {('group', 'g1'): ['u2'], ('user', 'u2'): ['g1'], ('user', 'u1'): []})
    assert pairs(planner.added) == [('g1', 'u1'), ('g2', 'u1')]
    assert planner.removed == []  # item 0 would remove u2 from g1, but item 1 lists that membership


def test_max_removals_is_checked_before_anything_is_written():
    module = FakeModule(group='g1', members=['u1'], state='exact', max_removals=1)
    with pytest.raises(GraphError) as caught:
        planned(module, {('group', 'g1'): ['u2', 'u3']})
    assert str(caught.value) == ('Nothing was changed: this run would remove 2 memberships, more than max_removals=1 '
                                 '(first ones: user2@x from One, user3@x from One)')
    assert module.client.sent == []
    assert len(planned(FakeModule(group='g1', members=['u1'], state='exact', max_removals=2), {('group', 'g1'): ['u2', 'u3']}).removed) == 2


# ----- writing ----------------------------------------------------------------------------------


def error(status, message, code='Request_BadRequest'):
    return {'error': {'code': code, 'message': message}}


def entry(group_id, member_id):
    return {'group_id': group_id, 'group': GROUPS[group_id]['displayName'], 'member_id': member_id, 'member': USERS[member_id]['userPrincipalName']}


def test_writer_packs_twenty_per_patch_and_sends_lone_additions_as_ref():
    client = FakeClient(lambda r: GraphResponse(r['id'], 204))
    module = FakeModule(client)
    many = [{'group_id': 'g1', 'group': 'One', 'member_id': 'm%02d' % i, 'member': None} for i in range(41)]
    added, removed, failed = Writer(module, 5.0).apply(many + [entry('g2', 'u1')], [entry('g2', 'u2')])
    assert (len(added), len(removed), failed) == (42, 1, [])
    (sent,) = client.sent
    assert [(r['method'], r['url']) for r in sent] == [('PATCH', '/groups/g1')] * 2 + [
        ('POST', '/groups/g1/members/$ref'), ('POST', '/groups/g2/members/$ref'), ('DELETE', '/groups/g2/members/u2/$ref')]
    assert len(sent[0]['body']['members@odata.bind']) == 20 and sent[0]['body']['members@odata.bind'][0] == 'https://graph.example/v1.0/directoryObjects/m00'
    assert 'replication_wait' not in sent[0] and 'replication_wait' not in sent[4]  # a PATCH falls back instead; a removal 404 means done
    assert sent[2]['replication_wait'] == 5.0 and sent[2]['body'] == {'@odata.id': 'https://graph.example/v1.0/directoryObjects/m40'}


def test_writer_falls_back_to_single_adds_and_reports_the_bad_member():
    def answer(request):
        if request['method'] == 'PATCH':
            return GraphResponse(request['id'], 404, body=error(404, "Resource 'u3' does not exist", 'Request_ResourceNotFound'))
        member = request['body']['@odata.id'].rsplit('/', 1)[-1]
        if member == 'u3':
            return GraphResponse(request['id'], 404, body=error(404, "Resource 'u3' does not exist", 'Request_ResourceNotFound'))
        if member == 'u2':
            return GraphResponse(request['id'], 400, body=error(400, ALREADY))
        return GraphResponse(request['id'], 204)

    client = FakeClient(answer)
    added, removed, failed = Writer(FakeModule(client), 1.0).apply([entry('g1', u) for u in ('u1', 'u2', 'u3', 'u4')], [])
    assert pairs(added) == [('g1', 'u1'), ('g1', 'u2'), ('g1', 'u4')] and removed == []
    assert failed == [dict(entry('g1', 'u3'), action='add', status=404, code='Request_ResourceNotFound', message="Resource 'u3' does not exist")]
    assert [len(batch) for batch in client.sent] == [1, 4]


def test_writer_counts_already_removed_as_done_and_reports_other_refusals():
    answers = {
        'u1': GraphResponse(None, 404, body=error(404, "Resource 'u1' does not exist", 'Request_ResourceNotFound')),
        'u2': GraphResponse(None, 400, body=error(400, REMOVED)),
        'u3': GraphResponse(None, 403, body=error(403, 'Insufficient privileges to complete the operation.', 'Authorization_RequestDenied')),
        'u4': GraphResponse(None, 204),
    }
    client = FakeClient(lambda r: GraphResponse(r['id'], answers[r['url'].split('/')[4]].status, body=answers[r['url'].split('/')[4]].body))
    added, removed, failed = Writer(FakeModule(client), 1.0).apply([], [entry('g1', u) for u in ('u1', 'u2', 'u3', 'u4')])
    assert added == [] and pairs(removed) == [('g1', 'u1'), ('g1', 'u2'), ('g1', 'u4')]
    assert [(f['member_id'], f['action'], f['status']) for f in failed] == [('u3', 'remove', 403)]


# ----- diff view --------------------------------------------------------------------------------


def test_membership_view_shows_only_owners_that_change():
    module = FakeModule(memberships=[dict(group='g1', members=['u1']), dict(user='u2', groups=['g2']), dict(group='g2', members=['u3'])])
    planner = planned(module, {('group', 'g1'): ['u3'], ('user', 'u2'): ['g1'], ('group', 'g2'): ['u3']})
    before, after = membership_view(planner, planner.added, planner.removed)
    # group Two changes too: the user item puts user2 into it
    assert before == {'group One': ['user3@x'], 'user user2@x': ['One'], 'group Two': ['user3@x']}
    assert after == {'group One': ['user1@x', 'user3@x'], 'user user2@x': ['One', 'Two'], 'group Two': ['user2@x', 'user3@x']}
    assert membership_view(planner, [], []) == ({}, {})
