# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GraphClient against a fake transport: batching, dependencies, retries, paging, pacing, mailboxes, lost answers.

The fake session plays Graph's ``$batch`` endpoint: a handler answers each inner request, dependents of a
failed request get 424, and hooks can fail the outer call. A fake clock makes every wait instant, so
the tests check what the client does and how long it chose to wait, never how long the machine took.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from ansible_collections.mynster.msgraph.plugins.module_utils.client.client import GraphClient
from ansible_collections.mynster.msgraph.plugins.module_utils.client.responses import GraphResponse
from ansible_collections.mynster.msgraph.plugins.module_utils.client.stats import ClientStats
from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import GraphSettings
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphRequestError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.pacer import Pacer, TokenBucket
from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import RetryPolicy

ROOT = 'https://graph.test'
WRITE_SCOPE = {'x-ms-throttle-scope': 'Tenant_Application/Write/app/tenant', 'x-ms-throttle-information': 'WriteLimitExceeded'}
RESOURCE_SCOPE = {'x-ms-throttle-scope': 'Tenant_Application/ReadWrite/app/tenant', 'x-ms-throttle-information': 'ResourceUnitLimitExceeded'}


# ----- fakes -------------------------------------------------------------------------------------

class FakeClock:
    """Monotonic time that only moves when the client sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeResponse:
    def __init__(self, status, body=None, headers=None):
        self.status_code = status
        self._body = body
        self.headers = {'Content-Type': 'application/json'}
        self.headers.update(headers or {})
        self.content = json.dumps(body).encode() if body is not None else b''
        self.text = self.content.decode()

    def json(self):
        return self._body


class FakeTokens:
    method = 'client_secret'

    def token(self):
        return 'token'

    def invalidate(self, token):
        pass


def reply(status=200, body=None, headers=None):
    """What the fake Graph answers for one request: ``(status, body, headers)``."""
    if body is None and status >= 400:
        body = {'error': {'code': 'Error%d' % status, 'message': 'HTTP %d' % status}}
    return status, body, headers or {}


def throttled(seconds, headers=None, code='TooManyRequests'):
    extra = {'Retry-After': str(seconds)}
    extra.update(headers or {})
    return reply(429, {'error': {'code': code, 'message': 'Please retry again later.'}}, extra)


class FakeGraph:
    """A ``requests.Session`` stand-in for Graph.

    ``handler(request, seen)`` answers one inner (or direct) request, where ``seen`` counts how often
    that method+url+body was sent before; ``outer(call_number, payload)`` may return a ``FakeResponse``
    or raise instead of answering the batch (None: answer normally). ``after_outer`` likewise, but
    after the inner requests ran (a lost answer).
    """

    def __init__(self, handler=None, outer=None, after_outer=None, clock=None, delay=0.0):
        self.handler = handler or (lambda request, seen: reply(200, {'url': request['url']}))
        self.outer = outer
        self.after_outer = after_outer
        self.clock = clock
        self.delay = delay
        self.lock = threading.Lock()
        self.calls = []  # (method, url, payload or body, clock time)
        self.executed = []  # inner and direct requests that ran: (method, url, body)
        self.seen = {}
        self.inflight_mailboxes = {}
        self.overlaps = []

    @property
    def batches(self):
        return [call[2]['requests'] for call in self.calls if call[1].endswith('/$batch')]

    def request(self, method, url, json=None, headers=None):  # pylint: disable=redefined-outer-name
        with self.lock:
            self.calls.append((method, url, json, self.clock() if self.clock else None))
            number = len(self.calls)
        if not url.endswith('/$batch'):
            status, body, extra = self._run({'method': method, 'url': url, 'body': json})
            return FakeResponse(status, body, extra)
        if self.outer:
            early = self.outer(number, json)
            if early is not None:
                return early
        keys = self._enter(json['requests'])
        try:
            if self.delay:
                time.sleep(self.delay)
            answers = self._answer(json['requests'])
        finally:
            self._leave(keys)
        if self.after_outer:
            late = self.after_outer(number, json)
            if late is not None:
                return late
        return FakeResponse(200, {'responses': answers})

    def _answer(self, inner):
        statuses = {}
        answers = []
        for request in inner:
            depends = request.get('dependsOn') or []
            if depends and not 200 <= statuses[depends[0]] < 300:
                status, body, extra = reply(424, {'error': {'code': 'FailedDependency', 'message': 'dependency failed'}})
            else:
                status, body, extra = self._run(request)
            statuses[request['id']] = status
            answers.append({'id': request['id'], 'status': status, 'headers': extra, 'body': body})
        return list(reversed(answers))  # Graph answers in any order

    def _run(self, request):
        key = (request['method'], request['url'], json.dumps(request.get('body'), sort_keys=True))
        with self.lock:
            seen = self.seen.get(key, 0)
            self.seen[key] = seen + 1
        status, body, extra = self.handler(request, seen)
        if 200 <= status < 300:
            with self.lock:
                self.executed.append((request['method'], request['url'], request.get('body')))
        return status, body, extra

    def _enter(self, inner):
        from ansible_collections.mynster.msgraph.plugins.module_utils.client.batch_plan import mailbox_key
        keys = set(filter(None, (mailbox_key(r['url']) for r in inner)))
        with self.lock:
            for key in keys:
                if self.inflight_mailboxes.get(key):
                    self.overlaps.append(key)
                self.inflight_mailboxes[key] = self.inflight_mailboxes.get(key, 0) + 1
        return keys

    def _leave(self, keys):
        with self.lock:
            for key in keys:
                self.inflight_mailboxes[key] -= 1


def make_client(graph, clock=None, concurrency=1, max_retries=6, max_retry_wait=60, quota=None, **kwargs):
    clock = clock or FakeClock()
    if graph.clock is None:
        graph.clock = clock
    settings = GraphSettings(graph_url=ROOT, access_token='token', max_concurrency=concurrency, max_retries=max_retries,
                             max_retry_wait=max_retry_wait)
    pacer = Pacer(clock=clock, **({'write_quota': quota} if quota else {}))
    client = GraphClient(settings, token_provider=FakeTokens(), session=graph, policy=RetryPolicy(max_retries, max_retry_wait),
                         pacer=pacer, clock=clock, sleep=clock.sleep, **kwargs)
    return client, clock


def gets(count, prefix='/users/u'):
    return [{'id': 'r%03d' % i, 'url': '%s%03d' % (prefix, i)} for i in range(count)]


# ----- batching ----------------------------------------------------------------------------------

def test_requests_are_chunked_by_twenty_and_answered_in_caller_order():
    graph = FakeGraph()
    client, clock = make_client(graph)
    answers = client.batch(gets(45))
    assert [a.id for a in answers] == ['r%03d' % i for i in range(45)]
    assert [a.body['url'] for a in answers] == ['/users/u%03d' % i for i in range(45)]
    assert [len(batch) for batch in graph.batches] == [20, 20, 5]
    assert all(call[1] == ROOT + '/v1.0/$batch' for call in graph.calls)
    assert client.stats['batches'] == 3 and client.stats['inner_requests'] == 45 and client.stats['http_requests'] == 3
    assert client.stats['wait_seconds'] == 0


def test_a_chain_travels_alone_with_depends_on_and_singles_never_carry_it():
    graph = FakeGraph()
    client, clock = make_client(graph)
    requests_ = [{'id': 'a', 'method': 'POST', 'url': '/groups', 'body': {'displayName': 'G'}},
                 {'id': 'b', 'method': 'PATCH', 'url': '/groups/x', 'body': {}, 'depends_on': 'a'},
                 {'id': 'c', 'method': 'PATCH', 'url': '/groups/y', 'body': {}, 'depends_on': ['b']}] + gets(3)
    answers = client.batch(requests_)
    assert [a.status for a in answers] == [200] * 6
    chain = [batch for batch in graph.batches if len(batch) == 3 and batch[0]['method'] == 'POST'][0]
    assert [r.get('dependsOn') for r in chain] == [None, ['1'], ['2']]
    singles = [batch for batch in graph.batches if batch is not chain]
    assert all('dependsOn' not in r for batch in singles for r in batch)


def test_a_failed_dependency_names_the_callers_request_ids_not_the_batchs():
    def handler(request, seen):
        return reply(400, {'error': {'code': 'Request_BadRequest', 'message': 'bad'}}) if request['url'] == '/groups' else reply(200, {})

    client, clock = make_client(FakeGraph(handler))
    answers = client.batch([{'id': 'make-group', 'method': 'POST', 'url': '/groups', 'body': {}},
                            {'id': 'add-owner', 'method': 'POST', 'url': '/x', 'body': {}, 'depends_on': 'make-group'},
                            {'id': 'add-member', 'method': 'POST', 'url': '/y', 'body': {}, 'depends_on': 'add-owner'}])
    assert [a.status for a in answers] == [400, 424, 424]
    assert answers[1].error().message == "Not run: request 'make-group', which it depends on, failed."
    assert answers[2].error().message == "Not run: request 'add-owner', which it depends on, was not run because request 'make-group' failed."
    assert answers[2].error().code == 'FailedDependency'


def test_a_star_travels_alone_head_first():
    graph = FakeGraph()
    client, clock = make_client(graph)
    requests_ = [{'id': 's%d' % i, 'url': '/s/%d' % i, 'depends_on': 'hub'} for i in range(3)] + [{'id': 'hub', 'url': '/hub'}]
    client.batch(requests_)
    assert len(graph.batches) == 1
    assert [r['url'] for r in graph.batches[0]][0] == '/hub'
    assert [r.get('dependsOn') for r in graph.batches[0]] == [None, ['1'], ['1'], ['1']]


def test_a_tree_is_refused_before_anything_is_sent():
    graph = FakeGraph()
    client, clock = make_client(graph)
    with pytest.raises(GraphRequestError, match="request 'root': the requests depending on it form a tree"):
        client.batch([{'id': 'root', 'url': '/r'}, {'id': 'x', 'url': '/x', 'depends_on': 'root'},
                      {'id': 'y', 'url': '/y', 'depends_on': 'root'}, {'id': 'z', 'url': '/z', 'depends_on': 'x'}])
    assert graph.calls == []


def test_api_version_picks_the_batch_endpoint():
    graph = FakeGraph()
    client, clock = make_client(graph)
    client.batch([{'url': '/groups/g/members'}], api_version='beta')
    client.batch([{'url': '/groups/g/members'}])
    assert [call[1] for call in graph.calls] == [ROOT + '/beta/$batch', ROOT + '/v1.0/$batch']


def test_paging_follows_next_links_inside_later_batches_and_merges_values():
    def handler(request, seen):
        if request['url'] == '/groups/g/members':
            return reply(200, {'value': [1, 2], '@odata.nextLink': ROOT + '/beta/groups/g/members?$skiptoken=A'})
        if request['url'] == '/groups/g/members?$skiptoken=A':
            return reply(200, {'value': [3], '@odata.nextLink': ROOT + '/beta/groups/g/members?$skiptoken=B'})
        if request['url'] == '/groups/g/members?$skiptoken=B':
            return reply(200, {'value': [4]})
        return reply(200, {'value': []})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    answer, other = client.batch([{'id': 'm', 'url': '/groups/g/members'}, {'id': 'o', 'url': '/users'}], paginate=True, api_version='beta')
    assert answer.body == {'value': [1, 2, 3, 4]}
    assert other.body == {'value': []}
    assert [len(batch) for batch in graph.batches] == [2, 1, 1]


def test_a_failed_page_makes_the_whole_answer_fail():
    def handler(request, seen):
        if '$skiptoken' in request['url']:
            return reply(403)
        return reply(200, {'value': [1], '@odata.nextLink': ROOT + '/v1.0/users?$skiptoken=A'})

    client, clock = make_client(FakeGraph(handler))
    answer = client.batch([{'url': '/users'}], paginate=True)[0]
    assert answer.status == 403


# ----- throttling --------------------------------------------------------------------------------

def test_throttled_requests_go_again_with_their_424_dependents():
    def handler(request, seen):
        if request['url'] == '/a' and seen == 0:
            return throttled(2)
        return reply(201 if request['method'] == 'POST' else 200, {'url': request['url']})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    answers = client.batch([{'id': 'a', 'method': 'POST', 'url': '/a', 'body': {}},
                            {'id': 'b', 'method': 'PATCH', 'url': '/b', 'body': {}, 'depends_on': 'a'}])
    assert [a.status for a in answers] == [201, 200]
    assert [a.attempts for a in answers] == [2, 1]
    assert [[r['url'] for r in batch] for batch in graph.batches] == [['/a', '/b'], ['/a', '/b']]
    assert graph.batches[1][1]['dependsOn'] == ['1']
    assert client.stats['throttled'] == 1 and client.stats['retries'] == 2
    assert clock.sleeps == pytest.approx([2.0])


def test_a_round_of_retries_waits_for_the_longest_retry_after_among_its_requests():
    after = {'/users/u000': 0.2, '/users/u001': 0.7, '/users/u002': 0.5}

    def handler(request, seen):
        if seen == 0 and request['url'] in after:
            return throttled(after[request['url']])
        return reply(200, {})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    answers = client.batch(gets(10))
    assert all(a.ok for a in answers)
    assert [len(batch) for batch in graph.batches] == [10, 3]
    assert clock.sleeps == pytest.approx([0.7])
    stats = client.stats.as_dict()
    assert stats['wait_seconds'] == pytest.approx(0.7) and stats['wait_seconds_by_reason']['retry_after'] == pytest.approx(0.7)
    assert stats['retry_after_received'] == 1.4
    assert stats['throttled_by_scope'] == {'random': 3, 'write': 0, 'resource': 0, 'mailbox': 0}


def test_noise_throttles_only_the_throttled_request():
    """A 429 without scope headers pauses nothing else and cuts no rate: the next batch leaves at once."""
    def handler(request, seen):
        if request['url'] == '/users/u000' and seen == 0:
            return throttled(5)
        return reply(200, {})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    start = clock.now
    assert all(a.ok for a in client.batch(gets(60)))
    sent_at = [call[3] - start for call in graph.calls]
    assert sent_at == pytest.approx([0, 0, 0, 5])
    assert client.pacer.writes_paused_until == 0 and client.pacer.directory_paused_until == 0
    assert client.pacer.resources_paced is False


def test_noise_waits_stay_within_the_retry_after_received():
    """30 % random 429s: the time waited never exceeds what Graph asked for."""
    import random
    rng = random.Random(7)

    def handler(request, seen):
        if rng.random() < 0.3:
            return throttled(rng.choice(['0.5', '1', '0.25']))
        return reply(201 if request['method'] == 'POST' else 200, {})

    client, clock = make_client(FakeGraph(handler), concurrency=4, max_retries=20)
    requests_ = [{'id': str(i), 'method': 'POST', 'url': '/users', 'body': {'n': i}} for i in range(100)]
    assert all(a.ok for a in client.batch(requests_))
    stats = client.stats.as_dict()
    assert stats['throttled'] > 10
    assert stats['wait_seconds'] <= stats['retry_after_received']
    assert stats['wait_seconds_by_reason']['pacing'] == 0
    assert stats['throttled_by_scope']['random'] == stats['throttled']


def test_a_write_quota_429_pauses_directory_writes_but_not_reads():
    def handler(request, seen):
        if request['method'] == 'PATCH' and seen == 0:
            return throttled(3, WRITE_SCOPE)
        return reply(200, {})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    start = clock.now
    writes = [{'id': 'w%d' % i, 'method': 'PATCH', 'url': '/users/w%d' % i, 'body': {}} for i in range(20)]
    client.batch(writes + gets(40))
    kinds = [(sorted(set(r['method'] for r in batch)), round(call[3] - start, 3)) for batch, call in zip(graph.batches, graph.calls)]
    # after Retry-After Graph holds one write; the other 19 of the batch need the quota's refill (20 per second)
    assert kinds == [(['PATCH'], 0), (['GET'], 0), (['GET'], 0), (['PATCH'], 3.95)]
    stats = client.stats.as_dict()
    assert stats['throttled_by_scope']['write'] == 20
    assert stats['wait_seconds_by_reason']['retry_after'] == pytest.approx(3)
    assert stats['wait_seconds_by_reason']['pacing'] == pytest.approx(0.95)


def test_a_resource_unit_429_pauses_directory_requests_but_not_mailboxes():
    def handler(request, seen):
        if request['url'].startswith('/groups') and seen == 0:
            return throttled(2, RESOURCE_SCOPE)
        return reply(200, {})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    start = clock.now
    requests_ = [{'id': 'g', 'url': '/groups/g'}] + [{'id': 'u%d' % i, 'url': '/users/u%d' % i} for i in range(20)]
    requests_ += [{'id': 'e%d' % i, 'url': '/users/m%d/events' % i} for i in range(20)]
    client.batch(requests_)
    times = [(batch[0]['url'].split('/')[1], call[3] - start) for batch, call in zip(graph.batches, graph.calls)]
    # batch 1: the group read and 19 user reads; batch 2 holds the rest: the mailbox requests go at once,
    # the remaining user read and the throttled group read wait for the Retry-After
    assert times[0] == ('groups', 0)
    assert ('users', 0) in times[1:] and all(t >= 2 for u, t in times[1:] if u == 'groups')
    directory_after = [call[3] - start for batch, call in zip(graph.batches, graph.calls)
                       if any('/events' not in r['url'] for r in batch)][1:]
    assert directory_after and min(directory_after) >= 2
    assert client.stats['throttled_by_scope']['resource'] == 1
    assert client.pacer.resources_paced is True


def test_a_mailbox_429_pauses_only_that_mailbox():
    def handler(request, seen):
        if request['url'].startswith('/users/busy/') and seen == 0:
            return throttled(4, code='ApplicationThrottled')
        return reply(201, {})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    start = clock.now
    requests_ = [{'id': 'b%d' % i, 'method': 'POST', 'url': '/users/busy/events', 'body': {'subject': str(i)}} for i in range(3)]
    requests_ += [{'id': 'o%d' % i, 'method': 'POST', 'url': '/users/other%d/events' % i, 'body': {}} for i in range(30)]
    requests_ += [{'id': 'w%d' % i, 'method': 'PATCH', 'url': '/users/u%d' % i, 'body': {}} for i in range(10)]
    assert all(a.ok for a in client.batch(requests_))
    sends = [(call[3] - start, set(r['url'].split('/')[2] for r in batch)) for batch, call in zip(graph.batches, graph.calls)]
    busy_again = [t for t, mailboxes in sends[1:] if 'busy' in mailboxes]
    assert busy_again == [4]
    assert all(t == 0 for t, mailboxes in sends if 'busy' not in mailboxes)
    assert client.stats['throttled_by_scope']['mailbox'] == 3
    assert client.stats['throttled_by_scope']['write'] == 0


def test_mailbox_concurrency_429_is_about_the_mailbox_even_without_a_mailbox_url():
    from ansible_collections.mynster.msgraph.plugins.module_utils.client.retry import throttle_scope
    body = {'error': {'code': 'ApplicationThrottled', 'message': 'Application is over its MailboxConcurrency limit.'}}
    assert throttle_scope({}, True, None, body) == 'mailbox'


def test_each_mailbox_has_at_most_one_batch_in_flight():
    graph = FakeGraph(lambda request, seen: reply(201, {}), delay=0.01)
    client, clock = make_client(graph, concurrency=4)
    busy = [{'id': 'busy%03d' % i, 'method': 'POST', 'url': "/users('Adele@Contoso.example')/events" if i % 2 else
             '/users/adele%40contoso.example/calendar/events', 'body': {'subject': str(i), 'transactionId': 't%d' % i}} for i in range(100)]
    others = [{'id': 'other%03d' % i, 'method': 'POST', 'url': '/users/user%03d@contoso.example/events' % i, 'body': {'subject': 'x'}}
              for i in range(100)]
    answers = client.batch(busy + others)
    assert all(a.status == 201 for a in answers)
    assert graph.overlaps == []
    assert sum(1 for batch in graph.batches for r in batch if 'adele' in r['url'].lower()) == 100
    # the other mailboxes never waited for the busy one: they left in the first batches
    other_batches = [i for i, batch in enumerate(graph.batches) if any(r['url'].startswith('/users/user') for r in batch)]
    assert len(other_batches) == 5 and max(other_batches) <= 6


# ----- pacing by Entra's quotas ------------------------------------------------------------------

class QuotaGraph(FakeGraph):
    """Graph with a write quota (a token bucket on the fake clock) and Entra's headers."""

    def __init__(self, clock, capacity, window, **kwargs):
        super().__init__(self.write, clock=clock, **kwargs)
        self.bucket = TokenBucket(capacity, window, clock())
        self.refused = 0

    def write(self, request, seen):
        now = self.clock()
        with self.lock:
            if self.bucket.level(now) < 1:
                self.refused += 1
                return throttled('%.3f' % ((1 - self.bucket.tokens) / self.bucket.rate), WRITE_SCOPE)
            self.bucket.take(1, now)
            used = (self.bucket.capacity - self.bucket.tokens) / self.bucket.capacity
        headers = {'x-ms-resource-unit': '1'}
        if used > 0.8:
            headers['x-ms-throttle-limit-percentage'] = '%.2f' % used
        return reply(204, None, headers)


