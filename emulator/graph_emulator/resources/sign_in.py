# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sign-in sessions: `POST /users/{id | userPrincipalName}/revokeSignInSessions` (§4.6)."""

from ..router import route
from ..wire import Response, utc_now
from .users import find_user


@route("POST", "/users/{key}/revokeSignInSessions")
def revoke_sign_in_sessions(req, key):
    """Reset `signInSessionsValidFromDateTime` → 200 `{"value": true}` (Graph's documented-as-204 known issue).

    No body is needed on a direct request; inside `$batch` the envelope check already demands
    `body: {}` with a Content-Type, as Graph does.
    """
    with req.store.lock:
        user = find_user(req, key)
        req.store.update(user["id"], {"signInSessionsValidFromDateTime": utc_now()})
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#Edm.Boolean", "value": True})
