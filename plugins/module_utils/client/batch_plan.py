# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Turning caller requests into Graph-legal ``$batch`` payloads.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Graph's rules (see docs/batching-and-throttling.md): at most 20 requests per batch; a request may
depend on one earlier request of the same batch; a batch is either fully parallel, one serial chain,
or a set of requests that all depend on the same single request. So every dependency group ("unit")
travels in a batch of its own and independent requests are packed 20 at a time. Requests that address
one Outlook mailbox carry its key (``mailbox_key``) so the client can keep them in one batch in flight.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import unquote

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphRequestError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import header_value
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import encode_request_url
from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import IDEMPOTENT_METHODS

MAX_BATCH_SIZE = 20
METHODS = ('GET', 'POST', 'PATCH', 'PUT', 'DELETE')
WRITE_METHODS = frozenset(('POST', 'PATCH', 'PUT', 'DELETE'))
JSON_TYPE = 'application/json'

# Resources of a user that live in the user's Exchange mailbox (Outlook's limits apply per mailbox).
MAILBOX_SEGMENTS = frozenset(('events', 'calendar', 'calendars', 'calendarview', 'calendargroups', 'mailfolders', 'messages',
                              'mailboxsettings', 'contacts', 'contactfolders', 'sendmail', 'outlook', 'inferenceclassification',
                              'findmeetingtimes', 'getmailtips', 'reminderview', 'todo'))
# A Microsoft 365 group's mailbox resources.
GROUP_MAILBOX_SEGMENTS = frozenset(('calendar', 'events', 'calendarview', 'conversations', 'threads'))
_KEYED_PATH = re.compile(r"^/(users|groups)(?:/([^/(]+)|\('((?:[^']|'')*)'\))(?:/([^/?(]+))?", re.IGNORECASE)
_ME_PATH = re.compile(r'^/me/([^/?(]+)', re.IGNORECASE)


def mailbox_key(url):
    """The mailbox a request addresses (``user:adele@contoso.com``, ``group:{id}``, ``me``), or None.

    ``/users/{id | upn}/events...`` and ``/users('{upn}')/calendar/...`` name the same mailbox as long as
    the same key is used: keys are compared case-insensitively and percent-decoded. An id and a UPN of
    one user are two keys (telling them apart would take a read).
    """
    path = url.split('?', 1)[0]
    match = _ME_PATH.match(path)
    if match:
        return 'me' if match.group(1).lower() in MAILBOX_SEGMENTS else None
    match = _KEYED_PATH.match(path)
    if not match or not match.group(4):
        return None
    kind, segment = match.group(1).lower(), match.group(4).lower()
    key = match.group(2) if match.group(2) is not None else match.group(3).replace("''", "'")
    key = unquote(key).strip().lower()
    if kind == 'users' and segment in MAILBOX_SEGMENTS:
        return 'user:' + key
    if kind == 'groups' and segment in GROUP_MAILBOX_SEGMENTS:
        return 'group:' + key
    return None


