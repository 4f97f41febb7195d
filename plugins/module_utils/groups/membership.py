# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Planning and writing direct group membership, for graph_group_membership.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

``read_request`` checks the task's input; ``Planner`` resolves every reference, reads the current membership,
compares, and refuses (before any write) what Graph would refuse or what the task's guard rails forbid;
``Writer`` sends the difference as tightly as Graph allows. Nothing here knows Ansible.
"""

from __future__ import annotations

from collections import Counter

from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    COLLECTIONS,
    GROUP_FIELDS,
    MEMBER_TYPES,
    DirectoryResolver,
    name_of,
    object_type,
    parse_reference,
    reference_of,
    type_phrase,
    typed,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import PAGE_SIZE, chunked, is_guid, object_path

MEMBERS_PER_PATCH = 20
MEMBER_FIELDS = ('id', 'displayName', 'userPrincipalName', 'mail', 'appId')
ROLE_PERMISSION = 'RoleManagement.ReadWrite.Directory'
ROLE_REASON = 'a role-assignable group; changing its members needs %s' % ROLE_PERMISSION
ALREADY_MEMBER = 'added object references already exist'
ALREADY_REMOVED = 'removed object references do not exist'
MAX_PLACES = 5


# ----- the task's input ------------------------------------------------------------------------


class Item:
    """One requested relation: a group with its members (side ``group``), or a member with its groups (side ``user``)."""

    def __init__(self, label, side, owner, listed):
        self.label = label    # 'memberships[2]', or None for the top-level options
        self.side = side
        self.owner = owner    # Reference
        self.listed = listed  # [Reference]
        self.owner_obj = None  # filled by Planner.resolve:
        self.resolved = []     # [(reference, object)] for listed
        self.listed_objs = {}  # id -> object

    @property
    def name(self):
        return self.label or "%s '%s'" % (self.side, self.owner.text)


class Request:
    """The task, checked: its items and the options planning needs."""

    def __init__(self, items, state='present', allow_empty=False, max_removals=None, replication_timeout=0.0, member_types=None,
                 on_missing_permission='fail', recently_created=()):
        self.items = items
        self.state = state
        self.allow_empty = allow_empty
        self.max_removals = max_removals
        self.replication_timeout = replication_timeout or 0.0
        self.member_types = tuple(member_types) if member_types is not None else MEMBER_TYPES
        self.on_missing_permission = on_missing_permission
        self.recently_created = list(recently_created)

    def is_recent(self, reference):
        return reference.is_among(self.recently_created)


def read_request(params):
    """A ``Request`` from the module's parameters; every problem found is reported at once, naming item and field."""
    problems = []
    member_types = params.get('member_types')
    if member_types is not None and not member_types:
        problems.append('member_types is empty; list the member types state=exact may compare and remove, or leave it out for all')
    recently_created = []
    for index, text in enumerate(params.get('recently_created') or []):
        try:
            recently_created.append(parse_reference(text, 'recently_created[%d]' % index))
        except GraphError as exc:
            problems.append(str(exc))
    if params.get('memberships') is not None:
        raw_items = [('memberships[%d]' % index, entry) for index, entry in enumerate(params['memberships'])]
    else:
        raw_items = [(None, params)]
    items = []
    for label, entry in raw_items:
        item = _read_item(label, entry, params, member_types, problems)
        if item is not None:
            items.append(item)
    if problems:
        raise GraphError('; '.join(problems))
    return Request(items, params['state'], params.get('allow_empty', False), params.get('max_removals'), params.get('replication_timeout'),
                   member_types, params.get('on_missing_permission') or 'fail', recently_created)


