#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_calendar
short_description: Events created once, calendar permissions and automatic replies kept in line, for many mailboxes per task
version_added: 0.2.0
description:
  - Creates the listed events in each mailbox's calendar unless they are already there, and grants, changes or
    (with O(permissions_state=exact)) removes calendar permissions, and turns automatic replies (out of office) on or off,
    for any number of mailboxes in one task.
  - Each event is keyed by a C(transactionId) derived from the mailbox and the subject. The module reads the
    mailbox's events with the listed subjects first and creates only those whose key it does not find; an event that
    is there is left as it is, even when its details in the task changed. Graph also uses the C(transactionId) to
    avoid creating the event twice when a create is sent again after its answer was lost.
  - Permissions are matched by address, case-insensitively. A listed address that has no permission is granted one,
    one with another role is changed to the listed role, and the others are left alone unless O(permissions_state=exact).
    A grant that Graph answers with 409 (already shared - for example a grant sent again after its answer was lost) is
    settled by reading the mailbox's permissions again.
  - An address in one of the tenant's verified domains that no user or group has (as mail, userPrincipalName or proxy
    address) is refused before anything is written, in check mode too - usually a typo, with which Outlook would share
    the calendar silently. An address in any other domain is external - it is granted as listed and marked
    C(external) set to V(true) in RV(calendars[].permissions) and listed under C(external) in the diff. The check reads the
    tenant's domains (C(Organization.Read.All)), users (C(User.Read.All)) and groups (C(Group.Read.All)) in one
    C($batch); when Graph refuses one of them, the addresses it would have told about are not checked.
  - Automatic replies (O(calendars[].automatic_replies)) are read from the mailbox's C(mailboxSettings) and written
    with one C(PATCH) only when the status, the external audience or a message differs. Exchange Online keeps the
    messages as HTML, so they are compared by the text a reader sees (tags and extra white space left out).
  - Everything is checked before the first write - the shape and types of every item, event times and time zones,
    roles, addresses, duplicates - and then every mailbox is read. When anything is wrong, nothing is written to any
    mailbox and the task fails naming each item and field (for example C(calendars[2].events[0].start)).
  - Requests for all mailboxes travel together in C($batch) calls, several at a time; Outlook allows 4 concurrent
    requests per application and mailbox, which the client keeps to.
  - A user created or licensed moments ago has no mailbox for a while (Outlook answers 404
    C(MailboxNotEnabledForRESTAPI); Microsoft says typically less than 30 minutes, up to 24 hours). Mailboxes listed in O(new_mailboxes) are waited for, each
    on its own, up to O(mailbox_timeout); the other mailboxes are written meanwhile. Any other mailbox that is not found
    fails the task at once, before anything is written, unless O(missing_mailboxes=skip).
  - A mailbox still missing when O(mailbox_timeout) has passed is left out, named in RV(pending_mailboxes) and in a
    warning; the task does not fail for it, so the other mailboxes' results stand. Running the task again later
    completes it.
  - A failure Graph reports for one event or permission does not stop the others. The task fails at the end listing
    every failure, or only warns when O(fail_on_error=false).
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
      - Checks and reads everything and reports the events that would be created and the permissions that would be
        granted, changed or removed and whether the automatic replies would be set, per mailbox; sends no write.
        A mailbox listed in O(new_mailboxes) that does not exist yet is planned as an empty one (everything listed for
        it would be created), without waiting.
  diff_mode:
    support: full
    details:
      - Per changed mailbox, the task's events found in it, every calendar permission with its role, and (when managed)
        the automatic replies' status, external audience and messages as a reader sees them, before and after.
  platform:
    platforms: all
