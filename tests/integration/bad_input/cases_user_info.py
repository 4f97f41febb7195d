# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_user_info: input refused with a message naming the option and item (the module only reads)."""

from __future__ import annotations

from . import Case
from .tenant import upn

BOTH = ('real', 'check')

CASES = [
    Case('info-users-as-text', 'graph_user_info', {'users': '%s, %s' % (upn('adele'), upn('megan'))}, 'users must be a list'),
    Case('info-users-and-filter', 'graph_user_info', {'users': [upn('adele')], 'filter': "department eq 'Sales'"},
         'parameters are mutually exclusive: users|filter'),
    Case('info-user-not-a-name', 'graph_user_info', {'users': [upn('adele'), 'Megan Bowen']},
         "users[1]: 'Megan Bowen' is neither a userPrincipalName nor an object id", modes=BOTH),
    Case('info-properties-as-text', 'graph_user_info', {'users': [upn('adele')], 'properties': 'displayName, jobTitle'},
         'properties must be a list'),
    Case('info-unknown-property', 'graph_user_info', {'users': [upn('adele')], 'properties': ['displayName', 'favouriteColour']},
         "properties[1]: Graph's users have no property 'favouriteColour'", modes=BOTH),
    Case('info-licenses-as-property', 'graph_user_info', {'users': [upn('adele')], 'properties': ['licenses']},
         "properties[0]: 'licenses' is not a user property; licences come with include_licenses"),
    Case('info-manager-as-property', 'graph_user_info', {'users': [upn('adele')], 'properties': ['jobTitle', 'manager']},
         "properties[1]: 'manager' is not a user property; the manager comes with include_manager"),
    Case('info-password-profile', 'graph_user_info', {'users': [upn('adele')], 'properties': ['passwordProfile']},
         "properties[0]: 'passwordProfile' cannot be written back by graph_user_bulk"),
    Case('info-read-only-property', 'graph_user_info', {'filter': "jobTitle eq 'Engineer'", 'properties': ['createdDateTime']},
         "properties[0]: 'createdDateTime' cannot be written back by graph_user_bulk (read-only in Graph)"),
    Case('info-property-not-a-name', 'graph_user_info', {'properties': ['job title']}, "properties[0]: 'job title' is not a Graph property name"),
    Case('info-empty-filter', 'graph_user_info', {'filter': ' '}, 'filter: is empty; leave it out to read every user'),
    Case('info-bad-filter', 'graph_user_info', {'filter': 'department eq', 'properties': ['displayName']},
         'Reading users with filter department eq'),
    Case('info-include-licenses-not-boolean', 'graph_user_info', {'users': [upn('adele')], 'include_licenses': 'perhaps'}, 'include_licenses'),
    Case('info-typo-option', 'graph_user_info', {'user': [upn('adele')]}, "unsupported option 'user' (did you mean 'users'?)"),
]
