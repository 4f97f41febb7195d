# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unauthenticated control endpoints under /_emulator/ (never counted as Graph traffic)."""

import json

from .router import ROUTER
from .wire import Response

# Licences first (users may name a SKU by part number), then every object groups may name as a member, then groups.
SEED_ORDER = ("subscribedSkus", "users", "devices", "servicePrincipals", "contacts", "groups")
LABELS = ("userPrincipalName", "displayName")


def _error(status, message):
    return Response(status, {"error": {"code": "BadRequest" if status == 400 else "NotFound", "message": message}})


def _json(body):
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _summary(obj):
    """id plus the first human-readable name the object has."""
    label = next((name for name in LABELS if name in obj), None)
    return {"id": obj["id"], label: obj[label]} if label else {"id": obj["id"]}


def seed(emulator, data):
    """Run the resources' seeders; returns {collection: [{"id": ..., label: ...}]}. ValueError on bad input."""
    unknown = [key for key in data if key not in ROUTER.seeders]
    if unknown:
        raise ValueError(f"nothing can be seeded as '{unknown[0]}'; known: {sorted(ROUTER.seeders)}")
    order = [k for k in SEED_ORDER if k in data] + [k for k in data if k not in SEED_ORDER]
    result = {}
    with emulator.store.lock:
        for key in order:
            if not isinstance(data[key], list) or not all(isinstance(item, dict) for item in data[key]):
                raise ValueError(f"'{key}' must be a list of objects")
            created = ROUTER.seeders[key](emulator.store, data[key])
            result[key] = [_summary(obj) for obj in created]
    return result


def handle(emulator, method, segments, body):
    """Serve GET/POST/PATCH on /_emulator/{health,stats,stats/reset,config,seed,reset,sync,dump}."""
    path = "/".join(segments)
    if (method, path) == ("GET", "health"):
        return Response(200, {"status": "ok", "url": emulator.url})
    if (method, path) == ("GET", "stats"):
        return Response(200, emulator.stats.snapshot())
    if (method, path) == ("POST", "stats/reset"):
        emulator.stats.reset()
        return Response(200, emulator.stats.snapshot())
    if (method, path) == ("GET", "config"):
        return Response(200, emulator.config.as_dict())
    if (method, path) in (("PATCH", "config"), ("POST", "seed")):
        data = _json(body)
        if data is None:
            return _error(400, "the body must be a JSON object")
        try:
            if path == "config":
                emulator.update_config(data)
                return Response(200, emulator.config.as_dict())
            return Response(200, seed(emulator, data))
        except ValueError as err:
            return _error(400, str(err))
    if (method, path) == ("POST", "reset"):
        emulator.reset()
        return Response(200, {"status": "reset"})
    if (method, path) == ("POST", "sync"):
        return Response(200, emulator.sync())
    if (method, path) == ("GET", "dump"):
        return Response(200, emulator.dump())
    return _error(404, f"no control endpoint {method} /_emulator/{path}")