class BatchItem:
    """One inner request, as it will be sent (minus the wire id, which the client assigns per batch)."""

    __slots__ = ('id', 'method', 'url', 'headers', 'body', 'depends_on', 'position', 'attempts', 'page_of', 'replication_wait',
                 'first_sent_at', 'not_found_retries', 'mailbox', 'safe_to_resend', 'settle', 'settles', 'settle_state', 'lost_answer')

    def __init__(self, id, method, url, headers=None, body=None, depends_on=None, position=0, page_of=None, replication_wait=0.0,
                 safe_to_resend=False, settle=None, settles=None):
        self.id = id
        self.method = method
        self.url = url
        self.headers = headers or {}
        self.body = body
        self.depends_on = depends_on
        self.position = position
        self.attempts = 0
        self.page_of = page_of
        # Seconds during which a 404 is taken for replication delay (a just-created object) and retried.
        self.replication_wait = replication_wait
        self.first_sent_at = None
        self.not_found_retries = 0
        self.mailbox = mailbox_key(url)
        # Lost answers (see GraphClient.batch): may it simply be sent again, or how to read whether it ran.
        self.safe_to_resend = bool(safe_to_resend)
        self.settle = settle
        self.settles = settles  # for a settle read: the request whose outcome it decides
        self.settle_state = None  # None, 'resent' (read found nothing, sent again), 'conflict' (that resend was refused)
        self.lost_answer = None

    @property
    def is_write(self):
        return self.method in WRITE_METHODS

    @property
    def resendable(self):
        """Sending it twice does no harm: an idempotent method, a POST carrying Graph's ``transactionId``
        (an event create), or a request its caller marked ``safe_to_resend``."""
        if self.method in IDEMPOTENT_METHODS or self.safe_to_resend:
            return True
        return isinstance(self.body, dict) and bool(self.body.get('transactionId'))

    def view(self):
        """The request as a plain dict, for a caller's ``settle`` callable."""
        return {'id': self.id, 'method': self.method, 'url': self.url, 'headers': dict(self.headers), 'body': self.body}

    def wire(self, wire_id, wire_depends_on=None):
        """The JSON object Graph expects inside ``requests``."""
        entry = {'id': wire_id, 'method': self.method, 'url': self.url}
        if self.headers:
            entry['headers'] = dict(self.headers)
        if self.body is not None:
            entry['body'] = self.body
        if wire_depends_on:
            entry['dependsOn'] = [wire_depends_on]
        return entry

    def describe(self):
        return '%s %s' % (self.method, self.url)


def prepare_requests(raw_requests, version_prefixes=('/v1.0/', '/beta/')):
    """Validate caller requests and normalise them into ``BatchItem`` objects, in caller order.

    Raises ``GraphRequestError`` naming the offending request before anything is sent.
    """
    if not isinstance(raw_requests, (list, tuple)):
        raise GraphRequestError('requests must be a list')
    items = []
    seen = {}
    used_ids = set(str(raw.get('id')).lower() for raw in raw_requests if isinstance(raw, dict) and raw.get('id') not in (None, ''))
    counter = 0
    for position, raw in enumerate(raw_requests):
        if not isinstance(raw, dict):
            raise GraphRequestError('request #%d must be a dict, got %s' % (position + 1, type(raw).__name__))
        request_id = raw.get('id')
        if request_id in (None, ''):
            counter += 1
            while str(counter) in used_ids:
                counter += 1
            request_id = str(counter)
            used_ids.add(request_id)
        request_id = str(request_id)
        label = "request '%s'" % request_id
        if request_id.lower() in seen:
            raise GraphRequestError("%s: id is used twice (Graph compares batch ids case-insensitively, '%s' clashes)"
                                    % (label, seen[request_id.lower()]), request_id, 'id')
        seen[request_id.lower()] = request_id
        method = str(raw.get('method') or 'GET').upper()
        if method not in METHODS:
            raise GraphRequestError('%s: method %s is not one of %s' % (label, method, ', '.join(METHODS)), request_id, 'method')
        url = _relative_url(raw.get('url'), label, request_id, version_prefixes)
        headers = raw.get('headers') or {}
        if not isinstance(headers, dict):
            raise GraphRequestError('%s: headers must be a dict' % label, request_id, 'headers')
        headers = dict((str(k), str(v)) for k, v in headers.items())
        headers, body = _encode_body(method, headers, raw.get('body'), label, request_id)
        depends_on = raw.get('depends_on', raw.get('dependsOn'))
        if depends_on is not None and not isinstance(depends_on, (str, list, tuple)):
            raise GraphRequestError('%s: depends_on must be a request id, or a list holding one id' % label, request_id, 'depends_on')
        if isinstance(depends_on, (list, tuple)):
            if len(depends_on) > 1:
                raise GraphRequestError('%s: depends_on lists %d requests; Graph allows only one dependency per request'
                                        % (label, len(depends_on)), request_id, 'depends_on')
            depends_on = depends_on[0] if depends_on else None
        depends_on = str(depends_on) if depends_on not in (None, '') else None
        replication_wait = float(raw.get('replication_wait') or 0)
        settle = prepare_settle(raw.get('settle'), label, request_id, version_prefixes)
        items.append(BatchItem(request_id, method, url, headers, body, depends_on, position, replication_wait=replication_wait,
                               safe_to_resend=raw.get('safe_to_resend'), settle=settle))
    _check_dependencies(items)
    return items


