# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Recognising and hiding secrets inside free-form data (request bodies, headers, user entries).

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

An option's ``no_log`` only covers the option as a whole. Passwords in a ``users`` entry or in a
``graph_batch`` request body sit inside free-form dicts, so they are found here by key and masked in
everything a module reports: the logged and returned invocation, diffs and results.
"""

from __future__ import annotations

MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
DIFF_MASK = '********'

# A key whose lower-cased name contains one of these holds a secret.
_SECRET_PARTS = ('password', 'passwd', 'secret', 'token', 'passphrase', 'passcode', 'accesspass', 'privatekey', 'private_key',
                 'credential', 'apikey', 'api_key', 'api-key', 'subscription-key', 'sharedkey', 'signature', 'authorization', 'cookie')
# Keys that are secrets by their whole name only (as parts they would match "mapping", "shipping", ...).
_SECRET_NAMES = ('pin', 'otp', 'key', 'keyvalue')
# Graph properties whose names look secret but whose values are not: policies and timestamps.
_NOT_SECRET = ('passwordpolicies', 'forcechangepasswordnextsignin', 'forcechangepasswordnextsigninwithmfa',
               'force_change_password', 'istokenissuanceenabled')
# Name/value pairs (``{"key": "SecretToken", "value": "..."}`` in synchronization secrets): the value is a secret
# when the name says so.
_PAIR_NAMES = ('key', 'name')


def is_secret_key(key):
    """True when a dict key or header name says its value is a secret."""
    name = str(key).lower()
    if name in _NOT_SECRET or name.endswith('datetime'):
        return False
    return name in _SECRET_NAMES or any(part in name for part in _SECRET_PARTS)


def _is_secret_value(item):
    """A value worth hiding: text or a number (a PIN, an integer password), not a flag or nothing."""
    return isinstance(item, (str, bytes, int, float)) and not isinstance(item, bool) and item != ''


def _secret_keys(value):
    """The keys of dict ``value`` that hold secrets: secret-looking keys, and ``value`` in a secret name/value pair."""
    keys = set(key for key in value if is_secret_key(key))
    for name in _PAIR_NAMES:
        if 'value' in value and isinstance(value.get(name), str):
            keys.discard(name)  # the name of a pair is never the secret
            if is_secret_key(value[name]):
                keys.add('value')
    return keys


def mask_secrets(value, placeholder=DIFF_MASK):
    """Copy of ``value`` with every secret replaced: values under secret-looking keys at any depth, whatever their type
    (text, numbers, and each text or number in a list such as ``passwords``), and secret name/value pairs."""
    if isinstance(value, dict):
        secret = _secret_keys(value)
        return dict((key, _masked(item, placeholder) if key in secret else mask_secrets(item, placeholder)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [mask_secrets(item, placeholder) for item in value]
    return value


def _masked(item, placeholder):
    """A value under a secret key: scalars replaced, lists masked element by element, dicts searched further."""
    if _is_secret_value(item):
        return placeholder
    if isinstance(item, (list, tuple)):
        return [_masked(element, placeholder) for element in item]
    return mask_secrets(item, placeholder)


def secret_values(value):
    """Every secret found in ``value`` as text (for ``no_log_values``), in a stable order."""
    found = []
    _collect(value, found)
    return list(dict.fromkeys(found))


def _collect(value, found, secret=False):
    if isinstance(value, dict):
        keys = _secret_keys(value)
        for key, item in value.items():
            _collect(item, found, key in keys)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, found, secret)
    elif secret and _is_secret_value(value):
        text = value.decode('utf-8', 'replace') if isinstance(value, bytes) else str(value)
        found.append(text)
        # "Bearer xyz": the token alone may show up elsewhere too.
        scheme, sep, rest = text.partition(' ')
        if sep and rest and scheme.lower() in ('bearer', 'basic'):
            found.append(rest)
