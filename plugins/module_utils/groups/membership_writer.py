# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""graph_group_membership's writes: the planned additions and removals, as tightly as Graph allows.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import chunked, directory_object_url, object_path
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import failure_from

MEMBERS_PER_PATCH = 20
ALREADY_MEMBER = 'added object references already exist'
ALREADY_REMOVED = 'removed object references do not exist'


class MembershipWriter:
    """Sends the planned writes and reports each membership's outcome.

    Additions to one group go 20 per ``PATCH members@odata.bind`` (all-or-nothing in Graph); a refused
    PATCH is retried member by member with ``POST members/$ref`` so one bad member does not sink the
    others. A lone addition goes straight to ``$ref``. Only single additions involving an object listed in
    recently_created wait out replication delay on 404. Removals never wait: after the read showed the
    membership, a 404 means someone else removed it first.
    """

    def __init__(self, client, fresh=(), wait=0.0):
        self.client = client
        self.fresh = set(fresh)
        self.wait = wait

    def apply(self, added, removed):
        """Returns ``(done_added, done_removed, failed)``."""
        failed = []
        requests_, chunks, singles = [], {}, {}
        by_group = {}
        for entry in added:
            by_group.setdefault(entry['group_id'], []).append(entry)
        for group_id, entries in by_group.items():
            for index, chunk in enumerate(chunked(entries, MEMBERS_PER_PATCH)):
                request_id = 'add:%s:%d' % (group_id, index * MEMBERS_PER_PATCH)
                if len(chunk) == 1:
                    singles[request_id] = chunk[0]
                    requests_.append(self._single(request_id, chunk[0]))
                    continue
                chunks[request_id] = chunk
                requests_.append({'id': request_id, 'method': 'PATCH', 'url': object_path('groups', group_id),
                                  'body': {'members@odata.bind': [directory_object_url(self.client.settings, e['member_id']) for e in chunk]}})
        removals = {}
        for index, entry in enumerate(removed):
            request_id = 'remove:%d' % index
            removals[request_id] = entry
            requests_.append({'id': request_id, 'method': 'DELETE', 'url': object_path('groups', entry['group_id'], 'members', entry['member_id'], '$ref')})
        done_added, done_removed, one_by_one = [], [], []
        for answer in self.client.batch(requests_):
            if answer.id in chunks:
                if answer.ok:
                    done_added.extend(chunks[answer.id])
                else:
                    # One bad member sinks a packed PATCH (all-or-nothing): add its members one by one.
                    one_by_one.extend(chunks[answer.id])
            elif answer.id in singles:
                self._settle_single(singles[answer.id], answer, done_added, failed)
            elif answer.ok or answer.status == 404 or error_mentions(answer, ALREADY_REMOVED):
                done_removed.append(removals[answer.id])  # already gone counts as done
            else:
                failed.append(membership_failure(removals[answer.id], 'remove', answer))
        if one_by_one:
            retries = [self._single('single:%d' % index, entry) for index, entry in enumerate(one_by_one)]
            for entry, answer in zip(one_by_one, self.client.batch(retries)):
                self._settle_single(entry, answer, done_added, failed)
        return done_added, done_removed, failed

    def _single(self, request_id, entry):
        fresh = entry['group_id'] in self.fresh or entry['member_id'] in self.fresh
        # Sent twice, the second answer is "already exist", which counts as done: safe to resend after a lost answer.
        return {'id': request_id, 'method': 'POST', 'url': object_path('groups', entry['group_id'], 'members', '$ref'), 'safe_to_resend': True,
                'replication_wait': self.wait if fresh else 0.0,
                'body': {'@odata.id': directory_object_url(self.client.settings, entry['member_id'])}}

    @staticmethod
    def _settle_single(entry, answer, done_added, failed):
        if answer.ok or error_mentions(answer, ALREADY_MEMBER):
            done_added.append(entry)  # already a member counts as done
        else:
            failed.append(membership_failure(entry, 'add', answer))


def error_mentions(answer, text):
    """True when the error message of ``answer`` says ``text`` (Graph tells these cases apart only in words)."""
    error = answer.error()
    return error is not None and text in (error.message or '')


def membership_failure(entry, action, answer):
    """The failure record of one membership: ``member to group G`` (or ``from``), with the entry's ids and names."""
    subject = '%s %s group %s' % (entry['member'] or entry['member_id'], 'to' if action == 'add' else 'from', entry['group'] or entry['group_id'])
    return failure_from(answer, action, subject, **without_private_keys(entry))


def without_private_keys(entry):
    """A planner entry as it goes into results: without the keys (``_pair``) only the planner reads."""
    return dict((k, v) for k, v in entry.items() if not k.startswith('_'))
