#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_group_membership
short_description: Declarative Entra ID group membership at scale, in both directions
version_added: 0.1.0
description:
  - Makes direct group membership match what the task says, writing only the difference.
  - Works in both directions, many users into one group (O(group) and O(members)), one user into many groups
    (O(user) and O(groups)), or a whole cohort at once with O(memberships).
  - Users are named by object id or userPrincipalName, groups by object id or displayName. All names are resolved
    in bulk before anything is written; an unknown or ambiguous name fails the task without writing.
  - Additions are packed 20 members per C(PATCH members@odata.bind) and 20 requests per C($batch), batches in parallel;
    if Graph refuses a packed addition, its members are added one by one with C(POST members/$ref) so a single bad
    member does not block the others, and the bad one is reported by name.
  - A member that is already there (on add) or already gone (on remove) counts as done, so the module can run
    concurrently with other tools.
  - Only direct membership is read and changed; membership inherited through nested groups is not.
author:
  - mynster.msgraph contributors (@mynster)
extends_documentation_fragment:
  - mynster.msgraph.connection
  - mynster.msgraph.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads everything and reports exactly which memberships would be added and removed; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after direct membership of every group (for O(group)/O(members) items) or user (for O(user)/O(groups) items) that changes.
  platform:
    platforms: all
options:
  group:
    description:
      - Group (object id or displayName) whose members O(members) lists.
      - Mutually exclusive with O(user) and O(memberships).
    type: str
  members:
    description:
      - Users (object id or userPrincipalName) who should be, or not be, direct members of O(group).
    type: list
    elements: str
  user:
    description:
      - User (object id or userPrincipalName) whose groups O(groups) lists.
      - Mutually exclusive with O(group) and O(memberships).
    type: str
  groups:
    description:
      - Groups (object id or displayName) that O(user) should, or should not, be a direct member of.
    type: list
    elements: str
  memberships:
    description:
      - Several items in one task, each either O(memberships[].group) with O(memberships[].members) or
        O(memberships[].user) with O(memberships[].groups).
      - All items are read, compared and written together, so a cohort costs a few HTTP round trips.
    type: list
    elements: dict
    suboptions:
      group:
        description: Group (object id or displayName).
        type: str
      members:
        description: Users (object id or userPrincipalName) for O(memberships[].group).
        type: list
        elements: str
      user:
        description: User (object id or userPrincipalName).
        type: str
      groups:
        description: Groups (object id or displayName) for O(memberships[].user).
        type: list
        elements: str
  state:
    description:
      - V(present) adds the listed memberships that are missing.
      - V(absent) removes the listed memberships that exist.
      - V(exact) makes the listed set the whole direct membership of the group (or of the user) - missing ones are added,
        others removed. On the group side that includes members that are not users, such as nested groups. On the user
        side, groups whose membership Graph cannot change (dynamic, mail-enabled security, distribution lists, synced from
        on-premises) are left alone with a warning and listed in RV(skipped_memberships).
      - When several O(memberships) items meet (a group item and a user item naming the same membership), a membership
        one item lists is never removed by V(exact) because of another item.
    type: str
    default: present
    choices: [present, absent, exact]
  allow_empty:
    description:
      - With O(state=exact), an empty O(members) or O(groups) list would remove every direct membership. That is refused
        unless this is V(true).
    type: bool
    default: false
  max_removals:
    description:
      - Refuse the whole task, before anything is written, when it would remove more than this many memberships.
      - A guard rail for O(state=exact) driven by generated lists. Unlimited when not set.
    type: int
  replication_timeout:
    description:
      - Seconds to keep retrying when a user or group is not found, because an object created moments ago may not be
        visible yet (Entra ID replication). Applies to name lookups, membership reads and member-by-member additions.
      - A name that does not exist at all also makes the task wait this long before it fails; use V(0) to fail at once.
      - A removal answered with "not found" is never retried, since it means the membership is already gone.
    type: float
    default: 30.0
notes:
  - Graph cannot change the membership of dynamic groups, mail-enabled security groups, distribution lists, or groups synced
    from on-premises directories. Listing such a group fails the task before anything is written.
  - Microsoft 365 groups accept users only.
seealso:
  - module: mynster.msgraph.graph_user_bulk
  - module: mynster.msgraph.graph_batch
  - name: Add members to a group
    description: Graph reference for C(members@odata.bind) and C($ref).
    link: https://learn.microsoft.com/graph/api/group-post-members
