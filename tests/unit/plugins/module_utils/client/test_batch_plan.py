# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import (
    dependents_of,
    group_units,
    mailbox_key,
    pack_batches,
    prepare_requests,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphRequestError


def ids(units):
    return [[item.id for item in unit] for unit in units]


def test_ids_are_generated_without_clashing_with_given_ones():
    items = prepare_requests([{'url': '/a'}, {'id': '1', 'url': '/b'}, {'url': '/c'}])
    assert [item.id for item in items] == ['2', '1', '3']


@pytest.mark.parametrize('requests_, message', [
    ([{'id': 'x', 'url': '/a'}, {'id': 'X', 'url': '/b'}], "request 'X': id is used twice"),
    ([{'id': 'x', 'method': 'FETCH', 'url': '/a'}], "request 'x': method FETCH is not one of"),
    ([{'id': 'x', 'url': 'https://graph.microsoft.com/v1.0/users'}], "request 'x': url https://graph.microsoft.com/v1.0/users must be relative"),
    ([{'id': 'x', 'url': '/v1.0/users'}], "request 'x': url /v1.0/users must not repeat the API version"),
    ([{'id': 'x'}], "request 'x': url is required"),
    ([{'id': 'x', 'url': '/a', 'depends_on': ['nope']}], "request 'x': depends_on names 'nope'"),
    ([{'id': 'x', 'url': '/a', 'depends_on': ['y', 'z']}, {'id': 'y', 'url': '/b'}, {'id': 'z', 'url': '/c'}],
     "request 'x': depends_on lists 2 requests"),
    ([{'id': 'x', 'url': '/a', 'depends_on': 'y'}, {'id': 'y', 'url': '/b', 'depends_on': 'x'}], "request 'x': depends_on forms a cycle"),
    ([{'id': 'x', 'method': 'POST', 'url': '/a', 'body': 'not json'}], "request 'x': body is not valid JSON"),
    (['GET /users'], 'request #1 must be a dict'),
])
def test_invalid_requests_name_the_request(requests_, message):
    with pytest.raises(GraphRequestError) as caught:
        prepare_requests(requests_)
    assert message in str(caught.value)


def test_chain_longer_than_twenty_is_refused():
    chain = [{'id': 'r0', 'url': '/a'}] + [{'id': 'r%d' % i, 'url': '/a', 'depends_on': 'r%d' % (i - 1)} for i in range(1, 21)]
    with pytest.raises(GraphRequestError, match="request 'r20': its dependency chain is 21 requests long"):
        prepare_requests(chain)


def test_bodyless_writes_get_an_empty_json_body():
    item = prepare_requests([{'method': 'POST', 'url': '/users/u1/revokeSignInSessions'}])[0]
    assert item.body == {}
    assert item.headers == {'Content-Type': 'application/json'}


def test_non_json_bodies_are_base64_encoded():
    item = prepare_requests([{'method': 'PUT', 'url': '/x', 'headers': {'Content-Type': 'text/plain'}, 'body': 'hello'}])[0]
    assert base64.b64decode(item.body) == b'hello'


def test_units_keep_chains_and_stars_together_and_order_heads_first():
    items = prepare_requests([
        {'id': 'b', 'url': '/b', 'depends_on': 'a'},
        {'id': 'a', 'url': '/a'},
        {'id': 'c', 'url': '/c', 'depends_on': 'b'},
        {'id': 'solo', 'url': '/s'},
        {'id': 'hub', 'url': '/h'},
        {'id': 's1', 'url': '/1', 'depends_on': 'hub'},
        {'id': 's2', 'url': '/2', 'depends_on': 'hub'},
    ])
    assert sorted(ids(group_units(items))) == sorted([['a', 'b', 'c'], ['solo'], ['hub', 's1', 's2']])


def test_trees_that_are_neither_chain_nor_star_are_refused():
    items = prepare_requests([
        {'id': 'root', 'url': '/r'},
        {'id': 'x', 'url': '/x', 'depends_on': 'root'},
        {'id': 'y', 'url': '/y', 'depends_on': 'root'},
        {'id': 'z', 'url': '/z', 'depends_on': 'x'},
    ])
    with pytest.raises(GraphRequestError, match="request 'root': the requests depending on it form a tree"):
        group_units(items)


def test_singles_are_packed_twenty_per_batch_and_dependency_units_travel_alone():
    requests_ = [{'id': str(i), 'url': '/u/%d' % i} for i in range(45)]
    requests_ += [{'id': 'head', 'url': '/h'}, {'id': 'tail', 'url': '/t', 'depends_on': 'head'}]
    batches = pack_batches(group_units(prepare_requests(requests_)))
    assert sorted(len(batch) for batch in batches) == [2, 5, 20, 20]
    assert all(len(batch) <= 20 for batch in batches)


def test_retry_units_drop_dependencies_that_already_succeeded():
    items = prepare_requests([{'id': 'a', 'url': '/a'}, {'id': 'b', 'url': '/b', 'depends_on': 'a'}, {'id': 'c', 'url': '/c', 'depends_on': 'b'}])
    assert ids(group_units(items[1:])) == [['b', 'c']]


