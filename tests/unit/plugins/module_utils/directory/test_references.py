# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""References ``[type:]value`` and resolving them in bulk."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    DirectoryResolver,
    Reference,
    name_of,
    object_type,
    parse_reference,
    reference_of,
    type_phrase,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import FakeDirectory, guid, obj

ID = '6e7b768e-07e2-4810-8459-485f84f8f204'


# ----- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize('text, default_type, type_, value', [
    ('adele@contoso.com', None, 'user', 'adele@contoso.com'),
    (ID, None, None, ID),
    (' %s ' % ID, None, None, ID),
    ('group:Engineering', None, 'group', 'Engineering'),
    ('GROUP: Engineering', None, 'group', 'Engineering'),
    ('device:LAPTOP-0042', None, 'device', 'LAPTOP-0042'),
    ('serviceprincipal:Contoso HR sync', None, 'servicePrincipal', 'Contoso HR sync'),
    ('servicePrincipal:' + ID, None, 'servicePrincipal', ID),
    ('orgContact:partner@fabrikam.com', None, 'orgContact', 'partner@fabrikam.com'),
    ('user:' + ID, None, 'user', ID),
    ('group:Ops: on-call', None, 'group', 'Ops: on-call'),
    # a field that holds only groups: untyped names are groups, even with a colon
    ('Engineering', 'group', 'group', 'Engineering'),
    ('Ops: on-call', 'group', 'group', 'Ops: on-call'),
    (ID, 'group', 'group', ID),
    ('device:LAPTOP-1', 'group', 'device', 'LAPTOP-1'),  # the field then refuses it, naming the type
])
def test_parse_reference(text, default_type, type_, value):
    reference = parse_reference(text, 'members[0]', default_type)
    assert (reference.type, reference.value, reference.where, reference.text) == (type_, value, 'members[0]', text.strip())


@pytest.mark.parametrize('text, message', [
    ('Engineering', "members[3]: 'Engineering' does not say what it is: name the type, e.g. group:Engineering"),
    ('laptop:X-1', "members[3]: 'laptop:X-1' does not start with a member type: 'laptop' is not one of user, group, device, "
                   "servicePrincipal, orgContact"),
    ('device:', "members[3]: 'device:' names no device; write device:NAME or device:OBJECT-ID"),
    ('user:Adele Vance', "members[3]: 'user:Adele Vance': users are named by userPrincipalName (name@domain) or object id"),
    ('', 'members[3]: empty reference'),
    ('   ', 'members[3]: empty reference'),
    (None, 'members[3]: empty reference'),
])
def test_parse_reference_refuses(text, message):
    with pytest.raises(GraphError) as caught:
        parse_reference(text, 'members[3]')
    assert str(caught.value).startswith(message)


def test_references_match_by_value_and_compatible_type():
    upn = parse_reference('Adele@contoso.com', 'x')
    assert upn.matches(parse_reference('user:adele@CONTOSO.com', 'y'))
    assert parse_reference(ID, 'x').matches(parse_reference('device:' + ID.upper(), 'y'))
    assert not parse_reference('group:Sales', 'x').matches(parse_reference('device:Sales', 'y'))
    assert upn.key == ('user', 'adele@contoso.com') and parse_reference(ID, 'x').key == ('*', ID)


def test_object_types_names_and_references():
    device = obj('device', guid(1), displayName='LAPTOP-1')
    assert object_type(device) == 'device' and reference_of(device) == 'device:LAPTOP-1'
    user = obj('user', guid(2), userPrincipalName='adele@x', displayName='Adele')
    assert name_of(user) == 'adele@x' and reference_of(user) == 'user:adele@x'
    assert name_of(obj('orgContact', guid(3), mail='p@f')) == 'p@f'
    assert object_type(obj('application', guid(4))) is None and type_phrase(obj('application', guid(4))) == 'an application'
    assert type_phrase(user) == 'a user' and type_phrase(obj('orgContact', guid(3))) == 'an orgContact'
    assert reference_of({'id': guid(5)}) == guid(5)


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
    clock = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds
        if clock[0] > 2:  # the new user shows up after two seconds
            client.objects[guid(9)] = obj('user', guid(9), userPrincipalName='new@x')

    resolver = DirectoryResolver(client, wait_for_missing=30, sleep=sleep, clock=lambda: clock[0],
                                 recently_created=refs('NEW@x'))
    lookup = resolver.resolve(refs('new@x', 'typo@x', 'adele@x'))
    assert lookup.get(refs('new@x')[0])['id'] == guid(9)
    assert [r.text for r in lookup.missing] == ['typo@x']
    assert sleeps == [0.5, 1.0, 2.0] and lookup.waited
    # the typo and the user found at once were queried once; only the new user was queried again
    assert [len(batch) for dummy, batch in client.sent] == [1, 1, 1, 1]


def test_nothing_is_waited_for_without_recently_created_entries():
    client = tenant()
    resolver = DirectoryResolver(client, wait_for_missing=30, sleep=lambda s: pytest.fail('slept'), recently_created=[])
    lookup = resolver.resolve(refs('typo@x', 'device:LAPTOP-9'))
    assert [r.text for r in lookup.missing] == ['typo@x', 'device:LAPTOP-9'] and len(client.sent) == 1


def test_plain_user_and_group_lookups_keep_their_shape():
    """graph_user_bulk resolves managers through users(): ids and names, a Resolution keyed by lowercase name."""
    client = tenant()
    resolution = DirectoryResolver(client).users(['Adele@x', guid(1).upper(), 'ghost@x', None])
    assert resolution.get('adele@X')['id'] == guid(1) and resolution.get(guid(1))['id'] == guid(1)
    assert resolution.missing == ['ghost@x'] and resolution.ambiguous == {}
    assert all(r.get('method', 'GET') == 'GET' for r in client.requests())  # ids are filtered in /users, as before
    groups = DirectoryResolver(client).groups(['Twin', 'Engineering'])
    assert groups.ambiguous == {'Twin': [guid(3), guid(4)]} and groups.get('engineering')['id'] == guid(2)


def test_reference_repr():
    assert repr(Reference('device:X', 'device', 'X')) == "Reference('device:X')" and str(Reference('device:X', 'device', 'X')) == 'device:X'