def prepare_settle(settle, label='request', request_id=None, version_prefixes=('/v1.0/', '/beta/')):
    """Check a request's ``settle``: a callable, or ``{'url': ..., 'headers': ..., 'found': callable}`` (a GET)."""
    if settle is None or callable(settle):
        return settle
    if not isinstance(settle, dict):
        raise GraphRequestError('%s: settle must be a callable or a dict with a url, got %s' % (label, type(settle).__name__),
                                request_id, 'settle')
    unknown = sorted(set(settle) - set(('url', 'method', 'headers', 'found')))
    if unknown:
        raise GraphRequestError('%s: settle has unknown keys %s' % (label, ', '.join(unknown)), request_id, 'settle')
    if str(settle.get('method') or 'GET').upper() != 'GET':
        raise GraphRequestError('%s: settle reads with GET; it cannot use %s' % (label, settle.get('method')), request_id, 'settle')
    found = settle.get('found')
    if found is not None and not callable(found):
        raise GraphRequestError('%s: settle found must be a callable' % label, request_id, 'settle')
    headers = settle.get('headers') or {}
    if not isinstance(headers, dict):
        raise GraphRequestError('%s: settle headers must be a dict' % label, request_id, 'settle')
    url = _relative_url(settle.get('url'), label + ' settle', request_id, version_prefixes)
    return {'url': url, 'headers': dict((str(k), str(v)) for k, v in headers.items()), 'found': found}


def _relative_url(url, label, request_id, version_prefixes):
    if not isinstance(url, str) or not url.strip():
        raise GraphRequestError('%s: url is required' % label, request_id, 'url')
    url = url.strip()
    if '://' in url.split('?')[0]:
        raise GraphRequestError('%s: url %s must be relative to the API version, like /users?$top=5' % (label, url), request_id, 'url')
    if not url.startswith('/'):
        url = '/' + url
    if url.lower().startswith(version_prefixes) or url.lower() in ('/v1.0', '/beta'):
        raise GraphRequestError('%s: url %s must not repeat the API version; use api_version instead' % (label, url), request_id, 'url')
    if url.lower().startswith('/$batch'):
        raise GraphRequestError('%s: a batch cannot contain another $batch' % label, request_id, 'url')
    try:
        # '#', '+' in the query, '://' in the query... would change what Graph reads: encoded here, for every caller.
        return encode_request_url(url)
    except ValueError as exc:
        shown = re.sub(r'[\x00-\x1f\x7f]', lambda match: repr(match.group(0))[1:-1], url)
        raise GraphRequestError('%s: url %s %s' % (label, shown, exc), request_id, 'url')


def _encode_body(method, headers, body, label, request_id):
    """JSON bodies go inline, anything else as base64; write actions without a body still need ``{}``."""
    content_type = header_value(headers, 'Content-Type')
    if body is None:
        if method in ('POST', 'PUT', 'PATCH'):
            # Graph rejects bodyless writes inside a batch (e.g. revokeSignInSessions).
            body = {}
        else:
            return headers, None
    if content_type is None:
        headers['Content-Type'] = JSON_TYPE
        content_type = JSON_TYPE
    if 'json' in content_type.lower():
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                raise GraphRequestError('%s: body is not valid JSON but Content-Type is %s' % (label, content_type), request_id, 'body')
        return headers, body
    if isinstance(body, (dict, list)):
        raise GraphRequestError('%s: body is structured data but Content-Type is %s' % (label, content_type), request_id, 'body')
    raw = body if isinstance(body, bytes) else str(body).encode('utf-8')
    return headers, base64.b64encode(raw).decode('ascii')