def test_writes_are_paced_by_the_write_quota_mirror_without_being_refused():
    clock = FakeClock()
    graph = QuotaGraph(clock, 100, 5)  # 20 writes per second, 100 stored
    client, clock = make_client(graph, clock, concurrency=4, quota=(100, 5))
    requests_ = [{'id': str(i), 'method': 'PATCH', 'url': '/users/u%d' % i, 'body': {}} for i in range(400)]
    start = clock.now
    assert all(a.status == 204 for a in client.batch(requests_))
    assert graph.refused == 0
    # 100 from the bucket, 300 at its refill rate of 20 per second
    assert clock.now - start == pytest.approx(15, abs=1)
    assert client.stats['wait_seconds_by_reason']['pacing'] == pytest.approx(15, abs=1)


def test_graph_reported_usage_slows_writes_before_graph_refuses():
    """The mirror thinks the bucket is full, Graph says 90 % is used (another job ran before): believe Graph."""
    clock = FakeClock()
    graph = QuotaGraph(clock, 100, 5)
    graph.bucket.tokens = 30
    client, clock = make_client(graph, clock, concurrency=1, quota=(100, 5))
    requests_ = [{'id': str(i), 'method': 'PATCH', 'url': '/users/u%d' % i, 'body': {}} for i in range(200)]
    assert all(a.status == 204 for a in client.batch(requests_))
    assert graph.refused <= 20  # at most the one batch sent before Graph's percentage arrived
    assert client.stats['throttled_by_scope']['write'] == graph.refused


