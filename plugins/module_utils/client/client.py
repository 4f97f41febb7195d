# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphClient``: sends single requests and batches to Microsoft Graph.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Knows HTTP, auth, batching and retries; knows nothing of Ansible. Requests are validated and grouped
by ``_graph_batch_plan``; what a 429 is about and when each kind of request may go is decided by
``_graph_retry``; batches are sent concurrently up to ``max_concurrency``, each mailbox's requests in
at most one batch in flight. Results always come back keyed by the caller's ids, in the caller's order.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils.client.auth import TokenProvider
from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import (
    BatchItem,
    dependents_of,
    group_units,
    prepare_requests,
    prepare_settle,
    MAX_BATCH_SIZE,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, parse_error_body
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import HAS_REQUESTS, describe_transport_error, header_value, new_session
from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import (
    LOST_ANSWER_STATUSES,
    NOT_PROCESSED_STATUSES,
    OUTER_LOST_ANSWER_STATUSES,
    THROTTLE_SCOPES,
    WAIT_REASONS,
    Pacer,
    RetryPolicy,
    parse_retry_after,
    throttle_scope,
)

try:
    import requests
except ImportError:
    pass  # reported through HAS_REQUESTS from _graph_http

USER_AGENT = 'mynster.msgraph/0.1.0'
# A create sent again after a settle read found nothing, and refused as a duplicate, is read once more
# with this long to let replicas catch up (when the request has no replication_wait of its own).
SETTLE_REPLICATION_WAIT = 30.0


class GraphResponse:
    """One answer: from a direct request or one inner request of a batch.

    ``outcome_unknown``: the answer was lost (a gateway timeout or a dropped connection after sending) and
    the request was not sent again because repeating it could act twice; ``status`` is the gateway's
    (None for a dropped connection). ``settled``: the answer was lost and a read showed the request had
    taken effect; ``body`` is what that read returned.
    """

    __slots__ = ('id', 'status', 'headers', 'body', 'attempts', 'planned', 'outcome_unknown', 'settled')

    def __init__(self, id, status, headers=None, body=None, attempts=1, planned=False, outcome_unknown=False, settled=False):
        self.id = id
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.attempts = attempts
        self.planned = planned
        self.outcome_unknown = outcome_unknown
        self.settled = settled

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
        if self.outcome_unknown:
            result['outcome_unknown'] = True
        if self.settled:
            result['settled_by_reading'] = True
        return result


class ClientStats:
    """What the client did, for module results and the benchmark. Thread-safe.

    ``throttled`` counts every 429, and ``throttled_by_scope`` splits it by what it was about;
    ``wait_seconds`` is the time the task had nothing in flight and waited, split by reason in
    ``wait_seconds_by_reason``; ``retry_after_received`` adds up the Retry-After values of the 429s.
    """

    FIELDS = ('http_requests', 'batches', 'inner_requests', 'throttled', 'retries', 'replication_retries', 'wait_seconds',
              'retry_after_received', 'lost_answers', 'settled_by_reading', 'outcome_unknown')

    def __init__(self):
        self._lock = threading.Lock()
        self._values = dict((name, 0) for name in self.FIELDS)
        self._scopes = dict((name, 0) for name in THROTTLE_SCOPES)
        self._reasons = dict((name, 0.0) for name in WAIT_REASONS)

    def add(self, **counts):
        with self._lock:
            for name, value in counts.items():
                self._values[name] += value

    def add_throttled(self, scope, retry_after=None):
        with self._lock:
            self._values['throttled'] += 1
            self._scopes[scope] += 1
            self._values['retry_after_received'] += retry_after or 0.0

    def add_wait(self, reason, seconds):
        with self._lock:
            self._values['wait_seconds'] += seconds
            self._reasons[reason] += seconds

    def __getitem__(self, name):
        if name == 'throttled_by_scope':
            return dict(self._scopes)
        if name == 'wait_seconds_by_reason':
            return dict(self._reasons)
        return self._values[name]

    def as_dict(self):
        with self._lock:
            result = dict(self._values)
            result['throttled_by_scope'] = dict(self._scopes)
            result['wait_seconds_by_reason'] = dict((name, round(value, 3)) for name, value in self._reasons.items())
        result['wait_seconds'] = round(result['wait_seconds'], 3)
        result['retry_after_received'] = round(result['retry_after_received'], 3)
        return result


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
        writes, requests_ = _directory_counts([item])
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
        writes, requests_ = _directory_counts([item])
        self.pacer.take(writes, requests_)
        try:
            response, exc = self._http(item.method, target, item.body, item.headers, item.attempts)
        finally:
            self.pacer.answered(writes, requests_)
        can_retry = self.policy.can_retry(item.attempts)
        if exc is not None:
            sent = _may_have_been_sent(exc)
            if (not sent or item.resendable) and can_retry:
                self._retry_pause(self.policy.delay(item.attempts), 'backoff')
                return None
            if not sent or item.resendable:
                raise GraphError('%s %s failed after %d attempts: %s' % (item.method, target, item.attempts, exc))
            self.stats.add(lost_answers=1)
            return GraphResponse(None, None, {}, _lost_body('the connection failed after the request was sent (%s)' % exc),
                                 item.attempts, outcome_unknown=True)
        status = response.status_code
        headers = dict(response.headers)
        body = _decode_body(response)
        if status == 429:
            delay, reason, scope = self._throttled(item, headers, body)
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
        return 'done', _settled_response(item, verdict, read)

    def _retry_pause(self, seconds, reason):
        self.stats.add(retries=1)
        self.wait(seconds, reason)

    def wait(self, seconds, reason):
        """Sleep with nothing else to do, counted in ``stats`` under ``reason``."""
        if seconds > 0:
            self.stats.add_wait(reason, seconds)
            self._sleep(seconds)

    def _throttled(self, item, headers, body):
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
        return _BatchRun(self, items, paginate, api_version).run()

    def _post_batch(self, url, batch, linked):
        """POST one ``$batch`` (worker thread); returns ``(kind, payload)``.

        ``answers``: ``[(item, inner answer dict)]``. ``refused`` (429/503) and ``unsent`` (no connection):
        nothing ran. ``lost``: it may have run, the answer is gone. ``failed``: final for every request.
        """
        wire_ids = dict((item.id, str(index + 1)) for index, item in enumerate(batch))
        payload = {'requests': [item.wire(wire_ids[item.id], wire_ids.get(item.depends_on) if linked else None) for item in batch]}
        response, exc = self._http('POST', url, payload, None, max(item.attempts for item in batch) + 1)
        if exc is not None:
            if _may_have_been_sent(exc):
                return 'lost', {'status': None, 'body': _lost_body('the connection failed after the batch was sent (%s)' % exc)}
            return 'unsent', {'status': None, 'body': _lost_body('could not connect (%s)' % exc)}
        status = response.status_code
        answer = {'status': status, 'headers': dict(response.headers), 'body': _decode_body(response)}
        body = answer['body']
        if status in (200, 424) and isinstance(body, dict) and isinstance(body.get('responses'), list):
            # Graph documents 200; an outer 424 was once documented too, so accept it when it carries responses.
            inner = dict((str(entry.get('id')), entry) for entry in body['responses'] if isinstance(entry, dict))
            missing = {'status': 502, 'body': _lost_body('Graph returned no answer for this request')}
            return 'answers', [(item, inner.get(wire_ids[item.id], missing)) for item in batch]
        if status in NOT_PROCESSED_STATUSES:
            return 'refused', answer
        if status == 200 or status in OUTER_LOST_ANSWER_STATUSES:
            if status == 200:
                answer['body'] = _lost_body('$batch answered 200 without readable responses')
            return 'lost', answer
        return 'failed', answer

    # ----- one HTTP exchange -----------------------------------------------------------------

    def _http(self, method, url, body, headers, attempt=1):
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
        if '://' in url:
            # Never send the token to a host other than the configured Graph endpoint.
            if not url.startswith(self.settings.graph_root + '/'):
                raise GraphError('Refusing to follow %s: it is not on %s' % (url, self.settings.graph_root))
            return url
        return '%s/%s%s' % (self.settings.graph_root, api_version or self.settings.api_version, url if url.startswith('/') else '/' + url)


class _Entry:
    """A unit of requests waiting in the queue of a batch run."""

    __slots__ = ('ready_at', 'unit', 'reason')

    def __init__(self, ready_at, unit, reason):
        self.ready_at = ready_at
        self.unit = unit
        self.reason = reason


class _BatchRun:
    """One ``GraphClient.batch`` call: what waits, what is in flight, what is answered.

    The main thread composes batches and reads answers; worker threads only do the HTTP exchange.
    """

    def __init__(self, client, items, paginate, api_version):
        self.client = client
        self.pacer = client.pacer
        self.policy = client.policy
        self.stats = client.stats
        self.clock = client.clock
        self.paginate = paginate
        self.url = '%s/%s/$batch' % (client.settings.graph_root, api_version or client.settings.api_version)
        self.items = items
        self.queue = []
        self.inflight = {}
        self.busy = set()  # mailboxes with a batch in flight
        self.results = {}
        self.waiting = {}  # id of a request being settled -> [(dependent, ran, answer)] decided after it
        for unit in group_units(items):
            self._push(unit, 0.0, None)

    def run(self):
        limit = self.client.settings.max_concurrency
        with ThreadPoolExecutor(max_workers=limit) as pool:
            while self.queue or self.inflight:
                now = self.clock()
                wake = None
                if len(self.inflight) < limit:
                    batch, linked, wake = self._compose(now)
                    if batch:
                        self._dispatch(pool, batch, linked)
                        continue
                if self.inflight:
                    timeout = None if wake is None else max(0.0, wake[0] - now)
                    for future in wait(list(self.inflight), timeout=timeout, return_when=FIRST_COMPLETED).done:
                        batch, sent_at = self.inflight.pop(future)
                        self._absorb(batch, sent_at, future.result())
                elif wake is None:
                    raise GraphError('internal error: requests are queued but none can ever be sent')
                else:
                    # at least a millisecond: a wake time equal to now (float rounding) must not spin
                    self.client.wait(max(wake[0] - now, 0.001), wake[1] or 'backoff')
        return [self.results[item.id] for item in self.items]

    # ----- sending ---------------------------------------------------------------------------

    def _push(self, unit, ready_at, reason):
        self.queue.append(_Entry(ready_at, unit, reason))

    def _compose(self, now):
        """The next batch that may go now: ``(items, linked, wake)``; ``wake`` = ``(time, reason)`` when more may go."""
        wake = None
        ready = []
        gates = {}
        for entry in self.queue:
            if entry.ready_at > now:
                wake = _earlier(wake, (entry.ready_at, entry.reason))
                continue
            if any(item.mailbox in self.busy for item in entry.unit if item.mailbox is not None):
                continue  # one batch in flight per mailbox; its answer wakes us
            for item in entry.unit:
                kind = (item.mailbox, item.is_write)
                if kind not in gates:
                    gates[kind] = self.pacer.paused_until(*kind)
            gate = max(gates[(item.mailbox, item.is_write)] for item in entry.unit)
            if gate[0] > now:
                wake = _earlier(wake, gate)
                continue
            ready.append(entry)
        chosen = None
        # Directory budgets: wait for them rather than be refused; requests that spend less may go meanwhile.
        for candidates in (ready, [e for e in ready if not _directory_counts(e.unit)[0]], [e for e in ready if not any(
                item.mailbox is None for item in e.unit)]):
            chosen = _fill(candidates)
            if not chosen:
                continue
            pause = self.pacer.tokens_wait(*_directory_counts(item for entry in chosen for item in entry.unit))
            if pause <= 0:
                break
            wake = _earlier(wake, (now + pause, 'pacing'))
            chosen = None
        if not chosen:
            return None, False, wake
        taken = set(id(entry) for entry in chosen)
        self.queue = [entry for entry in self.queue if id(entry) not in taken]
        return [item for entry in chosen for item in entry.unit], len(chosen[0].unit) > 1, wake

    def _dispatch(self, pool, batch, linked):
        now = self.clock()
        for item in batch:
            if item.first_sent_at is None:
                item.first_sent_at = now
            if item.mailbox is not None:
                self.busy.add(item.mailbox)
        self.pacer.take(*_directory_counts(batch))
        self.stats.add(batches=1, inner_requests=len(batch))
        self.inflight[pool.submit(self.client._post_batch, self.url, batch, linked)] = (batch, now)

    # ----- answers ---------------------------------------------------------------------------

    def _absorb(self, batch, sent_at, outcome):
        kind, payload = outcome
        now = self.clock()
        for item in batch:
            self.busy.discard(item.mailbox)
        self.pacer.answered(*_directory_counts(batch))
        if kind == 'answers':
            self.pacer.observe([(answer.get('headers'), item.mailbox, item.is_write) for item, answer in payload
                                if answer.get('status') not in (424, 429)], sent_at)
            self._inner_answers(batch, payload, now)
            return
        for item in batch:
            item.attempts += 1
        if kind == 'lost':
            self.stats.add(lost_answers=len(batch))
            self._resolve([(item, None, payload) for item in batch], now)
        elif kind in ('refused', 'unsent'):
            self._send_again(batch, payload, now)
        else:
            for item in batch:
                self._finish(item, payload, now)

    def _send_again(self, batch, answer, now):
        """The whole $batch was refused before anything ran: send its requests again."""
        headers = answer.get('headers') or {}
        retry_after = header_value(headers, 'Retry-After')
        if answer.get('status') == 429:
            writes = any(item.is_write for item in batch)
            scope = throttle_scope(headers, writes)
            seconds = parse_retry_after(retry_after)
            self.stats.add_throttled(scope, seconds)
            self.pacer.throttled(scope, self.policy.delay(max(item.attempts for item in batch), retry_after))
        again = [item for item in batch if self.policy.can_retry(item.attempts)]
        for item in batch:
            if not self.policy.can_retry(item.attempts):
                self._finish(item, answer, now)
        if again:
            delay, reason = self.policy.wait(max(item.attempts for item in again), retry_after)
            self._queue_again(again, now + delay, reason)

    def _queue_again(self, items, ready_at, reason):
        self.stats.add(retries=len(items))
        for unit in group_units(items):
            self._push(unit, ready_at, reason)

    def _inner_answers(self, batch, answers, now):
        """Sort the answers of one batch: final, throttled (one round), retried, lost, or conflicting after a resend."""
        throttled, later, lost, conflicts = [], [], [], []
        delays = {}
        round_delay = (0.0, 'retry_after')
        for item, answer in answers:
            status = answer.get('status')
            headers = answer.get('headers') or {}
            if status == 424:
                continue  # decided with the request it depended on
            item.attempts += 1
            can_retry = self.policy.can_retry(item.attempts)
            if status == 429:
                delay, reason, _scope = self.client._throttled(item, headers, answer.get('body'))
                if can_retry:
                    throttled.append(item)
                    round_delay = max(round_delay, (delay, reason))
                    continue
            if status == 503 and can_retry:
                later.append(item)
                retry_after = header_value(headers, 'Retry-After')
                delays[item.id] = self.policy.wait(item.attempts, retry_after)
            elif status in LOST_ANSWER_STATUSES:
                lost.append(item)
            elif status == 404 and item.replication_wait and now < item.first_sent_at + item.replication_wait:
                # A just-created object may not have reached the replica that served us yet.
                item.not_found_retries += 1
                self.stats.add(replication_retries=1)
                later.append(item)
                delay = min(self.policy.delay(item.not_found_retries), item.first_sent_at + item.replication_wait - now)
                delays[item.id] = (delay, 'replication')
            elif item.settle_state == 'resent' and _is_conflict(status, answer.get('body')):
                conflicts.append(item)
            else:
                self._finish(item, answer, now)
        # A round of throttled requests goes again after the longest Retry-After among them.
        for item in throttled:
            delays[item.id] = round_delay
        answer_of = dict((item.id, answer) for item, answer in answers)
        skipped = set(item.id for item, answer in answers if answer.get('status') == 424)
        blocked = [item for item in dependents_of(set(item.id for item in throttled + later), batch) if item.id in skipped]
        if throttled or later:
            retry = throttled + later + blocked
            self.stats.add(retries=len(retry))
            for unit in group_units(retry):
                delay, reason = max(delays.get(item.id, (0.0, 'retry_after')) for item in unit)
                self._push(unit, now + delay, reason)
        decided = set(item.id for item in blocked)
        after_lost = [item for item in dependents_of(set(item.id for item in lost), batch) if item.id in skipped]
        after_conflict = [item for item in dependents_of(set(item.id for item in conflicts), batch) if item.id in skipped]
        decided.update(item.id for item in after_lost + after_conflict)
        for item in batch:
            if item.id in skipped and item.id not in decided:
                self._finish(item, answer_of[item.id], now)  # what it depended on failed for good
        if lost:
            self.stats.add(lost_answers=len(lost))
            undecided = set(item.id for item in lost + after_lost)
            self._resolve([(item, False if item in after_lost else None, answer_of[item.id]) for item in batch if item.id in undecided], now)
        for item in conflicts:
            # Sent again because a read found nothing, and refused as a duplicate: it did run; read once more.
            item.settle_state = 'conflict'
            self._start_settle(item, answer_of[item.id], now, max(item.replication_wait, SETTLE_REPLICATION_WAIT))
        if conflicts:
            self._resolve([(item, False, answer_of[item.id]) for item in batch if item in after_conflict], now,
                          dict((item.id, 'settle') for item in conflicts))

    # ----- lost answers ----------------------------------------------------------------------

    def _resolve(self, entries, now, outcomes=None, resend=None):
        """Decide each request whose answer was lost (``ran`` None) or that never ran (``ran`` False).

        ``entries`` come parents first; ``outcomes`` gives decisions about parents outside them.
        """
        decided = dict(outcomes or {})
        resend = list(resend or [])
        for item, ran, answer in entries:
            parent = decided.get(item.depends_on) if item.depends_on else None
            if parent in ('settle', 'wait'):
                self.waiting.setdefault(item.depends_on, []).append((item, ran, answer))
                decided[item.id] = 'wait'
                continue
            if parent == 'absent':
                ran = False  # what it depended on never ran, so neither did it
            decision = self._decide(item, ran, parent)
            decided[item.id] = decision
            if decision == 'resend':
                resend.append(item)
            elif decision == 'settle':
                self._start_settle(item, answer, now)
            elif decision == 'unknown':
                self._finish(item, answer, now, outcome_unknown=True)
            else:
                self._finish(item, answer, now)
        if resend:
            self._queue_again(resend, now + self.policy.delay(max(item.attempts for item in resend)), 'backoff')

    def _decide(self, item, ran, parent):
        if parent == 'unknown':
            return 'final' if ran is False else 'unknown'
        if ran is False or item.resendable:
            if self.policy.can_retry(item.attempts):
                return 'resend'
            return 'unknown' if ran is None and item.is_write else 'final'
        if item.settle is not None:
            return 'settle'
        return 'unknown'

    def _start_settle(self, item, answer, now, replication_wait=0.0):
        item.lost_answer = answer
        if callable(item.settle):
            verdict = item.settle(item.view())
            self._settled(item, verdict, None, now)
            return
        read = BatchItem('%s#settle' % item.id, 'GET', item.settle['url'], item.settle['headers'], settles=item,
                         replication_wait=replication_wait)
        self._push([read], now, None)

    def _settled(self, item, verdict, read, now):
        """The verdict on a request whose answer was lost; ``read`` is None for a settle callable."""
        if read is not None:
            verdict = (item.settle['found'] or found_by_default)(read) if read.ok or read.status == 404 else 'unreadable'
        if verdict == 'unreadable':
            self._finish(item, item.lost_answer, now, outcome_unknown=True)
            self._resolve(self._waiting_tree(item.id, []), now, {item.id: 'unknown'})
        elif verdict:
            self.stats.add(settled_by_reading=1)
            self.results[item.id] = _settled_response(item, verdict, read)
            self._resolve(self._waiting_tree(item.id, []), now, {item.id: 'done'})
        elif item.settle_state == 'conflict' or not self.policy.can_retry(item.attempts):
            # Refused as a duplicate yet still not readable, or out of tries: report what we know.
            unknown = item.settle_state != 'conflict'
            self._finish(item, item.lost_answer, now, outcome_unknown=unknown)
            self._resolve(self._waiting_tree(item.id, []), now, {item.id: 'unknown'})
        else:
            # It never ran: send it again, with whatever depended on it.
            item.settle_state = 'resent'
            self._resolve(self._waiting_tree(item.id, []), now, {item.id: 'absent'}, [item])

    def _waiting_tree(self, item_id, into):
        """Pop the requests waiting on ``item_id`` and on them in turn, parents first."""
        for entry in self.waiting.pop(item_id, []):
            into.append(entry)
            self._waiting_tree(entry[0].id, into)
        return into

    # ----- results ---------------------------------------------------------------------------

    def _finish(self, item, answer, now, outcome_unknown=False):
        """Record a final answer (a dict with status, headers, body)."""
        status = answer.get('status')
        body = answer.get('body')
        headers = answer.get('headers') or {}
        if outcome_unknown:
            self.stats.add(outcome_unknown=1)
        if item.settles is not None:
            self._settled(item.settles, None, GraphResponse(item.id, status, headers, body, item.attempts), now)
            return
        if item.page_of is not None:
            owner = self.results[item.page_of]
            if not (200 <= (status or 0) < 300):
                owner.status, owner.headers, owner.body = status, headers, body
                return
            owner.body.setdefault('value', []).extend((body or {}).get('value') or [])
            owner.body.pop('@odata.nextLink', None)
        else:
            self.results[item.id] = GraphResponse(item.id, status, headers, body, item.attempts, outcome_unknown=outcome_unknown)
        next_link = body.get('@odata.nextLink') if isinstance(body, dict) and 200 <= (status or 0) < 300 else None
        if self.paginate and item.method == 'GET' and next_link:
            owner_id = item.page_of or item.id
            page = BatchItem('%s#page' % owner_id, 'GET', relative_link(next_link), item.headers, page_of=owner_id)
            self._push([page], now, None)


# ----- helpers ---------------------------------------------------------------------------------

def _fill(entries):
    """Entries for one batch: the first dependency unit alone, or up to 20 single requests."""
    chosen = []
    for entry in entries:
        if len(entry.unit) > 1:
            if not chosen:
                return [entry]
            continue
        chosen.append(entry)
        if len(chosen) == MAX_BATCH_SIZE:
            break
    return chosen


def _directory_counts(items):
    """``(writes, requests)`` among the directory (non-mailbox) requests of ``items``."""
    writes = requests_ = 0
    for item in items:
        if item.mailbox is None:
            requests_ += 1
            writes += 1 if item.is_write else 0
    return writes, requests_


def _earlier(current, candidate):
    return candidate if current is None or candidate[0] < current[0] else current


def _is_conflict(status, body):
    """Graph's "already exists" answers: 409, or 400 saying so (duplicate userPrincipalName, existing member)."""
    if status == 409:
        return True
    if status != 400:
        return False
    message = parse_error_body(body)[1] or ''
    return 'already exist' in message.lower()


def found_by_default(read):
    """A settle read's default verdict: a 2xx answer is the object (a collection: its first item), else not found."""
    if not read.ok:
        return None
    body = read.body
    if isinstance(body, dict) and isinstance(body.get('value'), list):
        return GraphResponse(read.id, read.status, read.headers, body['value'][0]) if body['value'] else None
    return read


def _settled_response(item, verdict, read):
    if isinstance(verdict, GraphResponse):
        response = verdict
    elif read is not None:
        response = GraphResponse(None, read.status, read.headers, read.body)
    else:
        response = GraphResponse(None, 200, {}, verdict if isinstance(verdict, (dict, list)) else None)
    response.id = item.id
    response.attempts = item.attempts
    response.settled = True
    return response


def _lost_body(reason):
    return {'error': {'code': 'outcomeUnknown', 'message': reason}}


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
