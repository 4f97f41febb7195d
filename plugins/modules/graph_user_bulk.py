#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_user_bulk
short_description: Declarative Entra ID users and licences, thousands per task
version_added: 0.1.0
description:
  - Makes every listed user match the task - creates the missing ones, updates only the properties that differ,
    disables or deletes, assigns and removes licences, sets the manager and revokes sign-in sessions.
  - Users are matched by userPrincipalName, case-insensitively. All listed users are read in bulk (15 per
    C($filter=userPrincipalName in (...)) query, 20 queries per C($batch)), together with the tenant's subscriptions
    when licences are listed and its verified domains when users may be created.
  - Every user is validated before anything is written - value types, what a new user needs, userPrincipalNames
    Graph would refuse, property names Graph does not know, licences, service plans, free seats and managers.
    One problem anywhere means nothing is written, and the task lists every problem, naming the user and the field.
  - Writes travel 20 per C($batch), several batches at a time. Licences and the manager of a user created by the task
    are set right after the creates, retrying while Graph still answers 404 for the new object (replication delay).
    Existing users are addressed by object id, so unusual userPrincipalNames (a leading C($), a guest's C(#EXT#), C('))
    work like any other.
  - Only the properties given are compared and written; a second run with the same input sends no write.
  - A failure Graph reports for one user does not stop the others. The task fails at the end listing every failure,
    or only warns when O(fail_on_error=false).
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
      - Reads and validates everything and reports which users would be created, updated (property by property),
        disabled, deleted, licensed and have their sessions revoked; sends no write.
  diff_mode:
    support: full
    details:
      - Before and after of the compared properties, licences and manager of every user that changes. Passwords are never shown.
  platform:
    platforms: all
