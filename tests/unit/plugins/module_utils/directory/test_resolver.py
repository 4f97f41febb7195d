# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Resolving references of every type in bulk, and waiting only for the ones created moments ago."""

from __future__ import annotations

from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import object_type, parse_reference, type_phrase
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.resolver import DirectoryResolver
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeDirectory, guid, obj


# ----- resolving -------------------------------------------------------------------------------


def tenant():
    return FakeDirectory(
        obj('user', guid(1), userPrincipalName='adele@x', displayName='Adele'),
        obj('group', guid(2), displayName='Engineering', groupTypes=[]),
        obj('group', guid(3), displayName='Twin'), obj('group', guid(4), displayName='twin'),
        obj('device', guid(5), displayName='LAPTOP-1'),
        obj('servicePrincipal', guid(6), displayName='HR sync', appId=guid(60)),
        obj('orgContact', guid(7), displayName='Partner', mail='partner@fabrikam.example'),
        obj('application', guid(8), displayName='An app registration'),
    )


def refs(*texts):
    return [parse_reference(text, 'members[%d]' % index) for index, text in enumerate(texts)]


def test_every_type_is_resolved_in_one_batch_call():
    client = tenant()
    references = refs('adele@x', 'group:engineering', 'device:LAPTOP-1', 'servicePrincipal:HR sync', 'orgContact:partner@fabrikam.example',
                      'servicePrincipal:' + guid(60), guid(5), 'orgContact:Partner')
    lookup = DirectoryResolver(client).resolve(references)
    assert [lookup.get(r)['id'] for r in references] == [guid(1), guid(2), guid(5), guid(6), guid(7), guid(6), guid(5), guid(7)]
    assert [object_type(lookup.get(r)) for r in references[:5]] == ['user', 'group', 'device', 'servicePrincipal', 'orgContact']
    assert lookup.missing == [] and lookup.ambiguous == {} and lookup.wrong_type == {}
    (dummy, sent), = client.sent
    urls = sorted('%s %s' % (r.get('method', 'GET'), unquote(r['url'].split('&$select')[0])) for r in sent)
    assert urls == sorted([
        'POST /directoryObjects/getByIds',
        "GET /users?$filter=userPrincipalName in ('adele@x')",
        "GET /groups?$filter=displayName in ('engineering')",
        "GET /devices?$filter=displayName in ('LAPTOP-1')",
        "GET /servicePrincipals?$filter=displayName in ('HR sync')",
        "GET /servicePrincipals?$filter=appId in ('%s')" % guid(60),
        "GET /contacts?$filter=displayName in ('partner@fabrikam.example','Partner')",
        "GET /contacts?$filter=mail in ('partner@fabrikam.example')",
    ])
    by_ids = [r for r in sent if r['url'] == '/directoryObjects/getByIds'][0]
    assert by_ids['body'] == {'ids': [guid(60), guid(5)]}  # a service principal's GUID is its object id or appId: both are tried
    assert sorted(by_ids['headers']) == ['Content-Type']


def test_names_go_fifteen_per_query():
    client = FakeDirectory(*[obj('device', guid(i), displayName='PC-%02d' % i) for i in range(40)])
    lookup = DirectoryResolver(client).resolve(refs(*['device:PC-%02d' % i for i in range(40)]))
    assert len(lookup.found) == 40
    assert [r['url'].count("'") // 2 for r in client.requests()] == [15, 15, 10]


def test_ambiguous_wrong_type_and_missing_are_reported():
    client = tenant()
    references = refs('group:Twin', 'device:' + guid(1), 'user:' + guid(5), 'device:Nothing', guid(99), guid(8))
    lookup = DirectoryResolver(client).resolve(references)
    assert [lookup.problem(r) for r in references] == [
        'is ambiguous: 2 objects have that name (ids %s, %s); use the id instead' % (guid(3), guid(4)),
        'is a user, not a device',
        'is a device, not a user',
        'was not found',
        'was not found',
        None,  # found; that an application cannot be a member is the caller's rule
    ]
    assert type_phrase(lookup.get(references[5])) == 'an application'


def test_only_recently_created_references_are_waited_for():
    client = tenant()

    def appears(now):
        if now > 2:  # the new user shows up after two seconds
            client.objects[guid(9)] = obj('user', guid(9), userPrincipalName='new@x')

    client.clock.on_sleep = appears
    resolver = DirectoryResolver(client, wait_for_missing=30, recently_created=refs('NEW@x'))
    lookup = resolver.resolve(refs('new@x', 'typo@x', 'adele@x'))
    assert lookup.get(refs('new@x')[0])['id'] == guid(9)
    assert [r.text for r in lookup.missing] == ['typo@x']
    assert client.clock.slept == [0.5, 1.0, 2.0]
    stats = client.stats.as_dict()
    assert stats['wait_seconds_by_reason']['replication'] == 3.5 and stats['wait_seconds'] == 3.5 and stats['replication_retries'] == 3
    # the typo and the user found at once were queried once; only the new user was queried again
    assert [len(batch) for dummy, batch in client.sent] == [1, 1, 1, 1]


def test_nothing_is_waited_for_without_recently_created_entries():
    client = tenant()
    resolver = DirectoryResolver(client, wait_for_missing=30, recently_created=[])
    lookup = resolver.resolve(refs('typo@x', 'device:LAPTOP-9'))
    assert [r.text for r in lookup.missing] == ['typo@x', 'device:LAPTOP-9'] and len(client.sent) == 1 and client.clock.slept == []


def test_a_new_object_that_never_shows_is_given_up_at_the_deadline():
    client = tenant()
    lookup = DirectoryResolver(client, wait_for_missing=5, recently_created=refs('new@x')).resolve(refs('new@x'))
    assert [r.text for r in lookup.missing] == ['new@x']
    assert client.clock.slept == [0.5, 1.0, 2.0, 1.5] and client.stats['wait_seconds'] == 5.0


def test_plain_user_and_group_lookups_keep_their_shape():
    """graph_user_bulk resolves managers through users(): ids and names, a Resolution keyed by lowercase name."""
    client = tenant()
    resolution = DirectoryResolver(client).users(['Adele@x', guid(1).upper(), 'ghost@x', None])
    assert resolution.get('adele@X')['id'] == guid(1) and resolution.get(guid(1))['id'] == guid(1)
    assert resolution.missing == ['ghost@x'] and resolution.ambiguous == {}
    assert all(r.get('method', 'GET') == 'GET' for r in client.requests())  # ids are filtered in /users, as before
    groups = DirectoryResolver(client).groups(['Twin', 'Engineering'])
    assert groups.ambiguous == {'Twin': [guid(3), guid(4)]} and groups.get('engineering')['id'] == guid(2)
