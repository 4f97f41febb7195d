# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by directory resources (users, groups, ...): ids, lookups, body checks, errors."""

import re
import uuid

from ..odata import SCHEMAS, Schema
from ..wire import GraphError, bad_request

_NICKNAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_directory_object = []
# Directory objects that can be group members (groups-allowed-member-types.md), as store kinds.
MEMBER_KINDS = ("user", "group", "device", "servicePrincipal", "orgContact")
# How a seed names an object of each kind besides its id: "type:value" or, untyped, an id, a UPN or a unique name.
_SEED_NAMES = {"user": ("userPrincipalName",), "group": ("displayName",), "device": ("displayName", "deviceId"),
               "servicePrincipal": ("displayName", "appId"), "orgContact": ("displayName", "mail")}


def new_id():
    """A fresh object id."""
    return str(uuid.uuid4())


def not_found(key):
    """§4.2's 404, used for every missing or not-yet-replicated directory object."""
    return GraphError(404, "Request_ResourceNotFound",
                      f"Resource '{key}' does not exist or one of its queried reference-property objects are not present.")


def request_bad(message):
    """The directory's 400."""
    return bad_request(message, "Request_BadRequest")


def lookup(req, kind, key, alternate=None, alternate_keys=()):
    """The visible object addressed by id (or by `alternate` property, e.g. a UPN containing '@'); 404 otherwise.

    `alternate_keys` are the properties OData's `collection(prop='value')` form may name (e.g. appId for servicePrincipals).
    """
    prop = getattr(key, "prop", None)
    if prop:
        canonical = next((name for name in alternate_keys if name.lower() == prop.lower()), None)
        if canonical is None:
            raise bad_request(f"The key property '{prop}' is not an alternate key of type 'microsoft.graph.{kind}'.")  # our wording
        found = req.store.find(kind, canonical, key)
        if found:
            return found[0]
        raise not_found(key)
    if alternate and "@" in key:
        found = req.store.find(kind, alternate, key)
        if found:
            return found[0]
    else:
        obj = req.store.get(kind, key)
        if obj is not None:
            return obj
    raise not_found(key)


def check_body(body, schema, read_only=(), types=None, max_lengths=None):
    """Refuse properties the type lacks, read-only ones, values of the wrong JSON type, and text over its documented length.

    `max_lengths` maps property names to the maximum length their resource page documents (users.py, groups.py); a
    longer value gets the directory's 400 for an invalid value (the text Graph gives for invalid values; for lengths
    UNCONFIRMED, see README).
    """
    for name, value in body.items():
        if name.startswith("@odata."):
            continue
        canonical = schema.canonical(name) if "@" not in name else None
        if canonical is None:
            raise bad_request(f"Property '{name}' does not exist on type '{schema.type_name}'. Make sure to only use property names "
                              "that are defined by the type or mark the type as open type.")
        if canonical in read_only:
            raise request_bad(f"Property '{canonical}' is read-only and cannot be set.")
        expected = (types or {}).get(canonical, str)
        if value is None:
            continue
        if expected is bool and not isinstance(value, bool):
            raise bad_request(f"Cannot convert the literal '{value}' to the expected type 'Edm.Boolean'.")
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise request_bad(invalid_value(canonical, schema))
        if isinstance(value, str) and len(value) > (max_lengths or {}).get(canonical, len(value)):
            raise request_bad(invalid_value(canonical, schema))


def invalid_value(name, schema):
    """The directory's text for a value it refuses: `Invalid value specified for property 'x' of resource 'User'.`"""
    return f"Invalid value specified for property '{name}' of resource '{schema.type_name.split('.')[-1].title()}'."


def require(body, names):
    """400 naming the first required property that is missing or empty."""
    for name in names:
        if body.get(name) is None or body.get(name) == "":
            raise request_bad(f"Property {name} value is required but is empty or missing.")


def check_nickname(value, resource):
    """mailNickname: ASCII without spaces or '@', at most 64 characters."""
    if not _NICKNAME.fullmatch(value) or value.startswith(".") or value.endswith("."):
        raise request_bad(f"Invalid value specified for property 'mailNickname' of resource '{resource}'.")


def id_from_reference(reference):
    """The object id at the end of an `@odata.id` URL (…/directoryObjects/{id}, …/users/{id}, …)."""
    if not isinstance(reference, str) or not reference.lower().startswith("https://"):
        raise bad_request("Invalid reference: '@odata.id' must be an absolute URL of a directory object.")
    last = reference.rstrip("/").rsplit("/", 1)[-1]
    if not _GUID.fullmatch(last):
        raise request_bad(f"Invalid object identifier '{last}'.")
    return last.lower()


def directory_object_schema():
    """Schema for polymorphic directoryObject lists: the union of every registered type's properties."""
    if not _directory_object:
        props, filterable = ["id"], set()
        for schema in list(SCHEMAS.values()):
            props += [p for p in schema.properties if p not in props]
            filterable |= schema.filterable
        _directory_object.append(Schema("directoryObject", "microsoft.graph.directoryObject", "directoryObjects", props, ("id",), filterable))
    return _directory_object[0]


def seed_reference(store, ref):
    """(kind, id) of the object a seed names: `type:value` (user, group, device, servicePrincipal, orgContact: an id or a name
    of that type) or, untyped, an id of any type, a user's UPN (contains '@'), or a displayName only one group, device,
    service principal or contact has. ValueError otherwise."""
    if not isinstance(ref, str) or not ref:
        raise ValueError(f"a seeded reference must be a non-empty string, not {ref!r}")
    prefix, sep, rest = ref.partition(":")
    typed = [k for k in MEMBER_KINDS if sep and k.lower() == prefix.lower()]
    value = rest if typed else ref
    if _GUID.fullmatch(value):
        kind = store.kind_of(value.lower())
        if kind in (typed or MEMBER_KINDS):
            return kind, value.lower()
    if typed:
        names = [(typed[0], prop) for prop in _SEED_NAMES[typed[0]]]
    elif "@" in value:
        names = [("user", "userPrincipalName")]
    else:
        names = [(kind, "displayName") for kind in MEMBER_KINDS if kind != "user"]
    found = []
    for kind, prop in names:
        found += [(kind, obj["id"]) for obj in store.find(kind, prop, value) if (kind, obj["id"]) not in found]
    if not found:
        raise ValueError(f"seeded member '{ref}' does not exist")
    if len(found) > 1:
        raise ValueError(f"seeded member '{ref}' is ambiguous: {sorted(i for dummy, i in found)}")
    return found[0]