def test_dependents_are_found_transitively_in_any_order():
    items = prepare_requests([{'id': 'c', 'url': '/c', 'depends_on': 'b'}, {'id': 'b', 'url': '/b', 'depends_on': 'a'}, {'id': 'a', 'url': '/a'}])
    assert sorted(item.id for item in dependents_of({'a'}, items)) == ['b', 'c']


@pytest.mark.parametrize('url, key', [
    ('/users/Adele@Contoso.example/events', 'user:adele@contoso.example'),
    ("/users('adele@contoso.example')/calendar/calendarPermissions", 'user:adele@contoso.example'),
    ("/users('o''neil@contoso.example')/events?$top=1", "user:o'neil@contoso.example"),
    ('/users/adele%40contoso.example/mailboxSettings', 'user:adele@contoso.example'),
    ('/users/4F1C0000-0000-0000-0000-000000000001/messages/abc', 'user:4f1c0000-0000-0000-0000-000000000001'),
    ('/users/adele@contoso.example/calendarView?startDateTime=x', 'user:adele@contoso.example'),
    ('/me/events', 'me'),
    ('/groups/G1/calendar/events', 'group:g1'),
    ('/users/adele@contoso.example', None),
    ('/users/adele@contoso.example/memberOf', None),
    ('/users/adele@contoso.example/assignLicense', None),
    ('/users', None),
    ('/groups/g1/members/$ref', None),
    ('/me', None),
])
def test_requests_are_keyed_by_the_mailbox_they_address(url, key):
    assert mailbox_key(url) == key


def test_what_is_safe_to_send_again():
    items = prepare_requests([
        {'id': 'get', 'url': '/users'},
        {'id': 'patch', 'method': 'PATCH', 'url': '/users/a', 'body': {}},
        {'id': 'create', 'method': 'POST', 'url': '/users', 'body': {'userPrincipalName': 'a@x'}},
        {'id': 'event', 'method': 'POST', 'url': '/users/a/events', 'body': {'subject': 's', 'transactionId': 'tx'}},
        {'id': 'member', 'method': 'POST', 'url': '/groups/g/members/$ref', 'body': {}, 'safe_to_resend': True},
    ])
    assert [item.resendable for item in items] == [True, True, False, True, True]


def test_settle_reads_are_normalised():
    settle = prepare_requests([{'method': 'POST', 'url': '/users', 'body': {}, 'settle': {'url': "users('a@x')", 'headers': {'X': 1}}}])[0].settle
    assert settle == {'url': "/users('a@x')", 'headers': {'X': '1'}, 'found': None}


@pytest.mark.parametrize('settle, message', [
    ({'url': '/users/a', 'method': 'POST'}, 'settle reads with GET'),
    ({'url': 'https://graph.microsoft.com/v1.0/users/a'}, 'must be relative'),
    ({'url': '/users/a', 'found': 'yes'}, 'settle found must be a callable'),
    ({'url': '/users/a', 'match': 1}, 'settle has unknown keys match'),
    ({}, 'settle: url is required'),
    (['/users/a'], 'settle must be a callable or a dict'),
])
def test_invalid_settle_reads_are_refused(settle, message):
    with pytest.raises(GraphRequestError, match=message):
        prepare_requests([{'id': 'x', 'method': 'POST', 'url': '/users', 'body': {}, 'settle': settle}])


def test_urls_are_sent_with_their_meaning_kept():
    guest = 'ann_fabrikam.com#EXT#@contoso.example'
    items = prepare_requests([
        {'id': 'get', 'url': '/users/%s?$select=id' % guest},
        {'id': 'patch', 'method': 'PATCH', 'url': "users('%s')" % guest, 'body': {'jobTitle': 'Guest'}},
        {'id': 'sites', 'url': "/sites?$filter=webUrl eq 'https://contoso.sharepoint.com/sites/hr'"},
        {'id': 'settled', 'method': 'POST', 'url': '/users', 'body': {}, 'settle': {'url': '/users/%s' % guest}},
    ])
    assert [item.url for item in items] == [
        '/users/ann_fabrikam.com%23EXT%23@contoso.example?$select=id',
        "/users('ann_fabrikam.com%23EXT%23@contoso.example')",
        "/sites?$filter=webUrl eq 'https%3A%2F%2Fcontoso.sharepoint.com/sites/hr'",
        '/users',
    ]
    assert items[3].settle['url'] == '/users/ann_fabrikam.com%23EXT%23@contoso.example'
    # the wire form is what was prepared: no '#' (a fragment) and no '://' (Graph refuses the whole batch) is sent
    for item in items:
        assert '#' not in item.wire('1')['url'] and '://' not in item.wire('1')['url']
    assert mailbox_key(items[0].url.replace('?$select=id', '/events')) == 'user:' + guest.lower()


@pytest.mark.parametrize('url, message', [
    ('/users\n/me', "request 'x': url /users\\n/me holds the control character '\\n' at position 7; write the url on one line"),
    ('/users/a#https://evil.example/x', "request 'x': url /users/a#https://evil.example/x must be relative to the API version"),
])
def test_urls_no_encoding_can_save_are_refused_naming_the_request(url, message):
    with pytest.raises(GraphRequestError) as caught:
        prepare_requests([{'id': 'ok', 'url': '/users'}, {'id': 'x', 'url': url}])
    assert message in str(caught.value)
    assert caught.value.request_id == 'x' and caught.value.field == 'url'
