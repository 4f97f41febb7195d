# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Resolving references to directory objects of every type in bulk (``DirectoryResolver``).

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Resolving costs few round trips whatever the mix: names are looked up with ``in`` filters (15 values each),
ids of unknown type with ``POST /directoryObjects/getByIds``, every query of a run in the same ``$batch``
call. Only references the caller says were created moments ago are looked for again while they are not
found (replication delay, through the client's ``Poll``); anything else that is not found is reported at once.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import MAX_IN_VALUES, chunked, filter_query
from ansible_collections.mynster.msgraph.plugins.module_utils.directory.references import (
    COLLECTIONS,
    FIELDS,
    GROUP_FIELDS,
    MEMBER_TYPES,
    NAME_PROPERTIES,
    USER_FIELDS,
    Reference,
    article,
    key_of,
    object_type,
    type_phrase,
    typed,
)

# POST /directoryObjects/getByIds takes at most 1,000 ids.
MAX_IDS_PER_CALL = 1000
# Looking again for objects created moments ago: half a second first, doubling, at most 8 s apart.
FIRST_LOOK_AGAIN, LOOK_AGAIN_FACTOR, MAX_LOOK_AGAIN = 0.5, 2.0, 8.0


class Lookup:
    """Outcome of resolving references: the object of each found reference, and what went wrong with the others."""

    def __init__(self):
        self.found = {}       # reference key -> object (with @odata.type)
        self.ambiguous = {}   # reference key -> sorted ids
        self.wrong_type = {}  # reference key -> the object found, whose type is not the one the reference names
        self.missing = []     # references not found

    def get(self, reference):
        return self.found.get(reference.key)

    def problem(self, reference):
        """Why ``reference`` did not resolve (a phrase after the reference), or None."""
        key = reference.key
        if key in self.ambiguous:
            ids = self.ambiguous[key]
            return 'is ambiguous: %d objects have that name (ids %s); use the id instead' % (len(ids), ', '.join(ids))
        if key in self.wrong_type:
            return 'is %s, not %s %s' % (type_phrase(self.wrong_type[key]), article(reference.type), reference.type)
        if any(ref.key == key for ref in self.missing):
            return 'was not found'
        return None


class Resolution:
    """Outcome of resolving plain names of one type: ``found`` maps each name (lowercase) to its object."""

    def __init__(self):
        self.found = {}
        self.missing = []
        self.ambiguous = {}

    def get(self, name):
        return self.found.get(key_of(name))


class DirectoryResolver:
    """Resolves references for one run.

    ``recently_created`` (references): only these are re-queried, for up to ``wait_for_missing`` seconds, while
    they are not found; ``None`` waits for every name (the behaviour callers of ``users``/``groups`` had).
    """

    def __init__(self, client, wait_for_missing=0.0, recently_created=None):
        self.client = client
        self.wait_for_missing = wait_for_missing
        self.recently_created = recently_created

    # Plain names of one type (graph_user_bulk's managers, for one).

    def users(self, names, fields=USER_FIELDS):
        """Resolve users by object id or userPrincipalName."""
        return self._plain('user', names, fields)

    def groups(self, names, fields=GROUP_FIELDS):
        """Resolve groups by object id or displayName; two groups with one name make it ambiguous."""
        return self._plain('group', names, fields)

    def _plain(self, type_, names, fields):
        originals = dict((key_of(n), n) for n in names if n not in (None, ''))
        references = [Reference(str(name), type_, str(name).strip()) for name in originals.values()]
        lookup = self.resolve(references, {type_: fields}, ids_by_collection=True)
        resolution = Resolution()
        for reference in references:
            obj = lookup.get(reference)
            if obj is not None:
                resolution.found[key_of(reference.value)] = obj
            elif reference.key in lookup.ambiguous:
                resolution.ambiguous[originals[key_of(reference.value)]] = lookup.ambiguous[reference.key]
            else:
                resolution.missing.append(originals[key_of(reference.value)])
        return resolution

    # References of any type.

    def waits_for(self, reference):
        return self.recently_created is None or reference.is_among(self.recently_created)

    def resolve(self, references, fields=None, ids_by_collection=False):
        """Resolve ``references`` (``Reference`` objects) in bulk; ``fields`` adds fields per type. Returns a ``Lookup``."""
        fields = dict((type_, tuple(dict.fromkeys(FIELDS[type_] + tuple((fields or {}).get(type_) or ())))) for type_ in MEMBER_TYPES)
        lookup = Lookup()
        pending = list(dict((ref.key, ref) for ref in references).values())
        poll = self.client.poll(self.wait_for_missing, 'replication', FIRST_LOOK_AGAIN, LOOK_AGAIN_FACTOR, MAX_LOOK_AGAIN)
        while pending:
            matches = self._query(pending, fields, ids_by_collection)
            missing = []
            for reference in pending:
                candidates = list(matches.get(reference.key, {}).values())
                if len(candidates) > 1:
                    lookup.ambiguous[reference.key] = sorted(str(c.get('id')) for c in candidates)
                elif len(candidates) == 1:
                    obj = candidates[0]
                    if reference.type and object_type(obj) != reference.type:
                        lookup.wrong_type[reference.key] = obj
                    else:
                        lookup.found[reference.key] = obj
                else:
                    missing.append(reference)
            pending = []
            for ref in missing:
                (pending if self.waits_for(ref) else lookup.missing).append(ref)
            if not pending or not self.client.wait_to_look_again(poll):
                break
            self.client.stats.add(replication_retries=len(pending))
        lookup.missing.extend(pending)
        return lookup

    def _query(self, references, fields, ids_by_collection=False):
        """One ``$batch`` call looking every reference up; returns ``{reference key: {object id: object}}``.

        Ids go to ``getByIds``, which finds objects of any type (so a typed id of another type can be named as
        such), unless ``ids_by_collection``: then typed ids are filtered in their own collection, as plain-name
        lookups always did.
        """
        requests_, wanted = [], {}
        by_id = [ref for ref in references if ref.is_id and (ref.type is None or not ids_by_collection)]
        for index, chunk in enumerate(chunked(by_id, MAX_IDS_PER_CALL)):
            request_id = 'ids-%d' % (index * MAX_IDS_PER_CALL)
            wanted[request_id] = (None, 'id')
            requests_.append({'id': request_id, 'method': 'POST', 'url': '/directoryObjects/getByIds', 'safe_to_resend': True,  # a read
                              'headers': {'Content-Type': 'application/json'},
                              'body': {'ids': list(dict.fromkeys(ref.value.lower() for ref in chunk))}})
        for type_ in MEMBER_TYPES:
            typed_refs = [ref for ref in references if ref.type == type_]
            names = [ref.value for ref in typed_refs if not ref.is_id]
            by_property = {NAME_PROPERTIES[type_]: names}
            if ids_by_collection:
                by_property['id'] = [ref.value for ref in typed_refs if ref.is_id]
            if type_ == 'servicePrincipal':
                by_property['appId'] = [ref.value for ref in typed_refs if ref.is_id]
            if type_ == 'orgContact':
                by_property['mail'] = [name for name in names if '@' in name]
            path = '/' + COLLECTIONS[type_]
            for prop, values in by_property.items():
                for index, chunk in enumerate(chunked(list(dict((key_of(v), v) for v in values).values()), MAX_IN_VALUES)):
                    request_id = '%s-%s-%d' % (type_, prop, index)
                    wanted[request_id] = (type_, prop)
                    requests_.append({'id': request_id, 'url': filter_query(path, prop, chunk, fields[type_])})
        keys = {}
        for ref in references:
            keys.setdefault((ref.type if ref.type and (not ref.is_id or ids_by_collection) else '*', key_of(ref.value)), []).append(ref.key)
        matches = {}
        for answer in self.client.batch(requests_, paginate=True):
            type_, prop = wanted[answer.id]
            if not answer.ok:
                raise answer.error(context='Looking up %s' % (COLLECTIONS[type_] if type_ else 'objects by id'))
            for obj in (answer.body or {}).get('value', []):
                if not isinstance(obj, dict) or not obj.get('id'):
                    continue
                typed(obj, type_)
                value = key_of(obj.get(prop) or '')
                if type_ is None:
                    found_keys = keys.get(('*', value), [])  # getByIds: typed references are checked for their type later
                elif prop == 'appId':
                    found_keys = [k for k in keys.get(('*', value), []) + keys.get((type_, value), []) if k[0] == type_]
                else:
                    found_keys = keys.get((type_, value), [])
                for key in found_keys:
                    matches.setdefault(key, {})[obj['id']] = obj
        return matches
