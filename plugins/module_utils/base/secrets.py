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

# A key whose lower-cased name contains one of these holds a secret (when its value is text).
_SECRET_PARTS = ('password', 'passwd', 'secret', 'token', 'passphrase', 'privatekey', 'private_key', 'credential',
                 'apikey', 'api_key', 'api-key', 'subscription-key', 'sharedkey', 'signature', 'authorization', 'cookie')
# Graph properties whose names look secret but whose values are not: policies and timestamps.
_NOT_SECRET = ('passwordpolicies', 'forcechangepasswordnextsignin', 'forcechangepasswordnextsigninwithmfa',
               'force_change_password', 'istokenissuanceenabled')


def is_secret_key(key):
    """True when a dict key or header name says its value is a secret."""
    name = str(key).lower()
    if name in _NOT_SECRET or name.endswith('datetime'):
        return False
    return any(part in name for part in _SECRET_PARTS)


def mask_secrets(value, placeholder=DIFF_MASK):
    """Copy of ``value`` with every secret (text under a secret-looking key, at any depth) replaced."""
    if isinstance(value, dict):
        return dict((key, _masked_item(key, item, placeholder)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [mask_secrets(item, placeholder) for item in value]
    return value


def _masked_item(key, item, placeholder):
    if is_secret_key(key) and isinstance(item, (str, bytes)) and item:
        return placeholder
    return mask_secrets(item, placeholder)


def secret_values(value):
    """Every secret text found in ``value`` (for ``no_log_values``), in a stable order."""
    found = []
    _collect(value, found)
    return list(dict.fromkeys(found))


def _collect(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(key) and isinstance(item, str) and item:
                found.append(item)
                # "Bearer xyz": the token alone may show up elsewhere too.
                scheme, sep, rest = item.partition(' ')
                if sep and rest and scheme.lower() in ('bearer', 'basic'):
                    found.append(rest)
            else:
                _collect(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, found)
