# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tenant every bad-input case runs against: a few users and groups of every kind the cases name."""

from __future__ import annotations

from ..harness import security_group

DOMAIN = 'contoso.example'
PASSWORD = 'Welcome-2026!'


def upn(name):
    return '%s@%s' % (name, DOMAIN)


USERS = [
    {'userPrincipalName': upn('megan'), 'displayName': 'Megan Bowen', 'usageLocation': 'DK'},
    {'userPrincipalName': upn('adele'), 'displayName': 'Adele Vance', 'usageLocation': 'DK', 'jobTitle': 'Engineer'},
    {'userPrincipalName': upn('alex'), 'displayName': 'Alex Wilber'},
    # synchronised from on-premises AD (Entra Connect): AD owns most of its properties
    {'userPrincipalName': upn('sam'), 'displayName': 'Sam Synced', 'usageLocation': 'DK', 'onPremisesSyncEnabled': True},
]

GROUPS = [
    security_group('Engineering', members=[upn('adele')]),
    security_group('Sales'),
    security_group('All staff', members=[upn('adele'), upn('alex')]),
    security_group('Twin'),
    security_group('Twin'),
    security_group('All users (dynamic)', groupTypes=['DynamicMembership'], membershipRule='user.accountEnabled -eq true',
                   membershipRuleProcessingState='On'),
    {'displayName': 'Sales DL', 'mailNickname': 'sales-dl', 'mailEnabled': True, 'securityEnabled': False},
]

# The emulator's default subscriptions, seeded up front: left to the first read of /subscribedSkus, they would
# appear in the directory during the run and look like a change.
TEAMS = {'servicePlanId': '57ff2da0-773e-42df-b2af-ffb7a2317929', 'servicePlanName': 'TEAMS1'}
EXCHANGE = {'servicePlanId': 'efb87545-963c-4e0d-99df-69c6916d9eb0', 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}
SKUS = [
    {'skuId': '6fd2c87f-b296-42f0-b197-1e91e994b900', 'skuPartNumber': 'ENTERPRISEPACK', 'prepaidUnits': {'enabled': 250},
     'servicePlans': [EXCHANGE, TEAMS]},
    {'skuId': '05e9a617-0261-4cee-bb44-138d3ef5d965', 'skuPartNumber': 'SPE_E3', 'prepaidUnits': {'enabled': 1000},
     'servicePlans': [EXCHANGE, TEAMS]},
    {'skuId': 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e', 'skuPartNumber': 'EMS', 'prepaidUnits': {'enabled': 500}},
]

# Members of the other types (issue 10), with fixed ids so cases can name them by id. Seeded in a call of their own,
# with the groups that hold them.
DEVICE_ID = '0d0d0d0d-0000-4000-8000-000000000001'
SERVICE_PRINCIPAL_ID = '05050505-0000-4000-8000-000000000001'
CONTACT_ID = '0c0c0c0c-0000-4000-8000-000000000001'
MEMBER_OBJECTS = {
    'devices': [{'id': DEVICE_ID, 'displayName': 'LAPTOP-0042'}, {'displayName': 'Kiosk'}, {'displayName': 'Kiosk'}],
    'servicePrincipals': [{'id': SERVICE_PRINCIPAL_ID, 'displayName': 'HR sync'}],
    'contacts': [{'id': CONTACT_ID, 'displayName': 'Partner', 'mail': 'partner@fabrikam.example'}],
    'groups': [
        security_group('Devices', members=['device:LAPTOP-0042', 'servicePrincipal:HR sync', 'orgContact:Partner', upn('adele')]),
        security_group('Helpdesk admins', isAssignableToRole=True, members=[upn('megan')]),
        {'displayName': 'Team', 'mailNickname': 'team', 'groupTypes': ['Unified'], 'mailEnabled': True, 'securityEnabled': False,
         'members': [upn('megan')]},
    ],
}


def seed(emulator):
    """Seed the tenant; returns ``{name: id}`` for users (by UPN) and groups (by displayName, last wins)."""
    seeded = emulator.seed(subscribedSkus=SKUS, users=USERS, groups=GROUPS)
    ids = dict((u['userPrincipalName'], u['id']) for u in seeded['users'])
    ids.update((g['displayName'], g['id']) for g in seeded['groups'])
    ids.update((g['displayName'], g['id']) for g in emulator.seed(**MEMBER_OBJECTS)['groups'])
    return ids
