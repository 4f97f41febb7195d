# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""In-memory directory: objects, soft-deleted objects, relationships and blobs.

Objects are plain dicts keyed by their GUID `id`. A dict handed out is never mutated afterwards
(updates replace it), so readers may use it without holding the lock.
"""

import threading
import time


def _fold(value):
    return value.casefold() if isinstance(value, str) else value


class _Entry:
    """One stored object with the bookkeeping Graph does not show."""

    __slots__ = ("kind", "data", "born", "replicated")

    def __init__(self, kind, data, replicated):
        self.kind = kind
        self.data = data
        self.born = time.monotonic()
        self.replicated = replicated


class Store:
    """Thread-safe directory. `delay_s()` gives the current replication delay in seconds.

    Replication (§5.3): an object created through Graph is invisible to every later read or
    write until the delay has passed since its creation; seeded objects are visible at once.
    Uniqueness checks (e.g. duplicate UPN) see everything, as the directory's writer does.

    Relationship changes may lag the same way (`lag_s` of `add_link`/`remove_link`): readers
    (`links`, `sources`) miss a new link, or still see a removed one, for that long, while writers
    (`add_link`, `remove_link`, which answer "already there" / "not there") see the truth at once.
    """

    def __init__(self, delay_s=lambda: 0.0):
        self.lock = threading.RLock()
        self._delay_s = delay_s
        self._indexed = set()  # (kind, prop) pairs `find` can answer without a scan
        self.clear()

    def add_index(self, kind, prop):
        """Keep a case-insensitive index of `prop` (e.g. userPrincipalName) so lookups stay fast in big directories."""
        with self.lock:
            self._indexed.add((kind, prop))
            self._index[(kind, prop)] = {}
            for object_id, entry in list(self._live.items()) + list(self._deleted.items()):
                self._reindex(object_id, None, entry)

    def _reindex(self, object_id, old, entry):
        """Move an object's index entries from its `old` data to its current one (entry None = gone)."""
        for kind, prop in self._indexed:
            values = self._index[(kind, prop)]
            if old is not None and old.get(prop) is not None:
                values.get(_fold(old.get(prop)), set()).discard(object_id)
            if entry is not None and entry.kind == kind and entry.data.get(prop) is not None:
                values.setdefault(_fold(entry.data.get(prop)), set()).add(object_id)

    def clear(self):
        """Forget everything."""
        with self.lock:
            self._live = {}      # id -> _Entry
            self._deleted = {}   # id -> _Entry, soft-deleted ("deleted items")
            self._links = {}     # (source id, relationship) -> [target ids], in insertion order
            self._lagging = {}   # (source id, relationship) -> {target id: (until, shown)}: link changes readers do not see yet
            self._blobs = {}     # (id, name) -> (content type, bytes)
            self._index = {key: {} for key in self._indexed}  # (kind, prop) -> {folded value: {ids}}

    def _visible(self, entry):
        return entry.replicated or time.monotonic() - entry.born >= self._delay_s()

    def create(self, kind, data, replicated=False):
        """Store a new object (data must carry `id`) and return it."""
        with self.lock:
            entry = self._live[data["id"]] = _Entry(kind, dict(data), replicated)
            self._reindex(data["id"], None, entry)
            return entry.data

    def get(self, kind, object_id):
        """The visible object with this id (of this kind, or any kind when kind is None), else None."""
        entry = self._live.get(object_id)
        if entry is None or (kind is not None and entry.kind != kind) or not self._visible(entry):
            return None
        return entry.data

    def kind_of(self, object_id):
        """Kind of the visible object with this id, else None."""
        entry = self._live.get(object_id)
        return entry.kind if entry is not None and self._visible(entry) else None

    def find(self, kind, prop, value, everywhere=False):
        """Objects whose `prop` equals `value` (case-insensitive, as the directory compares strings).

        everywhere=True also searches not-yet-replicated and soft-deleted objects (uniqueness checks).
        """
        wanted = _fold(value)
        with self.lock:
            if (kind, prop) in self._indexed:
                ids = self._index[(kind, prop)].get(wanted, ())
                entries = [self._live.get(i) or self._deleted.get(i) for i in ids]
            else:
                entries = list(self._live.values()) + list(self._deleted.values())
        found = []
        for entry in entries:
            if entry.kind != kind or _fold(entry.data.get(prop)) != wanted:
                continue
            if everywhere or (self._live.get(entry.data["id"]) is entry and self._visible(entry)):
                found.append(entry.data)
        return found

    def list(self, kind):
        """Visible objects of a kind, ordered by id (the order paging relies on)."""
        with self.lock:
            entries = [e for e in self._live.values() if e.kind == kind]
        return sorted((e.data for e in entries if self._visible(e)), key=lambda d: d["id"])

    def update(self, object_id, changes):
        """Merge `changes` into an object (copy-on-write) and return the new dict."""
        with self.lock:
            entry = self._live[object_id]
            old, entry.data = entry.data, {**entry.data, **changes}
            self._reindex(object_id, old, entry)
            return entry.data

    def delete(self, object_id, soft=True):
        """Remove an object and its relationships; soft keeps it among deleted items."""
        with self.lock:
            entry = self._live.pop(object_id)
            if soft:
                self._deleted[object_id] = entry
            else:
                self._reindex(object_id, entry.data, None)
            for key in [k for k, targets in self._links.items() if k[0] == object_id or object_id in targets]:
                if key[0] == object_id:
                    del self._links[key]
                else:
                    self._links[key] = [t for t in self._links[key] if t != object_id]
            for key in [k for k in self._blobs if k[0] == object_id]:
                del self._blobs[key]
            for key, lagging in list(self._lagging.items()):
                if key[0] == object_id:
                    del self._lagging[key]
                else:
                    lagging.pop(object_id, None)

    def links(self, source_id, relationship):
        """Target ids of a relationship (e.g. a group's `members`) as readers see them, in the order they were added."""
        with self.lock:
            targets = list(self._links.get((source_id, relationship), ()))
            lagging = self._current_lag(source_id, relationship)
        if not lagging:
            return targets
        return [t for t in targets if t not in lagging] + [t for t, shown in lagging.items() if shown and t not in targets]

    def sources(self, relationship, target_id):
        """Ids of objects linking to `target_id` through `relationship` (e.g. a user's groups), as readers see them."""
        with self.lock:
            found = []
            for (source, rel), targets in list(self._links.items()) + [(key, ()) for key in self._lagging]:
                if rel != relationship or source in found:
                    continue
                shown = self._current_lag(source, rel).get(target_id)
                if (target_id in targets and shown is None) or shown:
                    found.append(source)
            return found

    def _current_lag(self, source_id, relationship):
        """{target: shown} for link changes of one relationship readers do not see yet (expired ones are dropped)."""
        lagging = self._lagging.get((source_id, relationship))
        if not lagging:
            return {}
        now = time.monotonic()
        for target in [t for t, (until, dummy) in lagging.items() if until <= now]:
            del lagging[target]
        return {t: shown for t, (dummy, shown) in lagging.items()}

    def has_link(self, source_id, relationship, target_id):
        """Whether the link exists, as the directory's writer sees it (no lag)."""
        with self.lock:
            return target_id in self._links.get((source_id, relationship), ())

    def add_link(self, source_id, relationship, target_id, lag_s=0.0):
        """Add a target; False when it was already there. Readers see the new link only after `lag_s` seconds."""
        with self.lock:
            targets = self._links.setdefault((source_id, relationship), [])
            if target_id in targets:
                return False
            targets.append(target_id)
            self._lag_change(source_id, relationship, target_id, lag_s, shown=False)
            return True

    def remove_link(self, source_id, relationship, target_id, lag_s=0.0):
        """Remove a target; False when it was not there. Readers keep seeing the link for `lag_s` seconds."""
        with self.lock:
            targets = self._links.get((source_id, relationship), [])
            if target_id not in targets:
                return False
            targets.remove(target_id)
            self._lag_change(source_id, relationship, target_id, lag_s, shown=True)
            return True

    def _lag_change(self, source_id, relationship, target_id, lag_s, shown):
        """Make readers see a link's old state (`shown`: present) for `lag_s` more seconds; a change undoing a lagging one cancels both."""
        if self._current_lag(source_id, relationship).get(target_id) is (not shown):
            del self._lagging[(source_id, relationship)][target_id]  # readers still see the state this change restores
        elif lag_s > 0:
            self._lagging.setdefault((source_id, relationship), {})[target_id] = (time.monotonic() + lag_s, shown)

    def set_link(self, source_id, relationship, target_ids):
        """Replace a relationship's targets (single-valued ones such as `manager` hold one id)."""
        with self.lock:
            self._links[(source_id, relationship)] = list(target_ids)
            self._lagging.pop((source_id, relationship), None)

    def put_blob(self, object_id, name, content_type, data):
        """Attach binary content (e.g. a photo) to an object."""
        with self.lock:
            self._blobs[(object_id, name)] = (content_type, data)

    def get_blob(self, object_id, name):
        """(content type, bytes) or None."""
        return self._blobs.get((object_id, name))

    def dump(self):
        """Everything, including hidden and deleted objects, for tests to assert end state."""
        with self.lock:
            out = {}
            for entry in self._live.values():
                out.setdefault(entry.kind, []).append(entry.data)
            return {
                "objects": out,
                "deleted": [dict(e.data, **{"@kind": e.kind}) for e in self._deleted.values()],
                "links": [{"source": s, "relationship": r, "targets": list(t)} for (s, r), t in self._links.items() if t],
                "blobs": [{"id": i, "name": n, "contentType": c, "size": len(d)} for (i, n), (c, d) in self._blobs.items()],
            }