def test_a_job_that_starts_on_an_empty_quota_is_refused_once_then_paced():
    clock = FakeClock()
    graph = QuotaGraph(clock, 100, 5)
    graph.bucket.tokens = 0
    client, clock = make_client(graph, clock, concurrency=4, quota=(100, 5))
    requests_ = [{'id': str(i), 'method': 'PATCH', 'url': '/users/u%d' % i, 'body': {}} for i in range(300)]
    assert all(a.status == 204 for a in client.batch(requests_))
    assert graph.refused <= 80  # the batches in flight when the first 429 came back
    assert client.stats['throttled'] == graph.refused


# ----- outer failures and lost answers -----------------------------------------------------------

def test_an_outer_503_is_sent_again_whole():
    def outer(number, payload):
        return FakeResponse(503, {'error': {'code': 'serviceNotAvailable', 'message': 'busy'}}, {'Retry-After': '1'}) if number == 1 else None

    graph = FakeGraph(outer=outer)
    client, clock = make_client(graph)
    answers = client.batch([{'method': 'POST', 'url': '/users', 'body': {}}] + gets(3))
    assert all(a.ok for a in answers)
    assert client.stats['http_requests'] == 2 and client.stats['retries'] == 4
    assert clock.sleeps == pytest.approx([1.0])
    assert client.stats['outcome_unknown'] == 0


