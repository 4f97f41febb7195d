# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Directory objects named in tasks: the reference syntax, and naming objects read from Graph.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

A reference is ``[type:]value`` (types ``user``, ``group``, ``device``, ``servicePrincipal``, ``orgContact``):
without a type, an object id of any type or a userPrincipalName; with a type, an id of that type or a name
(users by userPrincipalName; groups, devices and service principals by displayName, service principals also by
appId; org contacts by displayName or mail). A field that can only hold one type (``groups``) gives untyped
names that type.

A reference that is not one is an ``InputError`` naming its item and field; ``resolver`` finds the objects.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError, Problem

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
TYPE_LIST = ', '.join(MEMBER_TYPES)


def key_of(value):
    """How names and ids compare: trimmed and case-insensitive."""
    return str(value).strip().lower()


# ----- references ----------------------------------------------------------------------------


class Reference:
    """One parsed reference: ``type`` (None for an id of unknown type) and ``value``; ``item`` and ``field`` name its place in the task."""

    __slots__ = ('text', 'type', 'value', 'item', 'field')

    def __init__(self, text, type_, value, item=None, field=None):
        self.text = text
        self.type = type_
        self.value = value
        self.item = item
        self.field = field

    @property
    def where(self):
        """``memberships[2].groups[1]``: the item and field, as one path."""
        return '.'.join(part for part in (self.item, self.field) if part)

    @property
    def is_id(self):
        return is_guid(self.value)

    @property
    def key(self):
        """Two references with the same key name the same object."""
        return (self.type or '*', key_of(self.value))

    def matches(self, other):
        """True when both name the same object as far as the text tells (an untyped id matches a typed one)."""
        return key_of(self.value) == key_of(other.value) and (self.type is None or other.type is None or self.type == other.type)

    def is_among(self, references):
        """True when one of ``references`` names the same object (see ``matches``)."""
        return any(self.matches(other) for other in references)

    def problem(self, reason, subject=None, hint=None):
        """A ``Problem`` at this reference's place (``hint``: how to fix it)."""
        return Problem(reason, self.item, self.field, subject, hint=hint)

    def __repr__(self):
        return 'Reference(%r)' % self.text

    def __str__(self):
        return self.text


def parse_reference(text, field, default_type=None, item=None):
    """Parse ``[type:]value`` found at ``item``.``field`` (``memberships[2]``, ``groups[1]``); an ``InputError`` when it is not one.

    ``default_type`` is the type of untyped names in a field that holds only that type (``groups``).
    """
    place = Reference(text, None, text, item, field)
    if not isinstance(text, str) or not text.strip():
        raise InputError([place.problem('empty reference')])
    text = text.strip()
    type_, value = None, text
    prefix, colon, rest = text.partition(':')
    if colon and prefix.strip().lower() in _TYPE_BY_LOWER:
        type_, value = _TYPE_BY_LOWER[prefix.strip().lower()], rest.strip()
        if not value:
            raise InputError([place.problem("'%s' names no %s; write %s:NAME or %s:OBJECT-ID" % (text, type_, type_, type_))])
    elif default_type:
        type_ = default_type
    elif is_guid(text):
        type_ = None
    elif '@' in text:
        type_ = 'user'
    elif colon:
        raise InputError([place.problem("'%s' does not start with a member type: '%s' is not one of %s (a name that holds a colon is "
                                        "written with its type, e.g. group:%s)" % (text, prefix, TYPE_LIST, text))])
    else:
        raise InputError([place.problem("'%s' does not say what it is: name the type, e.g. group:%s (without a type a reference is an "
                                        "object id or a userPrincipalName)" % (text, text))])
    if type_ == 'user' and not is_guid(value) and '@' not in value:
        raise InputError([place.problem("'%s': users are named by userPrincipalName (name@domain) or object id" % text)])
    return Reference(text, type_, value, item, field)


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


def type_phrase(obj):
    """``a user``, ``an application``: what kind of directory object ``obj`` is, with its article."""
    name = object_type(obj) or foreign_type(obj)
    if not name:
        return 'an object of an unknown type'
    return '%s %s' % (article(name), name)


def article(word):
    """``a`` or ``an`` before ``word``."""
    return 'an' if str(word)[:1].lower() in 'aeio' else 'a'
