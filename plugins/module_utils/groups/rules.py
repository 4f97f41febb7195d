# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Graph's rules about groups: which ones it lets us change, which members each kind accepts, and who may.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import PAGE_SIZE, object_path
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import name_of, object_type

MEMBER_FIELDS = ('id', 'displayName', 'userPrincipalName', 'mail', 'appId')
ROLE_PERMISSION = 'RoleManagement.ReadWrite.Directory'
ROLE_REASON = 'a role-assignable group; changing its members needs %s' % ROLE_PERMISSION


def group_types(group):
    """A group's ``groupTypes``, lower-cased."""
    return [str(t).lower() for t in (group or {}).get('groupTypes') or []]


def is_unified(group):
    """True for Microsoft 365 groups."""
    return 'unified' in group_types(group)


def unwritable_reason(group):
    """Why Graph cannot change this group's membership (a phrase after "it is"), or None."""
    types = group_types(group)
    if 'dynamicmembership' in types:
        return 'a dynamic-membership group'
    if group.get('onPremisesSyncEnabled'):
        return 'synced from on-premises'
    if group.get('mailEnabled') and 'unified' not in types:
        return 'a mail-enabled security group' if group.get('securityEnabled') else 'a distribution list'
    return None


def membership_refusal(group, member):
    """Why Graph would refuse ``member`` as a direct member of ``group`` (a sentence), or None. Unknown types pass."""
    member_type = object_type(member)
    if member_type is None:
        return None
    if group.get('id') == member.get('id'):
        return 'a group cannot be a member of itself'
    if is_unified(group) and member_type != 'user':
        return "group '%s' is a Microsoft 365 group, which accepts users only" % name_of(group)
    if member_type == 'group' and is_unified(member):
        return "a Microsoft 365 group cannot be a member of another group"
    if member_type == 'group' and group.get('isAssignableToRole'):
        return "group '%s' is role-assignable, and groups cannot be nested in a role-assignable group" % name_of(group)
    return None


def has_permission(claims, permission):
    """True, False, or None when the token does not tell (opaque, or neither ``roles`` nor ``scp``)."""
    if not claims or ('roles' not in claims and 'scp' not in claims):
        return None
    granted = set(claims.get('roles') or [])
    granted.update(str(claims.get('scp') or '').split())
    return permission in granted


def members_url(group_id):
    """A group's direct members, every type, a page as large as Graph gives (read from beta: v1.0 leaves service principals out)."""
    return object_path('groups', group_id, 'members') + '?$select=%s&$top=%d' % (','.join(MEMBER_FIELDS), PAGE_SIZE)
