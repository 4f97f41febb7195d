#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: graph_group_membership
short_description: Declarative Entra ID group membership at scale, for members of every type, in both directions
version_added: 0.1.0
description:
  - Makes direct group membership match what the task says, writing only the difference.
  - Works in both directions, many members into one group (O(group) and O(members)), one member into many groups
    (O(user) and O(groups)), or a whole cohort at once with O(memberships).
  - Members may be users, groups (nesting), devices, service principals and organisational contacts, named by
    reference (see below). Every reference is resolved in bulk before anything is written; an unknown, ambiguous
    or unsuitable one fails the task, naming the item and field (V(memberships[2].groups[1])), without writing.
  - "References: a member is written C([type:]value). The type (case-insensitive) is one of V(user), V(group),
    V(device), V(servicePrincipal), V(orgContact). Without a type, the value is an object id of any type or a user's
    userPrincipalName; any other untyped name is refused (write V(group:Engineering)). With a type, the value is an
    object id of that type or a name: users by userPrincipalName; groups, devices and service principals by
    displayName, service principals also by appId; organisational contacts by displayName or mail. In O(group) and
    O(groups), which hold only groups, an untyped name is a group's displayName."
  - Two objects with the name given make it ambiguous; the task is refused, naming their ids.
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
      - Refuses the same input with the same messages as a real run, role-assignable groups without the permission included.
      - An object listed in O(recently_created) that does not exist yet is taken as one the real run will create, with no
        memberships, so every membership listed for it would be added.
  diff_mode:
    support: full
    details:
      - Before and after direct membership of every group (its members as typed references such as V(device:LAPTOP-1))
        or member (its groups by name) that changes.
  platform:
    platforms: all
options:
  group:
    description:
      - Group (object id or displayName, or V(group:NAME)) whose members O(members) lists.
      - Mutually exclusive with O(user) and O(memberships).
    type: str
  members:
    description:
      - Members (references of any member type) who should be, or not be, direct members of O(group).
    type: list
    elements: str
  user:
    description:
      - Member (a reference of any member type, not only a user, for example V(device:LAPTOP-0042)) whose groups O(groups) lists.
      - Mutually exclusive with O(group) and O(memberships).
    type: str
  groups:
    description:
      - Groups (object id or displayName) that O(user) should, or should not, be a direct member of.
    type: list
    elements: str
  keep:
    description:
      - With O(state=exact), direct memberships to leave as they are - neither removed nor added - although O(members) or
        O(groups) does not list them, for example the group a leaver's mailbox licence comes from. Same references as
        O(groups) (with O(user)) or O(members) (with O(group)); each must exist, and must not also be listed.
      - A kept group Graph cannot change (dynamic, synchronised, Exchange-owned) is left without a warning.
      - Refused with O(state=present) and O(state=absent), which only touch what is listed.
    type: list
    elements: str
    version_added: 0.2.0
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
        description: Members (references of any member type) for O(memberships[].group).
        type: list
        elements: str
      user:
        description: Member (a reference of any member type).
        type: str
      groups:
        description: Groups (object id or displayName) for O(memberships[].user).
        type: list
        elements: str
      keep:
        description:
          - With O(state=exact), the item's memberships to leave as they are (groups with O(memberships[].user), members with
            O(memberships[].group)); see O(keep).
        type: list
        elements: str
        version_added: 0.2.0
  state:
    description:
      - V(present) adds the listed memberships that are missing.
      - V(absent) removes the listed memberships that exist.
      - V(exact) makes the listed set the whole direct membership of the group (or of the member) - missing ones are added,
        others removed. On the group side that covers every member type Graph holds (limit it with O(member_types)),
        service principals included. On the member side, groups whose membership Graph cannot change (dynamic,
        mail-enabled security, distribution lists, synced from on-premises) are left alone with a warning and listed in
        RV(skipped_memberships) with the reason and what to do instead.
      - When several O(memberships) items meet (a group item and a member item naming the same membership), a membership
        one item lists is never removed by V(exact) because of another item.
    type: str
    default: present
    choices: [present, absent, exact]
  member_types:
    description:
      - The member types O(state=exact) compares and removes. V(member_types=[user]) makes the listed users the group's
        whole set of user members and leaves its devices, nested groups, service principals and contacts alone.
      - With O(state=exact), listing a member of a type left out here is refused.
      - Ignored by O(state=present) and O(state=absent).
    type: list
    elements: str
    choices: [user, group, device, servicePrincipal, orgContact]
    default: [user, group, device, servicePrincipal, orgContact]
    version_added: 0.2.0
  allow_empty:
    description:
      - With O(state=exact), an empty O(members) or O(groups) list would remove every direct membership. That is refused
        unless this is V(true). This holds whatever O(member_types) says.
    type: bool
    default: false
  max_removals:
    description:
      - Refuse the whole task, before anything is written, when it would remove more than this many memberships, counting
        members of every type.
      - A guard rail for O(state=exact) driven by generated lists. Unlimited when not set.
    type: int
  on_missing_permission:
    description:
      - What to do when a role-assignable group (C(isAssignableToRole)) would change but the access token lacks
        C(RoleManagement.ReadWrite.Directory), which Graph requires to add or remove its members.
      - V(fail) refuses the whole task before anything is written, in check mode too, naming the groups and the permission.
      - V(skip) leaves those memberships as they are, lists them in RV(skipped_memberships) with the reason and the
        permission, warns, and changes the rest.
      - The permission is read from the token's C(roles) claim (application permissions) or C(scp) claim (delegated).
        When the token is not a JWT or carries neither claim, the module cannot tell and proceeds; Graph's refusal is then
        reported per membership in RV(failed_memberships).
    type: str
    default: fail
    choices: [fail, skip]
    version_added: 0.2.0
  recently_created:
    description:
      - References (same syntax as O(members)) of objects an earlier task created moments ago. Only these are waited for,
        up to O(replication_timeout), when Graph does not find them yet (Entra ID replication delay); any other reference
        that is not found fails the task at once.
      - In check mode, a listed object that is not found is taken as one the real run will create, with no memberships.
    type: list
    elements: str
    version_added: 0.2.0
  replication_timeout:
    description:
      - Seconds to keep retrying when an object listed in O(recently_created) is not found yet. Applies to lookups,
        membership reads and member-by-member additions involving those objects.
      - A removal answered with "not found" is never retried, since it means the membership is already gone.
    type: float
    default: 30.0
