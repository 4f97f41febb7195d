# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A user's Temporary Access Pass: `/users/{id | userPrincipalName}/authentication/temporaryAccessPassMethods`.

Served because it is the Graph answer that carries a secret (the pass itself, in the creation answer only), which
`graph_batch` must not return unless asked. One pass per user; creating another replaces it (see emulator/README.md).
"""

import secrets
import uuid

from ..permissions import require
from ..router import route
from ..wire import GraphError, Response, bad_request, utc_now
from .users import find_user

WRITE = ("UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.ReadWrite.All")
READ = WRITE + ("UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.Read.All")
KIND = "temporaryAccessPassMethod"
# The tenant's Temporary Access Pass policy defaults: lifetime 60 minutes, allowed 10 minutes to 30 days (43200).
DEFAULT_LIFETIME, MIN_LIFETIME, MAX_LIFETIME = 60, 10, 43200
_PASS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789@#$%&*+=?"


def _context(req, user_id):
    return f"{req.base_url}/{req.version}/$metadata#users('{user_id}')/authentication/temporaryAccessPassMethods"


def _shown(method):
    """The method as Graph lists it: the pass itself only ever comes back in the creation answer."""
    return dict((key, value) for key, value in method.items() if key not in ("userId", "temporaryAccessPass"))


def _pass_of(user_id, req):
    found = [m for m in req.store.list(KIND) if m["userId"] == user_id]
    return found[0] if found else None


@route("POST", "/users/{key}/authentication/temporaryAccessPassMethods")
def create_temporary_access_pass(req, key):
    """201 with the new pass (and `temporaryAccessPass` in clear); a user's earlier pass is replaced."""
    require(req, *WRITE)
    body = req.json()
    lifetime = body.get("lifetimeInMinutes", DEFAULT_LIFETIME)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not MIN_LIFETIME <= lifetime <= MAX_LIFETIME:
        raise bad_request(f"lifetimeInMinutes must be between {MIN_LIFETIME} and {MAX_LIFETIME}.")
    with req.store.lock:
        user = find_user(req, key)
        old = _pass_of(user["id"], req)
        if old is not None:
            req.store.delete(old["id"], soft=False)
        created = utc_now()
        method = {"id": str(uuid.uuid4()), "userId": user["id"], "createdDateTime": created, "startDateTime": body.get("startDateTime") or created,
                  "lifetimeInMinutes": lifetime, "isUsableOnce": bool(body.get("isUsableOnce", False)), "isUsable": True,
                  "methodUsabilityReason": "EnabledByPolicy",
                  "temporaryAccessPass": "".join(secrets.choice(_PASS_ALPHABET) for position in range(8))}
        req.store.create(KIND, method, replicated=True)
    answer = {"@odata.context": _context(req, user["id"]) + "/$entity", "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod"}
    answer.update(dict((k, v) for k, v in method.items() if k != "userId"))
    return Response(201, answer)


@route("GET", "/users/{key}/authentication/temporaryAccessPassMethods")
def list_temporary_access_passes(req, key):
    """The user's pass, if any, without the pass itself."""
    require(req, *READ)
    user = find_user(req, key)
    method = _pass_of(user["id"], req)
    return Response(200, {"@odata.context": _context(req, user["id"]), "value": [_shown(method)] if method else []})


@route("DELETE", "/users/{key}/authentication/temporaryAccessPassMethods/{method_id}")
def delete_temporary_access_pass(req, key, method_id):
    """204; 404 for a pass that is not the user's."""
    require(req, *WRITE)
    with req.store.lock:
        user = find_user(req, key)
        method = _pass_of(user["id"], req)
        if method is None or method["id"] != method_id:
            raise GraphError(404, "itemNotFound", "The requested authentication method was not found.")
        req.store.delete(method["id"], soft=False)
    return Response(204)