def test_an_outer_429_counts_and_waits():
    def outer(number, payload):
        return FakeResponse(429, {'error': {'code': 'TooManyRequests', 'message': 'x'}}, {'Retry-After': '2'}) if number == 1 else None

    client, clock = make_client(FakeGraph(outer=outer))
    assert all(a.ok for a in client.batch(gets(2)))
    assert client.stats['throttled'] == 1 and clock.sleeps == [2.0]


def lost_first_batch(status=504):
    def after_outer(number, payload):
        if number == 1:
            return FakeResponse(status, {'error': {'code': 'GatewayTimeout', 'message': 'The gateway timed out'}})
        return None
    return after_outer


def user_create(upn, **extra):
    request = {'id': upn, 'method': 'POST', 'url': '/users', 'body': {'userPrincipalName': upn}}
    request.update(extra)
    return request


class Directory(FakeGraph):
    """Users created by POST /users, readable by UPN; a duplicate UPN is refused like Graph does."""

    def __init__(self, **kwargs):
        super().__init__(self.handle, **kwargs)
        self.users = {}

    def handle(self, request, seen):
        url = request['url']
        if request['method'] == 'POST' and url == '/users':
            upn = request['body']['userPrincipalName']
            if upn in self.users:
                return reply(400, {'error': {'code': 'Request_BadRequest',
                                             'message': 'Another object with the same value for property userPrincipalName already exists.'}})
            self.users[upn] = {'id': 'id-' + upn, 'userPrincipalName': upn}
            return reply(201, self.users[upn])
        if request['method'] == 'GET' and url.startswith("/users('"):
            upn = url.split("'")[1]
            return reply(200, self.users[upn]) if upn in self.users else reply(404)
        return reply(204 if request['method'] != 'GET' else 200, {} if request['method'] == 'GET' else None)


