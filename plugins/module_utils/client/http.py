# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The HTTP session shared by the Graph client and MSAL.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    _SessionBase = object
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
    _SessionBase = requests.Session


class GraphSession(_SessionBase):
    """A ``requests.Session`` that keeps its TLS setting and timeout.

    Plain ``requests`` lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` override a session's ``verify``,
    which would silently ignore ``ca_path`` (or ``validate_certs: false``) on many corporate
    machines. An explicit setting wins here; with the default (verify against system CAs) the
    environment still applies, as users expect.
    """

    def __init__(self, verify=True, timeout=30.0, pool_size=10):
        super().__init__()
        self.verify = verify
        self.default_timeout = timeout
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.mount('https://', adapter)
        self.mount('http://', adapter)

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None and self.verify is not True:
            settings['verify'] = self.verify
        return settings

    def request(self, method, url, *args, **kwargs):  # pylint: disable=arguments-differ
        kwargs.setdefault('timeout', self.default_timeout)
        return super().request(method, url, *args, **kwargs)


def header_value(headers, name):
    """Case-insensitive header lookup on a plain dict (inner batch headers) or a requests header map."""
    if not headers:
        return None
    lowered = name.lower()
    for key, value in headers.items():
        if str(key).lower() == lowered:
            return value
    return None


def check_ca_bundle(path):
    """Why ``path`` cannot serve as a CA bundle (missing, unreadable, not PEM), or None when it can."""
    try:
        with open(path, 'rb') as handle:
            content = handle.read()
    except OSError as exc:
        return 'ca_path %s cannot be read: %s' % (path, exc.strerror or exc)
    if b'-----BEGIN CERTIFICATE-----' not in content:
        return ('ca_path %s holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line); give the CA certificate(s) '
                'in PEM format, for example the Graph emulator\'s ca.pem' % path)
    return None


def describe_transport_error(exc, settings=None):
    """A sentence for a failed connection that says what is wrong: TLS and which CA bundle, refused, timed out."""
    text = str(exc)
    if HAS_REQUESTS and isinstance(exc, requests.exceptions.SSLError):
        if settings is not None and settings.ca_path:
            trust = 'the CA bundle in ca_path %s' % settings.ca_path
        else:
            trust = "the system's CA store (set ca_path to a PEM bundle for a private CA, or validate_certs=false to skip checks)"
        reason = 'certificate verify failed' if 'CERTIFICATE_VERIFY_FAILED' in text else text
        return 'TLS verification against %s failed: %s' % (trust, reason)
    if HAS_REQUESTS and isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'could not connect within the timeout (%s s): %s' % (getattr(settings, 'timeout', '?'), text)
    if HAS_REQUESTS and isinstance(exc, requests.exceptions.Timeout):
        return 'no answer within the timeout (%s s): %s' % (getattr(settings, 'timeout', '?'), text)
    if HAS_REQUESTS and isinstance(exc, requests.exceptions.ConnectionError):
        return 'could not connect: %s' % text
    return text


def unreachable(session, url, settings=None):
    """Why nothing answers at ``url`` (refused, unknown host, timed out, TLS), or None when something does.

    Any HTTP answer counts, an error status too: it only asks whether the address is served at all.
    """
    try:
        session.request('GET', url, allow_redirects=False)
    except requests.RequestException as exc:
        return describe_transport_error(exc, settings)
    return None


def may_have_been_sent(exc):
    """False only when the connection was never made, so even a POST is safe to repeat."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        return type(reason).__name__ != 'NewConnectionError'
    return True


def new_session(settings):
    """The session for one run, configured from ``GraphSettings``."""
    return GraphSession(verify=settings.tls_verify, timeout=settings.timeout, pool_size=settings.max_concurrency + 2)