notes:
  - Graph cannot change the membership of dynamic groups, mail-enabled security groups, distribution lists, or groups synced
    from on-premises Active Directory (C(onPremisesSyncEnabled)). Listing such a group fails the task before anything is
    written, naming the group, why, and what to do instead - change a synchronised group in on-premises Active Directory
    (the next Entra Connect or Cloud Sync cycle brings it over), an Exchange-owned group in Exchange Online; for one member
    added (V(present)) or removed (V(absent)) the message gives the Exchange Online PowerShell command.
  - The Exchange Online commands are C(Add-DistributionGroupMember) and C(Remove-DistributionGroupMember), with the group's
    mail (or name) as C(-Identity) and the member's userPrincipalName (or mail) as C(-Member). An admin who is not an
    owner of the group adds C(-BypassSecurityGroupManagerCheck).
  - Microsoft 365 groups accept users only, cannot be members of other groups, and groups cannot be nested in role-assignable
    groups; such memberships are refused before anything is written.
  - Graph's v1.0 C(/groups/{id}/members) leaves service principals out (a known issue). Where service principals matter
    (O(state=exact) comparing them, or one listed), the module reads that group's members from the beta endpoint,
    Graph's documented workaround; everything else uses v1.0.
  - Needs C(GroupMember.ReadWrite.All) (or C(Group.ReadWrite.All)), read access to the member types used (for example
    C(Device.Read.All), C(Application.Read.All), C(OrgContact.Read.All), or C(Directory.Read.All)), and
    C(RoleManagement.ReadWrite.Directory) for role-assignable groups.
seealso:
  - module: mynster.msgraph.graph_group_info
  - module: mynster.msgraph.graph_user_bulk
  - module: mynster.msgraph.graph_batch
  - name: Add members to a group
    description: Graph reference for C(members@odata.bind) and C($ref), and the member types each kind of group accepts.
    link: https://learn.microsoft.com/graph/api/group-post-members
"""

EXAMPLES = r"""
- name: Put a cohort of new hires into the engineering group
  mynster.msgraph.graph_group_membership:
    group: Engineering
    members:
      - adele.vance@contoso.com
      - alex.wilber@contoso.com
      - 6e7b768e-07e2-4810-8459-485f84f8f204

- name: A device group with members of every type
  mynster.msgraph.graph_group_membership:
    group: Intune pilot
    members:
      - adele.vance@contoso.com
      - device:LAPTOP-0042
      - group:Pilot testers
      - servicePrincipal:Contoso HR sync
      - orgContact:partner@fabrikam.com
      - 0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11  # an object id of any type

