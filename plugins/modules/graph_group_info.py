#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: graph_group_info
short_description: Read Entra ID groups and their direct members in the shape graph_group_membership takes
version_added: 0.2.0
description:
  - Reads groups, by name or object id or all of them, with their type properties, and the direct members of each group whose
    membership Graph can change.
  - Every item of RV(memberships) is a valid O(mynster.msgraph.graph_group_membership#module:memberships) item. Feeding
    RV(memberships) back to M(mynster.msgraph.graph_group_membership) with V(state=exact) changes nothing, so the result is
    a desired-state export of the tenant's memberships, and the base of a drift report.
  - Members are references with their types (V(user:adele@contoso.com), V(device:LAPTOP-0042), V(group:Pilot testers),
    V(servicePrincipal:Contoso HR sync), V(orgContact:Partner)), service principals included (they are read from the beta
    endpoint, because v1.0 leaves them out). An object whose name does not find exactly that object again (two devices
    with one name, say) is given by its object id instead, so the export never names the wrong object.
  - Groups, their members and the name checks are read with a few batched requests, whatever the number of groups.
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
      - The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  groups:
    description:
      - Groups to read, by displayName or object id (or as V(group:NAME)).
      - Groups that are not found are listed in RV(missing); a name two groups share fails the task, naming their ids.
      - When not given, every group of the tenant is read.
    type: list
    elements: str
notes:
  - Groups whose membership Graph cannot change (dynamic, mail-enabled security, distribution lists, synced from on-premises)
    are in RV(groups) but not in RV(memberships), since M(mynster.msgraph.graph_group_membership) refuses them; their members
    are not read.
  - An empty group gives an item with C(members=[]); feeding that to M(mynster.msgraph.graph_group_membership) with
    V(state=exact) needs O(mynster.msgraph.graph_group_membership#module:allow_empty=true).
  - Needs C(GroupMember.Read.All) (or C(Group.Read.All)) and read access to the member types (for example C(Directory.Read.All)).
seealso:
  - module: mynster.msgraph.graph_group_membership
  - name: List group members
    description: Graph reference, and the known issue about service principals on v1.0.
    link: https://learn.microsoft.com/graph/api/group-list-members
"""

EXAMPLES = r"""
- name: Read two groups and their members
  mynster.msgraph.graph_group_info:
    groups: [Engineering, 0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11]
  register: engineering

- name: Export every group's membership as desired state
  mynster.msgraph.graph_group_info: {}
  register: export

- name: Write it to a file that graph_group_membership can take back
  ansible.builtin.copy:
    dest: memberships.yml
    content: "{{ {'memberships': export.memberships} | to_nice_yaml }}"
    mode: "0644"

- name: Report drift from the export later (check mode sends no write)
  mynster.msgraph.graph_group_membership:
    memberships: "{{ (lookup('ansible.builtin.file', 'memberships.yml') | from_yaml).memberships }}"
    state: exact
    allow_empty: true
  check_mode: true
  register: drift
"""

RETURN = r"""
groups:
  description: The groups found, with the properties that tell what kind of group each is.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Object id.
      type: str
    displayName:
      description: Display name.
      type: str
    groupTypes:
      description: V(Unified) for Microsoft 365 groups, V(DynamicMembership) for dynamic ones.
      type: list
      elements: str
    mailEnabled:
      description: Whether the group has a mailbox address.
      type: bool
    securityEnabled:
      description: Whether the group is a security group.
      type: bool
    isAssignableToRole:
      description: Whether Entra ID roles can be assigned to the group (changing its members needs C(RoleManagement.ReadWrite.Directory)).
      type: bool
    onPremisesSyncEnabled:
      description: V(true) for a group synced from an on-premises directory (its members are changed there, not through Graph).
      type: bool
    membershipRule:
      description: The rule of a dynamic group.
      type: str
      returned: for dynamic groups
  sample: [{"id": "0f2d43c5-...", "displayName": "Engineering", "groupTypes": [], "mailEnabled": false, "securityEnabled": true,
            "isAssignableToRole": false}]
memberships:
  description:
    - One item per group whose membership Graph can change, valid as a
      O(mynster.msgraph.graph_group_membership#module:memberships) item.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: The group's displayName, or its object id when the name is shared with another group.
      type: str
    members:
      description: Direct members as typed references, sorted; by object id when a name does not find exactly that object.
      type: list
      elements: str
  sample: [{"group": "Intune pilot", "members": ["device:LAPTOP-0042", "group:Pilot testers", "orgContact:Partner",
                                                 "servicePrincipal:Contoso HR sync", "user:adele.vance@contoso.com"]}]
missing:
  description: The O(groups) that were not found, as given.
  returned: always
  type: list
  elements: str
  sample: ["Old team"]
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
  sample: {"http_requests": 3, "batches": 3, "inner_requests": 7, "throttled": 0, "retries": 0}
"""

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.groups.export import GroupExport

ARGUMENT_SPEC = dict(
    groups=dict(type='list', elements='str'),
)


def run(module):
    export = GroupExport(module.client).read(module.params['groups'])
    groups, memberships = export.result()
    module.exit_result(False, groups=groups, memberships=memberships, missing=export.missing)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, items='groups', reads_only=True,
                         empty_result=dict(groups=[], memberships=[], missing=[]))
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