def test_after_an_outer_504_a_plain_post_is_not_sent_again_but_reported_unknown():
    graph = Directory(after_outer=lost_first_batch())
    client, clock = make_client(graph)
    patch = {'id': 'patch', 'method': 'PATCH', 'url': '/users/b', 'body': {'jobTitle': 'x'}}
    create, read, patch = client.batch([user_create('a@x'), {'id': 'read', 'url': '/organization'}, patch])
    assert create.outcome_unknown is True and create.status == 504 and not create.ok
    assert create.to_dict()['outcome_unknown'] is True
    assert read.ok and patch.ok and not read.outcome_unknown
    assert [r['url'] for r in graph.batches[1]] == ['/organization', '/users/b']
    assert list(graph.users) == ['a@x']  # created once, never again
    stats = client.stats.as_dict()
    assert stats['outcome_unknown'] == 1 and stats['lost_answers'] == 3


def test_after_an_outer_504_a_create_with_a_settle_read_is_settled_by_reading():
    graph = Directory(after_outer=lost_first_batch())
    client, clock = make_client(graph)
    settle = {'url': "/users('a@x')?$select=id,userPrincipalName"}
    answer = client.batch([user_create('a@x', settle=settle), user_create('b@x', settle={'url': "/users('b@x')"})])
    assert [a.status for a in answer] == [200, 200]
    assert [a.settled for a in answer] == [True, True]
    assert answer[0].body['id'] == 'id-a@x'
    assert answer[0].to_dict()['settled_by_reading'] is True
    assert sorted(graph.users) == ['a@x', 'b@x']
    assert [r['method'] for r in graph.batches[1]] == ['GET', 'GET']
    assert client.stats['settled_by_reading'] == 2 and client.stats['outcome_unknown'] == 0