def _read_item(label, entry, params, member_types, problems):
    prefix = label + '.' if label else ''
    if not isinstance(entry, dict):
        problems.append('%s: must be a dict with group and members, or user and groups' % label)
        return None
    has_group, has_user = entry.get('group') is not None, entry.get('user') is not None
    if has_group == has_user:
        problems.append('%s: give either group with members, or user with groups' % (label or 'task'))
        return None
    side, listed_key, wrong_key = ('group', 'members', 'groups') if has_group else ('user', 'groups', 'members')
    name = label or "%s '%s'" % (side, entry[side])
    if entry.get(wrong_key) is not None:
        problems.append('%s: %s goes with %s, not %s' % (name, listed_key, side, wrong_key))
        return None
    if entry.get(listed_key) is None:
        problems.append('%s: %s is required with %s' % (name, listed_key, side))
        return None
    count = len(problems)
    owner = _parse(entry[side], prefix + side, 'group' if side == 'group' else None, problems)
    listed = [_parse(text, '%s%s[%d]' % (prefix, listed_key, index), 'group' if side == 'user' else None, problems)
              for index, text in enumerate(entry[listed_key])]
    if owner is not None and side == 'group' and owner.type != 'group':
        problems.append(not_a_group(owner, 'group takes a group'))
    for reference in listed:
        if reference is not None and side == 'user' and reference.type != 'group':
            problems.append(not_a_group(reference, 'groups lists groups'))
    if params['state'] == 'exact' and member_types:
        typed_members = [owner] if side == 'user' else listed
        for reference in typed_members:
            if reference is not None and reference.type and reference.type not in member_types:
                problems.append("%s: '%s' is a %s, but member_types (%s) leaves %ss out of state=exact"
                                % (reference.where, reference.text, reference.type, ', '.join(member_types), reference.type))
    if params['state'] == 'exact' and not listed and not params.get('allow_empty'):
        problems.append('%s: state=exact with an empty %s list would remove every direct membership; set allow_empty: true if that is intended'
                        % (name, listed_key))
    if len(problems) > count:
        return None
    return Item(label, side, owner, listed)


def not_a_group(reference, rule):
    """The problem of a typed reference of another type where only groups go."""
    return ("%s: '%s' is a %s reference; %s (a group whose name starts with '%s:' is written group:%s)"
            % (reference.where, reference.text, reference.type, rule, reference.text.split(':', 1)[0], reference.text))


def _parse(text, where, default_type, problems):
    try:
        return parse_reference(text, where, default_type)
    except GraphError as exc:
        problems.append(str(exc))
        return None


# ----- rules about groups ------------------------------------------------------------------------


def unwritable_reason(group):
    """Why Graph cannot change this group's membership (a phrase after "it is"), or None."""
    group_types = [str(t).lower() for t in group.get('groupTypes') or []]
    if 'dynamicmembership' in group_types:
        return 'a dynamic-membership group'
    if group.get('onPremisesSyncEnabled'):
        return 'synced from on-premises'
    if group.get('mailEnabled') and 'unified' not in group_types:
        return 'a mail-enabled security group' if group.get('securityEnabled') else 'a distribution list'
    return None


def is_unified(group):
    return 'unified' in [str(t).lower() for t in (group or {}).get('groupTypes') or []]


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


def new_object(reference):
    """Stand-in for an object listed in recently_created that check mode cannot find (it is created by the real run)."""
    obj = {'id': 'new:%s:%s' % (reference.type or '*', reference.value.lower()), '_new': True}
    obj['userPrincipalName' if reference.type == 'user' else 'displayName'] = reference.value
    return typed(obj, reference.type)


def _places(references):
    places = list(dict.fromkeys(ref.where for ref in references))
    text = ', '.join(places[:MAX_PLACES])
    if len(places) > MAX_PLACES:
        text += ' and %d more' % (len(places) - MAX_PLACES)
    return text


def _describe(reference):
    """``user 'adele@contoso.com'``, ``device id '51ac...'``, ``object id '51ac...'``."""
    if reference.is_id:
        return "%s id '%s'" % (reference.type or 'object', reference.value)
    return "%s '%s'" % (reference.type, reference.value)


# ----- planning ----------------------------------------------------------------------------------


