#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_user_info
short_description: Read Entra ID users as entries M(mynster.msgraph.graph_user_bulk) takes
version_added: 0.2.0
description:
  - Reads users by userPrincipalName or object id (O(users)), by an OData C($filter) (O(filter)), or every user of the
    tenant, and returns each as an entry of M(mynster.msgraph.graph_user_bulk)'s O(mynster.msgraph.graph_user_bulk#module:users)
    option - the chosen properties, optionally the directly assigned licences and the manager.
  - Feeding RV(users) back to M(mynster.msgraph.graph_user_bulk) changes nothing, so the result is the users' desired
    state - for drift reports, exports to YAML, or copying users to another tenant.
  - Users are read 15 to a C($filter=... in (...)) query and 20 queries to a C($batch), with the manager through
    C($expand) and the subscriptions in the same batch - 1,000 users with licences and managers take about five HTTP
    requests. A O(filter) is read 999 users to a page.
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
      - The module only reads; it does the same in check mode.
  diff_mode:
    support: N/A
    details:
      - The module only reads.
  platform:
    platforms: all
options:
  users:
    description:
      - The users to read, each by userPrincipalName or object id (case-insensitive).
      - Names that match no user are listed in RV(missing); they do not fail the task.
      - Without O(users) and O(filter), every user of the tenant is read; an empty list reads nobody.
    type: list
    elements: str
  filter:
    description:
      - An OData C($filter) expression selecting the users, for example V(department eq 'Sales') or
        V(startswith(displayName,'Ad')).
      - Sent as it is, without Graph's advanced query mode, so operators that need it (C(ne), C(not), C(endsWith)) are
        refused by Graph.
      - Mutually exclusive with O(users).
    type: str
  properties:
    description:
      - The user properties to return, with Graph's names. C(userPrincipalName) is always returned.
      - Each must be a property M(mynster.msgraph.graph_user_bulk) can write back; a property Graph does not know, a
        read-only one such as C(createdDateTime), C(id), C(passwordProfile) or C(assignedLicenses) is refused.
      - Replaces the default list; give the default names too to add to them.
    type: list
    elements: str
    default: [accountEnabled, businessPhones, city, companyName, country, department, displayName, employeeId, employeeType,
              givenName, jobTitle, mailNickname, mobilePhone, officeLocation, postalCode, preferredLanguage, state, streetAddress,
              surname, usageLocation]
  include_licenses:
    description:
      - Return each user's directly assigned licences as C(licenses) - a skuPartNumber, or a dict with C(sku) and
        C(disabled_plans) (service plan names) when some plans are disabled. Licences inherited from groups are left out
        of C(licenses) (M(mynster.msgraph.graph_user_bulk) compares it with direct licences) and returned apart, in
        RV(inherited_licenses), each with the group that grants it and its state.
      - Needs C(Organization.Read.All) (or C(LicenseAssignment.Read.All)) to read the tenant's subscriptions, and
        C(GroupMember.Read.All) or C(Group.Read.All) to name the groups (else they are named by id, with a warning).
    type: bool
    default: false
  include_manager:
    description:
      - Return each user's manager as C(manager), by userPrincipalName; V(null) for a user without a manager.
    type: bool
    default: false
notes:
  - The application needs C(User.Read.All).
seealso:
  - module: mynster.msgraph.graph_user_bulk
  - name: List users
    description: Graph reference for C($filter) and C($select) on users.
    link: https://learn.microsoft.com/graph/api/user-list
'''

EXAMPLES = r'''
- name: Read two users with their licences and managers
  mynster.msgraph.graph_user_info:
    users:
      - adele.vance@contoso.com
      - 6e7b768e-07e2-4810-8459-485f84f8f204
    include_licenses: true
    include_manager: true
  register: found

- name: Export the Sales department as desired state
  mynster.msgraph.graph_user_info:
    filter: "department eq 'Sales'"
    include_licenses: true
    include_manager: true
  register: sales

- name: Write it to a file to review and keep in git
  ansible.builtin.copy:
    content: "{{ {'users': sales.users} | to_nice_yaml }}"
    dest: sales_users.yml
    mode: "0644"
  delegate_to: localhost

- name: Report drift against the export (changes nothing)
  mynster.msgraph.graph_user_bulk:
    users: "{{ (lookup('ansible.builtin.file', 'sales_users.yml') | from_yaml).users }}"
  check_mode: true
  diff: true

- name: Only some properties of every user
  mynster.msgraph.graph_user_info:
    properties: [displayName, jobTitle, accountEnabled]
  register: everyone
'''

RETURN = r'''
users:
  description:
    - The users found, each a valid entry for M(mynster.msgraph.graph_user_bulk)'s C(users) option - in the order of
      O(users), or in Graph's order for O(filter).
    - Every property in O(properties) is present, V(null) when the user has no value.
  returned: always
  type: list
  elements: dict
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    licenses:
      description: Directly assigned licences by skuPartNumber, or dicts with C(sku) and C(disabled_plans).
      type: list
      elements: raw
      returned: when O(include_licenses=true)
    manager:
      description: The manager's userPrincipalName (its object id when it has none), or V(null).
      type: str
      returned: when O(include_manager=true)
  sample: [{"userPrincipalName": "adele.vance@contoso.com", "displayName": "Adele Vance", "jobTitle": "Product Manager",
            "state": "Hovedstaden", "accountEnabled": true, "businessPhones": ["+45 33 12 34 56"],
            "licenses": ["EMS", {"sku": "SPE_E3", "disabled_plans": ["TEAMS1"]}], "manager": "megan.bowen@contoso.com"}]
