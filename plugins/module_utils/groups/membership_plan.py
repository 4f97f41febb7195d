# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""graph_group_membership's plan: resolve every reference, read the current membership, compare, and refuse early.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

``MembershipPlanner`` refuses (an ``InputError``, before any write) what Graph would refuse and what the task's
guard rails forbid; what it plans to add and remove goes to ``membership_writer``.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import PAGE_SIZE, object_path
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError, Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    COLLECTIONS,
    GROUP_FIELDS,
    MEMBER_TYPES,
    name_of,
    object_type,
    reference_of,
    type_phrase,
    typed,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.resolver import DirectoryResolver
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.rules import (
    ROLE_PERMISSION,
    has_permission,
    members_url,
    membership_refusal,
    permission_skip,
    unwritable,
)

# A group's mail as well: the Exchange Online command for a group Graph cannot change names the group by it.
PLAN_GROUP_FIELDS = GROUP_FIELDS + ('mail',)
# The write each state makes, for the advice about a group Graph cannot change (exact may do either).
ACTIONS = {'present': 'add', 'absent': 'remove'}


def new_object(reference):
    """Stand-in for an object listed in recently_created that check mode cannot find (it is created by the real run)."""
    obj = {'id': 'new:%s:%s' % (reference.type or '*', reference.value.lower()), '_new': True}
    obj['userPrincipalName' if reference.type == 'user' else 'displayName'] = reference.value
    return typed(obj, reference.type)


def describe(reference):
    """``user 'adele@contoso.com'``, ``device id '51ac...'``, ``object id '51ac...'``."""
    if reference.is_id:
        return "%s id '%s'" % (reference.type or 'object', reference.value)
    return "%s '%s'" % (reference.type, reference.value)