options:
  users:
    description:
      - The users, each a dict of Graph user properties with Graph's names, for example C(displayName), C(mailNickname),
        C(accountEnabled), C(jobTitle), C(department), C(usageLocation), C(employeeId), C(officeLocation), C(mobilePhone),
        C(state) (the state or province), C(city), C(businessPhones), or any other writable property.
        C(userPrincipalName) is required.
      - Only the properties given are compared, so a user entry can be as small as the properties to maintain. An empty
        value (V(null) or V('')) clears the property. Text V(true)/V(false) (for example from a CSV file) is accepted for
        boolean properties, and numbers are sent as text.
      - Values must have the shape Graph expects. Collections such as C(businessPhones), C(otherMails) and C(imAddresses)
        must be lists (a text is refused, not split); C(usageLocation) is a two-letter country code; dates such as
        C(employeeHireDate) are ISO 8601 (V(2026-03-01) or V(2026-03-01T09:00:00Z)); a boolean for a text property
        (YAML reads an unquoted V(no) as false) is refused. Directory extension properties (C(extension_...)) are sent as given.
      - A property Graph does not know is refused before anything is written, naming every user that gave it. So are
        read-only properties such as C(createdDateTime), C(proxyAddresses) and C(onPremisesSyncEnabled), and
        C(passwordProfile), C(id), C(assignedLicenses) and C(licenseAssignmentStates).
      - C(state) is Graph's state or province property, like any other property. The values V(present), V(disabled) and
        V(absent) are refused there, as they are most likely meant for C(account_state).
      - To create a user, C(displayName) and C(password) are needed. C(mailNickname) defaults to the userPrincipalName's
        local part and C(accountEnabled) to what the account state says. A new user's userPrincipalName may hold only
        A-Z, a-z, 0-9, C('), C(.), C(-), C(_), C(!), C(#), C(^) and C(~) before the C(@) (no accents; at most 64 characters,
        no period right before the C(@)), and its domain must be one of the tenant's verified domains.
      - C(password) is the initial password; it is used only when the user is created and is never returned or logged.
        A password given for an existing user is ignored and does not make the task report a change.
      - C(force_change_password) overrides O(force_change_password) for that user.
      - C(manager) names the manager by userPrincipalName or object id (it may be another user of the same task);
        V(null) removes the manager. A manager that cannot be found fails the task at once, unless it is listed in
        O(recently_created).
      - C(licenses) lists the licences the user should have directly, each a SKU by C(skuPartNumber) (for example
        V(ENTERPRISEPACK)) or C(skuId), or a dict with C(sku) and C(disabled_plans) (service plan names such as V(TEAMS1),
        or ids). Without C(disabled_plans), the disabled plans of an existing assignment are left alone; with it, they
        are made to match. Users without C(licenses) keep their licences as they are. Assigning licences needs a
        C(usageLocation).
      - C(licenses) is compared with the user's direct licences only. Licences the user inherits from groups are never
        changed or removed (Graph refuses that; they go when the user leaves the group) and are reported apart, in
        RV(created[].licenses.inherited). A listed licence the user holds only through a group is also assigned directly,
        so the user keeps it on leaving the group. An assignment in state C(Error) or C(Disabled) does not count as held;
        a listed licence whose only assignment is an inherited one in C(Error) (for example C(CountViolation), no seat
        left) is therefore assigned directly and needs a free seat, which the seat check counts; such assignments are
        listed in RV(license_errors) and warned about.
      - C(account_state) (V(present), V(disabled) or V(absent)) overrides O(state) for that user. Before version 0.2.0 this
        key was called C(state).
    type: list
    elements: dict
    required: true
  state:
    description:
      - V(present) makes the users exist with the given properties.
      - V(disabled) does the same with C(accountEnabled=false) (sign-in blocked); a missing user is created disabled.
      - V(absent) deletes the users that exist (they go to the directory's deleted items for 30 days). Only
        C(userPrincipalName) is used.
      - Each user's C(account_state) key overrides this.
    type: str
    default: present
    choices: [present, disabled, absent]
  purge_licenses:
    description:
      - For users with a C(licenses) key, also remove the directly assigned licences that are not listed.
      - Only direct licences are compared and removed. Licences inherited from groups are never removed; a licence
        held both directly and through a group loses only its direct assignment.
      - See O(mailbox_licenses) for the licences that carry an Exchange Online mailbox.
    type: bool
    default: false
  mailbox_licenses:
    description:
      - With O(purge_licenses), what to do with the direct licences not listed that carry an Exchange Online mailbox plan
        (C(EXCHANGE_S_STANDARD), C(EXCHANGE_S_ENTERPRISE), C(EXCHANGE_S_DESKLESS), ... - every C(EXCHANGE*) plan of
        Microsoft's list of product names and service plan identifiers but C(EXCHANGE_S_FOUNDATION), archive add-ons
        and C(EXCHANGE_ANALYTICS); a plan disabled in the assignment does not count).
      - V(release) removes them like the others. When a user's last licence with a mailbox plan goes, Exchange Online
        keeps the mailbox data for 30 days and then deletes it (Graph cannot convert it to a shared mailbox); the task
        warns about each such user.
      - V(keep) leaves them, so the mailbox stays; they are listed in RV(mailboxes[].kept_licenses).
      - What happens to each mailbox is returned in RV(mailboxes).
    type: str
    default: release
    choices: [release, keep]
    version_added: 0.2.0
  synced_users:
    description:
      - What to do with changes to users synchronised from on-premises Active Directory (C(onPremisesSyncEnabled) true,
        from Entra Connect or Cloud Sync), where AD owns most properties and Graph refuses to change them.
      - V(refuse) stops the task before anything is written, naming each such user and field - a property AD owns,
        C(manager), or C(account_state=absent) (such accounts are deleted in AD).
      - V(skip) plans those users without these changes, lists them in RV(synced_skipped) and warns; their other
        changes are made.
      - The cloud may change C(accountEnabled), C(usageLocation), licences, cloud group memberships, C(employeeLeaveDateTime)
        and the profile properties C(aboutMe), C(birthday), C(interests), C(pastProjects), C(preferredName),
        C(responsibilities), C(schools) and C(skills); every other property is taken as AD's. Graph's answer stays the
        last word - a write it refuses anyway is listed in RV(failed_users) for that user.
      - Blocking sign-in (C(accountEnabled=false)) of a synchronised user lasts only until the next synchronisation
        (about every 30 minutes), which puts AD's value back; the task warns about each such user. Disable the account
        in AD as well.
    type: str
    default: refuse
    choices: [refuse, skip]
    version_added: 0.2.0
  force_change_password:
    description:
      - Whether users created by the task must change their password at first sign-in.
    type: bool
    default: true
  revoke_sessions:
    description:
      - Whether to revoke the users' sign-in sessions (refresh tokens and session cookies; Graph's C(revokeSignInSessions)),
        so that signed-in apps must sign in again within minutes.
      - V(never) does not revoke.
      - V(when_disabled) revokes for each existing account this task disables, right after disabling it. A re-run does
        not revoke again, as the account is already disabled.
      - V(always) revokes for every listed user that exists and is not deleted by the task, on every run (the task then
        always reports a change).
      - The revoked users are listed in RV(revoked). Needs C(User.RevokeSessions.All) (or C(User.ReadWrite.All)).
    type: str
    default: never
    choices: [never, when_disabled, always]
    version_added: 0.2.0
  recently_created:
    description:
      - Managers created by an earlier task, by userPrincipalName or object id as written in C(manager). Entra may not
        show a user for some time after it was created (replication delay), so a manager listed here that is not found
        is looked for again for up to O(replication_timeout) seconds.
      - Any other manager that is not found fails the task at once, before anything is written. Managers created by this
        same task need not be listed.
      - In check mode a manager listed here that is not found is taken as the user an earlier task would create.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  fail_on_error:
    description:
      - Fail the task when Graph refused a change for any user. The other users are changed either way.
      - With V(false) the failures are listed in RV(failed_users) and reported as warnings.
      - Validation problems found before anything is written always fail the task.
    type: bool
    default: true
  replication_timeout:
    description:
      - Seconds (0 to 3600) to keep retrying when a just-created object is not found yet (Entra replication delay) -
        licences and manager of users created by the task, and managers listed in O(recently_created).
    type: float
    default: 30.0