def test_a_settle_read_that_finds_nothing_sends_the_request_again():
    def before(number, payload):
        # the first batch is lost before Graph ran it (a dropped connection)
        if number == 1:
            raise requests.exceptions.ReadTimeout('read timed out')
        return None

    graph = Directory(outer=before)
    client, clock = make_client(graph)
    answer = client.batch([user_create('a@x', settle={'url': "/users('a@x')"})])[0]
    assert answer.status == 201 and not answer.settled and answer.attempts == 2
    assert [[r['method'] for r in batch] for batch in graph.batches] == [['POST'], ['GET'], ['POST']]
    assert list(graph.users) == ['a@x']


def test_a_custom_found_decides_from_a_collection_read():
    graph = Directory(after_outer=lost_first_batch())
    graph.users['a@x'] = None  # the list read below is answered by the handler override

    def handle(request, seen):
        if request['url'].startswith('/users?$filter'):
            return reply(200, {'value': [{'id': 'id-a@x', 'userPrincipalName': 'a@x'}]})
        return Directory.handle(graph, request, seen)

    graph.handler = handle
    graph.users.clear()
    seen_reads = []

    def found(read):
        seen_reads.append(read.status)
        match = [u for u in read.body['value'] if u['userPrincipalName'] == 'a@x']
        return GraphResponse(None, 201, {}, match[0]) if match else None

    client, clock = make_client(graph)
    answer = client.batch([user_create('a@x', settle={'url': "/users?$filter=userPrincipalName eq 'a@x'", 'found': found})])[0]
    assert seen_reads == [200]
    assert answer.status == 201 and answer.settled and answer.id == 'a@x' and answer.body['id'] == 'id-a@x'


def test_a_settle_callable_is_asked_with_the_request():
    graph = Directory(after_outer=lost_first_batch())
    client, clock = make_client(graph)
    asked = []

    def settle(request):
        asked.append((request['id'], request['body']))
        return {'id': 'id-a@x'} if request['body']['userPrincipalName'] in graph.users else None

    answer = client.batch([user_create('a@x', settle=settle)])[0]
    assert asked == [('a@x', {'userPrincipalName': 'a@x'})]
    assert answer.ok and answer.settled and answer.body == {'id': 'id-a@x'}