'''

EXAMPLES = r'''
- name: Put a cohort of new hires into the engineering group
  mynster.msgraph.graph_group_membership:
    group: Engineering
    members:
      - adele.vance@contoso.com
      - alex.wilber@contoso.com
      - 6e7b768e-07e2-4810-8459-485f84f8f204

- name: One user into many groups
  mynster.msgraph.graph_group_membership:
    user: adele.vance@contoso.com
    groups: [Engineering, VPN users, All staff]

- name: A whole cohort in one task
  mynster.msgraph.graph_group_membership:
    memberships:
      - user: adele.vance@contoso.com
        groups: [Engineering, VPN users]
      - user: alex.wilber@contoso.com
        groups: [Sales]
      - group: All staff
        members: [adele.vance@contoso.com, alex.wilber@contoso.com]

- name: Make the group's direct membership exactly this list, but never remove more than 5 at once
  mynster.msgraph.graph_group_membership:
    group: Release managers
    members: "{{ release_managers }}"
    state: exact
    max_removals: 5

- name: Remove a leaver from all direct groups Graph can change
  mynster.msgraph.graph_group_membership:
    user: leaver@contoso.com
    groups: []
    state: exact
    allow_empty: true

- name: Take two users out of a group
  mynster.msgraph.graph_group_membership:
    group: 0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11
    members: [adele.vance@contoso.com, alex.wilber@contoso.com]
    state: absent
'''

RETURN = r'''
added:
  description: Memberships added (or that would be added in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: Object id of the group.
      type: str
    group:
      description: displayName of the group.
      type: str
    member_id:
      description: Object id of the member.
      type: str
    member:
      description: userPrincipalName (or displayName) of the member, when known.
      type: str
  sample: [{"group_id": "0f2d43c5-...", "group": "Engineering", "member_id": "6e7b768e-...", "member": "adele.vance@contoso.com"}]
removed:
  description: Memberships removed (or that would be removed in check mode), same shape as RV(added).
  returned: always
  type: list
  elements: dict
  sample: []
unchanged:
  description: Number of listed memberships that were already as wanted.
  returned: always
  type: int
  sample: 12
skipped_memberships:
  description:
    - Memberships O(state=exact) left alone because Graph cannot change the group, with the reason.
    - Named so because Ansible reserves the result keys C(skipped) and C(failed).
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "9a1c...", "group": "All users (dynamic)", "member_id": "6e7b...", "member": "adele.vance@contoso.com",
            "reason": "a dynamic-membership group"}]
failed_memberships:
  description:
    - Memberships Graph refused, with status, code and message. The task fails when this is not empty; the other
      memberships of the run were still written.
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "0f2d...", "group": "Engineering", "member_id": "6e7b...", "member": "adele.vance@contoso.com", "action": "add",
            "status": 404, "code": "Request_ResourceNotFound", "message": "Resource '6e7b...' does not exist..."}]
stats:
  description: What the client did (see M(mynster.msgraph.graph_batch) for the fields).
  returned: always
  type: dict
  sample: {"http_requests": 3, "batches": 3, "inner_requests": 41, "throttled": 0, "retries": 0}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_resolve import DirectoryResolver

MEMBERS_PER_PATCH = 20
GROUP_FIELDS = ('id', 'displayName', 'groupTypes', 'mailEnabled', 'securityEnabled', 'onPremisesSyncEnabled')
MEMBER_FIELDS = ('id', 'displayName', 'userPrincipalName')
ALREADY_MEMBER = 'added object references already exist'
ALREADY_REMOVED = 'removed object references do not exist'
GROUP_TYPE = '#microsoft.graph.group'

ARGUMENT_SPEC = dict(
    group=dict(type='str'),
    members=dict(type='list', elements='str'),
    user=dict(type='str'),
    groups=dict(type='list', elements='str'),
    memberships=dict(type='list', elements='dict', options=dict(
        group=dict(type='str'),
        members=dict(type='list', elements='str'),
        user=dict(type='str'),
        groups=dict(type='list', elements='str'),
    )),
    state=dict(type='str', default='present', choices=['present', 'absent', 'exact']),
    allow_empty=dict(type='bool', default=False),
    max_removals=dict(type='int'),
    replication_timeout=dict(type='float', default=30.0),
)


