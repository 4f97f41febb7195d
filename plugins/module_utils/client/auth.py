# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Acquiring the bearer token for Graph through MSAL.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

One ``TokenProvider`` per run: it asks MSAL once and hands the same token to every request until it
is close to expiry (or Graph rejects it), so a thousand-request job costs one token request.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import traceback
from urllib.parse import urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import CLOUDS, ENV_VARS
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphAuthError, GraphError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import describe_transport_error, new_session, unreachable

try:
    import msal
except ImportError:
    HAS_MSAL = False
    MSAL_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_MSAL = True
    MSAL_IMPORT_ERROR = None

# Renew a little before expiry so a token never dies mid-batch.
EXPIRY_MARGIN_SECONDS = 300


# Where each setting can come from, for messages that tell the user what to set.
SETTING_SOURCES = dict((name, '%s (or %s)' % (name, ENV_VARS[name]))
                       for name in ('tenant_id', 'client_id', 'client_secret', 'client_certificate_path', 'access_token'))
NO_CREDENTIALS = ('no credentials were given: set %s, or %s, each with %s and %s; or %s. Without any of them a managed identity '
                  'is tried' % (SETTING_SOURCES['client_secret'], SETTING_SOURCES['client_certificate_path'],
                                SETTING_SOURCES['tenant_id'], SETTING_SOURCES['client_id'], SETTING_SOURCES['access_token']))


def resolve_auth_method(settings):
    """Pick the auth method for ``auto`` and check the settings it needs are present."""
    method = settings.auth_method
    if method == 'auto':
        if settings.access_token:
            method = 'access_token'
        elif settings.client_secret:
            method = 'client_secret'
        elif settings.client_certificate_path:
            method = 'certificate'
        else:
            method = 'managed_identity'
    needed = {
        'access_token': ('access_token',),
        'client_secret': ('tenant_id', 'client_id', 'client_secret'),
        'certificate': ('tenant_id', 'client_id', 'client_certificate_path'),
        'managed_identity': (),
    }[method]
    missing = [SETTING_SOURCES[name] for name in needed if not getattr(settings, name)]
    if missing:
        raise GraphAuthError('auth_method %s needs %s' % (method, ', '.join(missing)))
    return method


