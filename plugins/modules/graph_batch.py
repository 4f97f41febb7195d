#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: graph_batch
short_description: Send any number of Microsoft Graph requests through JSON batching
version_added: 0.1.0
description:
  - Sends a list of Graph requests of any length as C($batch) calls of at most 20 requests each, several batches at a time.
  - Requests that depend on each other (O(requests[].depends_on)) travel in the same batch, as Graph requires.
  - Throttled inner requests (429, 503, 504) are re-sent after their C(Retry-After); sending slows down before Graph starts refusing.
  - Answers come back in the order of O(requests), whatever order Graph sent them in.
  - This module sends what it is given. It is not idempotent by itself; for declarative users and group
    memberships use M(mynster.msgraph.graph_user_bulk) and M(mynster.msgraph.graph_group_membership).
  - Request bodies and headers are not shown in what the task reports (the returned invocation at C(-vvv), the diff) unless
    O(show_request_bodies=true). Even then, and in everything else the task reports, secrets are masked at any verbosity and
    in check mode - values under keys such as C(password), C(secret), C(token), C(pin) or C(passphrase) at any depth of a body,
    whatever their type, each value of a list under such a key, the C(value) of a name/value pair whose name says secret (the
    C(SecretToken) of synchronization secrets), and credential headers such as C(Authorization).
  - Secrets in Graph's answers (the C(secretText) of C(addPassword), a Temporary Access Pass in its creation answer) are
    masked the same way in RV(responses) unless O(return_secrets=true).
author:
  - mynster.msgraph contributors (@mynster)
extends_documentation_fragment:
  - mynster.msgraph.connection
  - mynster.msgraph.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: partial
    details:
      - GET requests are sent; writes (and requests that depend on a write) are not sent and come back with RV(responses[].planned=true).
  diff_mode:
    support: full
    details:
      - The diff lists the writes that were sent, or would be sent in check mode.
  platform:
    platforms: all