notes:
  - Licence seats are checked before anything is written, against Graph's own count (C(prepaidUnits.enabled) minus
    C(consumedUnits)). Only assignments that take a new seat count; a licence the user already holds, directly or
    through a group, does not. A group licence in state C(Error) holds no seat, so assigning that licence directly
    takes one.
  - Users are matched by userPrincipalName; this module does not rename users.
  - The application needs C(User.ReadWrite.All), C(Organization.Read.All) to read the verified domains and subscriptions
    (without it the domains of new users are not checked, with a warning), and C(LicenseAssignment.ReadWrite.All) or
    C(Organization.Read.All) to read subscriptions when licences are listed. To name the groups users inherit licences
    from it needs C(GroupMember.Read.All) or C(Group.Read.All); without it they are named by id, with a warning.
  - A create whose answer is lost (a gateway timeout after Graph processed it, a dropped connection) is settled by reading
    the user by userPrincipalName, not sent again blindly.
seealso:
  - module: mynster.msgraph.graph_user_info
  - module: mynster.msgraph.graph_group_membership
  - module: mynster.msgraph.graph_batch
  - name: Create user
    description: Graph reference for the properties a user needs.
    link: https://learn.microsoft.com/graph/api/user-post-users
  - name: User resource type
    description: Graph's user properties, their types and which are read-only.
    link: https://learn.microsoft.com/graph/api/resources/user
  - name: assignLicense
    description: Graph reference for licence assignment.
    link: https://learn.microsoft.com/graph/api/user-assignlicense
  - name: revokeSignInSessions
    description: Graph reference for revoking a user's sessions.
    link: https://learn.microsoft.com/graph/api/user-revokesigninsessions
'''

EXAMPLES = r'''
- name: Bulk update users - job title, department and province
  mynster.msgraph.graph_user_bulk:
    users:
      - userPrincipalName: adele.vance@contoso.com
        jobTitle: Product Manager
        department: Marketing
        state: Hovedstaden
      - userPrincipalName: alex.wilber@contoso.com
        jobTitle: Marketing Assistant
        department: Marketing
        businessPhones: ["+45 33 12 34 56"]

- name: Create a user with a licence, some plans disabled, and a manager
  mynster.msgraph.graph_user_bulk:
    users:
      - userPrincipalName: nestor.wilke@contoso.com
        displayName: Nestor Wilke
        password: "{{ vault_initial_password }}"
        usageLocation: DK
        jobTitle: Director
        manager: adele.vance@contoso.com
        licenses:
          - sku: SPE_E3
            disabled_plans: [TEAMS1]

- name: Read the HR system's export of new hires
  community.general.read_csv:
    path: /srv/hr/new_hires.csv
  register: new_hires
  delegate_to: localhost