class TokenProvider:
    """Gets and caches the access token for one run. Thread-safe."""

    def __init__(self, settings, session=None):
        self.settings = settings
        self.session = session  # shared with the client so TLS settings are honoured the same way
        self.method = resolve_auth_method(settings)
        # auto fell through to a managed identity because nothing else was set: say so when that fails too.
        self.guessed = settings.auth_method == 'auto' and self.method == 'managed_identity'
        self._lock = threading.Lock()
        self._token = settings.access_token if self.method == 'access_token' else None
        self._expires_at = float('inf') if self._token else 0.0
        self._app = None

    def token(self):
        """Return a valid bearer token, acquiring it on first use."""
        with self._lock:
            if self._token and time.time() < self._expires_at - EXPIRY_MARGIN_SECONDS:
                return self._token
            if self.method == 'access_token':
                return self._token
            result = self._acquire()
            if 'access_token' not in result:
                detail = '%s: %s' % (result.get('error', 'unknown_error'), result.get('error_description', 'no description'))
                raise self._unknown_resource(detail) or self._failure(detail)
            self._token = result['access_token']
            self._expires_at = time.time() + float(result.get('expires_in') or 600)
            return self._token

    def claims(self):
        """The payload of the access token when it is a JWT (signature not checked), else ``{}``.

        Used to tell beforehand whether the token carries a permission (``roles`` for applications,
        ``scp`` for delegated tokens); an opaque token tells nothing, so callers then proceed.
        """
        return jwt_claims(self.token())

    def invalidate(self, token):
        """Forget ``token`` after Graph rejected it, so the next call fetches a fresh one."""
        with self._lock:
            if self.method != 'access_token' and self._token == token:
                self._token = None
                self._expires_at = 0.0

    def _acquire(self):
        if not HAS_MSAL:
            raise GraphAuthError('The msal Python library is required for auth_method %s' % self.method)
        settings = self.settings
        try:
            if self.method == 'managed_identity':
                return self._managed_identity_app().acquire_token_for_client(resource=settings.graph_root)
            return self._confidential_app().acquire_token_for_client(scopes=[settings.scope])
        except GraphAuthError:
            raise
        except Exception as exc:  # MSAL raises ValueError, requests errors, ... on unreachable or odd authorities
            raise self._failure(describe_transport_error(exc, self.settings))

    def _unknown_resource(self, detail):
        """AADSTS500011 names the resource, graph_url, rather than the fault: say whether anything answers at graph_url."""
        if 'AADSTS500011' not in detail and 'invalid_resource' not in detail:
            return None
        settings = self.settings
        address = urlsplit(settings.graph_root).netloc
        reason = unreachable(self._http_client(), settings.graph_root + '/', settings)
        if reason:
            return GraphError('Cannot connect to graph_url %s (%s): %s. Check graph_url (or %s): Graph is %s for cloud %s; for the '
                              'Graph emulator use the graph_url of its emulator.env, with the emulator running'
                              % (settings.graph_root, address, reason, ENV_VARS['graph_url'], CLOUDS[settings.cloud]['graph'], settings.cloud))
        if settings.graph_root == CLOUDS[settings.cloud]['graph']:
            return None
        return GraphAuthError('Could not get a token for Graph (%s): the sign-in service at %s knows no resource %s, so graph_url %s '
                              'is not Graph for this tenant (give %s, or set cloud and leave graph_url unset): %s'
                              % (self.method, settings.authority_root, settings.graph_root, settings.graph_root,
                                 CLOUDS[settings.cloud]['graph'], detail))

    def _failure(self, detail):
        if self.guessed:
            return GraphAuthError('Could not get a token for Graph: %s, and that failed: %s' % (NO_CREDENTIALS, detail))
        return GraphAuthError('Could not get a token for Graph (%s): %s' % (self.method, detail))

    def _confidential_app(self):
        if self._app is None:
            settings = self.settings
            self._app = msal.ConfidentialClientApplication(
                settings.client_id,
                authority='%s/%s' % (settings.authority_root, settings.tenant_id),
                client_credential=self._credential(),
                http_client=self._http_client(),
                instance_discovery=not settings.custom_authority,
            )
        return self._app

    def _managed_identity_app(self):
        if self._app is None:
            identity = (msal.UserAssignedManagedIdentity(client_id=self.settings.client_id) if self.settings.client_id
                        else msal.SystemAssignedManagedIdentity())
            self._app = msal.ManagedIdentityClient(identity, http_client=self._http_client())
        return self._app

    def _http_client(self):
        if self.session is None:
            self.session = new_session(self.settings)
        return self.session

    def _credential(self):
        settings = self.settings
        if self.method == 'client_secret':
            return settings.client_secret
        return load_certificate_credential(settings.client_certificate_path, settings.client_certificate_password)


def jwt_claims(token):
    """Decoded payload of a JWT (no signature check), or ``{}`` when ``token`` is not one."""
    parts = str(token or '').split('.')
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + '=' * (-len(parts[1]) % 4))
        claims = json.loads(payload.decode('utf-8'))
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def load_certificate_credential(path, password=None):
    """MSAL ``client_credential`` for a certificate file: PFX/P12 by path, PEM as key plus SHA-1 thumbprint."""
    if path.lower().endswith(('.pfx', '.p12')):
        credential = {'private_key_pfx_path': path}
        if password:
            credential['passphrase'] = password
        return credential
    try:
        with open(path, 'rb') as handle:
            pem = handle.read()
    except OSError as exc:
        raise GraphAuthError('Cannot read client_certificate_path %s: %s' % (path, exc.strerror))
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
    except ImportError:
        raise GraphAuthError('The cryptography Python library (installed with msal) is required for certificate auth')
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise GraphAuthError('client_certificate_path %s holds no PEM certificate; it needs the certificate and its private key' % path)
    key = re.search(br'-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----', pem, re.DOTALL)
    if not key:
        raise GraphAuthError('client_certificate_path %s holds no private key; it needs the certificate and its private key' % path)
    credential = {
        'private_key': key.group(0).decode('ascii'),
        'thumbprint': certificate.fingerprint(hashes.SHA1()).hex().upper(),
        'public_certificate': certificate.public_bytes(_pem_encoding()).decode('ascii'),
    }
    if password:
        credential['passphrase'] = password
    return credential


def _pem_encoding():
    from cryptography.hazmat.primitives.serialization import Encoding
    return Encoding.PEM
