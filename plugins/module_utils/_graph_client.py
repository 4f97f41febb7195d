# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphClient``: sends single requests and batches to Microsoft Graph.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Knows HTTP, auth, batching and retries; knows nothing of Ansible. Batches are cut by
``_graph_batch_plan``, retried and paced by ``_graph_retry``, and sent concurrently up to
``max_concurrency``. Results always come back keyed by the caller's ids, in the caller's order.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_auth import TokenProvider
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_batch_plan import (
    BatchItem,
    dependents_of,
    group_units,
    pack_batches,
    prepare_requests,
    MAX_BATCH_SIZE,
)
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_http import HAS_REQUESTS, new_session
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_retry import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    UNKNOWN_OUTCOME_STATUSES,
    Pacer,
    RetryPolicy,
    header_value,
)

try:
    import requests
except ImportError:
    pass  # reported through HAS_REQUESTS from _graph_http

USER_AGENT = 'mynster.msgraph/0.1.0'
# The outer $batch POST is retried on any server-side failure; nothing inside ran when it fails.
OUTER_RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))


class GraphResponse:
    """One answer: from a direct request or one inner request of a batch."""

    __slots__ = ('id', 'status', 'headers', 'body', 'attempts', 'resent_after_unknown_outcome', 'planned')

    def __init__(self, id, status, headers=None, body=None, attempts=1, resent_after_unknown_outcome=False, planned=False):
        self.id = id
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.attempts = attempts
        self.resent_after_unknown_outcome = resent_after_unknown_outcome
        self.planned = planned

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    def error(self, context=None):
        """The ``GraphError`` this answer stands for, or None when it succeeded (or was only planned)."""
        if self.ok or self.planned:
            return None
        return GraphError.from_response(self.status, self.body, self.headers, context=context)

    def to_dict(self):
        result = {'id': self.id, 'status': self.status, 'headers': self.headers, 'body': self.body}
        if self.planned:
            result['planned'] = True
        if self.attempts > 1:
            result['attempts'] = self.attempts
        if self.resent_after_unknown_outcome:
            result['resent_after_unknown_outcome'] = True
        return result


class ClientStats:
    """What the client did, for module results and the benchmark. Thread-safe."""

    FIELDS = ('http_requests', 'batches', 'inner_requests', 'throttled', 'retries', 'replication_retries', 'wait_seconds',
              'resent_after_unknown_outcome')

    def __init__(self):
        self._lock = threading.Lock()
        self._values = dict((name, 0) for name in self.FIELDS)

    def add(self, **counts):
        with self._lock:
            for name, value in counts.items():
                self._values[name] += value

    def __getitem__(self, name):
        return self._values[name]

    def as_dict(self):
        with self._lock:
            result = dict(self._values)
        result['wait_seconds'] = round(result['wait_seconds'], 3)
        return result


