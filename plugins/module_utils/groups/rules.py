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


# The kinds of group whose membership Graph cannot change (``kind`` in graph_group_membership's skipped_memberships),
# and the role-assignable groups it does not let the access token change.
DYNAMIC, ON_PREMISES, EXCHANGE, ROLE_ASSIGNABLE = 'dynamic', 'on_premises', 'exchange', 'role_assignable'
# Exchange Online PowerShell: both cmdlets take the group as -Identity (name, alias or address) and one recipient as -Member.
EXCHANGE_CMDLETS = {'add': 'Add-DistributionGroupMember', 'remove': 'Remove-DistributionGroupMember'}
_POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"  # PowerShell ends a single-quoted string at any of these


def unwritable_kind(group):
    """``(kind, reason)`` when Graph cannot change this group's membership (``reason`` a phrase after "it is"), else None.

    A group synchronised from on-premises is on_premises whatever else it is: AD owns its members, mail-enabled or not.
    """
    types = group_types(group)
    if 'dynamicmembership' in types:
        return DYNAMIC, 'a dynamic-membership group'
    if group.get('onPremisesSyncEnabled'):
        return ON_PREMISES, 'synced from on-premises Active Directory'
    if group.get('mailEnabled') and 'unified' not in types:
        return EXCHANGE, 'a mail-enabled security group' if group.get('securityEnabled') else 'a distribution list'
    return None


def unwritable_reason(group):
    """Why Graph cannot change this group's membership (a phrase after "it is"), or None."""
    found = unwritable_kind(group)
    return found[1] if found else None


def powershell_quoted(text):
    """``text`` as a PowerShell single-quoted string (every quote inside doubled)."""
    return "'%s'" % ''.join(c * 2 if c in _POWERSHELL_QUOTES else c for c in str(text))


def exchange_command(action, group, member):
    """The Exchange Online PowerShell command that makes the change (``action`` add or remove) Graph cannot make."""
    identity = group.get('mail') or name_of(group)
    recipient = member.get('userPrincipalName') or member.get('mail') or name_of(member)
    return '%s -Identity %s -Member %s' % (EXCHANGE_CMDLETS[action], powershell_quoted(identity), powershell_quoted(recipient))


def unwritable(group, action=None, member=None):
    """What to tell about a group whose membership Graph cannot change, or None for one it can.

    ``{'kind', 'reason', 'remedy', 'command'}``: the kind (DYNAMIC, ON_PREMISES, EXCHANGE), why (a phrase after "it is"),
    what to do instead (a phrase), and for an Exchange-owned group with a known ``action`` (add, remove) and ``member``
    the Exchange Online PowerShell command that does it (else None).
    """
    found = unwritable_kind(group)
    if not found:
        return None
    kind, reason = found
    command = None
    change = 'change its members'
    if member and action == 'add':
        change = 'add %s to it' % name_of(member)
    elif member and action == 'remove':
        change = 'remove %s from it' % name_of(member)
    if kind == DYNAMIC:
        remedy = 'its membership rule decides who is in it: change the rule, or the properties it reads, instead'
    elif kind == ON_PREMISES:
        remedy = ('%s in on-premises Active Directory instead; the next synchronisation cycle (Entra Connect or Cloud Sync) '
                  'brings the change to Entra ID' % change)
    elif action in EXCHANGE_CMDLETS and member:
        command = exchange_command(action, group, member)
        remedy = '%s in Exchange Online instead, with Exchange Online PowerShell: %s' % (change, command)
    else:
        remedy = ('change its members in Exchange Online instead (the Exchange admin center, or Exchange Online PowerShell: '
                  '%s)' % ' / '.join(sorted(EXCHANGE_CMDLETS.values())))
    return {'kind': kind, 'reason': reason, 'remedy': remedy, 'command': command}


def permission_skip():
    """The ``kind``, ``reason``, ``remedy``, ``command`` and ``permission`` of a role-assignable group's change the token may not make."""
    return {'kind': ROLE_ASSIGNABLE, 'reason': ROLE_REASON, 'permission': ROLE_PERMISSION, 'command': None,
            'remedy': 'grant the app %s and run again' % ROLE_PERMISSION}


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
