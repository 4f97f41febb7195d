# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Resolving users and groups named by id, userPrincipalName or displayName, in bulk.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Names are looked up with ``$filter=... in (...)`` (Graph allows 15 values per ``in``), all queries
of a run travelling through ``$batch``: resolving 300 names costs 20 inner requests, one or two HTTP
round trips. Names not found yet can be re-queried for a while, because an object created moments ago
may not be visible to queries (replication delay).
"""

from __future__ import annotations

import time

from ansible_collections.mynster.msgraph.plugins.module_utils._graph_errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_odata import MAX_IN_VALUES, filter_query, is_guid

USER_FIELDS = ('id', 'userPrincipalName', 'displayName')
GROUP_FIELDS = ('id', 'displayName', 'groupTypes', 'mailEnabled', 'securityEnabled', 'membershipRule', 'onPremisesSyncEnabled')


class Resolution:
    """Outcome of resolving names: ``found`` maps each name to its object; the rest are missing or ambiguous."""

    def __init__(self):
        self.found = {}
        self.missing = []
        self.ambiguous = {}

    def get(self, name):
        return self.found.get(_key(name))


def _key(name):
    return str(name).lower()


class DirectoryResolver:
    """Looks up users and groups for one run, remembering what it found."""

    def __init__(self, client, wait_for_missing=0.0, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.wait_for_missing = wait_for_missing
        self._sleep = sleep
        self._clock = clock

    def users(self, names, fields=USER_FIELDS):
        """Resolve users by object id or userPrincipalName."""
        return self._resolve('/users', names, fields, 'userPrincipalName')

    def groups(self, names, fields=GROUP_FIELDS):
        """Resolve groups by object id or displayName; two groups with one name make it ambiguous."""
        return self._resolve('/groups', names, fields, 'displayName')

    def _resolve(self, path, names, fields, name_property):
        fields = tuple(dict.fromkeys(('id', name_property) + tuple(fields)))
        resolution = Resolution()
        pending = list(dict.fromkeys(_key(n) for n in names if n not in (None, '')))
        originals = dict((_key(n), n) for n in names if n not in (None, ''))
        deadline = self._clock() + self.wait_for_missing
        attempt = 0
        while pending:
            matches = self._query(path, pending, fields, name_property)
            still_missing = []
            for key in pending:
                candidates = matches.get(key, [])
                if len(candidates) == 1:
                    resolution.found[key] = candidates[0]
                elif len(candidates) > 1:
                    resolution.ambiguous[originals[key]] = sorted(c['id'] for c in candidates)
                else:
                    still_missing.append(key)
            pending = still_missing
            attempt += 1
            if not pending or self._clock() >= deadline:
                break
            self._sleep(min(deadline - self._clock(), 0.5 * 2 ** (attempt - 1)))
        resolution.missing = [originals[key] for key in pending]
        return resolution

    def _query(self, path, keys, fields, name_property):
        """One batch of ``in`` queries; returns ``{name-or-id (lowercase): [objects]}``."""
        ids = [k for k in keys if is_guid(k)]
        others = [k for k in keys if not is_guid(k)]
        requests_ = []
        for prop, values in (('id', ids), (name_property, others)):
            for start in range(0, len(values), MAX_IN_VALUES):
                chunk = values[start:start + MAX_IN_VALUES]
                requests_.append({'id': '%s-%d' % (prop, start), 'url': filter_query(path, prop, chunk, fields)})
        matches = {}
        for answer in self.client.batch(requests_, paginate=True):
            if not answer.ok:
                raise answer.error(context='Looking up %s' % path.strip('/'))
            for obj in (answer.body or {}).get('value', []):
                for key in set((_key(obj.get('id')), _key(obj.get(name_property)))):
                    if key in keys:
                        matches.setdefault(key, []).append(obj)
        # An id can also equal some object's name; keep each object once per key.
        for key, objs in matches.items():
            unique = dict((o['id'], o) for o in objs)
            matches[key] = list(unique.values())
        return matches


def require_resolved(resolution, kind, item_label=None):
    """Raise ``GraphError`` (before any write) when something could not be resolved, naming it."""
    problems = []
    where = ' (%s)' % item_label if item_label else ''
    for name in resolution.missing:
        problems.append("%s '%s'%s was not found" % (kind, name, where))
    for name, ids in sorted(resolution.ambiguous.items()):
        problems.append("%s '%s'%s is ambiguous: %d objects have that name (ids %s); use the id instead"
                        % (kind, name, where, len(ids), ', '.join(ids)))
    if problems:
        raise GraphError('; '.join(problems))