inherited_licenses:
  description:
    - The licences users inherit from groups, by userPrincipalName; only users that inherit at least one are listed.
    - Each has C(sku) (skuPartNumber), C(skuId), C(group) (the group's displayName, V(null) when it could not be read),
      C(group_id), C(state) (Graph's V(Active), V(ActiveWithError), V(Disabled) or V(Error); only the first two give the
      user the licence - a group licence without a free seat is V(Error)) and C(error) (V(None), or Graph's
      V(CountViolation), V(MutuallyExclusiveViolation), V(DependencyViolation), V(ProhibitedInUsageLocationViolation),
      V(UniquenessViolation) or V(Other)). Sorted by SKU; a licence two groups give is listed for each.
    - The group names are read in one more batched request after the users, 15 groups to a query.
  returned: when O(include_licenses=true)
  type: dict
  version_added: 0.2.0
  sample: {"adele.vance@contoso.com": [{"sku": "SPE_E3", "skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965", "group": "Sales staff",
           "group_id": "b320ee12-b1cd-4cca-b648-a437be61c5cd", "state": "Error", "error": "CountViolation"}]}
mailbox_licenses:
  description:
    - The licences that give users an Exchange Online mailbox, by userPrincipalName; only users holding at least one are
      listed. Direct ones come first, with C(group) and C(group_id) V(null); inherited ones name the group that grants them.
    - Each has C(sku) (skuPartNumber), C(skuId), C(group) and C(group_id). A licence counts when it has a mailbox service
      plan (C(EXCHANGE_S_STANDARD), C(EXCHANGE_S_ENTERPRISE), C(EXCHANGE_S_DESKLESS), ...; Microsoft's list of product
      names and service plan identifiers) that is not disabled, and the user holds it (state V(Active) or
      V(ActiveWithError)).
    - Exchange Online deletes a mailbox's data 30 days after its user's last such licence goes.
  returned: when O(include_licenses=true)
  type: dict
  version_added: 0.2.0
  sample: {"adele.vance@contoso.com": [{"sku": "SPE_E3", "skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965", "group": "Licensing E3",
           "group_id": "b320ee12-b1cd-4cca-b648-a437be61c5cd"}]}
ids:
  description:
    - The object id of each user in RV(users), by userPrincipalName.
    - Kept apart from RV(users) so that those stay valid M(mynster.msgraph.graph_user_bulk) entries; useful for audit
      records (a deleted user is restored by its object id) and for requests that need the id.
  returned: always
  type: dict
  sample: {"adele.vance@contoso.com": "6e7b768e-07e2-4810-8459-485f84f8f204"}
synchronised:
  description:
    - The userPrincipalNames of the users in RV(users) synchronised from on-premises Active Directory
      (C(onPremisesSyncEnabled)), where AD owns most properties; see M(mynster.msgraph.graph_user_bulk)'s
      O(mynster.msgraph.graph_user_bulk#module:synced_users).
    - Kept apart from RV(users), as C(onPremisesSyncEnabled) is read-only.
  returned: always
  type: list
  elements: str
  version_added: 0.2.0
  sample: ["adele.vance@contoso.com"]
missing:
  description: The names and ids in O(users) that matched no user.
  returned: always
  type: list
  elements: str
  sample: ["left.already@contoso.com"]
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
  sample: {"http_requests": 4, "batches": 4, "inner_requests": 68, "throttled": 0, "retries": 0, "replication_retries": 0}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem
from ansible_collections.mynster.msgraph.plugins.module_utils.users.export import UserExport, readable_property_problems
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import reference_problems

DEFAULT_PROPERTIES = ['accountEnabled', 'businessPhones', 'city', 'companyName', 'country', 'department', 'displayName', 'employeeId',
                      'employeeType', 'givenName', 'jobTitle', 'mailNickname', 'mobilePhone', 'officeLocation', 'postalCode',
                      'preferredLanguage', 'state', 'streetAddress', 'surname', 'usageLocation']
ARGUMENT_SPEC = dict(
    users=dict(type='list', elements='str'),
    filter=dict(type='str'),
    properties=dict(type='list', elements='str', default=DEFAULT_PROPERTIES),
    include_licenses=dict(type='bool', default=False),
    include_manager=dict(type='bool', default=False),
)


def run(module):
    params = module.params
    problems = reference_problems('users', params['users']) + readable_property_problems(params['properties'])
    if params['filter'] is not None and not params['filter'].strip():
        problems.append(Problem('is empty; leave it out to read every user', field='filter'))
    if problems:
        module.refuse(problems)
    export = UserExport(params['users'], params['filter'], params['properties'], params['include_licenses'], params['include_manager'])
    items, ids, missing, unknown = export.read(module.client)
    if unknown:
        module.refuse([Problem("Graph's users have no property '%s'" % name, 'properties[%d]' % params['properties'].index(name))
                       for name in unknown])
    for warning in export.warnings:
        module.warn(warning)
    extra = {'inherited_licenses': export.inherited, 'mailbox_licenses': export.mailboxes} if params['include_licenses'] else {}
    module.exit_result(False, users=items, ids=ids, missing=missing, synchronised=export.synchronised, **extra)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, mutually_exclusive=[('users', 'filter')], reads_only=True,
                         empty_result=dict(users=[], ids={}, missing=[], synchronised=[]))
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
