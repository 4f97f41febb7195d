# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Directory objects named in tasks: the reference syntax, and resolving references of every type in bulk.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

A reference is ``[type:]value`` (types ``user``, ``group``, ``device``, ``servicePrincipal``, ``orgContact``):
without a type, an object id of any type or a userPrincipalName; with a type, an id of that type or a name
(users by userPrincipalName; groups, devices and service principals by displayName, service principals also by
appId; org contacts by displayName or mail). A field that can only hold one type (``groups``) gives untyped
names that type.

Resolving costs few round trips whatever the mix: names are looked up with ``in`` filters (15 values each),
ids of unknown type with ``POST /directoryObjects/getByIds``, every query of a run in the same ``$batch``
call. Only references the caller says were created moments ago are re-queried while they are not found
(replication delay); anything else that is not found is reported at once.
"""

from __future__ import annotations

import time

from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import MAX_IN_VALUES, chunked, filter_query, is_guid

MEMBER_TYPES = ('user', 'group', 'device', 'servicePrincipal', 'orgContact')
_TYPE_BY_LOWER = dict((name.lower(), name) for name in MEMBER_TYPES)
ODATA_PREFIX = '#microsoft.graph.'
COLLECTIONS = {'user': 'users', 'group': 'groups', 'device': 'devices', 'servicePrincipal': 'servicePrincipals', 'orgContact': 'contacts'}
# The properties a name of each type is looked up by.
NAME_PROPERTIES = {'user': 'userPrincipalName', 'group': 'displayName', 'device': 'displayName', 'servicePrincipal': 'displayName',
                   'orgContact': 'displayName'}
# Fields read for each type unless the caller asks for more.
FIELDS = {
    'user': ('id', 'userPrincipalName', 'displayName'),
    'group': ('id', 'displayName', 'groupTypes', 'mailEnabled', 'securityEnabled', 'membershipRule', 'onPremisesSyncEnabled',
              'isAssignableToRole'),
    'device': ('id', 'displayName', 'deviceId'),
    'servicePrincipal': ('id', 'displayName', 'appId'),
    'orgContact': ('id', 'displayName', 'mail'),
}
USER_FIELDS = FIELDS['user']
GROUP_FIELDS = FIELDS['group']
# POST /directoryObjects/getByIds takes at most 1,000 ids.
MAX_IDS_PER_CALL = 1000
TYPE_LIST = ', '.join(MEMBER_TYPES)


def _key(value):
    return str(value).strip().lower()


# ----- references ----------------------------------------------------------------------------


class Reference:
    """One parsed reference: ``type`` (None for an id of unknown type) and ``value``; ``where`` names its place in the task."""

    __slots__ = ('text', 'type', 'value', 'where')

    def __init__(self, text, type_, value, where=None):
        self.text = text
        self.type = type_
        self.value = value
        self.where = where

    @property
    def is_id(self):
        return is_guid(self.value)

    @property
    def key(self):
        """Two references with the same key name the same object."""
        return (self.type or '*', _key(self.value))

    def matches(self, other):
        """True when both name the same object as far as the text tells (an untyped id matches a typed one)."""
        return _key(self.value) == _key(other.value) and (self.type is None or other.type is None or self.type == other.type)

    def __repr__(self):
        return 'Reference(%r)' % self.text

    def is_among(self, references):
        """True when one of ``references`` names the same object (see ``matches``)."""
        return any(self.matches(other) for other in references)

    def __str__(self):
        return self.text


def parse_reference(text, where, default_type=None):
    """Parse ``[type:]value``; raises ``GraphError`` naming ``where`` (``memberships[2].groups[1]``) when it is not one.

    ``default_type`` is the type of untyped names in a field that holds only that type (``groups``).
    """
    if not isinstance(text, str) or not text.strip():
        raise GraphError('%s: empty reference' % where)
    text = text.strip()
    type_, value = None, text
    prefix, colon, rest = text.partition(':')
    if colon and prefix.strip().lower() in _TYPE_BY_LOWER:
        type_, value = _TYPE_BY_LOWER[prefix.strip().lower()], rest.strip()
        if not value:
            raise GraphError("%s: '%s' names no %s; write %s:NAME or %s:OBJECT-ID" % (where, text, type_, type_, type_))
    elif default_type:
        type_ = default_type
    elif is_guid(text):
        type_ = None
    elif '@' in text:
        type_ = 'user'
    elif colon:
        raise GraphError("%s: '%s' does not start with a member type: '%s' is not one of %s (a name that holds a colon is written "
                         "with its type, e.g. group:%s)" % (where, text, prefix, TYPE_LIST, text))
    else:
        raise GraphError("%s: '%s' does not say what it is: name the type, e.g. group:%s (without a type a reference is an object id "
                         "or a userPrincipalName)" % (where, text, text))
    if type_ == 'user' and not is_guid(value) and '@' not in value:
        raise GraphError("%s: '%s': users are named by userPrincipalName (name@domain) or object id" % (where, text))
    return Reference(text, type_, value, where)


def object_type(obj):
    """The member type of a directory object (``user``, ``device``, ...) from its ``@odata.type``; None when unknown."""
    odata_type = str((obj or {}).get('@odata.type') or '')
    if odata_type.startswith(ODATA_PREFIX):
        return _TYPE_BY_LOWER.get(odata_type[len(ODATA_PREFIX):].lower())
    return None


def foreign_type(obj):
    """The short type name of an object of a type that is not a member type (``application``), or None."""
    odata_type = str((obj or {}).get('@odata.type') or '')
    return odata_type[len(ODATA_PREFIX):] if odata_type.startswith(ODATA_PREFIX) and object_type(obj) is None else None


def name_of(obj):
    """The name a person knows an object by: userPrincipalName for users, displayName (or mail) for others, else the id."""
    obj = obj or {}
    return obj.get('userPrincipalName') or obj.get('displayName') or obj.get('mail') or obj.get('id')


def reference_of(obj):
    """``type:name`` for a directory object, e.g. ``device:LAPTOP-1``; ``type:id`` when it has no name."""
    type_ = object_type(obj)
    if type_ is None:
        return str(obj.get('id'))
    return '%s:%s' % (type_, name_of(obj))


def typed(obj, type_):
    """``obj`` with ``@odata.type`` set when the answer did not carry it (lists of one collection do not)."""
    if type_ and not obj.get('@odata.type'):
        obj['@odata.type'] = ODATA_PREFIX + type_
    return obj


# ----- resolving ------------------------------------------------------------------------------


class Lookup:
    """Outcome of resolving references: the object of each found reference, and what went wrong with the others."""

    def __init__(self):
        self.found = {}       # reference key -> object (with @odata.type)
        self.ambiguous = {}   # reference key -> sorted ids
        self.wrong_type = {}  # reference key -> the object found, whose type is not the one the reference names
        self.missing = []     # references not found
        self.waited = False

    def get(self, reference):
        return self.found.get(reference.key)

    def problem(self, reference):
        """Why ``reference`` did not resolve (a phrase after the reference), or None."""
        key = reference.key
        if key in self.ambiguous:
            ids = self.ambiguous[key]
            return 'is ambiguous: %d objects have that name (ids %s); use the id instead' % (len(ids), ', '.join(ids))
        if key in self.wrong_type:
            return 'is %s, not %s %s' % (type_phrase(self.wrong_type[key]), _article(reference.type), reference.type)
        if any(ref.key == key for ref in self.missing):
            return 'was not found'
        return None


def type_phrase(obj):
    """``a user``, ``an application``: what kind of directory object ``obj`` is, with its article."""
    name = object_type(obj) or foreign_type(obj)
    if not name:
        return 'an object of an unknown type'
    return '%s %s' % (_article(name), name)


def _article(word):
    return 'an' if str(word)[:1].lower() in 'aeio' else 'a'


class Resolution:
    """Outcome of resolving plain names of one type: ``found`` maps each name (lowercase) to its object."""

    def __init__(self):
        self.found = {}
        self.missing = []
        self.ambiguous = {}

    def get(self, name):
        return self.found.get(_key(name))


class DirectoryResolver:
    """Resolves references for one run.

    ``recently_created`` (references): only these are re-queried, for up to ``wait_for_missing`` seconds, while
    they are not found; ``None`` waits for every name (the behaviour callers of ``users``/``groups`` had).
    """

    def __init__(self, client, wait_for_missing=0.0, sleep=time.sleep, clock=time.monotonic, recently_created=None):
        self.client = client
        self.wait_for_missing = wait_for_missing
        self.recently_created = recently_created
        self._sleep = sleep
        self._clock = clock

    # Plain names of one type (graph_user_bulk's managers, for one).

    def users(self, names, fields=USER_FIELDS):
        """Resolve users by object id or userPrincipalName."""
        return self._plain('user', names, fields)

    def groups(self, names, fields=GROUP_FIELDS):
        """Resolve groups by object id or displayName; two groups with one name make it ambiguous."""
        return self._plain('group', names, fields)

    def _plain(self, type_, names, fields):
        originals = dict((_key(n), n) for n in names if n not in (None, ''))
        references = [Reference(str(name), type_, str(name).strip()) for name in originals.values()]
        lookup = self.resolve(references, {type_: fields}, ids_by_collection=True)
        resolution = Resolution()
        for reference in references:
            obj = lookup.get(reference)
            if obj is not None:
                resolution.found[_key(reference.value)] = obj
            elif reference.key in lookup.ambiguous:
                resolution.ambiguous[originals[_key(reference.value)]] = lookup.ambiguous[reference.key]
            else:
                resolution.missing.append(originals[_key(reference.value)])
        return resolution

    # References of any type.

    def waits_for(self, reference):
        return self.recently_created is None or reference.is_among(self.recently_created)

    def resolve(self, references, fields=None, ids_by_collection=False):
        """Resolve ``references`` (``Reference`` objects) in bulk; ``fields`` adds fields per type. Returns a ``Lookup``."""
        fields = dict((type_, tuple(dict.fromkeys(FIELDS[type_] + tuple((fields or {}).get(type_) or ())))) for type_ in MEMBER_TYPES)
        lookup = Lookup()
        pending = list(dict((ref.key, ref) for ref in references).values())
        deadline = self._clock() + (self.wait_for_missing or 0)
        attempt = 0
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
            attempt += 1
            if not pending or self._clock() >= deadline:
                break
            lookup.waited = True
            stats = getattr(self.client, 'stats', None)
            if stats is not None:
                stats.add(replication_retries=len(pending))
            self._sleep(max(0.0, min(deadline - self._clock(), 0.5 * 2 ** (attempt - 1))))
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
                for index, chunk in enumerate(chunked(list(dict((_key(v), v) for v in values).values()), MAX_IN_VALUES)):
                    request_id = '%s-%s-%d' % (type_, prop, index)
                    wanted[request_id] = (type_, prop)
                    requests_.append({'id': request_id, 'url': filter_query(path, prop, chunk, fields[type_])})
        keys = {}
        for ref in references:
            keys.setdefault((ref.type if ref.type and (not ref.is_id or ids_by_collection) else '*', _key(ref.value)), []).append(ref.key)
        matches = {}
        for answer in self.client.batch(requests_, paginate=True):
            type_, prop = wanted[answer.id]
            if not answer.ok:
                raise answer.error(context='Looking up %s' % (COLLECTIONS[type_] if type_ else 'objects by id'))
            for obj in (answer.body or {}).get('value', []):
                if not isinstance(obj, dict) or not obj.get('id'):
                    continue
                typed(obj, type_)
                value = _key(obj.get(prop) or '')
                if type_ is None:
                    found_keys = keys.get(('*', value), [])  # getByIds: typed references are checked for their type later
                elif prop == 'appId':
                    found_keys = [k for k in keys.get(('*', value), []) + keys.get((type_, value), []) if k[0] == type_]
                else:
                    found_keys = keys.get((type_, value), [])
                for key in found_keys:
                    matches.setdefault(key, {})[obj['id']] = obj
        return matches
