# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Graph's rules about groups: which it lets us change, which members each kind takes, and the permission role-assignable ones need."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.client.auth import jwt_claims
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import ROLE_PERMISSION, has_permission, membership_refusal, unwritable_reason
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import ADMINS, SECURITY, TEAM, guid, obj


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
