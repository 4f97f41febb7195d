# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Users' properties compared the way Graph stores them: what to send when creating, what differs when updating.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import CASE_INSENSITIVE, mail_nickname_from, parse_timestamp, property_value


def creation_body(spec):
    """POST /users body: the given properties, accountEnabled from the account state, a mailNickname and the password profile."""
    body = dict((k, v) for k, v in spec.properties.items() if v is not None)
    if property_value(body, 'accountEnabled') is None:
        body = dict((k, v) for k, v in body.items() if k.lower() != 'accountenabled')
        body['accountEnabled'] = spec.account_state != 'disabled'
    if not property_value(body, 'mailNickname'):
        body = dict((k, v) for k, v in body.items() if k.lower() != 'mailnickname')
        body['mailNickname'] = mail_nickname_from(spec.upn)
    body['passwordProfile'] = {'password': spec.password, 'forceChangePasswordNextSignIn': spec.force_change_password}
    return body


def wanted_properties(spec):
    """Properties to compare with an existing user: the given ones, with accountEnabled false for account_state=disabled."""
    wanted = dict((k, v) for k, v in spec.properties.items() if k.lower() != 'userprincipalname')
    if spec.account_state == 'disabled':
        wanted = dict((k, v) for k, v in wanted.items() if k.lower() != 'accountenabled')
        wanted['accountEnabled'] = False
    return wanted


def changed_properties(wanted, current):
    """``{name: wanted value}`` for each wanted property whose current value differs."""
    current_lower = dict((str(k).lower(), v) for k, v in (current or {}).items())
    return dict((name, value) for name, value in wanted.items() if not same_value(name, value, current_lower.get(name.lower())))


def same_value(name, wanted, current):
    """Graph's view of equality for one property: empty equals null, some strings ignore case, dicts compare given keys."""
    if _empty(wanted) and _empty(current):
        return True
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return False
        return all(same_value(key, value, current.get(key)) for key, value in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(current, list) or len(wanted) != len(current):
            return False
        if all(not isinstance(v, (dict, list)) for v in wanted + current):
            return sorted(_scalar(name, v) for v in wanted) == sorted(_scalar(name, v) for v in current)
        return all(same_value(name, w, c) for w, c in zip(wanted, current))
    if isinstance(wanted, bool) or isinstance(current, bool):
        return wanted is current
    if isinstance(wanted, str) and isinstance(current, str):
        when_wanted, when_current = parse_timestamp(wanted), parse_timestamp(current)
        if when_wanted is not None and when_current is not None:
            return when_wanted == when_current
    return _scalar(name, wanted) == _scalar(name, current)


def _empty(value):
    return value is None or value == '' or value == [] or value == {}


def _scalar(name, value):
    if isinstance(value, str):
        return value.lower() if name.lower() in CASE_INSENSITIVE else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return '' if value is None else value
