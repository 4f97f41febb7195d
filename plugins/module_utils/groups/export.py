# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Groups and their direct members read back as graph_group_membership items (graph_group_info).

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from collections import Counter

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import PAGE_SIZE, is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    GROUP_FIELDS,
    MEMBER_TYPES,
    name_of,
    object_type,
    parse_reference,
    typed,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.resolver import DirectoryResolver
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_input import not_a_group, parse_or_note
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_plan import describe
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import group_types, members_url, unwritable_reason


class GroupExport:
    """Groups and their direct members, as graph_group_membership takes them (``memberships`` items)."""

    def __init__(self, client):
        self.client = client
        self.groups = []    # group objects found, in the order asked for (or by name)
        self.missing = []   # references given that were not found
        self.members = {}   # group id -> [member objects]
        self.every_group = False  # whether self.groups is every group of the tenant

    def read(self, texts=None):
        """Read the groups named by ``texts`` (references; every group when None) and the members of those Graph can change."""
        self.every_group = texts is None
        if self.every_group:
            self.groups = self._all_groups()
        else:
            self._find(texts)
        readable = [group for group in self.groups if not unwritable_reason(group)]
        requests_ = [{'id': group['id'], 'url': members_url(group['id'])} for group in readable]
        for answer in self.client.batch(requests_, paginate=True, api_version='beta'):
            if not answer.ok:
                raise answer.error(context="Reading the members of group '%s'" % answer.id)
            self.members[answer.id] = [v for v in (answer.body or {}).get('value', []) if isinstance(v, dict) and v.get('id')]
        return self

    def _all_groups(self):
        (answer,) = self.client.batch([{'id': 'groups', 'url': '/groups?$select=%s&$top=%d' % (','.join(GROUP_FIELDS), PAGE_SIZE)}], paginate=True)
        if not answer.ok:
            raise answer.error(context='Listing groups')
        groups = [typed(g, 'group') for g in (answer.body or {}).get('value', [])]
        return sorted(groups, key=lambda g: (str(g.get('displayName') or '').lower(), g['id']))

    def _find(self, texts):
        problems = []
        references = []
        for index, text in enumerate(texts):
            reference = parse_or_note(text, 'groups[%d]' % index, 'group', problems)
            if reference is not None and reference.type != 'group':
                problems.append(not_a_group(reference, 'groups lists groups'))
            elif reference is not None:
                references.append(reference)
        if problems:
            raise InputError(problems)
        lookup = DirectoryResolver(self.client).resolve(references)
        found = {}
        for reference in references:
            problem = lookup.problem(reference)
            if problem == 'was not found':
                self.missing.append(reference.text)
            elif problem:
                problems.append(reference.problem('%s %s' % (describe(reference), problem), reference.text))
            else:
                group = lookup.get(reference)
                found.setdefault(group['id'], group)
        if problems:
            raise InputError(problems)
        self.groups = list(found.values())

    def result(self):
        """``(groups, memberships)``: group properties, and ``{group, members}`` items naming objects by unique names."""
        names = self._unique_names()
        groups = []
        for group in self.groups:
            entry = dict((field, group.get(field)) for field in GROUP_FIELDS if field != 'membershipRule')
            entry['isAssignableToRole'] = bool(group.get('isAssignableToRole'))  # Graph answers null for groups created without it
            if 'dynamicmembership' in group_types(group):
                entry['membershipRule'] = group.get('membershipRule')
            groups.append(entry)
        memberships = []
        for group in self.groups:
            if group['id'] not in self.members:
                continue
            members = sorted(names.get(member['id']) or member['id'] for member in self.members[group['id']])
            memberships.append({'group': _group_field(names.get(group['id']), group['id']), 'members': members})
        return groups, memberships

    def _unique_names(self):
        """{id: reference by name} for every group and member whose name finds exactly that object again."""
        objects = dict((group['id'], group) for group in self.groups)
        for members in self.members.values():
            for member in members:
                objects.setdefault(member['id'], member)
        # With every group read, whether a group's name is its own is counted here instead of asked of Graph,
        # which matches displayName case-insensitively but otherwise exactly.
        group_names = Counter(str(group.get('displayName')).lower() for group in self.groups) if self.every_group else None
        candidates, names = {}, {}
        for object_id, obj in objects.items():
            reference = _name_reference(obj)
            if reference is None:
                continue
            if reference.type == 'user':
                names[object_id] = reference.text  # userPrincipalNames are unique
            elif reference.type == 'group' and group_names is not None:
                if obj.get('displayName') == reference.value and group_names[reference.value.lower()] == 1:
                    names[object_id] = reference.text
            else:
                candidates[object_id] = reference
        lookup = DirectoryResolver(self.client).resolve(list(dict((ref.key, ref) for ref in candidates.values()).values()))
        for object_id, reference in candidates.items():
            found = lookup.get(reference)
            if found is not None and found['id'] == object_id:
                names[object_id] = reference.text
        return names


def _name_reference(obj):
    """``type:name`` as a Reference for ``obj``, or None when it has no name a reference can carry."""
    type_ = object_type(obj)
    name = name_of(obj)
    if type_ is None or not name or name == obj.get('id') or name != name.strip() or is_guid(name):
        return None
    if type_ == 'user' and '@' not in name:
        return None
    text = '%s:%s' % (type_, name)
    return parse_reference(text, text)


def _group_field(reference_text, group_id):
    """A group for the ``group`` option: its plain name unless that would read as a typed reference, else the id."""
    if not reference_text:
        return group_id
    name = reference_text.split(':', 1)[1]
    prefix = name.partition(':')[0].strip().lower()
    return reference_text if prefix in [t.lower() for t in MEMBER_TYPES] else name