def test_resendable_requests_are_sent_again_after_a_lost_answer():
    created = []

    def handler(request, seen):
        if request['method'] == 'POST':
            created.append(request['url'])
        return reply(201 if request['method'] == 'POST' else 204, {} if request['method'] == 'POST' else None)

    graph = FakeGraph(handler, after_outer=lost_first_batch(502))
    client, clock = make_client(graph)
    answers = client.batch([
        {'id': 'event', 'method': 'POST', 'url': '/users/u/events', 'body': {'subject': 'Hi', 'transactionId': 'tx-1'}},
        {'id': 'member', 'method': 'POST', 'url': '/groups/g/members/$ref', 'body': {'@odata.id': 'x'}, 'safe_to_resend': True},
        {'id': 'delete', 'method': 'DELETE', 'url': '/users/z'},
    ])
    assert [a.ok for a in answers] == [True, True, True]
    assert not any(a.outcome_unknown or a.settled for a in answers)
    assert len(graph.batches) == 2
    assert sorted(created) == sorted(['/users/u/events', '/groups/g/members/$ref'] * 2)


def test_a_connection_never_made_is_safe_to_repeat_even_for_a_post():
    from urllib3.exceptions import NewConnectionError, MaxRetryError

    def before(number, payload):
        if number == 1:
            reason = NewConnectionError(None, 'refused')
            raise requests.exceptions.ConnectionError(MaxRetryError(None, '/v1.0/$batch', reason))
        return None

    graph = Directory(outer=before)
    client, clock = make_client(graph)
    answer = client.batch([user_create('a@x')])[0]
    assert answer.status == 201 and not answer.outcome_unknown
    assert client.stats['lost_answers'] == 0


def test_an_inner_504_settles_the_create_and_sends_its_dependents_alone():
    graph = Directory()

    def handle(request, seen):
        if request['method'] == 'POST' and request['url'] == '/users' and seen == 0:
            Directory.handle(graph, request, seen)  # it ran, but the answer is a gateway timeout
            return reply(504)
        return Directory.handle(graph, request, seen)

    graph.handler = handle
    client, clock = make_client(graph)
    answers = client.batch([user_create('a@x', settle={'url': "/users('a@x')"}),
                            {'id': 'licence', 'method': 'POST', 'url': '/users/a@x/assignLicense', 'body': {}, 'depends_on': 'a@x',
                             'safe_to_resend': True},
                            {'id': 'manager', 'method': 'PUT', 'url': '/users/a@x/manager/$ref', 'body': {}, 'depends_on': 'licence'}])
    assert [a.status for a in answers] == [200, 204, 204]
    assert answers[0].settled
    methods = [[r['method'] for r in batch] for batch in graph.batches]
    assert methods == [['POST', 'POST', 'PUT'], ['GET'], ['POST', 'PUT']]
    assert graph.batches[2][1]['dependsOn'] == ['1']
    assert list(graph.users) == ['a@x']


def test_dependents_of_an_unknown_outcome_are_reported_not_guessed():
    graph = Directory(after_outer=lost_first_batch())
    client, clock = make_client(graph)
    answers = client.batch([user_create('a@x'),
                            {'id': 'licence', 'method': 'POST', 'url': '/users/a@x/assignLicense', 'body': {}, 'depends_on': 'a@x'}])
    assert [a.outcome_unknown for a in answers] == [True, True]
    assert len(graph.batches) == 1


def test_a_duplicate_refusal_after_a_resend_is_settled_by_reading_again():
    """The read found nothing (a replica behind), the resend is refused as a duplicate: read again, it exists."""
    graph = Directory(after_outer=lost_first_batch())
    hidden = {'reads': 0}

    def handle(request, seen):
        if request['method'] == 'GET' and hidden['reads'] < 2:
            hidden['reads'] += 1
            return reply(404)  # a replica that has not seen the user yet
        return Directory.handle(graph, request, seen)

    graph.handler = handle
    client, clock = make_client(graph)
    answer = client.batch([user_create('a@x', settle={'url': "/users('a@x')"})])[0]
    assert answer.ok and answer.settled and answer.body['id'] == 'id-a@x'
    methods = [[r['method'] for r in batch] for batch in graph.batches]
    assert methods == [['POST'], ['GET'], ['POST'], ['GET'], ['GET']]
    assert client.stats['replication_retries'] == 1
    assert list(graph.users) == ['a@x']


def test_settle_requests_are_checked_before_anything_is_sent():
    client, clock = make_client(FakeGraph())
    with pytest.raises(GraphRequestError, match="request 'a': settle reads with GET"):
        client.batch([{'id': 'a', 'method': 'POST', 'url': '/users', 'body': {}, 'settle': {'url': '/users/a', 'method': 'DELETE'}}])
    with pytest.raises(GraphRequestError, match="request 'a': settle must be a callable or a dict"):
        client.batch([{'id': 'a', 'method': 'POST', 'url': '/users', 'body': {}, 'settle': '/users/a'}])


# ----- replication, direct requests, stats -------------------------------------------------------