class Item:
    """One requested relation: a group with its members, or a user with their groups."""

    def __init__(self, label, side, owner, listed, numbered=False):
        self.label = label
        self.side = side  # 'group': owner is a group, listed are members; 'user': owner is a user, listed are groups
        self.owner = owner
        self.listed = listed
        self.numbered = numbered  # label is memberships[n], not the owner itself
        self.owner_obj = None  # resolved objects, filled by Planner.resolve
        self.listed_objs = {}

    @property
    def listed_kind(self):
        return 'user' if self.side == 'group' else 'group'


def read_items(params):
    """The task's items, validated; errors name the item and field."""
    if params['memberships'] is not None:
        raw_items = [('memberships[%d]' % index, entry) for index, entry in enumerate(params['memberships'])]
    else:
        raw_items = [(None, params)]
    items = []
    for label, entry in raw_items:
        has_group, has_user = entry.get('group') is not None, entry.get('user') is not None
        if has_group == has_user:
            raise GraphError('%s: give either group with members, or user with groups' % (label or 'task'))
        side, listed_key, wrong_key = ('group', 'members', 'groups') if has_group else ('user', 'groups', 'members')
        owner = str(entry[side])
        numbered = label is not None
        label = label or "%s '%s'" % (side, owner)
        if not owner.strip():
            raise GraphError('%s: %s is empty' % (label, side))
        if entry.get(wrong_key) is not None:
            raise GraphError('%s: %s goes with %s, not %s' % (label, listed_key, side, wrong_key))
        if entry.get(listed_key) is None:
            raise GraphError('%s: %s is required with %s' % (label, listed_key, side))
        listed = [str(name) for name in entry[listed_key]]
        if any(not name.strip() for name in listed):
            raise GraphError('%s: %s contains an empty name' % (label, listed_key))
        if params['state'] == 'exact' and not listed and not params['allow_empty']:
            raise GraphError('%s: state=exact with an empty %s list would remove every direct membership; set allow_empty: true if that is intended'
                             % (label, listed_key))
        items.append(Item(label, side, owner, listed, numbered))
    return items


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


def name_of(obj):
    return obj.get('userPrincipalName') or obj.get('displayName') or obj.get('id')


def _key(name):
    return str(name).lower()


