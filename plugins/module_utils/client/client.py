# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphClient``: sends single requests and batches to Microsoft Graph.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Knows HTTP, auth, batching and retries; knows nothing of Ansible. Requests are validated and grouped
by ``batch_plan``; what a 429 is about is decided by ``retry``, when each kind of request may go by the
``Pacer``; a ``$batch`` call runs in ``batch_run``. Every wait of a task goes through ``wait`` (and
``wait_to_look_again`` for things not there yet), so ``stats`` counts each second under its reason.
Results always come back keyed by the caller's ids, in the caller's order.
"""

from __future__ import annotations

import time
import uuid

from ansible_collections.mynster.msgraph.plugins.module_utils.client.auth import TokenProvider
from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import BatchItem, directory_counts, prepare_requests, prepare_settle
from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_run import BatchRun
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, GraphRequestError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import (
    HAS_REQUESTS, describe_transport_error, header_value, may_have_been_sent, new_session
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import ABSOLUTE_URL, encode_request_url
from ansible_collections.mynster.msgraph.plugins.module_utils.client.pacer import Pacer
from ansible_collections.mynster.msgraph.plugins.module_utils.client.polling import Poll
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import (
    GraphResponse, decode_body, found_by_default, lost_body, relative_link, settled_response
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import LOST_ANSWER_STATUSES, RetryPolicy, parse_retry_after, throttle_scope
from ansible_collections.mynster.msgraph.plugins.module_utils.client.stats import ClientStats

try:
    import requests
except ImportError:
    pass  # reported through HAS_REQUESTS from http

USER_AGENT = 'mynster.msgraph/0.1.0'


class GraphClient:
    """Talks to Graph for one run: one token, one HTTP session, one pacer, shared statistics.

    ``clock`` and ``sleep`` (default ``time.monotonic`` / ``time.sleep``) are injectable so tests need not wait.
    """

    def __init__(self, settings, token_provider=None, session=None, policy=None, pacer=None, clock=None, sleep=None):
        if not HAS_REQUESTS and session is None:
            raise GraphError('The requests Python library is required')
        self.settings = settings
        self.session = session or new_session(settings)
        self.tokens = token_provider or TokenProvider(settings, self.session)
        self.policy = policy or RetryPolicy(settings.max_retries, settings.max_retry_wait)
        self.clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self.pacer = pacer or Pacer(clock=self.clock)
        self.stats = ClientStats()

    # ----- direct requests -------------------------------------------------------------------

    def request(self, method, url, body=None, headers=None, api_version=None, safe_to_resend=False, settle=None):
        """Send one request outside a batch; retries what Graph refused (429, 503) and transport errors.

        ``url`` is relative to the API version (``/users``) or an absolute link Graph returned
        (``@odata.nextLink``), which must point at the configured Graph host. A lost answer (502/504, a
        connection dropped after sending) is handled as in ``batch``: resent when that is safe, settled
        by ``settle`` when given, else returned with ``outcome_unknown``.
        """
        method = method.upper()
        target = self._absolute(url, api_version)
        item = BatchItem(None, method, relative_link(target), headers, body, safe_to_resend=safe_to_resend,
                         settle=prepare_settle(settle))
        while True:
            self._await_turn(item)
            item.attempts += 1
            answer = self._direct_once(item, target)
            if answer is None:
                continue  # refused or a safe resend: try again
            if not answer.outcome_unknown:
                return answer
            verdict, settled = self._settle_direct(item)
            if verdict == 'absent' and self.policy.can_retry(item.attempts):
                self.stats.add(retries=1)
                continue
            if verdict == 'done':
                return settled
            self.stats.add(outcome_unknown=1)
            return answer

    def get_all(self, url, headers=None, api_version=None):
        """GET a collection and follow every ``@odata.nextLink``; returns the merged ``value`` list."""
        items = []
        while url:
            answer = self.request('GET', url, headers=headers, api_version=api_version)
            if not answer.ok:
                raise answer.error(context='GET %s' % url)
            body = answer.body if isinstance(answer.body, dict) else {}
            items.extend(body.get('value') or [])
            url = body.get('@odata.nextLink')
        return items

    def _await_turn(self, item):
        """Wait while what ``item`` is about is paused or its budget is spent (direct requests only)."""
        writes, requests_ = directory_counts([item])
        while True:
            now = self.clock()
            until, reason = self.pacer.paused_until(item.mailbox, item.is_write)
            if until > now:
                self.wait(until - now, reason)
                continue
            pause = self.pacer.tokens_wait(writes, requests_)
            if pause <= 0:
                return
            self.wait(pause, 'pacing')

    def _direct_once(self, item, target):
        """One try of a direct request: its answer, None to try again, or an ``outcome_unknown`` answer."""
        writes, requests_ = directory_counts([item])
        self.pacer.take(writes, requests_)
        try:
            response, exc = self.http(item.method, target, item.body, item.headers, item.attempts)
        finally:
            self.pacer.answered(writes, requests_)
        can_retry = self.policy.can_retry(item.attempts)
        if exc is not None:
            sent = may_have_been_sent(exc)
            if (not sent or item.resendable) and can_retry:
                self._retry_pause(self.policy.delay(item.attempts), 'backoff')
                return None
            if not sent or item.resendable:
                raise GraphError('%s %s failed after %d attempts: %s' % (item.method, target, item.attempts, exc))
            self.stats.add(lost_answers=1)
            return GraphResponse(None, None, {}, lost_body('the connection failed after the request was sent (%s)' % exc),
                                 item.attempts, outcome_unknown=True)
        status = response.status_code
        headers = dict(response.headers)
        body = decode_body(response)
        if status == 429:
            delay, reason, scope = self.note_throttled(item, headers, body)
            if can_retry:
                if scope == 'random':
                    self._retry_pause(delay, reason)  # only this request waits; nothing else is paused
                else:
                    self.stats.add(retries=1)  # _await_turn waits for what the 429 paused
                return None
        if status == 503 and can_retry:
            retry_after = header_value(headers, 'Retry-After')
            self._retry_pause(*self.policy.wait(item.attempts, retry_after))
            return None
        if status in LOST_ANSWER_STATUSES:
            if item.resendable and can_retry:
                self._retry_pause(self.policy.delay(item.attempts), 'backoff')
                return None
            if not item.resendable:
                self.stats.add(lost_answers=1)
                return GraphResponse(None, status, headers, body, item.attempts, outcome_unknown=True)
        if status != 429:
            self.pacer.observe([(headers, item.mailbox, item.is_write)])
        return GraphResponse(None, status, headers, body, item.attempts)

    def _settle_direct(self, item):
        """``('done', response)``, ``('absent', None)`` or ``('unknown', None)`` for a direct request whose answer was lost."""
        if item.settle is None:
            return 'unknown', None
        read = None
        if callable(item.settle):
            verdict = item.settle(item.view())
        else:
            read = self.request('GET', item.settle['url'], headers=item.settle['headers'])
            if not (read.ok or read.status == 404):
                return 'unknown', None
            verdict = (item.settle['found'] or found_by_default)(read)
        if not verdict:
            return 'absent', None
        self.stats.add(settled_by_reading=1)
        return 'done', settled_response(item, verdict, read)

    def _retry_pause(self, seconds, reason):
        self.stats.add(retries=1)
        self.wait(seconds, reason)

    def wait(self, seconds, reason):
        """Sleep with nothing else to do, counted in ``stats`` under ``reason``."""
        if seconds > 0:
            self.stats.add_wait(reason, seconds)
            self._sleep(seconds)

    def poll(self, timeout, reason, first=1.0, factor=2.0, cap=30.0):
        """A ``Poll`` on this client's clock: when to look again for something not there yet (see ``wait_to_look_again``)."""
        return Poll(self.clock(), timeout, reason, first, factor, cap)

    def wait_to_look_again(self, poll):
        """Wait for ``poll``'s next look, counted in ``stats`` under its reason; False (without waiting) once its deadline passed."""
        seconds = poll.next_wait(self.clock())
        if seconds is None:
            return False
        self.wait(seconds, poll.reason)
        return True

    def note_throttled(self, item, headers, body):
        """Count a 429 and tell the pacer what it is about; returns ``(delay, reason, scope)`` for a retry."""
        scope = throttle_scope(headers, item.is_write, item.mailbox, body)
        retry_after = parse_retry_after(header_value(headers, 'Retry-After'))
        self.stats.add_throttled(scope, retry_after)
        delay, reason = self.policy.wait(item.attempts, retry_after)
        self.pacer.throttled(scope, delay, item.mailbox)
        return delay, reason, scope

    # ----- batches ---------------------------------------------------------------------------

    def batch(self, requests_, paginate=False, api_version=None):
        """Run any number of requests through ``$batch``; returns ``GraphResponse`` objects in caller order.

        ``requests_`` are dicts (``id, method, url, headers, body, depends_on``) or prepared ``BatchItem``
        objects. Invalid input raises ``GraphRequestError`` before anything is sent. ``api_version``
        (default: the configured one) picks the endpoint, e.g. ``beta``. A dict may also carry:

        - ``replication_wait`` (seconds): a 404 is retried with backoff until that long after the first
          send, for objects created moments ago.
        - ``safe_to_resend`` (bool): sending it twice does no harm (e.g. a ``$ref`` member add whose
          "already exists" the caller counts as done). GET/PUT/PATCH/DELETE and POSTs whose body has a
          ``transactionId`` are safe anyway.
        - ``settle``: how to find out whether a non-idempotent request ran when its answer was lost:
          ``{'url': <GET url>, 'headers': {...}, 'found': callable(read) -> GraphResponse | truthy | None}``
          (read in a later batch; without ``found``, a 2xx read, or a non-empty ``value``, means it ran),
          or a callable ``settle(request_dict)`` returning the same. Ran: its result is the read's answer
          with ``settled`` set. Did not run: sent again.

        Inner 429s wait for their Retry-After: a round of throttled requests goes again after the longest
        Retry-After among them (with the requests that failed only because they depended on them); what
        else the 429 pauses depends on what it is about (see ``Pacer``). A lost answer (outer 504/502/500,
        a connection dropped after sending, inner 502/504) is never followed by a blind resend of a
        non-idempotent request: it is settled by reading, or comes back with ``outcome_unknown``.
        ``paginate`` follows ``@odata.nextLink`` of GETs and merges ``value``.
        """
        items = list(requests_) if all(isinstance(r, BatchItem) for r in requests_) else prepare_requests(requests_)
        if not items:
            return []
        return BatchRun(self, items, paginate, api_version).run()

    # ----- one HTTP exchange -----------------------------------------------------------------

    def http(self, method, url, body, headers, attempt=1):
        """One HTTP request (a 401 fetches a fresh token once): ``(response, None)`` or ``(None, exception)``."""
        refreshed = False
        while True:
            token = self.tokens.token()
            request_headers = {
                'Authorization': 'Bearer %s' % token,
                'Accept': 'application/json',
                'User-Agent': USER_AGENT,
                'client-request-id': str(uuid.uuid4()),
            }
            if attempt > 1:
                request_headers['Retry-Attempt'] = str(attempt - 1)
            request_headers.update(headers or {})
            self.stats.add(http_requests=1)
            try:
                response = self.session.request(method, url, json=body, headers=request_headers)
            except requests.exceptions.SSLError as exc:
                # A certificate problem is a setting to fix, not a fault to retry, and nothing was sent.
                raise GraphError('%s %s: %s' % (method, url, describe_transport_error(exc, self.settings)))
            except requests.RequestException as exc:
                return None, exc
            if response.status_code == 401 and not refreshed and self.tokens.method != 'access_token':
                # An expired or revoked token: fetch a fresh one once.
                refreshed = True
                self.tokens.invalidate(token)
                continue
            return response, None

    def _absolute(self, url, api_version=None):
        if ABSOLUTE_URL.match(url):
            # Never send the token to a host other than the configured Graph endpoint.
            if not url.startswith(self.settings.graph_root + '/'):
                raise GraphError('Refusing to follow %s: it is not on %s' % (url, self.settings.graph_root))
            return url  # a link Graph returned, already encoded
        try:
            relative = encode_request_url(url if url.startswith('/') else '/' + url)
        except ValueError as exc:
            raise GraphRequestError('url %s %s' % (url, exc), field='url')
        return '%s/%s%s' % (self.settings.graph_root, api_version or self.settings.api_version, relative)