def test_replication_waits_retry_404_until_their_time_is_up():
    def handler(request, seen):
        return reply(404) if seen < 2 else reply(200, {})

    client, clock = make_client(FakeGraph(handler))
    answer = client.batch([{'url': '/users/new', 'replication_wait': 30}])[0]
    assert answer.ok and answer.attempts == 3
    stats = client.stats.as_dict()
    assert stats['replication_retries'] == 2
    assert stats['wait_seconds_by_reason']['replication'] == stats['wait_seconds'] > 0


def test_direct_requests_retry_noise_after_its_own_retry_after():
    def handler(request, seen):
        return throttled('1.5') if seen == 0 else reply(200, {'ok': True})

    graph = FakeGraph(handler)
    client, clock = make_client(graph)
    answer = client.request('GET', '/organization')
    assert answer.ok and answer.attempts == 2
    assert clock.sleeps == pytest.approx([1.5])
    assert [call[1] for call in graph.calls] == [ROOT + '/v1.0/organization'] * 2


def test_a_direct_post_whose_answer_is_lost_is_settled_or_reported():
    graph = Directory()
    state = {'lost': True}

    def handle(request, seen):
        result = Directory.handle(graph, dict(request, url=request['url'].replace(ROOT + '/v1.0', '')), seen)
        if request['method'] == 'POST' and state['lost']:
            state['lost'] = False
            return reply(504)
        return result

    graph.handler = handle
    client, clock = make_client(graph)
    settled = client.request('POST', '/users', {'userPrincipalName': 'a@x'}, settle={'url': "/users('a@x')"})
    assert settled.ok and settled.settled and settled.body['id'] == 'id-a@x'
    state['lost'] = True
    unknown = client.request('POST', '/users', {'userPrincipalName': 'b@x'})
    assert unknown.outcome_unknown and unknown.status == 504
    assert sorted(graph.users) == ['a@x', 'b@x']
    assert client.stats['outcome_unknown'] == 1 and client.stats['settled_by_reading'] == 1


def test_a_direct_settle_verdict_of_true_takes_the_read_as_the_result():
    graph = Directory()
    graph.users['a@x'] = {'id': 'id-a@x', 'userPrincipalName': 'a@x'}

    def handle(request, seen):
        if request['method'] == 'POST':
            return reply(504)
        return Directory.handle(graph, dict(request, url=request['url'].replace(ROOT + '/v1.0', '')), seen)

    graph.handler = handle
    client, clock = make_client(graph)
    answer = client.request('POST', '/users', {'userPrincipalName': 'a@x'},
                            settle={'url': "/users('a@x')", 'found': lambda read: read.ok and read.body['id'] == 'id-a@x'})
    assert answer.ok and answer.settled and answer.status == 200 and answer.body['id'] == 'id-a@x'
    assert [call[0] for call in graph.calls] == ['POST', 'GET']


def test_get_all_follows_next_links_on_the_graph_host_only():
    def handler(request, seen):
        if 'page2' in request['url']:
            return reply(200, {'value': [2], '@odata.nextLink': 'https://evil.example/v1.0/users'})
        return reply(200, {'value': [1], '@odata.nextLink': ROOT + '/beta/users?page2'})

    client, clock = make_client(FakeGraph(handler))
    from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
    with pytest.raises(GraphError, match='Refusing to follow https://evil.example'):
        client.get_all('/users', api_version='beta')


def test_stats_keep_their_keys_and_add_up():
    stats = ClientStats()
    stats.add(http_requests=2)
    stats.add_throttled('write', 1.25)
    stats.add_throttled('random')
    stats.add_wait('pacing', 0.5)
    stats.add_wait('retry_after', 1.25)
    result = stats.as_dict()
    for key in ('http_requests', 'batches', 'inner_requests', 'throttled', 'retries', 'replication_retries', 'wait_seconds',
                'throttled_by_scope', 'wait_seconds_by_reason', 'retry_after_received', 'lost_answers', 'settled_by_reading',
                'outcome_unknown'):
        assert key in result
    assert result['throttled'] == sum(result['throttled_by_scope'].values()) == 2
    assert result['wait_seconds'] == sum(result['wait_seconds_by_reason'].values()) == 1.75
    assert result['retry_after_received'] == 1.25


def test_direct_requests_keep_the_meaning_of_their_url():
    graph = FakeGraph(lambda request, seen: reply(200, {'id': 'g'}))
    client, clock = make_client(graph)
    assert client.request('GET', "/users?$filter=webUrl eq 'https://x.example/a+b'").ok
    assert client.request('GET', 'users/ann_fabrikam.com#EXT#@contoso.example').ok
    assert [call[1] for call in graph.calls] == [
        ROOT + "/v1.0/users?$filter=webUrl eq 'https%3A%2F%2Fx.example/a%2Bb'",
        ROOT + '/v1.0/users/ann_fabrikam.com%23EXT%23@contoso.example',
    ]
    with pytest.raises(GraphRequestError, match='url /users\n holds the control character'):
        client.request('GET', '/users\n')
    assert len(graph.calls) == 2
