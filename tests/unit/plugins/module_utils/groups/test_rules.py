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
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import (
    ROLE_PERMISSION,
    exchange_command,
    has_permission,
    membership_refusal,
    permission_skip,
    powershell_quoted,
    unwritable,
    unwritable_reason,
)
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.fake_directory import ADMINS, SECURITY, TEAM, guid, obj


@pytest.mark.parametrize('group, reason', [
    ({'groupTypes': [], 'mailEnabled': False, 'securityEnabled': True}, None),
    ({'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False}, None),
    ({'groupTypes': ['DynamicMembership'], 'mailEnabled': False, 'securityEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': ['Unified', 'DynamicMembership'], 'mailEnabled': True}, 'a dynamic-membership group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': True}, 'a mail-enabled security group'),
    ({'groupTypes': [], 'mailEnabled': True, 'securityEnabled': False}, 'a distribution list'),
    ({'groupTypes': None, 'onPremisesSyncEnabled': True}, 'synced from on-premises Active Directory'),
    ({'mailEnabled': True, 'securityEnabled': False, 'onPremisesSyncEnabled': True}, 'synced from on-premises Active Directory'),
    ({}, None),
])
def test_unwritable_reason(group, reason):
    assert unwritable_reason(group) == reason


LEE = obj('user', guid(1), userPrincipalName='lee@contoso.example', displayName='Lee')
NEWSLETTER = obj('group', guid(5), displayName='Newsletter', mail='newsletter@contoso.example', mailEnabled=True, securityEnabled=False)
AD_SALES = obj('group', guid(6), displayName='AD Sales', mail='adsales@contoso.example', mailEnabled=True, securityEnabled=False,
               onPremisesSyncEnabled=True)


def test_unwritable_names_the_kind_and_what_to_do_instead():
    assert unwritable(SECURITY) is None and unwritable(TEAM, 'remove', LEE) is None
    exchange = unwritable(NEWSLETTER, 'remove', LEE)
    command = "Remove-DistributionGroupMember -Identity 'newsletter@contoso.example' -Member 'lee@contoso.example'"
    assert exchange == {'kind': 'exchange', 'reason': 'a distribution list', 'command': command,
                        'remedy': 'remove lee@contoso.example from it in Exchange Online instead, with Exchange Online PowerShell: ' + command}
    assert unwritable(NEWSLETTER, 'add', LEE)['command'].startswith("Add-DistributionGroupMember -Identity 'newsletter@contoso.example' ")
    # Without one member and one action (state=exact, a group's whole list) there is no single command to give.
    assert unwritable(NEWSLETTER)['command'] is None
    assert unwritable(NEWSLETTER)['remedy'] == ('change its members in Exchange Online instead (the Exchange admin center, or Exchange Online '
                                                'PowerShell: Add-DistributionGroupMember / Remove-DistributionGroupMember)')
    synced = unwritable(AD_SALES, 'remove', LEE)
    assert (synced['kind'], synced['command']) == ('on_premises', None)  # AD owns it, mail-enabled or not: no Exchange command
    assert synced['remedy'] == ('remove lee@contoso.example from it in on-premises Active Directory instead; the next synchronisation '
                                'cycle (Entra Connect or Cloud Sync) brings the change to Entra ID')
    assert unwritable(dict(SECURITY, onPremisesSyncEnabled=True))['remedy'].startswith('change its members in on-premises Active Directory')
    mail_security = unwritable(dict(SECURITY, mailEnabled=True, securityEnabled=True), 'add', LEE)
    assert (mail_security['kind'], mail_security['reason']) == ('exchange', 'a mail-enabled security group')
    assert "-Identity 'Sec' -Member 'lee@contoso.example'" in mail_security['command']  # no mail known: the name


def test_exchange_commands_quote_names_for_powershell():
    assert powershell_quoted("o'brien@contoso.example") == "'o''brien@contoso.example'"
    assert powershell_quoted('Sales \u2019 Team $x') == "'Sales \u2019\u2019 Team $x'"  # a typographic quote ends a string too; $ stays literal
    group = obj('group', guid(7), displayName="Dave's list", mailEnabled=True)
    assert exchange_command('remove', group, obj('user', guid(8), userPrincipalName="d'arcy@contoso.example")) == (
        "Remove-DistributionGroupMember -Identity 'Dave''s list' -Member 'd''arcy@contoso.example'")


def test_a_permission_skip_says_what_to_grant():
    assert permission_skip() == {'kind': 'role_assignable', 'reason': 'a role-assignable group; changing its members needs ' + ROLE_PERMISSION,
                                 'permission': ROLE_PERMISSION, 'command': None, 'remedy': 'grant the app %s and run again' % ROLE_PERMISSION}


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
