# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""References ``[type:]value``: parsing them, and naming objects read from Graph."""

from __future__ import annotations


import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    Reference,
    name_of,
    object_type,
    parse_reference,
    reference_of,
    type_phrase,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import guid, obj

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
    with pytest.raises(InputError) as caught:
        parse_reference(text, 'members[3]')
    assert str(caught.value).startswith(message)
    (problem,) = caught.value.problems
    assert (problem.item, problem.field) == (None, 'members[3]') and str(problem) == 'members[3]: ' + problem.reason


def test_a_reference_knows_its_item_and_field():
    reference = parse_reference('Sales', 'groups[1]', 'group', 'memberships[2]')
    assert reference.where == 'memberships[2].groups[1]'
    problem = reference.problem('is missing', 'adele@x')
    assert str(problem) == 'memberships[2].groups[1]: is missing' and problem.subject == 'adele@x'


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


def test_reference_repr():
    assert repr(Reference('device:X', 'device', 'X')) == "Reference('device:X')" and str(Reference('device:X', 'device', 'X')) == 'device:X'