class Planner:
    """Reads what is, compares it with what the request wants, and lists the writes; refuses before writing."""

    def __init__(self, client, request, check_mode=False, warn=None, claims=None):
        self.client = client
        self.request = request
        self.items = request.items
        self.state = request.state
        self.check_mode = check_mode
        self.wait = 0.0 if check_mode else request.replication_timeout  # check mode writes nothing, so there is nothing to wait for
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
        references = [item.owner for item in self.items] + [ref for item in self.items for ref in item.listed]
        resolver = DirectoryResolver(self.client, wait_for_missing=self.wait, recently_created=self.request.recently_created)
        lookup = resolver.resolve(references)
        problems = {}  # text -> [references]
        resolved = {}  # reference key -> object
        for reference in references:
            obj = lookup.get(reference)
            problem = lookup.problem(reference)
            recent = self.request.is_recent(reference)
            if obj is None and problem == 'was not found' and recent:
                if self.check_mode:
                    obj = new_object(reference)
                else:
                    problem = 'was not found within replication_timeout=%s s (it is listed in recently_created)' % self.request.replication_timeout
            if obj is None:
                problems.setdefault('%s %s' % (_describe(reference), problem), []).append(reference)
                continue
            obj = self.objects.setdefault(obj['id'], obj)
            resolved[reference.key] = obj
            if recent:
                self.fresh.add(obj['id'])
        for item in self.items:
            item.owner_obj = resolved.get(item.owner.key)
            item.resolved = [(ref, resolved.get(ref.key)) for ref in item.listed]
            item.listed_objs = dict((obj['id'], obj) for dummy, obj in item.resolved if obj is not None)
        for text, places in self._rule_problems().items():
            problems.setdefault(text, []).extend(places)
        self._raise(problems)

    @staticmethod
    def _raise(problems):
        if problems:
            raise GraphError('Nothing was changed: ' + '; '.join('%s: %s' % (_places(refs), text) for text, refs in problems.items()))

    def _rule_problems(self):
        """Problems with what was found: wrong types, groups Graph cannot change, members Graph would refuse."""
        problems = {}
        exact_types = self.request.member_types if self.state == 'exact' else MEMBER_TYPES
        for item in self.items:
            pairs = []
            if item.side == 'group':
                group = item.owner_obj
                group_ok = group is not None and self._check_group(item.owner, group, problems)
                for reference, member in item.resolved:
                    if member is not None and self._check_member(reference, member, problems, exact_types) and group_ok:
                        pairs.append((reference, group, member))
            elif item.owner_obj is not None and self._check_member(item.owner, item.owner_obj, problems, exact_types):
                for reference, group in item.resolved:
                    if group is not None and self._check_group(reference, group, problems):
                        pairs.append((reference, group, item.owner_obj))
            if self.state == 'absent':
                continue
            for reference, group, member in pairs:
                refusal = None if group.get('_new') or member.get('_new') else membership_refusal(group, member)
                if refusal:
                    problems.setdefault("%s cannot be a member of group '%s': %s" % (reference_of(member), name_of(group), refusal),
                                        []).append(reference)
        return problems

    @staticmethod
    def _check_group(reference, group, problems):
        """True when ``group`` is a group whose membership Graph can change; else notes the problem."""
        if group.get('_new'):
            return True
        if object_type(group) != 'group':
            problems.setdefault("%s is %s, not a group" % (_describe(reference), type_phrase(group)), []).append(reference)
            return False
        reason = unwritable_reason(group)
        if reason:
            problems.setdefault("group '%s' (%s) is %s; Graph cannot change its membership" % (name_of(group), group['id'], reason),
                                []).append(reference)
            return False
        return True

    @staticmethod
    def _check_member(reference, member, problems, exact_types):
        """True when ``member`` can be a member under the task's member_types; else notes the problem."""
        if member.get('_new'):
            return True
        found = object_type(member)
        if found is None:
            problems.setdefault('%s is %s, which cannot be a group member' % (_describe(reference), type_phrase(member)), []).append(reference)
            return False
        if found not in exact_types:
            problems.setdefault("%s is a %s, but member_types (%s) leaves %ss out of state=exact"
                                % (_describe(reference), found, ', '.join(exact_types), found), []).append(reference)
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
                url = object_path(collection, owner['id'], 'memberOf') + '?$select=%s&$top=%d' % (','.join(GROUP_FIELDS), PAGE_SIZE)
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
                if item.side == 'group' and object_type(other) not in self.request.member_types:
                    continue  # a type member_types leaves alone
                pair = self._pair(item, owner_id, other_id)
                reason = unwritable_reason(other) if item.side == 'user' else None
                if reason:
                    entry = dict(self._entry(pair), reason=reason)
                    self.skipped.append(entry)
                    self.warn("Left %s in group '%s': it is %s, Graph cannot change its membership" % (entry['member'], entry['group'], reason))
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
        if self.request.on_missing_permission != 'skip':
            raise GraphError('Nothing was changed: changing the members of role-assignable group %s needs the Graph permission %s, which the '
                             'access token does not carry; grant it to the app, or set on_missing_permission: skip to leave these groups '
                             'and change the rest' % (', '.join(groups), ROLE_PERMISSION))
        for action, entries in (('add', self.added), ('remove', self.removed)):
            self.skipped.extend(dict(entry, action=action, reason=ROLE_REASON, permission=ROLE_PERMISSION)
                                for entry in entries if self._role_assignable(entry))
        self.added = [entry for entry in self.added if not self._role_assignable(entry)]
        self.removed = [entry for entry in self.removed if not self._role_assignable(entry)]
        self.warn('Left the members of role-assignable group %s as they are: changing them needs %s, which the access token does not carry'
                  % (', '.join(groups), ROLE_PERMISSION))

    def _role_assignable(self, entry):
        return bool(self.objects[entry['_pair'][0]].get('isAssignableToRole'))

    def check_max_removals(self):
        limit = self.request.max_removals
        if limit is not None and len(self.removed) > limit:
            raise GraphError('Nothing was changed: this run would remove %d memberships, more than max_removals=%d (first ones: %s)'
                             % (len(self.removed), limit, ', '.join('%s from %s' % (e['member'], e['group']) for e in self.removed[:5])))

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


