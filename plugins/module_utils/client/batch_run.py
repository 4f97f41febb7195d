# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``BatchRun``: one ``GraphClient.batch`` call from the queue to the answers.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

The main thread composes batches (Graph's rules come from ``batch_plan``, when each kind of request may
go from the ``Pacer``) and reads the answers; worker threads only do the HTTP exchange. Throttled and
refused requests are queued again; lost answers are settled by reading or reported ``outcome_unknown``,
never sent again blindly when repeating them could act twice.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import MAX_BATCH_SIZE, BatchItem, dependents_of, directory_counts, group_units
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, parse_error_body
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import header_value, may_have_been_sent
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import (
    GraphResponse, decode_body, found_by_default, lost_body, relative_link, settled_response
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import (
    LOST_ANSWER_STATUSES, NOT_PROCESSED_STATUSES, OUTER_LOST_ANSWER_STATUSES, parse_retry_after, throttle_scope
)

# A create sent again after a settle read found nothing, and refused as a duplicate, is read once more
# with this long to let replicas catch up (when the request has no replication_wait of its own).
SETTLE_REPLICATION_WAIT = 30.0


class QueueEntry:
    """A unit of requests waiting in the queue of a batch run."""

    __slots__ = ('ready_at', 'unit', 'reason')

    def __init__(self, ready_at, unit, reason):
        self.ready_at = ready_at
        self.unit = unit
        self.reason = reason


class BatchRun:
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
        self.queue.append(QueueEntry(ready_at, unit, reason))

    def _compose(self, now):
        """The next batch that may go now: ``(items, linked, wake)``; ``wake`` = ``(time, reason)`` when more may go."""
        wake = None
        ready = []
        gates = {}
        for entry in self.queue:
            if entry.ready_at > now:
                wake = earlier(wake, (entry.ready_at, entry.reason))
                continue
            if any(item.mailbox in self.busy for item in entry.unit if item.mailbox is not None):
                continue  # one batch in flight per mailbox; its answer wakes us
            for item in entry.unit:
                kind = (item.mailbox, item.is_write)
                if kind not in gates:
                    gates[kind] = self.pacer.paused_until(*kind)
            gate = max(gates[(item.mailbox, item.is_write)] for item in entry.unit)
            if gate[0] > now:
                wake = earlier(wake, gate)
                continue
            ready.append(entry)
        chosen = None
        # Directory budgets: wait for them rather than be refused; requests that spend less may go meanwhile.
        for candidates in (ready, [e for e in ready if not directory_counts(e.unit)[0]], [e for e in ready if not any(
                item.mailbox is None for item in e.unit)]):
            chosen = next_batch_entries(candidates)
            if not chosen:
                continue
            pause = self.pacer.tokens_wait(*directory_counts(item for entry in chosen for item in entry.unit))
            if pause <= 0:
                break
            wake = earlier(wake, (now + pause, 'pacing'))
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
        self.pacer.take(*directory_counts(batch))
        self.stats.add(batches=1, inner_requests=len(batch))
        self.inflight[pool.submit(self._post, self.url, batch, linked)] = (batch, now)

    def _post(self, url, batch, linked):
        """POST one ``$batch`` (worker thread); returns ``(kind, payload)``.

        ``answers``: ``[(item, inner answer dict)]``. ``refused`` (429/503) and ``unsent`` (no connection):
        nothing ran. ``lost``: it may have run, the answer is gone. ``failed``: final for every request.
        """
        wire_ids = dict((item.id, str(index + 1)) for index, item in enumerate(batch))
        payload = {'requests': [item.wire(wire_ids[item.id], wire_ids.get(item.depends_on) if linked else None) for item in batch]}
        response, exc = self.client.http('POST', url, payload, None, max(item.attempts for item in batch) + 1)
        if exc is not None:
            if may_have_been_sent(exc):
                return 'lost', {'status': None, 'body': lost_body('the connection failed after the batch was sent (%s)' % exc)}
            return 'unsent', {'status': None, 'body': lost_body('could not connect to graph_url %s (%s)' % (self.client.settings.graph_root, exc))}
        status = response.status_code
        answer = {'status': status, 'headers': dict(response.headers), 'body': decode_body(response)}
        body = answer['body']
        if status in (200, 424) and isinstance(body, dict) and isinstance(body.get('responses'), list):
            # Graph documents 200; an outer 424 was once documented too, so accept it when it carries responses.
            inner = dict((str(entry.get('id')), entry) for entry in body['responses'] if isinstance(entry, dict))
            missing = {'status': 502, 'body': lost_body('Graph returned no answer for this request')}
            return 'answers', [(item, inner.get(wire_ids[item.id], missing)) for item in batch]
        if status in NOT_PROCESSED_STATUSES:
            return 'refused', answer
        if status == 200 or status in OUTER_LOST_ANSWER_STATUSES:
            if status == 200:
                answer['body'] = lost_body('$batch answered 200 without readable responses')
            return 'lost', answer
        return 'failed', answer

    # ----- answers ---------------------------------------------------------------------------

    def _absorb(self, batch, sent_at, outcome):
        kind, payload = outcome
        now = self.clock()
        for item in batch:
            self.busy.discard(item.mailbox)
        self.pacer.answered(*directory_counts(batch))
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
                delay, reason, _scope = self.client.note_throttled(item, headers, answer.get('body'))
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
            elif item.settle_state == 'resent' and is_conflict(status, answer.get('body')):
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
                # What it depended on failed for good. Graph's message cites the batch's own ids; name the caller's.
                self._finish(item, failed_dependency_answer(item, batch, answer_of), now)
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
            self.results[item.id] = settled_response(item, verdict, read)
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


def next_batch_entries(entries):
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


def earlier(current, candidate):
    return candidate if current is None or candidate[0] < current[0] else current


def is_conflict(status, body):
    """Graph's "already exists" answers: 409, or 400 saying so (duplicate userPrincipalName, existing member)."""
    if status == 409:
        return True
    if status != 400:
        return False
    message = parse_error_body(body)[1] or ''
    return 'already exist' in message.lower()


def failed_dependency_answer(item, batch, answer_of):
    """Graph's 424 for ``item``, its message naming the caller's request ids: the request it depends on and, down a
    ``depends_on`` chain, the one whose failure stopped the rest."""
    by_id = dict((other.id, other) for other in batch)
    parent = by_id.get(item.depends_on)
    root = parent
    while root is not None and (answer_of.get(root.id) or {}).get('status') == 424 and by_id.get(root.depends_on) is not None:
        root = by_id[root.depends_on]
    answer = dict(answer_of[item.id])
    if parent is None:
        return answer
    outcome = 'failed' if root is parent else "was not run because request '%s' failed" % root.id
    error = dict(((answer.get('body') or {}).get('error') or {}) if isinstance(answer.get('body'), dict) else {})
    error.setdefault('code', 'FailedDependency')
    error['message'] = "Not run: request '%s', which it depends on, %s." % (parent.id, outcome)
    answer['body'] = {'error': error}
    return answer
