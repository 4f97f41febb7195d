# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""graph_group_membership's input: the task's options checked and turned into a ``MembershipTask``.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Every problem is found at once and raised as one ``InputError``, each naming its item and field
(``memberships[2].groups[1]``).
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError, Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import MEMBER_TYPES, parse_reference


class MembershipItem:
    """One requested relation: a group with its members (side ``group``), or a member with its groups (side ``user``)."""

    def __init__(self, label, side, owner, listed, kept=()):
        self.label = label    # 'memberships[2]', or None for the top-level options
        self.side = side
        self.owner = owner    # Reference
        self.listed = listed  # [Reference]
        self.kept = list(kept)  # [Reference]: memberships state=exact leaves as they are (the item's keep)
        self.owner_obj = None  # filled by the planner:
        self.resolved = []     # [(reference, object)] for listed
        self.listed_objs = {}  # id -> object
        self.kept_ids = set()  # ids of the kept objects


class MembershipTask:
    """The task, checked: its items and the options planning needs."""

    def __init__(self, items, state='present', max_removals=None, replication_timeout=0.0, member_types=None,
                 on_missing_permission='fail', recently_created=()):
        self.items = items
        self.state = state
        self.max_removals = max_removals
        self.replication_timeout = replication_timeout or 0.0
        self.member_types = tuple(member_types) if member_types is not None else MEMBER_TYPES
        self.on_missing_permission = on_missing_permission
        self.recently_created = list(recently_created)

    def is_recent(self, reference):
        return reference.is_among(self.recently_created)


def parse_membership_task(params):
    """A ``MembershipTask`` from the module's parameters; raises ``InputError`` with every problem found."""
    problems = []
    member_types = params.get('member_types')
    if member_types is not None and not member_types:
        problems.append(Problem('is empty; list the member types state=exact may compare and remove, or leave it out for all',
                                field='member_types', joiner=' '))
    recently_created = []
    for index, text in enumerate(params.get('recently_created') or []):
        reference = parse_or_note(text, 'recently_created[%d]' % index, None, problems)
        if reference is not None:
            recently_created.append(reference)
    if params.get('memberships') is not None:
        raw_items = [('memberships[%d]' % index, entry) for index, entry in enumerate(params['memberships'])]
    else:
        raw_items = [(None, params)]
    items = []
    for label, entry in raw_items:
        item = _parse_item(label, entry, params, member_types, problems)
        if item is not None:
            items.append(item)
    if problems:
        raise InputError(problems)
    return MembershipTask(items, params['state'], params.get('max_removals'), params.get('replication_timeout'), member_types,
                          params.get('on_missing_permission') or 'fail', recently_created)


def _parse_item(label, entry, params, member_types, problems):
    if not isinstance(entry, dict):
        problems.append(Problem('must be a dict with group and members, or user and groups', label))
        return None
    has_group, has_user = entry.get('group') is not None, entry.get('user') is not None
    if has_group == has_user:
        problems.append(Problem('give either group with members, or user with groups', label or 'task'))
        return None
    side, listed_key, wrong_key = ('group', 'members', 'groups') if has_group else ('user', 'groups', 'members')
    subject = entry[side]
    name = label or "%s '%s'" % (side, subject)
    if entry.get(wrong_key) is not None:
        problems.append(Problem('%s goes with %s, not %s' % (listed_key, side, wrong_key), label, wrong_key, subject, where=name))
        return None
    if entry.get(listed_key) is None:
        problems.append(Problem('%s is required with %s' % (listed_key, side), label, listed_key, subject, where=name))
        return None
    count = len(problems)
    owner = parse_or_note(subject, side, 'group' if side == 'group' else None, problems, label)
    listed = [parse_or_note(text, '%s[%d]' % (listed_key, index), 'group' if side == 'user' else None, problems, label)
              for index, text in enumerate(entry[listed_key])]
    kept = [parse_or_note(text, 'keep[%d]' % index, 'group' if side == 'user' else None, problems, label)
            for index, text in enumerate(entry.get('keep') or [])]
    _keep_problems(entry, listed, kept, params['state'], name, label, problems)
    if owner is not None and side == 'group' and owner.type != 'group':
        problems.append(not_a_group(owner, 'group takes a group'))
    for reference in listed + kept:
        if reference is not None and side == 'user' and reference.type != 'group':
            problems.append(not_a_group(reference, 'groups lists groups'))
    if params['state'] == 'exact' and member_types:
        typed_members = [owner] if side == 'user' else listed
        for reference in typed_members:
            if reference is not None and reference.type and reference.type not in member_types:
                problems.append(reference.problem("'%s' is a %s, but member_types (%s) leaves %ss out of state=exact"
                                                  % (reference.text, reference.type, ', '.join(member_types), reference.type)))
    if params['state'] == 'exact' and not listed and not params.get('allow_empty'):
        problems.append(Problem('state=exact with an empty %s list would remove every direct membership%s; set allow_empty: true if that '
                                'is intended' % (listed_key, ' but the kept ones' if entry.get('keep') else ''), label, listed_key, subject,
                                where=name))
    if len(problems) > count:
        return None
    return MembershipItem(label, side, owner, listed, kept)


def _keep_problems(entry, listed, kept, state, name, label, problems):
    """``keep`` goes with state=exact only, and names nothing the item also lists."""
    if entry.get('keep') and state != 'exact':
        problems.append(Problem('keep only applies to state=exact (state=%s adds or removes only what is listed); leave it out'
                                % state, label, 'keep', where=name))
        return
    listed_keys = set(reference.key for reference in listed if reference is not None)
    for reference in kept:
        if reference is not None and reference.key in listed_keys:
            problems.append(reference.problem("'%s' is both listed and kept; list it to have the membership, or keep it to leave the "
                                              "membership as it is, not both" % reference.text))


def not_a_group(reference, rule):
    """The problem of a typed reference of another type where only groups go."""
    return reference.problem("'%s' is a %s reference; %s (a group whose name starts with '%s:' is written group:%s)"
                             % (reference.text, reference.type, rule, reference.text.split(':', 1)[0], reference.text))


def parse_or_note(text, field, default_type, problems, item=None):
    """``parse_reference``, adding its problem to ``problems`` (and returning None) when ``text`` is not a reference."""
    try:
        return parse_reference(text, field, default_type, item)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