def public(entries):
    """Result entries without the planner's private keys."""
    return [dict((k, v) for k, v in entry.items() if not k.startswith('_')) for entry in entries]


# ----- writing -----------------------------------------------------------------------------------


class Writer:
    """Sends the planned writes as tightly as Graph allows and reports each membership's outcome.

    Additions to one group go 20 per ``PATCH members@odata.bind`` (all-or-nothing in Graph); a refused
    PATCH is retried member by member with ``POST members/$ref`` so one bad member does not sink the
    others. A lone addition goes straight to ``$ref``. Only single additions involving an object listed in
    recently_created wait out replication delay on 404. Removals never wait: after the read showed the
    membership, a 404 means someone else removed it first.
    """

    def __init__(self, client, fresh=(), wait=0.0):
        self.client = client
        self.fresh = set(fresh)
        self.wait = wait
        self.bind_base = client.settings.graph_base + '/directoryObjects/'

    def apply(self, added, removed):
        """Returns ``(done_added, done_removed, failed)``."""
        failed = []
        requests_, chunks, singles = [], {}, {}
        by_group = {}
        for entry in added:
            by_group.setdefault(entry['group_id'], []).append(entry)
        for group_id, entries in by_group.items():
            for index, chunk in enumerate(chunked(entries, MEMBERS_PER_PATCH)):
                request_id = 'add:%s:%d' % (group_id, index * MEMBERS_PER_PATCH)
                if len(chunk) == 1:
                    singles[request_id] = chunk[0]
                    requests_.append(self._single(request_id, chunk[0]))
                    continue
                chunks[request_id] = chunk
                requests_.append({'id': request_id, 'method': 'PATCH', 'url': object_path('groups', group_id),
                                  'body': {'members@odata.bind': [self.bind_base + e['member_id'] for e in chunk]}})
        removals = {}
        for index, entry in enumerate(removed):
            request_id = 'remove:%d' % index
            removals[request_id] = entry
            requests_.append({'id': request_id, 'method': 'DELETE', 'url': object_path('groups', entry['group_id'], 'members', entry['member_id'], '$ref')})
        done_added, done_removed, one_by_one = [], [], []
        for answer in self.client.batch(requests_):
            if answer.id in chunks:
                if answer.ok:
                    done_added.extend(chunks[answer.id])
                else:
                    # One bad member sinks a packed PATCH (all-or-nothing): add its members one by one.
                    one_by_one.extend(chunks[answer.id])
            elif answer.id in singles:
                self._settle_single(singles[answer.id], answer, done_added, failed)
            elif answer.ok or answer.status == 404 or _says(answer, ALREADY_REMOVED):
                done_removed.append(removals[answer.id])  # already gone counts as done
            else:
                failed.append(_failure(removals[answer.id], 'remove', answer))
        if one_by_one:
            retries = [self._single('single:%d' % index, entry) for index, entry in enumerate(one_by_one)]
            for entry, answer in zip(one_by_one, self.client.batch(retries)):
                self._settle_single(entry, answer, done_added, failed)
        return done_added, done_removed, failed

    def _single(self, request_id, entry):
        fresh = entry['group_id'] in self.fresh or entry['member_id'] in self.fresh
        # Sent twice, the second answer is "already exist", which counts as done: safe to resend after a lost answer.
        return {'id': request_id, 'method': 'POST', 'url': object_path('groups', entry['group_id'], 'members', '$ref'), 'safe_to_resend': True,
                'replication_wait': self.wait if fresh else 0.0, 'body': {'@odata.id': self.bind_base + entry['member_id']}}

    @staticmethod
    def _settle_single(entry, answer, done_added, failed):
        if answer.ok or _says(answer, ALREADY_MEMBER):
            done_added.append(entry)  # already a member counts as done
        else:
            failed.append(_failure(entry, 'add', answer))