- name: Onboard 1,000 new hires from the CSV, each with a Microsoft 365 E3 licence
  mynster.msgraph.graph_user_bulk:
    # columns: userPrincipalName,displayName,givenName,surname,jobTitle,department,employeeId,manager
    users: "{{ new_hires.list | map('combine', {'usageLocation': 'DK', 'licenses': ['SPE_E3'],
              'password': vault_initial_password}) | list }}"
  register: onboarded

- name: Create the managers first ...
  mynster.msgraph.graph_user_bulk:
    users: "{{ managers }}"
  register: created_managers

- name: ... then their reports, waiting for the new managers only
  mynster.msgraph.graph_user_bulk:
    users: "{{ reports }}"
    recently_created: "{{ created_managers.created | map(attribute='userPrincipalName') | list }}"

- name: Disable leavers, sign them out everywhere and take their directly assigned licences away
  mynster.msgraph.graph_user_bulk:
    state: disabled
    revoke_sessions: when_disabled
    purge_licenses: true
    users:
      - userPrincipalName: leaver1@contoso.com
        licenses: []
      - userPrincipalName: leaver2@contoso.com
        licenses: []

- name: Keep one user, delete another (per-user account_state)
  mynster.msgraph.graph_user_bulk:
    users:
      - userPrincipalName: contractor1@contoso.com
        account_state: disabled
      - userPrincipalName: old.contractor2@contoso.com
        account_state: absent

- name: Delete accounts, carrying on past failures and reporting them as warnings
  mynster.msgraph.graph_user_bulk:
    state: absent
    fail_on_error: false
    users:
      - userPrincipalName: old.contractor1@contoso.com
      - userPrincipalName: old.contractor2@contoso.com
'''

RETURN = r'''
created:
  description: Users created (or that would be created in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    id:
      description: Object id of the user; V(null) in check mode.
      type: str
    properties:
      description: Names of the properties set, plus C(manager) and C(licenses) when those were set.
      type: list
      elements: str
    licenses:
      description:
        - The user's licences, when the task manages them (the entry has a C(licenses) key).
        - V(added), V(removed) and V(updated) (disabled plans changed) are direct licences by skuPartNumber, empty when none
          changed (or the write failed).
      type: dict
      returned: when the user's entry has C(licenses)
      contains:
        added:
          description: Direct licences assigned, by skuPartNumber.
          type: list
          elements: str
        removed:
          description: Direct licences removed, by skuPartNumber.
          type: list
          elements: str
        updated:
          description: Direct licences whose disabled plans changed, by skuPartNumber.
          type: list
          elements: str
        inherited:
          description:
            - The licences the user inherits from groups, as read before the task (it never changes them), sorted by SKU;
              a user created by the task has none. A licence given by two groups is listed for each.
            - Each has C(sku) (skuPartNumber), C(skuId), C(group) (the group's displayName, V(null) when it could not be
              read), C(group_id), C(state) (Graph's V(Active), V(ActiveWithError), V(Disabled) or V(Error); only the first
              two give the user the licence) and C(error) (V(None), or Graph's V(CountViolation),
              V(MutuallyExclusiveViolation), V(DependencyViolation), V(ProhibitedInUsageLocationViolation),
              V(UniquenessViolation) or V(Other)).
          type: list
          elements: dict
  sample: [{"userPrincipalName": "nestor.wilke@contoso.com", "id": "4f1c...", "properties": ["accountEnabled", "displayName",
            "jobTitle", "licenses", "mailNickname", "manager", "usageLocation", "userPrincipalName"],
            "licenses": {"added": ["SPE_E3"], "removed": [], "updated": [], "inherited": []}}]
updated:
  description: Existing users that changed (or would change), with the names of the properties that differed. Same shape as RV(created).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "adele.vance@contoso.com", "id": "6e7b...", "properties": ["department", "jobTitle", "licenses"],
            "licenses": {"added": ["EMS"], "removed": [], "updated": [],
                         "inherited": [{"sku": "SPE_E3", "skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965", "group": "Sales staff",
                                        "group_id": "b320ee12-b1cd-4cca-b648-a437be61c5cd", "state": "Error", "error": "CountViolation"}]}}]