options:
  calendars:
    description:
      - The mailboxes and what their calendars should hold. Each mailbox may be listed once.
      - Omit O(calendars[].events) or O(calendars[].permissions) to leave that part of the mailbox alone.
    type: list
    elements: dict
    required: true
    suboptions:
      mailbox:
        description:
          - The mailbox's user, by userPrincipalName or object id. UPNs that need Graph's parenthesised key form (a
            leading C($), a guest's C(#EXT#)) work as they are.
          - The event key is derived from this value, so name a mailbox the same way in every run (see O(calendars[].events)).
        type: str
        required: true
      events:
        description:
          - Events to create once. Each subject may appear once per mailbox (compared case-insensitively).
          - The C(transactionId) is C(onboarding-) followed by the first 32 hex digits of the SHA-256 of the lower-case
            mailbox, a line break and the subject - as the C(mynster.msgraph.onboarding) role derived it before this
            module, so events it created are recognised. A mailbox named by object id gives another key than the
            same mailbox named by UPN, and a renamed user's UPN gives another key as well.
          - An event that exists is never changed. To change one, delete it in Outlook (or through Graph) and run the task again.
          - Attendees receive an invitation from the mailbox when the event is created.
        type: list
        elements: dict
        suboptions:
          subject:
            description:
              - The event's subject; leading and trailing spaces are dropped.
            type: str
            required: true
          body:
            description:
              - The event's text.
            type: str
          body_type:
            description:
              - Whether O(calendars[].events[].body) is plain text or HTML.
            type: str
            default: text
            choices: [text, html]
          start:
            description:
              - Local start time in O(calendars[].events[].timezone), like V(2026-03-02T09:00:00) (a space instead
                of C(T), and a YAML timestamp, are fine; seconds may be left out).
              - A date alone, or words such as V(tomorrow 9am), are refused. A UTC offset (V(+01:00)) is refused
                unless it is V(Z) with the time zone V(UTC); name the zone in O(calendars[].events[].timezone) instead.
            type: raw
            required: true
          end:
            description:
              - Local end time in the same time zone, in the same form; must be after O(calendars[].events[].start).
            type: raw
            required: true
          timezone:
            description:
              - Time zone of start and end, as Outlook takes it - a Windows time zone name such as
                V(W. Europe Standard Time) or V(Romance Standard Time), or an IANA name such as V(Europe/Copenhagen).
              - Names are checked against Windows' list (from the Unicode CLDR) and the IANA database of the host the
                module runs on, case-insensitively, and sent in their usual spelling; a misspelt name is refused with
                the closest known one. Where that host has no time zone database, any C(Area/Location) name is passed to Graph.
            type: str
            default: UTC
          location:
            description:
              - Where the event takes place (a display name).
            type: str
          attendees:
            description:
              - People invited, each an email address (a required attendee) or a dict with C(address), optional
                C(name) and C(type) (V(required), V(optional) or V(resource)).
            type: list
            elements: raw
          categories:
            description:
              - Outlook category names.
            type: list
            elements: str
          show_as:
            description:
              - How the time shows in the mailbox owner's free/busy information; Outlook's default is V(busy).
            type: str
            choices: [free, tentative, busy, oof, workingElsewhere]
          sensitivity:
            description:
              - The event's sensitivity; Outlook's default is V(normal).
            type: str
            choices: [normal, personal, private, confidential]
          reminder_minutes:
            description:
              - Minutes before the start at which Outlook reminds the owner; Outlook's default is 15.
            type: int
      permissions:
        description:
          - Who may see or edit the calendar. Each address may appear once per mailbox (compared case-insensitively).
          - The mailbox's own address cannot be listed.
          - With O(permissions_state=exact), an empty list removes every removable permission.
        type: list
        elements: dict
        suboptions:
          address:
            description:
              - Email address of the person or group the calendar is shared with.
            type: str
            required: true
          role:
            description:
              - The permission, one of Graph's C(calendarRoleType) values. V(custom) is only reported by Graph and cannot be set.
              - People outside the organisation can get V(none), V(freeBusyRead), V(limitedRead) or V(read) only; Graph
                refuses the others for them (reported per item).
            type: str
            required: true
            choices: [none, freeBusyRead, limitedRead, read, write, delegateWithoutPrivateEventAccess, delegateWithPrivateEventAccess]
          name:
            description:
              - Display name of the person, used when the permission is granted (not compared afterwards).
            type: str
      automatic_replies:
        description:
          - The mailbox's automatic replies (out of office). Omit to leave them alone.
          - With O(calendars[].automatic_replies.state=enabled) they are always on (not scheduled) with these messages
            and this external audience; with V(disabled) they are off, and the messages are left as they are.
          - Needs C(MailboxSettings.ReadWrite) (application permission).
        type: dict
        version_added: 0.2.0
        suboptions:
          state:
            description:
              - V(enabled) - automatic replies on (C(alwaysEnabled)); V(disabled) - off.
            type: str
            default: enabled
            choices: [enabled, disabled]
          internal_message:
            description:
              - The reply to senders inside the organisation, plain text or HTML. Required with
                O(calendars[].automatic_replies.state=enabled).
            type: str
          external_message:
            description:
              - The reply to senders outside the organisation (see O(calendars[].automatic_replies.external_audience)),
                plain text or HTML. Defaults to O(calendars[].automatic_replies.internal_message).
            type: str
          external_audience:
            description:
              - Who outside the organisation gets O(calendars[].automatic_replies.external_message) - V(none), only the
                mailbox's contacts (V(contactsOnly)), or V(all).
            type: str
            default: all
            choices: [none, contactsOnly, all]
  permissions_state:
    description:
      - V(present) grants missing permissions and changes roles that differ; permissions not listed stay.
      - V(exact) also removes the removable permissions that are not listed, for mailboxes with O(calendars[].permissions).
        The default C(My Organization) entry (and any other entry Graph marks as not removable) is never removed.
    type: str
    default: present
    choices: [present, exact]
  missing_mailboxes:
    description:
      - What to do with a mailbox not listed in O(new_mailboxes) that Outlook says does not exist (404
        C(MailboxNotEnabledForRESTAPI) - a user without an Exchange Online licence, or with its mailbox on-premises).
      - V(fail) - fail the task before anything is written. V(skip) - leave it out, with C(status) V(skipped) and the
        reason in RV(calendars) and in RV(skipped_mailboxes), and a warning; the other mailboxes are written.
      - A user that does not exist fails the task either way.
    type: str
    default: fail
    choices: [fail, skip]
    version_added: 0.2.0
  new_mailboxes:
    description:
      - Mailboxes of users created or licensed moments ago, named as in O(calendars[].mailbox). Only these are waited
        for when Outlook does not find them yet; a mailbox of this list that O(calendars) does not name is ignored.
      - Every other mailbox that is not found (the user does not exist, has no Exchange Online licence, or its mailbox
        is on-premises) fails the task at once, before anything is written (see O(missing_mailboxes)).
      - The users behind these mailboxes are looked up first, 15 per query in one C($batch); mailboxes of users that do
        not exist yet are not read - in check mode they are planned as empty, in a real run they are waited for. This
        lookup needs C(User.Read.All); without it the mailboxes are read as the others.
      - A mailbox of this list whose user exists but whose mailbox does not is waited for only when one is coming. The
        user's licences and those of its groups are compared with the service plans of the tenant's subscriptions
        (C(/subscribedSkus), after each licence's disabled plans). When none has an Exchange Online plan, the mailbox is
        not waited for but skipped at once, named with the reason in RV(skipped_mailboxes) and a warning. Reading the
        subscriptions needs C(Organization.Read.All) (or C(Directory.Read.All)); without it every missing mailbox is waited for.
    type: list
    elements: str
    default: []
  mailbox_timeout:
    description:
      - Seconds, counted from the start of the task, to wait for each mailbox of O(new_mailboxes) that does not exist
        yet. Each is read again after 2 seconds, then at growing intervals of at most 30 seconds.
      - Mailboxes still missing then are listed in RV(pending_mailboxes) with a warning, and the task does not fail
        for them. With V(0) they are not waited for at all.
      - Exchange Online typically needs minutes to create the mailbox after a licence is assigned, and sometimes
        hours; a task run again later picks up what was still pending.
    type: float
    default: 600
  fail_on_error:
    description:
      - Fail the task when Graph refused an event or a permission change. The other items are written either way.
      - With V(false) the failures are listed in RV(failed_items) and reported as warnings.
      - Problems found before anything is written (invalid input, missing mailboxes, failed reads) always fail the task.
    type: bool
    default: true
notes:
  - The application needs C(Calendars.ReadWrite) (application permission), and C(MailboxSettings.ReadWrite) to manage
    automatic replies; without it reading the settings fails with 403, which stops the task before any write. An Exchange application access policy
    that leaves a mailbox out makes reading it fail with 403, which stops the task before any write.
  - Outlook keeps creating events idempotent only through the C(transactionId); events created by hand with the same
    subject are not matched, and the task creates its own beside them.
seealso:
  - module: mynster.msgraph.graph_user_bulk
  - module: mynster.msgraph.graph_batch
  - name: Create event
    description: Graph reference for events and C(transactionId).
    link: https://learn.microsoft.com/graph/api/user-post-events
  - name: calendarPermission resource type
    description: Graph reference for calendar permissions and their roles.
    link: https://learn.microsoft.com/graph/api/resources/calendarpermission
  - name: automaticRepliesSetting resource type
    description: Graph reference for automatic replies.
    link: https://learn.microsoft.com/graph/api/resources/automaticrepliessetting
'''

EXAMPLES = r'''
- name: Welcome meeting for a new hire, and her manager may see her calendar
  mynster.msgraph.graph_calendar:
    calendars:
      - mailbox: nestor.wilke@contoso.com
        events:
          - subject: Welcome to Contoso
            body: Meet the team in building 4, room 12.
            start: 2026-03-02T09:00:00
            end: 2026-03-02T10:00:00
            timezone: Romance Standard Time
            location: Building 4, room 12
            attendees:
              - adele.vance@contoso.com
              - address: it-desk@contoso.com
                type: optional
        permissions:
          - address: adele.vance@contoso.com
            role: read

- name: Create two accounts with an Exchange Online licence
  mynster.msgraph.graph_user_bulk:
    users: "{{ hires }}"
  register: created

- name: Welcome events for them; their mailboxes appear minutes after licensing, and are waited for
  mynster.msgraph.graph_calendar:
    calendars:
      - mailbox: lynne.robbins@contoso.com
        events: "{{ welcome_events }}"
      - mailbox: diego.siciliani@contoso.com
        events: "{{ welcome_events }}"
    new_mailboxes: "{{ created.created | map(attribute='userPrincipalName') | list }}"
    mailbox_timeout: 900
  register: welcome

- name: Say which mailboxes were not ready yet (a later run completes them)
  ansible.builtin.debug:
    msg: "Run again later for {{ welcome.pending_mailboxes | join(', ') }}"
  when: welcome.pending_mailboxes | length > 0

- name: Automatic replies for leavers; those without a mailbox are skipped
  mynster.msgraph.graph_calendar:
    missing_mailboxes: skip
    calendars:
      - mailbox: megan.bowen@contoso.com
        automatic_replies:
          internal_message: Megan has left Contoso. Please write to sales@contoso.com.
          external_message: Megan no longer works at Contoso. Please write to sales@contoso.com.
          external_audience: all

- name: Exactly these people may see the boardroom calendar; everyone else's permission is removed
  mynster.msgraph.graph_calendar:
    permissions_state: exact
    calendars:
      - mailbox: boardroom@contoso.com
        permissions:
          - address: megan.bowen@contoso.com
            role: write
          - address: alex.wilber@contoso.com
            role: freeBusyRead
'''

RETURN = r'''
calendars:
  description:
    - One entry per listed mailbox, in the order of O(calendars). In check mode, what would be done.
  returned: always
  type: list
  elements: dict
  contains:
    mailbox:
      description: The mailbox as listed.
      type: str
    status:
      description:
        - V(ok) when the mailbox is as listed (or, in check mode, could be made so), V(pending) when it did not exist
          before O(mailbox_timeout) passed (nothing was written to it), V(skipped) when it does not exist and no
          mailbox is coming (see RV(calendars[].reason)), V(failed) when Graph refused something (see RV(failed_items)).
      type: str
    reason:
      description:
        - Why a mailbox was skipped (V(null) otherwise) - its user's licences give it no Exchange Online mailbox, or
          (with O(missing_mailboxes=skip)) Outlook says it has none.
      type: str
    new_mailbox:
      description: Whether the mailbox was listed in O(new_mailboxes).
      type: bool
    found:
      description:
        - Whether the mailbox existed when read. V(false) for a new mailbox planned as empty in check mode, or still
          pending; V(null) when the task listed nothing to manage for it.
      type: bool
    changed:
      description: Whether anything was (or would be) written to this mailbox.
      type: bool
    events:
      description: The listed events, by what happened to them.
      type: dict
      contains:
        created:
          description: Events created; C(id) is V(null) in check mode.
          type: list
          elements: dict
          sample: [{"subject": "Welcome to Contoso", "start": "2026-03-02T09:00:00", "end": "2026-03-02T10:00:00",
                    "timezone": "Romance Standard Time", "transactionId": "onboarding-5c1e...", "id": "AAMkA..."}]
        existing:
          description: Events that were there already (left as they are). Same shape as RV(calendars[].events.created).
          type: list
          elements: dict
    permissions:
      description: The permissions, by what happened to them.
      type: dict
      contains:
        granted:
          description: Permissions granted, as C({address, role}), with C(external) set to V(true) for an address outside the tenant's domains.
          type: list
          elements: dict
        updated:
          description: Permissions whose role changed, as C({address, role, previous_role}).
          type: list
          elements: dict
        removed:
          description: Permissions removed under O(permissions_state=exact), as C({address, role}).
          type: list
          elements: dict
        unchanged:
          description: Listed permissions that were already as wanted, with C(external) as in RV(calendars[].permissions.granted).
          type: list
          elements: dict
    automatic_replies:
      description:
        - What became (in check mode, would become) of the automatic replies; V(null) when O(calendars[].automatic_replies)
          is not given.
      type: dict
      version_added: 0.2.0
      contains:
        outcome:
          description:
            - V(set) - written (in check mode, would be written); V(unchanged) - already as wanted, nothing sent;
              V(skipped) - the mailbox was skipped (see RV(calendars[].reason)); V(pending) - the mailbox did not exist
              yet; V(failed) - Graph refused the write or the read (see RV(failed_items)).
          type: str
        state:
          description: The wanted state, V(enabled) or V(disabled).
          type: str
        status:
          description: The wanted Graph status, V(alwaysEnabled) or V(disabled).
          type: str
        external_audience:
          description: The wanted external audience (with V(enabled) only).
          type: str
        internal_message:
          description: The wanted internal message (with V(enabled) only).
          type: str
        external_message:
          description: The wanted external message (with V(enabled) only).
          type: str
        previous:
          description:
            - The setting as read before - C(status), C(external_audience), and C(internal_message) and
              C(external_message) as the text a reader sees; V(null) when the mailbox was not read.
          type: dict
  sample: [{"mailbox": "nestor.wilke@contoso.com", "status": "ok", "new_mailbox": true, "found": true, "changed": true,
            "events": {"created": [{"subject": "Welcome to Contoso", "transactionId": "onboarding-5c1e...", "id": "AAMkA..."}],
                       "existing": []},
            "permissions": {"granted": [{"address": "adele.vance@contoso.com", "role": "read"}], "updated": [], "removed": [],
                            "unchanged": []},
            "automatic_replies": null}]
pending_mailboxes:
  description:
    - Mailboxes of O(new_mailboxes) that did not exist before O(mailbox_timeout) passed; nothing was written to them.
      Run the task again later to complete them.
  returned: always
  type: list
  elements: str
  sample: ["nestor.wilke@contoso.com"]
skipped_mailboxes:
  description:
    - Mailboxes of O(new_mailboxes) that do not exist and will not come, because none of the user's licences (nor its
      groups') has an Exchange Online plan; they were not waited for and nothing was written to them.
    - With O(missing_mailboxes=skip), also the other mailboxes Outlook says do not exist.
  returned: always
  type: list
  elements: dict
  contains:
    mailbox:
      description: The mailbox as listed.
      type: str
    reason:
      description: Which licences the user holds, and what to do.
      type: str
  sample: [{"mailbox": "frontline@contoso.com", "reason": "no mailbox is coming: its licences (EMS) include no Exchange Online plan, and
            no group of its gives it a licence. Exchange Online creates a mailbox only for a licence with an Exchange Online plan: ..."}]
failed_items:
  description:
    - One entry per change Graph refused, or per problem found before anything was written (then RV(failed_items[].action)
      is V(validate) and the status is V(null)).
    - Named C(failed_items) because Ansible reserves C(failed) for the task's own failure flag.
  returned: always
  type: list
  elements: dict
  contains:
    mailbox:
      description: The mailbox concerned (V(null) when the problem is not about one mailbox).
      type: str
    item:
      description: The item and field concerned, for example C(calendars[2].events[0].start).
      type: str
    action:
      description: V(validate), V(read), V(create_event), V(grant), V(update), V(remove) or V(auto_reply).
      type: str
    status:
      description: HTTP status Graph answered.
      type: int
    code:
      description: Graph's error code.
      type: str
    message:
      description: Graph's error message, or the problem.
      type: str
  sample: [{"mailbox": "nestor.wilke@contoso.com", "item": "calendars[0].permissions[1]", "action": "grant", "status": 400,
            "code": "ErrorInvalidRequest", "message": "The role 'write' is not allowed for this permission.",
            "address": "partner@fabrikam.com", "role": "write"}]
check_mode:
  description: Whether the task ran in check mode, so nothing was written. A play's C(check_mode) keyword is not visible
    to C(ansible_check_mode); roles read this instead.
  returned: success
  type: bool
  sample: false
stats:
  description:
    - What the client did (see M(mynster.msgraph.graph_batch) for those fields), plus C(mailboxes_waited_for)
      (mailboxes of O(new_mailboxes) that were not there at first) and C(mailbox_polls) (reads of them repeated while waiting).
  returned: always
  type: dict
  sample: {"http_requests": 3, "batches": 3, "inner_requests": 42, "throttled": 0, "retries": 0, "mailboxes_waited_for": 1,
           "mailbox_polls": 4}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import WAIT_RANGE
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.input import (
    BODY_TYPES,
    AUTO_REPLY_STATES,
    EXTERNAL_AUDIENCES,
    ROLES,
    SENSITIVITIES,
    SHOW_AS,
    parse_calendars,
    parse_mailbox_names,
    problem_path,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.sync import MAILBOX_WAIT_STATS, CalendarSync
from ansible_collections.mynster.msgraph.plugins.module_utils.calendar.times import DEFAULT_TIME_ZONE
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure

ARGUMENT_SPEC = dict(
    calendars=dict(type='list', elements='dict', required=True, options=dict(
        mailbox=dict(type='str', required=True),
        events=dict(type='list', elements='dict', options=dict(
            subject=dict(type='str', required=True),
            body=dict(type='str'),
            body_type=dict(type='str', default='text', choices=list(BODY_TYPES)),
            start=dict(type='raw', required=True),
            end=dict(type='raw', required=True),
            timezone=dict(type='str', default=DEFAULT_TIME_ZONE),
            location=dict(type='str'),
            attendees=dict(type='list', elements='raw'),
            categories=dict(type='list', elements='str'),
            show_as=dict(type='str', choices=list(SHOW_AS)),
            sensitivity=dict(type='str', choices=list(SENSITIVITIES)),
            reminder_minutes=dict(type='int'),
        )),
        permissions=dict(type='list', elements='dict', options=dict(
            address=dict(type='str', required=True),
            role=dict(type='str', required=True, choices=list(ROLES)),
            name=dict(type='str'),
        )),
        automatic_replies=dict(type='dict', options=dict(
            state=dict(type='str', default='enabled', choices=list(AUTO_REPLY_STATES)),
            internal_message=dict(type='str'),
            external_message=dict(type='str'),
            external_audience=dict(type='str', default='all', choices=list(EXTERNAL_AUDIENCES)),
        )),
    )),
    permissions_state=dict(type='str', default='present', choices=['present', 'exact']),
    missing_mailboxes=dict(type='str', default='fail', choices=['fail', 'skip']),
    new_mailboxes=dict(type='list', elements='str', default=[]),
    mailbox_timeout=dict(type='float', default=600.0),
    fail_on_error=dict(type='bool', default=True),
)


def read_calendars(raw):
    """Check ``calendars`` as the task gave it, before Ansible converts it: its own messages do not say which item is wrong."""
    return parse_calendars(raw.get('calendars'))


def problem_record(problem):
    """A problem as graph_calendar lists it among its failed items (``action: validate``)."""
    return failure('validate', problem.subject, problem_path(problem), message=str(problem), mailbox=problem.subject)


def run(module):
    params = module.params
    new_mailboxes, problems = parse_mailbox_names(params['new_mailboxes'], 'new_mailboxes')
    if problems:
        module.refuse(problems)
    sync = CalendarSync(module.client, module.parsed, exact=params['permissions_state'] == 'exact', new_mailboxes=new_mailboxes,
                        timeout=params['mailbox_timeout'], check_mode=module.check_mode,
                        skip_missing=params['missing_mailboxes'] == 'skip')
    module.extra_stats = sync.stats
    problems = sync.run()
    if problems:
        module.refuse(problems)
    calendars, pending, failures, changed, before, after = sync.outcome()
    skipped = sync.skipped()
    for entry in skipped:
        module.warn('%s: skipped, nothing was written to it: %s.' % (entry['mailbox'], entry['reason']))
    if pending:
        module.warn('%d mailbox(es) listed in new_mailboxes did not exist after mailbox_timeout (%g s), and nothing was written to them: %s. '
                    'Run the task again later to complete them.' % (len(pending), params['mailbox_timeout'], ', '.join(pending)))
    module.finish(changed, failures, 'failed_items', params['fail_on_error'], before, after, calendars=calendars, pending_mailboxes=pending,
                  skipped_mailboxes=skipped)


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, ranges={'mailbox_timeout': WAIT_RANGE}, raw_input=read_calendars,
                         items='calendars', empty_result=dict(calendars=[], pending_mailboxes=[], skipped_mailboxes=[], failed_items=[]),
                         problem_records=('failed_items', problem_record))
    module.extra_stats = dict.fromkeys(MAILBOX_WAIT_STATS, 0)
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