class Planner:
    """Reads what is, compares with what the items want, and lists the writes."""

    def __init__(self, module, items):
        self.module = module
        self.items = items
        self.state = module.params['state']
        self.wait = module.params['replication_timeout']
        self.resolver = DirectoryResolver(module.client, wait_for_missing=self.wait)
        self.groups = {}   # id -> group object
        self.users = {}    # id -> user object
        self.current = {}  # (side, owner id) -> {id: object}
        self.added, self.removed, self.skipped = [], [], []
        self.unchanged = 0

    def resolve(self):
        """Resolve every name; fail (before writing) on unknown, ambiguous or unchangeable groups, naming them all."""
        group_names = [i.owner for i in self.items if i.side == 'group'] + [g for i in self.items if i.side == 'user' for g in i.listed]
        user_names = [i.owner for i in self.items if i.side == 'user'] + [m for i in self.items if i.side == 'group' for m in i.listed]
        found = {'group': self.resolver.groups(group_names, GROUP_FIELDS), 'user': self.resolver.users(user_names, MEMBER_FIELDS)}
        problems = []
        for kind in ('group', 'user'):
            resolution = found[kind]
            for name in resolution.missing:
                problems.append("%s '%s'%s was not found" % (kind, name, self._where(kind, name)))
            for name, ids in sorted(resolution.ambiguous.items()):
                problems.append("%s '%s'%s is ambiguous: %d objects have that name (ids %s); use the id instead"
                                % (kind, name, self._where(kind, name), len(ids), ', '.join(ids)))
        for name in dict.fromkeys(group_names):
            group = found['group'].get(name)
            reason = unwritable_reason(group) if group else None
            if reason:
                problems.append("group '%s' (%s)%s is %s; Graph cannot change its membership" % (name, group['id'], self._where('group', name), reason))
        if problems:
            raise GraphError('Nothing was changed: ' + '; '.join(problems))
        self.groups = dict((obj['id'], obj) for obj in found['group'].found.values())
        self.users = dict((obj['id'], obj) for obj in found['user'].found.values())
        for item in self.items:
            item.owner_obj = found[item.side].get(item.owner)
            item.listed_objs = dict((obj['id'], obj) for obj in (found[item.listed_kind].get(name) for name in item.listed))

    def _where(self, kind, name):
        """' (listed in group 'X', memberships[2])': the items naming ``name`` other than as their own top-level owner."""
        labels = []
        for item in self.items:
            if item.listed_kind == kind and _key(name) in [_key(n) for n in item.listed]:
                labels.append(item.label)
            elif item.side == kind and _key(item.owner) == _key(name) and item.numbered:
                labels.append(item.label)
        labels = list(dict.fromkeys(labels))
        return ' (listed in %s)' % ', '.join(labels) if labels else ''

    def read_current(self):
        """Direct membership of every owner, all owners in one batched, paged read."""
        requests_ = []
        for key in dict.fromkeys((item.side, item.owner_obj['id']) for item in self.items):
            side, owner_id = key
            if side == 'group':
                url = '/groups/%s/members?$select=%s&$top=999' % (owner_id, ','.join(MEMBER_FIELDS))
            else:
                url = '/users/%s/memberOf?$select=%s&$top=999' % (owner_id, ','.join(GROUP_FIELDS))
            requests_.append({'id': '%s:%s' % key, 'url': url, 'replication_wait': self.wait})
        for answer in self.module.client.batch(requests_, paginate=True):
            if not answer.ok:
                raise answer.error(context='Reading membership (%s)' % answer.id)
            side, owner_id = answer.id.split(':', 1)
            values = (answer.body or {}).get('value', [])
            if side == 'user':
                # memberOf also lists directory roles and administrative units
                values = [v for v in values if v.get('@odata.type', GROUP_TYPE) == GROUP_TYPE]
            self.current[(side, owner_id)] = dict((v['id'], v) for v in values)

    def compare(self):
        """Fill ``added``/``removed``/``skipped`` and count ``unchanged``; pairs are (group, member)."""
        planned_add, planned_remove, wanted = {}, {}, set()
        for item in self.items:
            owner_id = item.owner_obj['id']
            current = self.current[(item.side, owner_id)]
            for other_id, other in item.listed_objs.items():
                pair = self._pair(item, owner_id, other_id)
                wanted.add(pair)
                present = other_id in current
                if self.state in ('present', 'exact') and not present:
                    planned_add[pair] = self._entry(item, owner_id, other)
                elif self.state == 'absent' and present:
                    planned_remove[pair] = self._entry(item, owner_id, other)
                else:
                    self.unchanged += 1
            if self.state != 'exact':
                continue
            for other_id, other in current.items():
                if other_id in item.listed_objs:
                    continue
                entry = self._entry(item, owner_id, other)
                reason = unwritable_reason(other) if item.side == 'user' else None
                if reason:
                    entry['reason'] = reason
                    self.skipped.append(entry)
                    self.module.warn("Left %s in group '%s': it is %s, Graph cannot change its membership" % (entry['member'], entry['group'], reason))
                else:
                    planned_remove[self._pair(item, owner_id, other_id)] = entry
        self.added = list(planned_add.values())
        # With exact, a membership one item lists is never removed because another item (its other side) does not.
        self.removed = [entry for pair, entry in planned_remove.items() if self.state == 'absent' or pair not in wanted]
        limit = self.module.params['max_removals']
        if limit is not None and len(self.removed) > limit:
            raise GraphError('Nothing was changed: this run would remove %d memberships, more than max_removals=%d (first ones: %s)'
                             % (len(self.removed), limit, ', '.join('%s from %s' % (e['member'], e['group']) for e in self.removed[:5])))

    def _pair(self, item, owner_id, other_id):
        return (owner_id, other_id) if item.side == 'group' else (other_id, owner_id)

    def _entry(self, item, owner_id, other):
        group = self.groups.get(owner_id) if item.side == 'group' else other
        member = other if item.side == 'group' else self.users.get(owner_id)
        group = group or {'id': owner_id}
        return {'group_id': group['id'], 'group': group.get('displayName'), 'member_id': member['id'], 'member': name_of(member)}