def _check_dependencies(items):
    by_id = dict((item.id.lower(), item) for item in items)
    for item in items:
        if item.depends_on is None:
            continue
        target = by_id.get(item.depends_on.lower())
        if target is None:
            raise GraphRequestError("request '%s': depends_on names '%s', which is not in this task's requests"
                                    % (item.id, item.depends_on), item.id, 'depends_on')
        item.depends_on = target.id
    for item in items:
        seen = {item.id}
        current = item
        length = 1
        while current.depends_on is not None:
            if current.depends_on in seen:
                raise GraphRequestError("request '%s': depends_on forms a cycle (%s)" % (item.id, ' -> '.join(sorted(seen))), item.id, 'depends_on')
            seen.add(current.depends_on)
            current = by_id[current.depends_on.lower()]
            length += 1
        if length > MAX_BATCH_SIZE:
            raise GraphRequestError("request '%s': its dependency chain is %d requests long; a chain must fit in one batch of %d"
                                    % (item.id, length, MAX_BATCH_SIZE), item.id, 'depends_on')


def group_units(items):
    """Split items into units that must travel together: single requests, chains, or one-head stars.

    Each unit is ordered so a dependency comes before its dependents (Graph requires that). A
    dependency tree of any other shape cannot be sent as one batch and is refused, naming its root.
    Only dependencies inside ``items`` count: a retry of a request whose dependency already succeeded
    travels alone.
    """
    present = set(item.id for item in items)
    children = {}
    roots = []
    for item in items:
        if item.depends_on is not None and item.depends_on in present:
            children.setdefault(item.depends_on, []).append(item)
        else:
            roots.append(item)
    units = []
    for root in roots:
        members = [root]
        index = 0
        while index < len(members):
            members.extend(children.get(members[index].id, ()))
            index += 1
        if len(members) > MAX_BATCH_SIZE:
            raise GraphRequestError("request '%s': %d requests depend on it directly or indirectly; at most %d fit in one batch"
                                    % (root.id, len(members) - 1, MAX_BATCH_SIZE), root.id, 'depends_on')
        if not _is_chain(members, children) and not _is_star(root, members, children):
            raise GraphRequestError("request '%s': the requests depending on it form a tree; Graph only runs a chain "
                                    "(each depends on the previous) or several requests depending on the same one"
                                    % root.id, root.id, 'depends_on')
        units.append(members)
    return units


def _is_chain(members, children):
    return all(len(children.get(member.id, ())) <= 1 for member in members)


def _is_star(root, members, children):
    return all(member is root or not children.get(member.id) for member in members)


def pack_batches(units):
    """Group units into batches: every multi-request unit alone, single requests 20 at a time."""
    batches = []
    singles = []
    for unit in units:
        if len(unit) > 1:
            batches.append(list(unit))
            continue
        singles.append(unit[0])
        if len(singles) == MAX_BATCH_SIZE:
            batches.append(singles)
            singles = []
    if singles:
        batches.append(singles)
    return batches


def dependents_of(failed_ids, items):
    """Items in ``items`` that depend, directly or through others, on any of ``failed_ids``."""
    doomed = set(failed_ids)
    result = []
    grew = True
    while grew:
        grew = False
        for item in items:
            if item.depends_on in doomed and item.id not in doomed:
                doomed.add(item.id)
                result.append(item)
                grew = True
    return result


def directory_counts(items):
    """``(writes, requests)`` among the directory (non-mailbox) requests of ``items``."""
    writes = requests_ = 0
    for item in items:
        if item.mailbox is None:
            requests_ += 1
            writes += 1 if item.is_write else 0
    return writes, requests_