class GraphClient:
    """Talks to Graph for one run: one token, one HTTP session, one pacer, shared statistics."""

    def __init__(self, settings, token_provider=None, session=None, policy=None, pacer=None):
        if not HAS_REQUESTS and session is None:
            raise GraphError('The requests Python library is required')
        self.settings = settings
        self.session = session or new_session(settings)
        self.tokens = token_provider or TokenProvider(settings, self.session)
        self.policy = policy or RetryPolicy(settings.max_retries, settings.max_retry_wait)
        self.pacer = pacer or Pacer()
        self.stats = ClientStats()

    # ----- direct requests -------------------------------------------------------------------

    def request(self, method, url, body=None, headers=None):
        """Send one request outside a batch; retries 429/503/504 and transport errors.

        ``url`` is relative to the API version (``/users``) or an absolute link Graph returned
        (``@odata.nextLink``), which must point at the configured Graph host.
        """
        method = method.upper()
        self.pacer.wait_turn(1)
        answer = self._exchange(method, self._absolute(url), body, headers, method in IDEMPOTENT_METHODS, RETRYABLE_STATUSES)
        self.pacer.observe(answer.status, answer.headers)
        return answer

    def get_all(self, url, headers=None):
        """GET a collection and follow every ``@odata.nextLink``; returns the merged ``value`` list."""
        items = []
        while url:
            answer = self.request('GET', url, headers=headers)
            if not answer.ok:
                raise answer.error(context='GET %s' % url)
            body = answer.body if isinstance(answer.body, dict) else {}
            items.extend(body.get('value') or [])
            url = body.get('@odata.nextLink')
        return items

    # ----- batches ---------------------------------------------------------------------------

    def batch(self, requests_, paginate=False):
        """Run any number of requests through ``$batch``; returns ``GraphResponse`` objects in caller order.

        ``requests_`` are dicts (``id, method, url, headers, body, depends_on``) or prepared
        ``BatchItem`` objects. Invalid input raises ``GraphRequestError`` before anything is sent.
        A request with ``replication_wait`` (seconds) that gets 404 is retried with backoff until that
        time has passed since it was first sent, for objects created moments ago.
        Inner 429/503/504 answers are re-sent (with the requests that failed only because they
        depended on them) after Retry-After; ``paginate`` follows ``@odata.nextLink`` of GETs and
        merges ``value``.
        """
        items = list(requests_) if all(isinstance(r, BatchItem) for r in requests_) else prepare_requests(requests_)
        if not items:
            return []
        results = {}
        queue = [(0.0, unit) for unit in group_units(items)]
        inflight = {}
        with ThreadPoolExecutor(max_workers=self.settings.max_concurrency) as pool:
            while queue or inflight:
                now = time.monotonic()
                if len(inflight) < self.settings.max_concurrency and any(entry[0] <= now for entry in queue):
                    batch = self._take_batch(queue, now)
                    self.stats.add(wait_seconds=self.pacer.wait_turn(len(batch)))
                    inflight[pool.submit(self._send_batch, batch)] = batch
                    continue
                timeout = None
                if queue and len(inflight) < self.settings.max_concurrency:
                    timeout = max(0.0, min(entry[0] for entry in queue) - now)
                if not inflight:
                    time.sleep(timeout)
                    self.stats.add(wait_seconds=timeout)
                    continue
                done = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED).done
                for future in done:
                    batch = inflight.pop(future)
                    self._settle(batch, future.result(), queue, results, paginate)
        return [results[item.id] for item in items]

    @staticmethod
    def _take_batch(queue, now):
        """Remove and return the next batch from the ready units: a dependency unit alone, or up to 20 singles."""
        ready = [entry for entry in queue if entry[0] <= now]
        first = ready[0][1]
        if len(first) > 1:
            chosen = [ready[0]]
        else:
            chosen = [entry for entry in ready if len(entry[1]) == 1][:MAX_BATCH_SIZE]
        for entry in chosen:
            queue.remove(entry)
        return pack_batches([entry[1] for entry in chosen])[0]

    def _send_batch(self, batch):
        """POST one ``$batch`` (worker thread); returns ``[(item, inner_answer_dict)]``."""
        wire_ids = dict((item.id, str(index + 1)) for index, item in enumerate(batch))
        payload = {'requests': [item.wire(wire_ids[item.id], wire_ids.get(item.depends_on)) for item in batch]}
        idempotent = all(item.method in IDEMPOTENT_METHODS for item in batch)
        sent_at = time.monotonic()
        for item in batch:
            if item.first_sent_at is None:
                item.first_sent_at = sent_at
        self.stats.add(batches=1, inner_requests=len(batch))
        answer = self._exchange('POST', self.settings.graph_base + '/$batch', payload, None, idempotent, OUTER_RETRY_STATUSES)
        if answer.resent_after_unknown_outcome:
            for item in batch:
                if item.method not in IDEMPOTENT_METHODS:
                    item.resent_after_unknown_outcome = True
        body = answer.body
        if answer.status in (200, 424) and isinstance(body, dict) and isinstance(body.get('responses'), list):
            # Graph documents 200; an outer 424 was once documented too, so accept it when it carries responses.
            inner = dict((str(entry.get('id')), entry) for entry in body['responses'] if isinstance(entry, dict))
            missing = {'status': 502, 'body': {'error': {'code': 'noResponse', 'message': 'Graph returned no answer for this request'}}}
            return [(item, inner.get(wire_ids[item.id], missing)) for item in batch]
        error = answer.error(context='$batch request failed') or GraphError('$batch answered %s without responses' % answer.status,
                                                                            status=answer.status)
        failed = {'status': answer.status, 'headers': answer.headers, 'body': {'error': {'code': error.code, 'message': error.message}}}
        return [(item, failed) for item in batch]

    def _settle(self, batch, answers, queue, results, paginate):
        """Record final answers; queue throttled requests (and dependents that failed only because of them)."""
        now = time.monotonic()
        retry = []
        delays = {}
        for item, answer in answers:
            status = answer.get('status')
            headers = answer.get('headers') or {}
            if status == 424:
                continue
            item.attempts += 1
            self.pacer.observe(status, headers)
            if status == 429:
                self.stats.add(throttled=1)
            if status in RETRYABLE_STATUSES and self.policy.can_retry(item.attempts):
                if status in UNKNOWN_OUTCOME_STATUSES and item.method not in IDEMPOTENT_METHODS:
                    item.resent_after_unknown_outcome = True
                retry.append(item)
                delays[item.id] = self.policy.delay(item.attempts, header_value(headers, 'Retry-After'))
            elif status == 404 and item.replication_wait and now < item.first_sent_at + item.replication_wait:
                # A just-created object may not have reached the replica that served us yet.
                item.not_found_retries += 1
                self.stats.add(replication_retries=1)
                retry.append(item)
                delays[item.id] = min(self.policy.delay(item.not_found_retries), item.first_sent_at + item.replication_wait - now)
        retry_ids = set(item.id for item in retry)
        blocked = set(item.id for item in dependents_of(retry_ids, batch))
        for item, answer in answers:
            if item.id in blocked:
                retry.append(item)
            elif item.id not in retry_ids:
                self._record(item, answer, results, queue, paginate)
        if retry:
            self.stats.add(retries=len(retry))
            for unit in group_units(retry):
                queue.append((now + max(delays.get(item.id, 0.0) for item in unit), unit))

    def _record(self, item, answer, results, queue, paginate):
        status = answer.get('status')
        body = answer.get('body')
        headers = answer.get('headers') or {}
        owner_id = item.page_of or item.id
        if item.page_of is None:
            results[item.id] = GraphResponse(item.id, status, headers, body, item.attempts, item.resent_after_unknown_outcome)
        else:
            owner = results[owner_id]
            if not (200 <= (status or 0) < 300):
                owner.status, owner.headers, owner.body = status, headers, body
                return
            owner.body.setdefault('value', []).extend((body or {}).get('value') or [])
            owner.body.pop('@odata.nextLink', None)
        next_link = body.get('@odata.nextLink') if isinstance(body, dict) and 200 <= (status or 0) < 300 else None
        if paginate and item.method == 'GET' and next_link:
            page = BatchItem('%s#page' % owner_id, 'GET', relative_link(next_link), item.headers, page_of=owner_id)
            queue.append((0.0, [page]))

    # ----- one HTTP exchange -----------------------------------------------------------------

    def _exchange(self, method, url, body, headers, idempotent, retry_statuses):
        """One HTTP request with retries; returns a ``GraphResponse`` (never raises for HTTP errors)."""
        attempt = 0
        outcome_unknown = False
        resent_unknown = False
        refreshed = False
        while True:
            attempt += 1
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
            if outcome_unknown:
                resent_unknown = True
            self.stats.add(http_requests=1)
            try:
                response = self.session.request(method, url, json=body, headers=request_headers)
            except requests.RequestException as exc:
                sent = _may_have_been_sent(exc)
                if not self.policy.can_retry(attempt):
                    raise GraphError('%s %s failed after %d attempts: %s%s' % (
                        method, url, attempt, exc, '; the outcome is unknown' if sent and not idempotent else ''))
                outcome_unknown = outcome_unknown or (sent and not idempotent)
                self._pause(attempt, None)
                continue
            status = response.status_code
            if status == 401 and not refreshed and self.tokens.method != 'access_token':
                # An expired or revoked token: fetch a fresh one once.
                refreshed = True
                self.tokens.invalidate(token)
                continue
            if status in retry_statuses and self.policy.can_retry(attempt):
                if status == 429:
                    self.stats.add(throttled=1)
                    self.pacer.observe(status, response.headers)
                if status in UNKNOWN_OUTCOME_STATUSES and not idempotent:
                    outcome_unknown = True
                self._pause(attempt, response.headers.get('Retry-After'))
                continue
            return GraphResponse(None, status, dict(response.headers), _decode_body(response), attempt, resent_unknown)

    def _pause(self, attempt, retry_after):
        seconds = self.policy.delay(attempt, retry_after)
        self.stats.add(retries=1, wait_seconds=seconds)
        time.sleep(seconds)

    def _absolute(self, url):
        if '://' in url:
            # Never send the token to a host other than the configured Graph endpoint.
            if not url.startswith(self.settings.graph_root + '/'):
                raise GraphError('Refusing to follow %s: it is not on %s' % (url, self.settings.graph_root))
            return url
        return self.settings.graph_base + (url if url.startswith('/') else '/' + url)


def relative_link(link):
    """An absolute ``@odata.nextLink`` made relative to the API version, for reuse inside a batch."""
    parts = urlsplit(link)
    path = parts.path
    for prefix in ('/v1.0/', '/beta/'):
        if path.startswith(prefix):
            path = path[len(prefix) - 1:]
            break
    return path + ('?' + parts.query if parts.query else '')


def _decode_body(response):
    if not response.content:
        return None
    content_type = response.headers.get('Content-Type', '')
    if 'json' in content_type:
        try:
            return response.json()
        except ValueError:
            pass
    return response.text


def _may_have_been_sent(exc):
    """False only when the connection was never made, so even a POST is safe to repeat."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        return type(reason).__name__ != 'NewConnectionError'
    return True
