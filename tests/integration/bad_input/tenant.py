# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tenant every bad-input case runs against: a few users and groups of every kind the cases name."""

from __future__ import annotations

DOMAIN = 'contoso.example'
PASSWORD = 'Welcome-2026!'


def upn(name):
    return '%s@%s' % (name, DOMAIN)


def security_group(name, **extra):
    body = {'displayName': name, 'mailNickname': name.lower().replace(' ', '-'), 'mailEnabled': False, 'securityEnabled': True}
    body.update(extra)
    return body


USERS = [
    {'userPrincipalName': upn('megan'), 'displayName': 'Megan Bowen', 'usageLocation': 'DK'},
    {'userPrincipalName': upn('adele'), 'displayName': 'Adele Vance', 'usageLocation': 'DK', 'jobTitle': 'Engineer'},
    {'userPrincipalName': upn('alex'), 'displayName': 'Alex Wilber'},
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
    seeded = emulator.seed(users=USERS, groups=GROUPS)
    ids = dict((u['userPrincipalName'], u['id']) for u in seeded['users'])
    ids.update((g['displayName'], g['id']) for g in seeded['groups'])
    ids.update((g['displayName'], g['id']) for g in emulator.seed(**MEMBER_OBJECTS)['groups'])
    return ids