disabled:
  description: Existing users whose sign-in was blocked (C(accountEnabled) set to false) by this task. Same shape as RV(created).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "leaver1@contoso.com", "id": "9a1c...", "properties": ["accountEnabled", "licenses"],
            "licenses": {"added": [], "removed": ["ENTERPRISEPACK"], "updated": [],
                         "inherited": [{"sku": "EMS", "skuId": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", "group": "All staff",
                                        "group_id": "02bd9fd6-8f93-4758-87c3-1fb73740a315", "state": "Active", "error": "None"}]}}]
deleted:
  description: Users deleted (or that would be deleted).
  returned: always
  type: list
  elements: dict
  sample: [{"userPrincipalName": "old.contractor1@contoso.com", "id": "0f2d..."}]
revoked:
  description: Users whose sign-in sessions were revoked (or would be, in check mode), see O(revoke_sessions).
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    id:
      description: Object id of the user.
      type: str
  sample: [{"userPrincipalName": "leaver1@contoso.com", "id": "9a1c..."}]
mailboxes:
  description:
    - With O(purge_licenses), what becomes of the Exchange Online mailbox of each existing user with C(licenses).
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    id:
      description: Object id of the user.
      type: str
    mailbox:
      description:
        - V(kept) - the user still holds a licence with a mailbox plan (direct, kept by O(mailbox_licenses=keep), or
          inherited from a group).
        - V(released) - its last licence with a mailbox plan goes; Exchange Online deletes the mailbox data 30 days later.
        - V(none) - the user holds no licence with a mailbox plan.
      type: str
      choices: [kept, released, none]
    kept_licenses:
      description: Direct licences not removed because they carry a mailbox plan (O(mailbox_licenses=keep)), by skuPartNumber.
      type: list
      elements: str
    message:
      description: The outcome in words.
      type: str
  sample: [{"userPrincipalName": "leaver1@contoso.com", "id": "9a1c...", "mailbox": "kept", "kept_licenses": ["ENTERPRISEPACK"],
            "message": "kept: the user still holds a licence with a mailbox plan"}]
synced_skipped:
  description:
    - Users synchronised from on-premises Active Directory whose changes AD owns were left out (O(synced_users=skip)).
      Their other changes are listed with the other users.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    userPrincipalName:
      description: The user's userPrincipalName.
      type: str
    id:
      description: Object id of the user.
      type: str
    item:
      description: The O(users) entry, such as V(users[3]).
      type: str
    fields:
      description: The properties (and C(manager), C(account_state)) not changed, to be changed in AD.
      type: list
      elements: str
  sample: [{"userPrincipalName": "adele.vance@contoso.com", "id": "6e7b...", "item": "users[0]", "fields": ["jobTitle"]}]
license_errors:
  description:
    - The licence assignments in error (state V(Error), or an error recorded) of every listed user whose licences the task
      manages and who existed before the task - created, updated or unchanged - as read before the task. Each is also
      warned about, saying whether the user holds the licence and whether this task assigns it directly.
    - Same fields as RV(created[].licenses.inherited), plus the user's C(userPrincipalName) and C(id); C(group) and
      C(group_id) are V(null) for a direct assignment.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{"userPrincipalName": "adele.vance@contoso.com", "id": "6e7b...", "sku": "SPE_E3", "skuId": "05e9a617-0261-4cee-bb44-138d3ef5d965",
            "group": "Sales staff", "group_id": "b320ee12-b1cd-4cca-b648-a437be61c5cd", "state": "Error", "error": "CountViolation"}]
unchanged:
  description: Number of listed users that were already as wanted.
  returned: always
  type: int
  sample: 997
