#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_workflow_report
short_description: The onboarding and offboarding roles' problems and plan, from the modules' results
version_added: 0.2.0
description:
  - The roles R(mynster.msgraph.onboarding,ansible_collections.mynster.msgraph.onboarding_role) and
    R(mynster.msgraph.offboarding,ansible_collections.mynster.msgraph.offboarding_role) run the collection's modules
    for a whole cohort. This module turns the modules' registered results into the role's terms - every problem named
    by hire (or leaver) and role key, and the plan per person with totals and a printable summary - from the results'
    structured fields (C(problems), C(created), C(added), ...), never from their messages.
  - It sends no request to Graph and changes nothing; it needs no connection settings.
  - Used by the roles; a playbook that composes the modules the way a role does can use it too.
author:
  - mynster.msgraph contributors (@mynster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - The module only reads its input. Its own check mode is the preview flag of RV(plan).
  diff_mode:
    support: N/A
    details:
      - The module changes nothing.
  platform:
    platforms: all
options:
  workflow:
    description:
      - Which role's report to build.
    type: str
    required: true
    choices: [onboarding, offboarding]
  report:
    description:
      - V(new_objects) (onboarding only) - from the user step's result in O(results), the hires it created (or would
        create), the hires whose mailbox is new, and the hires whose create Graph refused, as RV(new_users),
        RV(new_mailboxes) and RV(refused_users).
      - V(leavers) (offboarding only) - from the lookup's result in O(results), the leavers as each step's module takes
        them, as RV(leavers).
      - V(problems) - every problem the role's checks found, in the role's terms. The task fails when there is one,
        naming them all (RV(problems) holds them as records).
      - V(plan) - what the run did, or in check mode would do, per person, as RV(plan).
    type: str
    required: true
    choices: [new_objects, leavers, problems, plan]
  people:
    description:
      - Onboarding only - the hires as given to the role, O(mynster.msgraph.onboarding#role:main:onboarding_users).
        Offboarding names the leavers by the lookup's result.
      - Passwords in it are masked like every secret the modules see.
    type: list
    elements: raw
    default: []
  results:
    description:
      - The registered results of the role's steps, by step name. Onboarding - C(users) (M(mynster.msgraph.graph_user_bulk)),
        C(memberships) (M(mynster.msgraph.graph_group_membership)), C(calendars) (M(mynster.msgraph.graph_calendar)).
        Offboarding - C(lookup) (M(mynster.msgraph.graph_user_info)), C(auto_reply) (M(mynster.msgraph.graph_calendar) with
        O(mynster.msgraph.graph_calendar#module:calendars[].automatic_replies) for the leavers, in the lookup's order),
        C(memberships), C(disable), C(licences), C(delete).
      - A step left out, skipped, or registered with C(failed_when=false) is read as it is; a step that failed
        without naming items (a connection problem) becomes one problem with its message.
    type: dict
    default: {}
  delete:
    description:
      - Offboarding only - whether the run deletes the leavers (O(mynster.msgraph.offboarding#role:main:offboarding_delete)),
        so that leavers not found count as deleted already, and the summary counts deletions.
    type: bool
    default: false
  mailbox:
    description:
      - Offboarding only - O(mynster.msgraph.offboarding#role:main:offboarding_mailbox), so the plan says why mailbox
        licences were kept.
    type: str
    default: keep
    choices: [keep, release]
    version_added: 0.2.0
  auto_reply:
    description:
      - Offboarding only - O(mynster.msgraph.offboarding#role:main:offboarding_auto_reply) as given to the role. With
        O(report=problems) its shape is checked (the message as text, or a dict with C(message), C(external_message)
        and C(external_audience)), and each problem is named by the variable and its key.
    type: raw
    version_added: 0.2.0
notes:
  - Problems are mapped by the C(item) and C(field) each module problem carries (C(users[3]), C(calendars[0]) with
    C(events[0].start)) to the person and the role key (C(adele@contoso.com) and C(welcome_event.start)).
seealso:
  - module: mynster.msgraph.graph_user_bulk
  - module: mynster.msgraph.graph_group_membership
  - module: mynster.msgraph.graph_calendar
'''

EXAMPLES = r'''
- name: Check the hires (check mode, problems recorded rather than failing)
  mynster.msgraph.graph_user_bulk:
    users: "{{ hires }}"
  check_mode: true
  failed_when: false
  register: user_check

- name: Stop before the first write when a hire has a problem
  mynster.msgraph.graph_workflow_report:
    workflow: onboarding
    report: problems
    people: "{{ hires }}"
    results:
      users: "{{ user_check }}"

- name: The plan, per hire
  mynster.msgraph.graph_workflow_report:
    workflow: onboarding
    report: plan
    people: "{{ hires }}"
    results:
      users: "{{ user_check }}"
  register: report

- name: Print it
  ansible.builtin.debug:
    msg: "{{ report.plan.summary }}"
'''

RETURN = r'''
problems:
  description:
    - Every problem found, each with C(subject) (the hire's userPrincipalName, or the leaver), C(field) (the role key,
      such as C(groups[1]) or C(welcome_event.start)), C(reason), C(item) and the C(message) as printed.
  returned: when O(report=problems)
  type: list
  elements: dict
  sample: [{"item": null, "subject": "bob@contoso.com", "field": "groups[0]", "reason": "group 'Enginering' was not found",
            "message": "bob@contoso.com: groups[0]: group 'Enginering' was not found"}]
new_users:
  description: The userPrincipalNames of the hires the user step created (or would create); all hires when that step failed.
  returned: when O(report=new_objects)
  type: list
  elements: str
new_mailboxes:
  description:
    - The hires whose mailbox may not exist yet - created, newly licensed, or with licences the role manages - for
      M(mynster.msgraph.graph_calendar)'s O(mynster.msgraph.graph_calendar#module:new_mailboxes). Hires in RV(refused_users) are left out.
  returned: when O(report=new_objects)
  type: list
  elements: str
refused_users:
  description:
    - The userPrincipalNames of the hires whose create Graph refused (a password on Entra's banned lists, say), as
      the user step's RV(mynster.msgraph.graph_user_bulk#module:failed_users) names them. The role leaves them out of
      its later steps, does everything else, and fails at the end naming them (RV(plan) C(refused) and C(left_undone)).
  returned: when O(report=new_objects)
  type: list
  elements: str
leavers:
  description:
    - The leavers the lookup found, as the offboarding steps' modules take them - C(users) (M(mynster.msgraph.graph_user_bulk)
      entries to disable or delete), C(memberships) (M(mynster.msgraph.graph_group_membership) items with no group wanted and,
      with O(mailbox=keep), the groups a leaver's last mailbox licences come from in C(keep)) and C(licences)
      (M(mynster.msgraph.graph_user_bulk) entries with no licence wanted).
    - A leaver stays in a group that grants it a licence with an Exchange Online mailbox plan when it holds no such
      licence directly, so that leaving the group does not start the mailbox's 30-day deletion. Every such group is kept.
      Not with O(delete=true).
  returned: when O(report=leavers)
  type: dict
  version_added: 0.2.0
  sample: {"users": [{"userPrincipalName": "leaver@contoso.com"}], "memberships": [{"user": "leaver@contoso.com", "groups": [],
           "keep": ["b320ee12-b1cd-4cca-b648-a437be61c5cd"]}], "licences": [{"userPrincipalName": "leaver@contoso.com", "licenses": []}]}
plan:
  description:
    - What the run did, or in check mode would do - C(check_mode), C(changed), C(totals), one entry per person in
      C(users), and C(summary), the lines to print.
    - Onboarding adds C(pending_mailboxes), C(refused) (each write Graph refused in the user step - C(userPrincipalName),
      C(field), C(action), C(status), C(code), C(reason)) and C(left_undone), why the role fails after doing everything
      else (or V(null)); offboarding adds, per leaver, C(auto_reply) (V(set), V(already set), V(no mailbox) or V(null)
      when O(mynster.msgraph.offboarding#role:main:offboarding_auto_reply) is not set) with C(auto_reply_reason) and
      C(groups_kept) (with O(mailbox=keep), the groups the leaver stays in because its last licences with a mailbox
      plan come through them - C(group), C(group_id), C(reason)), and C(not_found), C(groups_not_changed),
      C(groups_elsewhere) (the groups Exchange Online or on-premises Active
      Directory owns that the leavers are still in - C(userPrincipalName), C(group), C(group_id), C(kind), C(reason),
      C(remedy), C(command)), C(left_undone), why the role fails after doing everything else (or V(null)),
      C(needs_on_premises), the synchronised leavers and what on-premises Active Directory must still do for each, and
      C(on_premises_left), the same as one sentence (or V(null)).
    - When C(needs_on_premises) is not empty the module warns, naming each such leaver.
    - The fields are listed with each role, R(onboarding,ansible_collections.mynster.msgraph.onboarding_role) and
      R(offboarding,ansible_collections.mynster.msgraph.offboarding_role).
  returned: when O(report=plan)
  type: dict
  sample: {"check_mode": true, "changed": true, "totals": {"users": 1, "create": 1}, "users": [{"userPrincipalName": "bob@contoso.com",
           "action": "create"}], "summary": ["Onboarding preview (check mode): nothing has been changed."]}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.offboarding import OffboardingReport
from ansible_collections.mynster.msgraph.plugins.module_utils.workflows.onboarding import OnboardingReport

ARGUMENT_SPEC = dict(
    workflow=dict(type='str', required=True, choices=['onboarding', 'offboarding']),
    report=dict(type='str', required=True, choices=['new_objects', 'leavers', 'problems', 'plan']),
    people=dict(type='list', elements='raw', default=[]),
    results=dict(type='dict', default={}),
    delete=dict(type='bool', default=False),
    mailbox=dict(type='str', default='keep', choices=['keep', 'release']),
    auto_reply=dict(type='raw'),
)


def build_report(params, preview):
    if params['workflow'] == 'onboarding':
        return OnboardingReport(params['people'], params['results'], preview)
    return OffboardingReport(params['results'], preview, delete=params['delete'], mailbox=params['mailbox'], auto_reply=params['auto_reply'])


def run(module):
    params = module.params
    report = build_report(params, module.check_mode)
    if params['report'] == 'new_objects':
        if params['workflow'] != 'onboarding':
            module.fail_json(msg='report=new_objects is for workflow=onboarding only')
        new = report.new_objects()
        module.exit_json(changed=False, new_users=new['users'], new_mailboxes=new['mailboxes'], refused_users=new['refused'])
    elif params['report'] == 'leavers':
        if params['workflow'] != 'offboarding':
            module.fail_json(msg='report=leavers is for workflow=offboarding only')
        module.exit_json(changed=False, leavers=report.leavers())
    elif params['report'] == 'problems':
        problems = report.problems()
        if problems:
            module.fail_json(msg=report.refusal(problems), problems=[problem.to_dict() for problem in problems])
        module.exit_json(changed=False, problems=[])
    else:
        plan = report.plan()
        if plan.get('on_premises_left'):
            module.warn(plan['on_premises_left'])
        module.exit_json(changed=False, plan=plan)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, connection=False)
    run(module)


if __name__ == '__main__':
    main()