class MembershipPlanner:
    """Reads what is, compares it with what the task wants, and lists the writes; refuses before writing."""

    def __init__(self, client, task, check_mode=False, warn=None, claims=None):
        self.client = client
        self.task = task
        self.items = task.items
        self.state = task.state
        self.check_mode = check_mode
        self.wait = 0.0 if check_mode else task.replication_timeout  # check mode writes nothing, so there is nothing to wait for
        self.warn = warn or (lambda message: None)
        self.claims = claims or (lambda: {})
        self.objects = {}   # id -> every object met (owners, listed, current members and groups)
        self.fresh = set()  # ids of objects listed in recently_created
        self.current = {}   # (side, owner id) -> {id: object}
        self.added, self.removed, self.skipped = [], [], []
        self.unchanged = 0

    def plan(self):
        self.resolve()
        self.read_current()
        self.compare()
        self.check_permission()
        self.check_max_removals()
        return self

    # Resolving

    def resolve(self):
        """Resolve every reference in one bulk lookup; refuse (naming each place) what is unknown, ambiguous or not allowed."""
        references = [item.owner for item in self.items] + [ref for item in self.items for ref in item.listed + item.kept]
        resolver = DirectoryResolver(self.client, wait_for_missing=self.wait, recently_created=self.task.recently_created)
        lookup = resolver.resolve(references, {'group': ('mail',)})
        problems = []
        resolved = {}  # reference key -> object
        for reference in references:
            obj = lookup.get(reference)
            problem = lookup.problem(reference)
            recent = self.task.is_recent(reference)
            if obj is None and problem == 'was not found' and recent:
                if self.check_mode:
                    obj = new_object(reference)
                else:
                    problem = 'was not found within replication_timeout=%s s (it is listed in recently_created)' % self.task.replication_timeout
            if obj is None:
                problems.append(reference.problem('%s %s' % (describe(reference), problem), reference.text))
                continue
            obj = self.objects.setdefault(obj['id'], obj)
            resolved[reference.key] = obj
            if recent:
                self.fresh.add(obj['id'])
        for item in self.items:
            item.owner_obj = resolved.get(item.owner.key)
            item.resolved = [(ref, resolved.get(ref.key)) for ref in item.listed]
            item.listed_objs = dict((obj['id'], obj) for dummy, obj in item.resolved if obj is not None)
            item.kept_ids = set(resolved[ref.key]['id'] for ref in item.kept if ref.key in resolved)
        problems.extend(self._rule_problems())
        if problems:
            raise InputError(problems)

    def _rule_problems(self):
        """Problems with what was found: wrong types, groups Graph cannot change, members Graph would refuse."""
        problems = []
        exact_types = self.task.member_types if self.state == 'exact' else MEMBER_TYPES
        for item in self.items:
            pairs = []
            if item.side == 'group':
                group = item.owner_obj
                group_ok = group is not None and self._check_group(item.owner, group, problems, self.state)
                for reference, member in item.resolved:
                    if member is not None and self._check_member(reference, member, problems, exact_types) and group_ok:
                        pairs.append((reference, group, member))
            elif item.owner_obj is not None and self._check_member(item.owner, item.owner_obj, problems, exact_types):
                for reference, group in item.resolved:
                    if group is not None and self._check_group(reference, group, problems, self.state, item.owner_obj):
                        pairs.append((reference, group, item.owner_obj))
            if self.state == 'absent':
                continue
            for reference, group, member in pairs:
                refusal = None if group.get('_new') or member.get('_new') else membership_refusal(group, member)
                if refusal:
                    problems.append(reference.problem("%s cannot be a member of group '%s': %s" % (reference_of(member), name_of(group), refusal),
                                                      reference.text))
        return problems

    @staticmethod
    def _check_group(reference, group, problems, state, member=None):
        """True when ``group`` is a group whose membership Graph can change; else notes the problem, with what to do
        instead as its hint (the Exchange Online command when the change is one member's)."""
        if group.get('_new'):
            return True
        if object_type(group) != 'group':
            problems.append(reference.problem('%s is %s, not a group' % (describe(reference), type_phrase(group)), reference.text))
            return False
        found = unwritable(group, ACTIONS.get(state), member)
        if found:
            problems.append(reference.problem("group '%s' (%s) is %s; Graph cannot change its membership" % (name_of(group), group['id'], found['reason']),
                                              reference.text, hint=found['remedy']))
            return False
        return True

    @staticmethod
    def _check_member(reference, member, problems, exact_types):
        """True when ``member`` can be a member under the task's member_types; else notes the problem."""
        if member.get('_new'):
            return True
        found = object_type(member)
        if found is None:
            problems.append(reference.problem('%s is %s, which cannot be a group member' % (describe(reference), type_phrase(member)),
                                              reference.text))
            return False
        if found not in exact_types:
            problems.append(reference.problem("%s is a %s, but member_types (%s) leaves %ss out of state=exact"
                                              % (describe(reference), found, ', '.join(exact_types), found), reference.text))
            return False
        return True

    # Reading

    def read_current(self):
        """Direct membership of every owner: one batched, paged read per API version.

        A group's members come from the beta endpoint, because v1.0 leaves service principals out of
        ``/members`` (a Graph known issue; beta is the documented workaround). A member's groups come from v1.0.
        """
        wanted = {None: [], 'beta': []}  # None: the configured version
        for side, owner in self._owners():
            key = (side, owner['id'])
            if owner.get('_new'):
                self.current[key] = {}
                continue
            if side == 'group':
                url = members_url(owner['id'])
                version = 'beta'
            else:
                collection = COLLECTIONS.get(object_type(owner), 'directoryObjects')
                url = object_path(collection, owner['id'], 'memberOf') + '?$select=%s&$top=%d' % (','.join(PLAN_GROUP_FIELDS), PAGE_SIZE)
                version = None
            wanted[version].append({'id': '%s:%s' % key, 'url': url, 'replication_wait': self.wait if owner['id'] in self.fresh else 0.0})
        for version, requests_ in wanted.items():
            if not requests_:
                continue
            for answer in self.client.batch(requests_, paginate=True, api_version=version):
                side, owner_id = answer.id.split(':', 1)
                if not answer.ok:
                    relation = 'members' if side == 'group' else 'groups'
                    raise answer.error(context="Reading the %s of %s '%s'" % (relation, side, name_of(self.objects.get(owner_id)) or owner_id))
                values = [v for v in (answer.body or {}).get('value', []) if isinstance(v, dict) and v.get('id')]
                if side == 'user':
                    # memberOf also lists directory roles and administrative units
                    values = [v for v in values if object_type(v) == 'group']
                for value in values:
                    self.objects.setdefault(value['id'], value)
                self.current[(side, owner_id)] = dict((v['id'], v) for v in values)

    def _owners(self):
        owners = {}
        for item in self.items:
            owners.setdefault((item.side, item.owner_obj['id']), item.owner_obj)
        return [(side, obj) for (side, dummy), obj in owners.items()]

    # Comparing

    def compare(self):
        """Fill ``added``/``removed``/``skipped`` and count ``unchanged``; pairs are (group id, member id)."""
        planned_add, planned_remove, wanted = {}, {}, set()
        for item in self.items:
            owner_id = item.owner_obj['id']
            current = self.current[(item.side, owner_id)]
            for other_id, other in item.listed_objs.items():
                pair = self._pair(item, owner_id, other_id)
                wanted.add(pair)
                present = other_id in current
                if self.state in ('present', 'exact') and not present:
                    planned_add[pair] = self._entry(pair)
                elif self.state == 'absent' and present:
                    planned_remove[pair] = self._entry(pair)
                else:
                    self.unchanged += 1
            if self.state != 'exact':
                continue
            for other_id, other in current.items():
                if other_id in item.listed_objs:
                    continue
                if other_id in item.kept_ids:
                    self.unchanged += 1
                    continue
                if item.side == 'group' and object_type(other) not in self.task.member_types:
                    continue  # a type member_types leaves alone
                pair = self._pair(item, owner_id, other_id)
                found = unwritable(other, 'remove', item.owner_obj) if item.side == 'user' else None
                if found:
                    entry = dict(self._entry(pair), action='remove', **found)
                    self.skipped.append(entry)
                    self.warn("Left %s in group '%s': it is %s, Graph cannot change its membership; %s"
                              % (entry['member'], entry['group'], found['reason'], found['remedy']))
                else:
                    planned_remove[pair] = self._entry(pair)
        self.added = list(planned_add.values())
        # With exact, a membership one item lists is never removed because another item (its other side) does not.
        self.removed = [entry for pair, entry in planned_remove.items() if self.state == 'absent' or pair not in wanted]

    @staticmethod
    def _pair(item, owner_id, other_id):
        return (owner_id, other_id) if item.side == 'group' else (other_id, owner_id)

    def _entry(self, pair):
        group, member = self.objects[pair[0]], self.objects[pair[1]]
        return {'group_id': None if group.get('_new') else group['id'], 'group': name_of(group),
                'member_id': None if member.get('_new') else member['id'], 'member': name_of(member),
                'member_type': object_type(member), '_pair': pair}

    # Guard rails

    def check_permission(self):
        """Role-assignable groups: refuse (or, with on_missing_permission=skip, leave) their changes when the token lacks the permission."""
        affected = [entry for entry in self.added + self.removed if self._role_assignable(entry)]
        if not affected or has_permission(self.claims(), ROLE_PERMISSION) is not False:
            return
        groups = list(dict.fromkeys("'%s' (%s)" % (entry['group'], entry['group_id']) for entry in affected))
        if self.task.on_missing_permission != 'skip':
            raise InputError([Problem('changing the members of role-assignable group %s needs the Graph permission %s, which the access '
                                      'token does not carry; grant it to the app, or set on_missing_permission: skip to leave these groups '
                                      'and change the rest' % (', '.join(groups), ROLE_PERMISSION))])
        for action, entries in (('add', self.added), ('remove', self.removed)):
            self.skipped.extend(dict(entry, action=action, **permission_skip())
                                for entry in entries if self._role_assignable(entry))
        self.added = [entry for entry in self.added if not self._role_assignable(entry)]
        self.removed = [entry for entry in self.removed if not self._role_assignable(entry)]
        self.warn('Left the members of role-assignable group %s as they are: changing them needs %s, which the access token does not carry'
                  % (', '.join(groups), ROLE_PERMISSION))

    def _role_assignable(self, entry):
        return bool(self.objects[entry['_pair'][0]].get('isAssignableToRole'))

    def check_max_removals(self):
        limit = self.task.max_removals
        if limit is not None and len(self.removed) > limit:
            raise InputError([Problem('this run would remove %d memberships, more than the %d it allows (first ones: %s)'
                                      % (len(self.removed), limit, ', '.join('%s from %s' % (e['member'], e['group']) for e in self.removed[:5])),
                                      field='max_removals')])

    # Reporting

    def view(self, added, removed):
        """Before/after per owner that changes, for diff: a group's members as references, a member's groups by name."""
        before, after = {}, {}
        for item in self.items:
            owner = item.owner_obj
            owner_type = object_type(owner) or 'object'
            if item.side == 'group':
                key = 'group %s' % name_of(owner)
            else:
                key = '%s %s%s' % (owner_type, name_of(owner), ' (as member)' if owner_type == 'group' else '')
            current = self.current[(item.side, owner['id'])]
            show = reference_of if item.side == 'group' else name_of
            index = 1 if item.side == 'group' else 0
            names = dict((other_id, show(obj)) for other_id, obj in current.items())
            before[key] = sorted(names.values())
            for entry in added:
                if entry['_pair'][1 - index] == owner['id']:
                    names[entry['_pair'][index]] = show(self.objects[entry['_pair'][index]])
            for entry in removed:
                if entry['_pair'][1 - index] == owner['id']:
                    names.pop(entry['_pair'][index], None)
            after[key] = sorted(names.values())
        changed = [key for key in before if before[key] != after[key]]
        return dict((k, before[k]) for k in changed), dict((k, after[k]) for k in changed)