options:
  requests:
    description:
      - The requests to send, in order. There is no limit on their number.
    type: list
    elements: dict
    required: true
    suboptions:
      id:
        description:
          - Your name for the request, used in O(requests[].depends_on) and in RV(responses[].id).
          - Must be unique (Graph compares ids case-insensitively). Generated (V(1), V(2), ...) when omitted.
        type: str
      method:
        description:
          - HTTP method.
        type: str
        default: GET
        choices: [GET, POST, PATCH, PUT, DELETE]
      url:
        description:
          - URL relative to the API version, with query string if any, for example V(/users?$select=id,displayName).
          - Absolute URLs and URLs starting with V(/v1.0) or V(/beta) are refused; set O(api_version) instead.
          - Write the URL as you mean it; characters that would change its meaning on the way are encoded before it is sent, the
            same for batched and direct requests. C(#) becomes C(%23) anywhere, so a guest's V(/users/ann_contoso.com#EXT#@fabrikam.com)
            reaches that guest; in the query string a C(+), a C(://) and a C(%) that starts no escape are encoded too. Escapes
            already written (C(%27), C(%20)) are kept. Control characters are refused naming the request, before anything is sent.
          - C(&) always separates query options, also inside a quoted C($filter) value; write it as C(%26) there.
        type: str
        required: true
      headers:
        description:
          - Headers of this request, for example V(ConsistencyLevel=eventual) for advanced queries.
          - C(Content-Type) defaults to C(application/json) when there is a body.
        type: dict
      body:
        description:
          - Request body. JSON content is sent as is; with another C(Content-Type) the text is sent base64-encoded, as Graph requires.
          - POST, PATCH and PUT without a body send V({}), which Graph requires inside a batch.
        type: raw
      safe_to_resend:
        description:
          - Whether this POST may be sent again when its answer is lost (a gateway timeout, or the connection dropped after
            sending). Set it when a repeat is harmless, for example adding a member with C(members/$ref) (Graph answers
            "already exist") or an event with a C(transactionId) (always resent).
          - Without it such a POST is not sent again and comes back with RV(responses[].outcome_unknown). GET, PUT, PATCH and
            DELETE are always sent again.
        type: bool
        default: false
      depends_on:
        description:
          - The id of a request that must succeed first, as a string (V(create-group)) or a list holding that one id
            (V([create-group])). If it fails, this request is not run and gets status 424.
          - Graph allows one dependency per request, and the requests of a dependency group must form a chain
            (each depends on the previous) or all depend on the same request; at most 20 in a group.
        type: raw
        aliases: [dependsOn]
  fail_on_error:
    description:
      - Fail the task when any request ends with a status outside 2xx. The failure lists every failed request with its status, code and message.
      - With V(false) the task succeeds and every answer, failed or not, is in RV(responses).
    type: bool
    default: true
  paginate:
    description:
      - For GET requests, follow C(@odata.nextLink) (inside later batches) and merge every page's C(value) into the first answer's body.
    type: bool
    default: false
  show_request_bodies:
    description:
      - Show each request's C(body) and C(headers) in the returned invocation (C(-vvv), and the task result that AWX and
        ansible-runner keep) and in the diff. By default they are left out, because a body can carry a secret under a name no
        rule recognises.
      - Secrets recognised by name stay masked either way.
    type: bool
    default: false
  return_secrets:
    description:
      - Return secrets that Graph sends back (values under secret-looking keys in response bodies, such as C(secretText) or
        C(temporaryAccessPass)) in RV(responses) as Graph sent them. By default each is replaced by a note and the response is
        marked with RV(responses[].secrets_hidden).
      - Set it only on a task with C(no_log=true) that hands the value straight to a vault; without C(no_log) the secret
        reaches the output, the AWX job events and any log, and the module warns.
    type: bool
    default: false
  replication_timeout:
    description:
      - Seconds during which a request answered 404 is sent again (with backoff), counted from when it was first sent.
      - Entra ID replicates asynchronously, so an object created moments ago, for example by M(mynster.msgraph.graph_user_bulk)
        in the previous task, may not be found for a while. Set this when the requests address such objects, for example a new user's mailbox.
      - With the default V(0) a 404 is final at once. A request that keeps answering 404 ends with that 404 after this time.
    type: float
    default: 0
seealso:
  - name: JSON batching in Microsoft Graph
    description: How Graph runs batches.
    link: https://learn.microsoft.com/graph/json-batching
  - module: mynster.msgraph.graph_user_bulk
  - module: mynster.msgraph.graph_group_membership
'''

EXAMPLES = r'''
- name: Two GETs in one call
  mynster.msgraph.graph_batch:
    requests:
      - id: users
        url: /users?$select=id,displayName,userPrincipalName&$top=5
      - id: groups
        url: /groups?$select=id,displayName
  register: lists

- name: POST with headers and body
  mynster.msgraph.graph_batch:
    requests:
      - id: create-group
        method: POST
        url: /groups
        headers:
          Content-Type: application/json
        body:
          displayName: Project Falcon
          mailNickname: project-falcon
          mailEnabled: false
          securityEnabled: true

- name: Advanced query with $filter, $select, $expand and $count
  mynster.msgraph.graph_batch:
    requests:
      - id: engineers
        url: /users?$filter=startswith(displayName,'a') and accountEnabled eq true&$select=id,displayName,jobTitle&$expand=manager&$count=true
        headers:
          ConsistencyLevel: eventual
    paginate: true
  register: engineers

- name: A dependsOn chain - if the group cannot be created, adding the member is not attempted (424)
  mynster.msgraph.graph_batch:
    requests:
      - id: group
        method: POST
        url: /groups
        body:
          displayName: Falcon readers
          mailNickname: falcon-readers
          mailEnabled: false
          securityEnabled: true
      - id: list-groups
        url: /groups?$filter=displayName eq 'Falcon readers'&$select=id
        depends_on: group
    fail_on_error: false
  register: chain

- name: Show which requests failed
  ansible.builtin.debug:
    msg: "{{ chain.responses | selectattr('status', 'ge', 400) | map(attribute='id') | list }}"

- name: Read the calendars of users created in the previous task, waiting up to 2 minutes for them to replicate
  mynster.msgraph.graph_batch:
    requests:
      - id: adele
        url: /users/adele.vance@contoso.com/events?$select=id,subject&$top=50
      - id: alex
        url: /users/alex.wilber@contoso.com/calendar/calendarPermissions
    replication_timeout: 120

- name: Create an application secret and keep it for the next task only (hidden from every output)
  mynster.msgraph.graph_batch:
    requests:
      - id: secret
        method: POST
        url: /applications/00000000-0000-0000-0000-000000000001/addPassword
        body:
          passwordCredential:
            displayName: deploy key
    return_secrets: true
  no_log: true
  register: new_secret

- name: Credentials set once for every module of the collection
  module_defaults:
    group/mynster.msgraph.graph:
      tenant_id: "{{ vault_tenant_id }}"
      client_id: "{{ vault_client_id }}"
      client_secret: "{{ vault_client_secret }}"
  mynster.msgraph.graph_batch:
    requests:
      - url: /organization?$select=id,displayName
'''

RETURN = r'''
responses:
  description: One answer per request, in the order of O(requests).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The request's id.
      type: str
      sample: users
    status:
      description: HTTP status of the inner request; V(null) for writes not sent in check mode.
      type: int
      sample: 200
    headers:
      description: Headers of the inner response.
      type: dict
      sample: {"Content-Type": "application/json"}
    body:
      description:
        - Body of the inner response; JSON as data, other content as a base64 string.
        - With O(paginate=true), the C(value) of every page merged.
      type: raw
      sample: {"value": [{"id": "4f1c...", "displayName": "Adele Vance"}]}
    planned:
      description: V(true) when the request is a write that check mode did not send.
      type: bool
      returned: when check mode held the request back
      sample: true
    attempts:
      description: How many times the request was sent, when more than once (throttling).
      type: int
      returned: when retried
      sample: 2
    outcome_unknown:
      description:
        - V(true) when the answer was lost (a gateway timeout, or the connection dropped after the request was sent) and the
          request is a POST that could act twice, so it was not sent again. It may or may not have run; the request is also
          listed in RV(failed_requests). Mark requests that are harmless to repeat with O(requests[].safe_to_resend).
      type: bool
      returned: when it happened
      sample: true
    settled_by_reading:
      description: V(true) when the answer was lost and a read showed the request had been carried out; C(body) is that read.
      type: bool
      returned: when it happened
      sample: true
    secrets_hidden:
      description: V(true) when secrets in C(body) were replaced by a note because O(return_secrets) is not set.
      type: bool
      returned: when it happened
      sample: true
failed_requests:
  description:
    - Requests whose final status is outside 2xx, with status, code and message; C(subject) is the request's id and C(action)
      its method and URL.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "group", "subject": "group", "action": "POST /groups", "status": 400, "code": "Request_BadRequest",
            "message": "Another object with the same value...", "request_id": "6c3a..."}]