failed_users:
  description:
    - One entry per change Graph refused, or per validation problem (then RV(failed_users[].action) is V(validate), the
      status is V(null) and RV(failed_users[].field) names the field).
    - Named C(failed_users) because Ansible reserves C(failed) for the task's own failure flag.
    - A user created by the task can also be listed here when a follow-up (licences, manager) failed.
    - A user whose create Graph refused is in no other list, so later tasks can take RV(created) as the users that
      exist. Graph refuses a password on Entra Password Protection's banned lists (which cannot be known beforehand)
      only when it is sent; that failure names the item, V(password) as RV(failed_users[].field) and Graph's message.
  returned: always
  type: list
  elements: dict
  contains:
    userPrincipalName:
      description: The user concerned (V(null) for a problem with another option, such as O(recently_created)).
      type: str
    item:
      description: The O(users) entry, such as V(users[3]) (V(null) for a problem with another option).
      type: str
    action:
      description: V(create), V(update), V(delete), V(licenses), V(manager), V(revoke_sessions) or V(validate).
      type: str
    field:
      description:
        - The field a validation problem is about.
        - For a change Graph refused, the field its answer points at when that is known - V(password) for a password
          Graph refused, V(licenses) or V(manager) for those writes - else V(null).
      type: str
    status:
      description: HTTP status Graph answered.
      type: int
    code:
      description: Graph's error code.
      type: str
    message:
      description: Graph's error message, or the validation problem.
      type: str
  sample: [{"userPrincipalName": "x@contoso.com", "action": "licenses", "status": 400, "code": "Request_BadRequest",
            "message": "License assignment cannot be done for user with invalid usage location."}]
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
  sample: {"http_requests": 104, "batches": 104, "inner_requests": 2068, "throttled": 0, "retries": 0, "replication_retries": 0}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import WAIT_RANGE
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure
from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import ACCOUNT_STATES, parse_users, reference_problems
from ansible_collections.mynster.msgraph.plugins.module_utils.users.mailboxes import MAILBOX_LICENSE_CHOICES
from ansible_collections.mynster.msgraph.plugins.module_utils.users.plan import REVOKE_CHOICES, Directory, plan_users, read_directory
from ansible_collections.mynster.msgraph.plugins.module_utils.users.synchronised import SYNCED_USERS_CHOICES
from ansible_collections.mynster.msgraph.plugins.module_utils.users.writer import RESULT_LISTS, UserWriter, changed, licence_findings, report

ARGUMENT_SPEC = dict(
    users=dict(type='list', elements='dict', required=True),
    state=dict(type='str', default='present', choices=list(ACCOUNT_STATES)),
    purge_licenses=dict(type='bool', default=False),
    mailbox_licenses=dict(type='str', default='release', choices=list(MAILBOX_LICENSE_CHOICES)),
    synced_users=dict(type='str', default='refuse', choices=list(SYNCED_USERS_CHOICES)),
    force_change_password=dict(type='bool', default=True, no_log=False),
    revoke_sessions=dict(type='str', default='never', choices=list(REVOKE_CHOICES)),
    recently_created=dict(type='list', elements='str', default=[]),
    fail_on_error=dict(type='bool', default=True),
    replication_timeout=dict(type='float', default=30.0),
)
EMPTY_RESULT = dict(((name, []) for name in RESULT_LISTS), unchanged=0, failed_users=[], synced_skipped=[], mailboxes=[], license_errors=[])


def problem_record(problem):
    """A problem as graph_user_bulk lists it among its failed users (``action: validate``)."""
    return failure('validate', problem.subject, problem.item, message=str(problem), field=problem.field, userPrincipalName=problem.subject)


def run(module):
    params = module.params
    specs, problems = parse_users(params['users'], params['state'], params['force_change_password'])
    problems.extend(reference_problems('recently_created', params['recently_created']))
    if not specs and not problems:
        module.exit_result(False, **EMPTY_RESULT)
    # Reading is harmless, so problems found while parsing are reported together with those the read reveals.
    directory = Directory()
    if specs:
        directory = read_directory(module.client, specs, params['recently_created'], params['replication_timeout'], module.check_mode)
    plans, plan_problems, warnings = plan_users(specs, directory, params['purge_licenses'], params['revoke_sessions'], params['synced_users'],
                                                params['mailbox_licenses'])
    problems.extend(plan_problems)
    if problems:
        module.refuse(problems)
    for warning in warnings:
        module.warn(warning)
    if not module.check_mode:
        UserWriter(module.client, [p for p in plans if p.pending], params['replication_timeout'], params['revoke_sessions']).apply()
    result, before, after = report(plans, directory.catalog, module.check_mode, module._diff, directory.licence_groups)
    result['license_errors'], licence_warnings = licence_findings(plans, directory.catalog, module.check_mode, directory.licence_groups)
    for warning in [directory.licence_groups.warning()] + licence_warnings:
        if warning:
            module.warn(warning)
    failures = result.pop('failed_users')
    module.finish(changed(result), failures, 'failed_users', params['fail_on_error'], before, after, **result)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, ranges={'replication_timeout': WAIT_RANGE}, items='users',
                         empty_result=EMPTY_RESULT, problem_records=('failed_users', problem_record))
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
