# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 11, item 3: Outlook's limit of 4 concurrent requests per app and mailbox.

graph_batch creates 100 events in one mailbox plus one event in each of 100 other mailboxes, with the emulator's
Outlook limits on (4 concurrent requests per mailbox, each mailbox request taking ``outlook_latency_ms``). Counts:
events per mailbox (exactly one per transactionId), MailboxConcurrency 429s, the peak concurrency any mailbox saw.
Then the same two jobs through the client directly, to see when the last of the 100 other mailboxes was answered
with and without the busy one.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from benchlib import PLAY_HEADER, direct_client

NAME = 'mailboxes'
DESCRIPTION = '100 events in one mailbox + 100 in 100 others, graph_batch, Outlook limits on'
TASK = 'Create the events'
PLAY = PLAY_HEADER + """
    - name: %s
      mynster.msgraph.graph_batch:
        requests: "{{ requests_ }}"
""" % TASK
BUSY = 'busy@contoso.example'


def event(upn, index):
    return {'id': 'event-%s-%d' % (upn.split('@')[0], index), 'method': 'POST', 'url': '/users/%s/events' % upn,
            'body': {'subject': 'Planning %d' % index, 'transactionId': 'bench-%s-%d' % (upn, index),
                     'start': {'dateTime': '2026-03-02T09:00:00', 'timeZone': 'UTC'},
                     'end': {'dateTime': '2026-03-02T10:00:00', 'timeZone': 'UTC'}}}


def seed(bench):
    bench.empty_directory()
    others = ['mbx%03d@contoso.example' % i for i in range(100)]
    bench.emulator.seed(users=[{'userPrincipalName': upn, 'displayName': upn.split('@')[0]} for upn in [BUSY] + others])
    bench.emulator.configure(outlook_throttling=True)
    return others


def through_ansible(bench, label, requests_):
    row = bench.measure(NAME, label, PLAY, {'requests_': requests_})
    result = row['run'].result(TASK)
    stats = bench.emulator.stats()
    events = bench.emulator.objects('event')
    per_transaction = Counter(e.get('transactionId') for e in events)
    assert len(events) == len(requests_) and max(per_transaction.values()) == 1, 'an event was lost or created twice'
    kinds = stats.get('throttled_by_kind', {})
    return {'label': label, 'seconds': row['seconds'], 'http': row['http_requests'], 'events': len(events),
            'concurrency_429': kinds.get('mailbox_concurrency', 0), 'peak': max(stats.get('mailbox_peak_concurrency', {}).values() or [0]),
            'client': result['stats']}


def directly(bench, requests_, others):
    """Seconds from the start until the last of the other mailboxes' requests was answered, and until all were."""
    client, timed = direct_client(bench)
    client.tokens.token()  # fetch the token before the clock starts
    start = time.monotonic()
    answers = client.batch(requests_)
    end = time.monotonic()
    assert all(answer.status == 201 for answer in answers)
    marks = tuple('/users/%s/' % upn for upn in others)
    last_other = max(when for when, method, url, payload in timed.answers
                     if payload and any(r['url'].startswith(marks) for r in payload.get('requests', [])))
    return last_other - start, end - start, client.stats.as_dict()


def run(bench):
    others = seed(bench)
    other_events = [event(upn, 0) for upn in others]
    busy_events = [event(BUSY, i) for i in range(100)]
    alone = through_ansible(bench, 'graph_batch, 100 mailboxes', other_events)
    others = seed(bench)
    both = through_ansible(bench, 'graph_batch, + 100 in one mailbox', busy_events + other_events)
    others = seed(bench)
    direct_alone = directly(bench, other_events, others)
    others = seed(bench)
    direct_both = directly(bench, busy_events + other_events, others)

    outlook_ms = bench.emulator.control('GET', 'config')['outlook_latency_ms']
    print('\n%s (emulator latency %d ms, Outlook request %d ms)' % (DESCRIPTION, bench.latency_ms, outlook_ms))
    print('  %-36s %8s %6s %8s %16s %14s' % ('', 'wall s', 'HTTP', 'events', 'Concurrency 429', 'peak/mailbox'))
    for row in (alone, both):
        print('  %-36s %8.1f %6d %8d %16d %14d' % (row['label'], row['seconds'], row['http'], row['events'], row['concurrency_429'], row['peak']))
    print('  client directly: the 100 other mailboxes answered after %.2f s alone, %.2f s beside the busy one (all done %.2f s)'
          % (direct_alone[0], direct_both[0], direct_both[1]))
    print('  client stats (busy + others): %s' % json.dumps(both['client'], sort_keys=True))
    sys.stdout.flush()