check_mode:
  description: Whether the task ran in check mode, so writes were not sent. A play's C(check_mode) keyword is not visible
    to C(ansible_check_mode); roles read this instead.
  returned: success
  type: bool
  sample: false
stats:
  description: What the client did.
  returned: always
  type: dict
  contains:
    http_requests:
      description: HTTP requests sent to Graph, retries included.
      type: int
    batches:
      description: C($batch) requests sent.
      type: int
    inner_requests:
      description: Requests sent inside batches, retries included.
      type: int
    throttled:
      description: Answers with status 429.
      type: int
    retries:
      description: Requests sent again after throttling or a transient failure.
      type: int
    replication_retries:
      description: Requests sent again because Graph answered 404 for an object created moments ago (O(replication_timeout)).
      type: int
    wait_seconds:
      description: Seconds during which nothing was in flight because the client was waiting (Retry-After, backoff, pacing, replication).
      type: float
    wait_seconds_by_reason:
      description: C(wait_seconds) split into C(retry_after), C(backoff), C(pacing) and C(replication).
      type: dict
    throttled_by_scope:
      description:
        - 429 answers by what they were about - C(random) (no Entra scope headers - retried after their own Retry-After without
          slowing anything else), C(write) and C(resource) (Entra quotas, which pace directory writes or all directory
          requests), C(mailbox) (Outlook's per-mailbox limits, which pause only that mailbox).
      type: dict
    retry_after_received:
      description: Sum of the Retry-After seconds Graph sent, to compare with C(wait_seconds).
      type: float
    lost_answers:
      description: Answers lost after the request was sent (gateway timeouts, dropped connections).
      type: int
    settled_by_reading:
      description: Requests whose lost answer was settled by reading what they should have created.
      type: int
    outcome_unknown:
      description: Requests whose lost answer could not be settled and that were not sent again.
      type: int
  sample: {"http_requests": 3, "batches": 3, "inner_requests": 45, "throttled": 2, "retries": 2, "replication_retries": 0,
           "wait_seconds": 1.0, "wait_seconds_by_reason": {"retry_after": 1.0, "backoff": 0, "pacing": 0, "replication": 0},
           "throttled_by_scope": {"random": 2, "write": 0, "resource": 0, "mailbox": 0}, "retry_after_received": 2.0,
           "lost_answers": 0, "settled_by_reading": 0, "outcome_unknown": 0}
'''

from ansible_collections.mynster.msgraph.plugins.module_utils.base.module import GraphModule
from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import WAIT_RANGE
from ansible_collections.mynster.msgraph.plugins.module_utils.base.secrets import mask_secrets
from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import dependents_of, prepare_requests
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure_from

ARGUMENT_SPEC = dict(
    requests=dict(type='list', elements='dict', required=True, options=dict(
        id=dict(type='str'),
        method=dict(type='str', default='GET', choices=['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
        url=dict(type='str', required=True),
        headers=dict(type='dict'),
        body=dict(type='raw'),
        depends_on=dict(type='raw', aliases=['dependsOn']),
        safe_to_resend=dict(type='bool', default=False),
    )),
    fail_on_error=dict(type='bool', default=True),
    paginate=dict(type='bool', default=False),
    show_request_bodies=dict(type='bool', default=False),
    return_secrets=dict(type='bool', default=False),
    replication_timeout=dict(type='float', default=0.0),
)

BODY_NOT_SHOWN = '(not shown: set show_request_bodies=true to show it)'
SECRET_NOT_RETURNED = '(secret not returned: set return_secrets=true, with no_log=true on the task, to get it)'


def shown_request(request, show_bodies):
    """A request as the task's invocation and diff show it: without body and headers unless they were asked for."""
    if show_bodies:
        return request
    return dict((key, BODY_NOT_SHOWN if key in ('body', 'headers') and value is not None else value) for key, value in request.items())


def invocation_view(params):
    """The task's parameters as the returned invocation shows them (see ``show_request_bodies``)."""
    show = bool(params.get('show_request_bodies'))
    requests = params.get('requests')
    if show or not isinstance(requests, list):
        return params
    return dict(params, requests=[shown_request(request, False) if isinstance(request, dict) else request for request in requests])


def returned_answer(answer, return_secrets):
    """One entry of ``responses``: secrets Graph sent back replaced by a note unless the task asked for them."""
    entry = answer.to_dict()
    if return_secrets:
        return entry
    body = mask_secrets(entry.get('body'), SECRET_NOT_RETURNED)
    if body != entry.get('body'):
        entry['body'] = body
        entry['secrets_hidden'] = True
    return entry


def split_for_check_mode(items):
    """Writes, and anything depending on a write, are held back in check mode; the rest may run."""
    writes = set(item.id for item in items if item.is_write)
    held = writes | set(item.id for item in dependents_of(writes, items))
    return [item for item in items if item.id not in held], [item for item in items if item.id in held]


def run(module):
    if module.params['return_secrets'] and not module.no_log:
        module.warn('return_secrets=true returns the secrets Graph sends back into the task result, and from there to the output '
                    'and every log: set no_log: true on this task.')
    wait = module.params['replication_timeout']
    items = prepare_requests([dict(request, replication_wait=wait) for request in module.params['requests']])
    if module.check_mode:
        to_send, held = split_for_check_mode(items)
    else:
        to_send, held = items, []
    answers = dict((r.id, r) for r in module.client.batch(to_send, paginate=module.params['paginate'])) if to_send else {}
    for item in held:
        answers[item.id] = GraphResponse(item.id, None, planned=True, attempts=0)
    writes = [item for item in items if item.is_write]
    changed = any(answers[item.id].ok or answers[item.id].planned for item in writes)
    show_bodies = module.params['show_request_bodies']
    after = [shown_request({'id': item.id, 'method': item.method, 'url': item.url, 'body': item.body}, show_bodies)
             for item in writes if answers[item.id].ok or answers[item.id].planned]
    failures = [failure_from(answers[item.id], item.describe(), item.id, id=item.id, request_id=answers[item.id].error().request_id)
                for item in items if answers[item.id].error() is not None]
    module.finish(changed, failures, 'failed_requests', module.params['fail_on_error'], before={'writes': []} if after else None,
                  after={'writes': after} if after else None, what='of %d Graph requests' % len(items),
                  responses=[returned_answer(answers[item.id], module.params['return_secrets']) for item in items])


def main():
    module = GraphModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, ranges={'replication_timeout': WAIT_RANGE}, items='requests',
                         empty_result=dict(responses=[], failed_requests=[]), invocation_view=invocation_view)
    module.run_guarded(run, module)


if __name__ == '__main__':
    main()
