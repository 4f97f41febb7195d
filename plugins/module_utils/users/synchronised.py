# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Users synchronised from on-premises Active Directory (``onPremisesSyncEnabled: true``): what Graph lets the cloud change.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Entra Connect and Cloud Sync make on-premises AD the source of authority for most properties of a synchronised
user; Graph refuses a PATCH naming any of them with 400 "Unable to update the specified properties for on-premises
mastered Directory Sync objects ...". The properties below are the ones Graph's and Entra's documentation say the
cloud may set for such a user (emulator/README.md, "Hybrid tenants", cites each); every other property is taken as
AD's, the safe default where the documentation is silent. Graph's own answer stays the final word: a write it
refuses anyway is reported for that user, never retried.
"""

from __future__ import annotations

# Cloud-owned properties of a synchronised user. accountEnabled is accepted, but the next synchronisation cycle puts
# AD's value back, so a cloud block lasts only until then (see SYNC_REVERTS).
CLOUD_WRITABLE = frozenset(name.lower() for name in (
    'accountEnabled', 'usageLocation', 'aboutMe', 'birthday', 'interests', 'pastProjects', 'preferredName', 'responsibilities',
    'schools', 'skills', 'employeeLeaveDateTime'))
# Writes the next synchronisation cycle undoes unless the same change is made in AD.
SYNC_REVERTS = frozenset(['accountenabled'])
# The user's own fields that AD owns besides its properties: the manager attribute, and the account's existence.
AD_OWNED_FIELDS = ('manager', 'account_state')
SYNCED_USERS_CHOICES = ('refuse', 'skip')


def is_synchronised(user):
    """True for a user (as read from Graph) synchronised from on-premises AD."""
    return bool((user or {}).get('onPremisesSyncEnabled'))


def ad_owned(names):
    """The names among ``names`` (Graph property names) that on-premises AD owns for a synchronised user, in order."""
    return [name for name in names if str(name).lower() not in CLOUD_WRITABLE]


def reverted_by_sync(names):
    """The names among ``names`` that the next synchronisation cycle puts back from AD."""
    return [name for name in names if str(name).lower() in SYNC_REVERTS]


def ad_owned_reason(field):
    """Why a change to ``field`` of a synchronised user is not sent, and where to make it instead."""
    if field == 'account_state':
        return ('the user is synchronised from on-premises Active Directory, and Graph cannot delete it; delete or move the '
                'account out of the synchronisation scope in AD')
    return ("the user is synchronised from on-premises Active Directory, which owns '%s'; Graph refuses to change it, "
            'so change it in AD (Entra Connect or Cloud Sync brings it over)' % field)
