# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_group_membership: references of every type, items and fields, guard rails, groups Graph or the token cannot change.

Most cases put a valid item (alex into Sales, which would be written) before the bad one: nothing may be written.
"""

from __future__ import annotations

from . import Case
from .tenant import CONTACT_ID, DEVICE_ID, SERVICE_PRINCIPAL_ID, upn

MODULE = 'graph_group_membership'
VALID = {'group': 'Sales', 'members': [upn('alex')]}
BOTH = ('real', 'check')
UNKNOWN_ID = '0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11'


def after_valid(*items, **options):
    """A memberships task whose first item is valid and would be written."""
    args = {'memberships': [VALID] + list(items)}
    args.update(options)
    return args


CASES = [
    # references that say nothing, or something impossible
    Case('membership-untyped-group-name-in-members', MODULE, after_valid({'group': 'Engineering', 'members': [upn('alex'), 'Sales']}),
         "memberships[1].members[1]: 'Sales' does not say what it is: name the type, e.g. group:Sales"),
    Case('membership-untyped-device-name', MODULE, {'group': 'Devices', 'members': [upn('adele'), 'LAPTOP-0042']},
         "members[1]: 'LAPTOP-0042' does not say what it is: name the type, e.g. group:LAPTOP-0042"),
    Case('membership-unknown-type-prefix', MODULE, after_valid({'group': 'Devices', 'members': ['laptop:LAPTOP-0042']}),
         "memberships[1].members[0]: 'laptop:LAPTOP-0042' does not start with a member type: 'laptop' is not one of user, group, device, "
         "servicePrincipal, orgContact"),
    Case('membership-type-without-name', MODULE, after_valid({'group': 'Devices', 'members': ['device:']}),
         "memberships[1].members[0]: 'device:' names no device; write device:NAME or device:OBJECT-ID"),
    Case('membership-user-by-display-name', MODULE, after_valid({'group': 'Engineering', 'members': ['user:Adele Vance']}),
         "memberships[1].members[0]: 'user:Adele Vance': users are named by userPrincipalName (name@domain) or object id"),
    Case('membership-untyped-display-name-as-user', MODULE, after_valid({'user': 'Adele Vance', 'groups': ['Engineering']}),
         "memberships[1].user: 'Adele Vance' does not say what it is"),
    Case('membership-empty-member', MODULE, after_valid({'group': 'Engineering', 'members': [upn('alex'), '']}),
         'memberships[1].members[1]: empty reference'),
    Case('membership-blank-group', MODULE, after_valid({'group': '  ', 'members': [upn('alex')]}), 'memberships[1].group: empty reference'),
    Case('membership-device-in-groups-list', MODULE, after_valid({'user': upn('alex'), 'groups': ['Engineering', 'device:LAPTOP-0042']}),
         "memberships[1].groups[1]: 'device:LAPTOP-0042' is a device reference; groups lists groups"),
    Case('membership-group-name-that-reads-as-a-type', MODULE, after_valid({'user': upn('alex'), 'groups': ['Device: fleet']}),
         ["memberships[1].groups[0]: 'Device: fleet' is a device reference", 'is written group:Device: fleet']),
    Case('membership-user-as-group', MODULE, after_valid({'group': 'user:' + upn('adele'), 'members': [upn('alex')]}),
         "memberships[1].group: 'user:%s' is a user reference; group takes a group" % upn('adele')),
    Case('membership-recently-created-untyped-name', MODULE, after_valid(recently_created=['Fresh team']),
         "recently_created[0]: 'Fresh team' does not say what it is: name the type, e.g. group:Fresh team", modes=BOTH),
    # items and fields
    Case('membership-item-with-both-sides', MODULE, after_valid({'group': 'Sales', 'user': upn('adele'), 'members': [upn('alex')]}),
         'memberships[1]: give either group with members, or user with groups'),
    Case('membership-item-with-neither-side', MODULE, after_valid({'members': [upn('alex')]}),
         'memberships[1]: give either group with members, or user with groups'),
    Case('membership-members-with-user', MODULE, after_valid({'user': upn('alex'), 'members': [upn('adele')]}),
         'memberships[1]: groups goes with user, not members'),
    Case('membership-user-without-groups', MODULE, after_valid({'user': upn('alex')}), 'memberships[1]: groups is required with user'),
    Case('membership-groups-as-text-in-item', MODULE, after_valid({'user': upn('alex'), 'groups': 'Engineering, All staff'}),
         ["memberships[1].groups must be a list, got the text 'Engineering, All staff'"]),
    Case('membership-members-as-text', MODULE, {'group': 'Sales', 'members': '%s, %s' % (upn('alex'), upn('adele'))},
         'members must be a list, got the text'),
    Case('membership-exact-empty-without-allow-empty', MODULE, after_valid({'user': upn('alex'), 'groups': []}, state='exact'),
         'memberships[1]: state=exact with an empty groups list would remove every direct membership; set allow_empty: true', modes=BOTH),
    # options
    Case('membership-member-types-empty', MODULE, after_valid(state='exact', member_types=[]), 'member_types is empty'),
    Case('membership-member-types-unknown', MODULE, after_valid(state='exact', member_types=['users']), 'member_types'),
    Case('membership-member-types-leave-out-a-listed-type', MODULE,
         after_valid({'group': 'Devices', 'members': [upn('adele'), 'device:LAPTOP-0042']}, state='exact', member_types=['user']),
         "memberships[1].members[1]: 'device:LAPTOP-0042' is a device, but member_types (user) leaves devices out of state=exact", modes=BOTH),
    Case('membership-member-types-leave-out-an-id', MODULE,
         {'group': 'Devices', 'members': [upn('adele'), SERVICE_PRINCIPAL_ID], 'state': 'exact', 'member_types': ['user', 'device']},
         "members[1]: object id '%s' is a servicePrincipal, but member_types (user, device) leaves servicePrincipals out" % SERVICE_PRINCIPAL_ID),
    Case('membership-on-missing-permission-unknown', MODULE, after_valid(on_missing_permission='ignore'), 'on_missing_permission'),
    Case('membership-replication-timeout-negative', MODULE, after_valid(replication_timeout=-1),
         'replication_timeout must be at least 0 and at most 3600, got -1'),
    Case('membership-replication-timeout-huge', MODULE, after_valid(replication_timeout=7200), 'replication_timeout must be at least 0 and at most 3600'),
    Case('membership-max-removals-negative', MODULE, after_valid(state='exact', max_removals=-2), 'max_removals must be at least 0, got -2'),
    Case('membership-typo-member-types', MODULE, after_valid(member_type=['user']), "unsupported option 'member_type' (did you mean 'member_types'?)"),
    Case('membership-typo-recently-created', MODULE, after_valid(recent=[upn('alex')]), "unsupported option 'recent'"),
    # names and ids that do not resolve: refused at once, no replication wait (replication_timeout is 30 s)
    Case('membership-misspelt-user', MODULE, after_valid({'user': upn('adel'), 'groups': ['Engineering']}),
         "memberships[1].user: user '%s' was not found" % upn('adel'), modes=BOTH, why='used to wait the whole replication_timeout'),
    Case('membership-misspelt-group', MODULE, after_valid({'user': upn('alex'), 'groups': ['Enginering']}),
         "memberships[1].groups[0]: group 'Enginering' was not found", modes=BOTH),
    Case('membership-misspelt-device', MODULE, after_valid({'group': 'Devices', 'members': ['device:LAPTOP-0024']}),
         "memberships[1].members[0]: device 'LAPTOP-0024' was not found"),
    Case('membership-unknown-service-principal', MODULE, after_valid({'user': 'servicePrincipal:Payroll sync', 'groups': ['Devices']}),
         "memberships[1].user: servicePrincipal 'Payroll sync' was not found"),
    Case('membership-unknown-contact', MODULE, after_valid({'group': 'Devices', 'members': ['orgContact:nobody@fabrikam.example']}),
         "memberships[1].members[0]: orgContact 'nobody@fabrikam.example' was not found"),
    Case('membership-unknown-object-id', MODULE, after_valid({'group': 'Engineering', 'members': [UNKNOWN_ID]}),
         "memberships[1].members[0]: object id '%s' was not found" % UNKNOWN_ID),
    Case('membership-ambiguous-group', MODULE, after_valid({'user': upn('alex'), 'groups': ['Twin']}),
         ["memberships[1].groups[0]: group 'Twin' is ambiguous: 2 objects have that name (ids ", 'use the id instead'], modes=BOTH),
    Case('membership-ambiguous-device', MODULE, after_valid({'group': 'Devices', 'members': ['device:kiosk']}),
         "memberships[1].members[0]: device 'kiosk' is ambiguous: 2 objects have that name"),
    Case('membership-typed-id-of-another-type', MODULE, after_valid({'group': 'Devices', 'members': ['user:' + DEVICE_ID]}),
         "memberships[1].members[0]: user id '%s' is a device, not a user" % DEVICE_ID),
    Case('membership-group-id-of-a-contact', MODULE, after_valid({'group': CONTACT_ID, 'members': [upn('alex')]}),
         "memberships[1].group: group id '%s' is an orgContact, not a group" % CONTACT_ID),
    # what Graph would refuse
    Case('membership-device-into-microsoft-365-group', MODULE, after_valid({'group': 'Team', 'members': [upn('alex'), 'device:LAPTOP-0042']}),
         "memberships[1].members[1]: device:LAPTOP-0042 cannot be a member of group 'Team': group 'Team' is a Microsoft 365 group, "
         "which accepts users only", modes=BOTH),
    Case('membership-microsoft-365-group-nested', MODULE, after_valid({'user': 'group:Team', 'groups': ['Engineering']}),
         "memberships[1].groups[0]: group:Team cannot be a member of group 'Engineering': a Microsoft 365 group cannot be a member of another group"),
    Case('membership-group-into-itself', MODULE, after_valid({'group': 'Devices', 'members': ['group:Devices']}),
         "memberships[1].members[0]: group:Devices cannot be a member of group 'Devices': a group cannot be a member of itself"),
    Case('membership-group-into-role-assignable-group', MODULE, after_valid({'group': 'Helpdesk admins', 'members': ['group:Sales']}),
         "group 'Helpdesk admins' is role-assignable, and groups cannot be nested in a role-assignable group"),
    Case('membership-dynamic-group', MODULE, after_valid({'user': upn('alex'), 'groups': ['All users (dynamic)']}),
         "memberships[1].groups[0]: group 'All users (dynamic)' (", modes=BOTH),
    Case('membership-distribution-list', MODULE, after_valid({'group': 'Sales DL', 'members': [upn('alex')]}),
         'is a distribution list; Graph cannot change its membership'),
    Case('membership-role-assignable-without-permission', MODULE, after_valid({'group': 'Helpdesk admins', 'members': [upn('alex')]}),
         ["changing the members of role-assignable group 'Helpdesk admins'", 'needs the Graph permission RoleManagement.ReadWrite.Directory',
          'on_missing_permission: skip'], modes=BOTH, why='Graph answered 403 after other memberships were written'),
    Case('membership-leaver-in-role-assignable-group', MODULE,
         {'memberships': [{'user': upn('megan'), 'groups': []}], 'state': 'exact', 'allow_empty': True},
         "role-assignable group 'Helpdesk admins'", modes=BOTH),
    # keep (memberships state=exact leaves as they are)
    Case('membership-keep-without-exact', MODULE, after_valid({'user': upn('alex'), 'groups': ['Engineering'], 'keep': ['Devices']}),
         'memberships[1]: keep only applies to state=exact (state=present adds or removes only what is listed); leave it out'),
    Case('membership-keep-also-listed', MODULE, after_valid({'user': upn('alex'), 'groups': ['Engineering'], 'keep': ['engineering']},
                                                            state='exact'),
         "memberships[1].keep[0]: 'engineering' is both listed and kept; list it to have the membership, or keep it"),
    Case('membership-keep-unknown-group', MODULE, after_valid({'user': upn('alex'), 'groups': ['Engineering'], 'keep': ['No such group']},
                                                              state='exact'),
         "memberships[1].keep[0]: group 'No such group' was not found", modes=BOTH),
    Case('membership-keep-device-as-group', MODULE,
         {'user': upn('alex'), 'groups': ['Engineering'], 'keep': ['device:LAPTOP-0042'], 'state': 'exact'},
         "keep[0]: 'device:LAPTOP-0042' is a device reference; groups lists groups"),
    Case('membership-max-removals-every-type', MODULE, {'group': 'Devices', 'members': [upn('adele')], 'state': 'exact', 'max_removals': 2},
         'Nothing was changed: 1 problem(s) in memberships: max_removals: this run would remove 3 memberships, more than the 2 it allows', modes=BOTH),
]