- name: One user into many groups
  mynster.msgraph.graph_group_membership:
    user: adele.vance@contoso.com
    groups: [Engineering, VPN users, All staff]

- name: A device into its policy groups
  mynster.msgraph.graph_group_membership:
    user: device:LAPTOP-0042
    groups: [Intune pilot, BitLocker required]

- name: A whole cohort in one task, for users created by the task before
  mynster.msgraph.graph_group_membership:
    memberships:
      - user: adele.vance@contoso.com
        groups: [Engineering, VPN users]
      - user: alex.wilber@contoso.com
        groups: [Sales]
      - group: All staff
        members: [adele.vance@contoso.com, alex.wilber@contoso.com]
    recently_created: [adele.vance@contoso.com, alex.wilber@contoso.com]

- name: Make the group's users exactly this list; leave its devices, nested groups, apps and contacts alone
  mynster.msgraph.graph_group_membership:
    group: Release managers
    members: "{{ release_managers }}"
    state: exact
    member_types: [user]
    max_removals: 5

- name: Remove a leaver from all direct groups Graph can change, leaving role-assignable ones if the app may not
  mynster.msgraph.graph_group_membership:
    memberships:
      - user: leaver@contoso.com
        groups: []
    state: exact
    allow_empty: true
    on_missing_permission: skip

- name: Remove a leaver from every direct group but the one its mailbox licence comes from
  mynster.msgraph.graph_group_membership:
    user: leaver@contoso.com
    groups: []
    keep: [Licensing - Microsoft 365 E3]
    state: exact
    allow_empty: true

- name: Take two users out of a group
  mynster.msgraph.graph_group_membership:
    group: 0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11
    members: [adele.vance@contoso.com, alex.wilber@contoso.com]
    state: absent
"""

RETURN = r"""
added:
  description: Memberships added (or that would be added in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: Object id of the group (null for a group that check mode took as not created yet).
      type: str
    group:
      description: displayName of the group.
      type: str
    member_id:
      description: Object id of the member (null for a member that check mode took as not created yet).
      type: str
    member:
      description: userPrincipalName of a user member, displayName (or mail) of other members.
      type: str
    member_type:
      description: V(user), V(group), V(device), V(servicePrincipal) or V(orgContact).
      type: str
      version_added: 0.2.0
  sample: [{"group_id": "0f2d43c5-...", "group": "Engineering", "member_id": "6e7b768e-...", "member": "adele.vance@contoso.com",
            "member_type": "user"}]
removed:
  description: Memberships removed (or that would be removed in check mode), same shape as RV(added).
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "0f2d43c5-...", "group": "Intune pilot", "member_id": "51ac...", "member": "LAPTOP-0017", "member_type": "device"}]
unchanged:
  description: Number of listed memberships that were already as wanted.
  returned: always
  type: int
  sample: 12
skipped_memberships:
  description:
    - Memberships left alone - groups Graph cannot change (with O(state=exact), on the member side), and role-assignable
      groups whose change needs a permission the token lacks (with O(on_missing_permission=skip)) - with the fields of
      RV(added) and those below.
    - Named so because Ansible reserves the result keys C(skipped) and C(failed).
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: The change that was not made, V(add) or V(remove).
      type: str
      version_added: 0.2.0
    kind:
      description:
        - V(dynamic) (its membership rule decides), V(on_premises) (synchronised from on-premises Active Directory, which
          owns its members), V(exchange) (a distribution list or mail-enabled security group, whose members Exchange Online
          owns), or V(role_assignable) (the token lacks the permission).
      type: str
      version_added: 0.2.0
    reason:
      description: Why, as a phrase (V(a distribution list), V(synced from on-premises Active Directory), ...).
      type: str
    remedy:
      description: What to do instead, as a phrase; for V(exchange) it ends with the command.
      type: str
      version_added: 0.2.0
    command:
      description: For V(exchange), the Exchange Online PowerShell command that makes the change; V(null) otherwise.
      type: str
      version_added: 0.2.0
    permission:
      description: For V(role_assignable), the Graph permission the token lacks.
      type: str
  sample: [{"group_id": "9a1c...", "group": "All users (dynamic)", "member_id": "6e7b...", "member": "adele.vance@contoso.com",
            "member_type": "user", "action": "remove", "kind": "dynamic", "reason": "a dynamic-membership group",
            "remedy": "its membership rule decides who is in it: change the rule, or the properties it reads, instead", "command": null},
           {"group_id": "4c2e...", "group": "Newsletter", "member_id": "6e7b...", "member": "adele.vance@contoso.com",
            "member_type": "user", "action": "remove", "kind": "exchange", "reason": "a distribution list",
            "remedy": "remove adele.vance@contoso.com from it in Exchange Online instead, with Exchange Online PowerShell:
                       Remove-DistributionGroupMember -Identity 'newsletter@contoso.com' -Member 'adele.vance@contoso.com'",
            "command": "Remove-DistributionGroupMember -Identity 'newsletter@contoso.com' -Member 'adele.vance@contoso.com'"},
           {"group_id": "77d0...", "group": "Helpdesk admins", "member_id": "6e7b...", "member": "adele.vance@contoso.com",
            "member_type": "user", "action": "remove", "kind": "role_assignable", "permission": "RoleManagement.ReadWrite.Directory",
            "reason": "a role-assignable group; changing its members needs RoleManagement.ReadWrite.Directory",
            "remedy": "grant the app RoleManagement.ReadWrite.Directory and run again", "command": null}]