def _says(answer, text):
    error = answer.error()
    return error is not None and text in (error.message or '')


def _failure(entry, action, answer):
    error = answer.error()
    failure = dict(entry)
    failure.update({'action': action, 'status': error.status, 'code': error.code, 'message': error.message})
    return failure


def membership_of(failure):
    """What a failure is about, for messages: ``member to group G`` or ``member from group G``."""
    return '%s %s group %s' % (failure['member'] or failure['member_id'], 'to' if failure['action'] == 'add' else 'from',
                               failure['group'] or failure['group_id'])


# ----- reading groups and memberships for graph_group_info ---------------------------------------

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
            reference = _parse(text, 'groups[%d]' % index, 'group', problems)
            if reference is not None and reference.type != 'group':
                problems.append(not_a_group(reference, 'groups lists groups'))
            elif reference is not None:
                references.append(reference)
        if problems:
            raise GraphError('; '.join(problems))
        lookup = DirectoryResolver(self.client).resolve(references)
        found = {}
        for reference in references:
            problem = lookup.problem(reference)
            if problem == 'was not found':
                self.missing.append(reference.text)
            elif problem:
                problems.append('%s: %s %s' % (reference.where, _describe(reference), problem))
            else:
                group = lookup.get(reference)
                found.setdefault(group['id'], group)
        if problems:
            raise GraphError('; '.join(problems))
        self.groups = list(found.values())

    def result(self):
        """``(groups, memberships)``: group properties, and ``{group, members}`` items naming objects by unique names."""
        names = self._unique_names()
        groups = []
        for group in self.groups:
            entry = dict((field, group.get(field)) for field in GROUP_FIELDS if field != 'membershipRule')
            entry['isAssignableToRole'] = bool(group.get('isAssignableToRole'))  # Graph answers null for groups created without it
            if 'dynamicmembership' in [str(t).lower() for t in group.get('groupTypes') or []]:
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
