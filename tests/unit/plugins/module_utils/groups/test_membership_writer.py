# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership's writes: twenty members per PATCH, single adds when one member sinks it, already-done counts as done."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_writer import MembershipWriter
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeDirectory, guid

ALREADY = "One or more added object references already exist for the following modified properties: 'members'."
REMOVED = "One or more removed object references do not exist for the following modified properties: 'members'."


def error(message, code='Request_BadRequest'):
    return {'error': {'code': code, 'message': message}}


def entry(group_id, member_id, member_type='user'):
    return {'group_id': group_id, 'group': 'G' + group_id[-2:], 'member_id': member_id, 'member': 'm' + member_id[-2:], 'member_type': member_type}


def test_writer_packs_twenty_per_patch_and_sends_lone_additions_as_ref():
    client = FakeDirectory()
    many = [entry(guid(1), guid(100 + i), 'device') for i in range(41)]
    added, removed, failed = MembershipWriter(client, fresh=[guid(140)], wait=5.0).apply(many + [entry(guid(2), guid(3))], [entry(guid(2), guid(4))])
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
    added, removed, failed = MembershipWriter(client).apply([entry(guid(9), guid(u)) for u in (1, 2, 3, 4)], [])
    assert sorted(e['member_id'] for e in added) == [guid(1), guid(2), guid(4)] and removed == []
    assert failed == [dict(entry(guid(9), guid(3)), item=None, subject='m03 to group G09', action='add', status=404,
                           code='Request_ResourceNotFound', message="Resource '%s' does not exist" % guid(3))]
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
    added, removed, failed = MembershipWriter(client).apply([], [entry(guid(9), guid(u)) for u in (1, 2, 3, 4)])
    assert added == [] and sorted(e['member_id'] for e in removed) == [guid(1), guid(2), guid(4)]
    assert [(f['member_id'], f['action'], f['status']) for f in failed] == [(guid(3), 'remove', 403)]