failed_memberships:
  description:
    - Memberships Graph refused, with status, code and message. The task fails when this is not empty; the other
      memberships of the run were still written.
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "0f2d...", "group": "Engineering", "member_id": "6e7b...", "member": "adele.vance@contoso.com",
            "member_type": "user", "action": "add", "status": 404, "code": "Request_ResourceNotFound",
            "message": "Resource '6e7b...' does not exist..."}]
check_mode:
  description: Whether the task ran in check mode, so nothing was written. A play's C(check_mode) keyword is not visible
    to C(ansible_check_mode); roles read this instead.
  returned: success
  type: bool
  sample: false
stats:
  description: What the client did (see M(mynster.msgraph.graph_batch) for the fields).
  returned: always
  type: dict
  sample: {"http_requests": 3, "batches": 3, "inner_requests": 41, "throttled": 0, "retries": 0, "replication_retries": 0}
"""

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import WAIT_RANGE
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import MEMBER_TYPES
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_input import parse_membership_task
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_plan import MembershipPlanner
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.membership_writer import MembershipWriter, without_private_keys

ARGUMENT_SPEC = dict(
    group=dict(type='str'),
    members=dict(type='list', elements='str'),
    user=dict(type='str'),
    groups=dict(type='list', elements='str'),
    keep=dict(type='list', elements='str'),
    memberships=dict(type='list', elements='dict', options=dict(
        group=dict(type='str'),
        members=dict(type='list', elements='str'),
        user=dict(type='str'),
        groups=dict(type='list', elements='str'),
        keep=dict(type='list', elements='str'),
    )),
    state=dict(type='str', default='present', choices=['present', 'absent', 'exact']),
    member_types=dict(type='list', elements='str', choices=list(MEMBER_TYPES), default=list(MEMBER_TYPES)),
    allow_empty=dict(type='bool', default=False),
    max_removals=dict(type='int'),
    on_missing_permission=dict(type='str', default='fail', choices=['fail', 'skip']),
    recently_created=dict(type='list', elements='str'),
    replication_timeout=dict(type='float', default=30.0),
)


def run(module):
    task = parse_membership_task(module.params)
    planner = MembershipPlanner(module.client, task, check_mode=module.check_mode, warn=module.warn, claims=module.client.tokens.claims).plan()
    added, removed, failed = planner.added, planner.removed, []
    if not module.check_mode and (added or removed):
        added, removed, failed = MembershipWriter(module.client, planner.fresh, task.replication_timeout).apply(added, removed)
    before, after = planner.view(added, removed)
    changed = bool(added or removed)
    module.finish(changed, failed, 'failed_memberships', before=before, after=after, added=[without_private_keys(e) for e in added],
                  removed=[without_private_keys(e) for e in removed], unchanged=planner.unchanged,
                  skipped_memberships=[without_private_keys(e) for e in planner.skipped])


def main():
    module = GraphModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        mutually_exclusive=[('group', 'user', 'memberships'), ('members', 'groups'), ('memberships', 'members'), ('memberships', 'groups'),
                            ('memberships', 'keep')],
        required_one_of=[('group', 'user', 'memberships')],
        required_by={'group': 'members', 'user': 'groups'},
        ranges={'replication_timeout': WAIT_RANGE, 'max_removals': (0, None, True)},
        items='memberships', empty_result=dict(added=[], removed=[], unchanged=0, skipped_memberships=[], failed_memberships=[]),
    )
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