class Writer:
    """Sends the planned writes as tightly as Graph allows and reports each membership's outcome.

    Additions to one group go 20 per ``PATCH members@odata.bind`` (all-or-nothing in Graph); a refused
    PATCH is retried member by member with ``POST members/$ref`` so one bad member does not sink the
    others. A lone addition goes straight to ``$ref``. Only those single requests wait out replication
    delay on 404, so a member that really is gone costs one bounded wait, not two. Removals never wait:
    after the read showed the membership, a 404 means someone else removed it first.
    """

    def __init__(self, module, wait):
        self.module = module
        self.wait = wait
        self.bind_base = module.client.settings.graph_base + '/directoryObjects/'

    def apply(self, added, removed):
        """Returns ``(done_added, done_removed, failed)``."""
        failed = []
        requests_, chunks, singles = [], {}, {}
        by_group = {}
        for entry in added:
            by_group.setdefault(entry['group_id'], []).append(entry)
        for group_id, entries in by_group.items():
            for start in range(0, len(entries), MEMBERS_PER_PATCH):
                chunk = entries[start:start + MEMBERS_PER_PATCH]
                request_id = 'add:%s:%d' % (group_id, start)
                if len(chunk) == 1:
                    singles[request_id] = chunk[0]
                    requests_.append(self._single(request_id, chunk[0]))
                    continue
                chunks[request_id] = chunk
                requests_.append({'id': request_id, 'method': 'PATCH', 'url': '/groups/%s' % group_id,
                                  'body': {'members@odata.bind': [self.bind_base + e['member_id'] for e in chunk]}})
        removals = {}
        for index, entry in enumerate(removed):
            request_id = 'remove:%d' % index
            removals[request_id] = entry
            requests_.append({'id': request_id, 'method': 'DELETE', 'url': '/groups/%s/members/%s/$ref' % (entry['group_id'], entry['member_id'])})
        done_added, done_removed, one_by_one = [], [], []
        for answer in self.module.client.batch(requests_):
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
            for entry, answer in zip(one_by_one, self.module.client.batch(retries)):
                self._settle_single(entry, answer, done_added, failed)
        return done_added, done_removed, failed

    def _single(self, request_id, entry):
        return {'id': request_id, 'method': 'POST', 'url': '/groups/%s/members/$ref' % entry['group_id'], 'replication_wait': self.wait,
                'body': {'@odata.id': self.bind_base + entry['member_id']}}

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


def membership_view(planner, added, removed):
    """Before/after per group or per user, for diff: names of direct members (or groups)."""
    before, after = {}, {}
    for item in planner.items:
        owner = planner.groups.get(item.owner_obj['id']) if item.side == 'group' else planner.users.get(item.owner_obj['id'])
        key = '%s %s' % (item.side, name_of(owner or item.owner_obj))
        current = planner.current[(item.side, item.owner_obj['id'])]
        names = dict((other_id, name_of(obj)) for other_id, obj in current.items())
        before[key] = sorted(names.values())
        field, other_field = ('member_id', 'member') if item.side == 'group' else ('group_id', 'group')
        owner_field = 'group_id' if item.side == 'group' else 'member_id'
        for entry in added:
            if entry[owner_field] == item.owner_obj['id']:
                names[entry[field]] = entry[other_field] or entry[field]
        for entry in removed:
            if entry[owner_field] == item.owner_obj['id']:
                names.pop(entry[field], None)
        after[key] = sorted(names.values())
    changed_keys = [key for key in before if before[key] != after[key]]
    return dict((k, before[k]) for k in changed_keys), dict((k, after[k]) for k in changed_keys)


def run(module):
    items = read_items(module.params)
    planner = Planner(module, items)
    planner.resolve()
    planner.read_current()
    planner.compare()
    added, removed, failed = planner.added, planner.removed, []
    if not module.check_mode and (added or removed):
        added, removed, failed = Writer(module, planner.wait).apply(added, removed)
    before, after = membership_view(planner, added, removed)
    result = dict(added=added, removed=removed, unchanged=planner.unchanged, skipped_memberships=planner.skipped, failed_memberships=failed)
    changed = bool(added or removed)
    if failed:
        lines = ['%s %s %s group %s: %s %s' % (f['action'], f['member'] or f['member_id'], 'to' if f['action'] == 'add' else 'from',
                                               f['group'] or f['group_id'], f['status'], f['message']) for f in failed]
        module.fail_json(msg='%d membership change(s) failed: %s' % (len(failed), '; '.join(lines)), changed=changed,
                         stats=module.stats(), **result)
    module.exit_result(changed, before=before if changed else None, after=after if changed else None, **result)


def main():
    module = GraphModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        mutually_exclusive=[('group', 'user', 'memberships'), ('members', 'groups'), ('memberships', 'members'), ('memberships', 'groups')],
        required_one_of=[('group', 'user', 'memberships')],
        required_by={'group': 'members', 'user': 'groups'},
    )
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
