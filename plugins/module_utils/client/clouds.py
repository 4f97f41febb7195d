# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""Where Graph and its sign-in authority live, per national cloud, and the settings a client needs.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.mynster.msgraph.plugins.module_utils.client.http import check_ca_bundle

CLOUDS = {
    'global': {'graph': 'https://graph.microsoft.com', 'login': 'https://login.microsoftonline.com'},
    'usgov': {'graph': 'https://graph.microsoft.us', 'login': 'https://login.microsoftonline.us'},
    'usgov_dod': {'graph': 'https://dod-graph.microsoft.us', 'login': 'https://login.microsoftonline.us'},
    'china': {'graph': 'https://microsoftgraph.chinacloudapi.cn', 'login': 'https://login.chinacloudapi.cn'},
}

AUTH_METHODS = ('auto', 'client_secret', 'certificate', 'managed_identity', 'access_token')
API_VERSIONS = ('v1.0', 'beta')


# The environment variable each connection setting falls back to (AWX's credential type injects these).
ENV_VARS = {
    'tenant_id': 'AZURE_TENANT_ID',
    'client_id': 'AZURE_CLIENT_ID',
    'client_secret': 'AZURE_CLIENT_SECRET',
    'client_certificate_path': 'AZURE_CLIENT_CERTIFICATE_PATH',
    'client_certificate_password': 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
    'access_token': 'MSGRAPH_ACCESS_TOKEN',
    'cloud': 'MSGRAPH_CLOUD',
    'graph_url': 'MSGRAPH_URL',
    'authority_url': 'MSGRAPH_AUTHORITY_URL',
    'validate_certs': 'MSGRAPH_VALIDATE_CERTS',
    'ca_path': 'MSGRAPH_CA_PATH',
}

# Defaults of the numeric connection settings, for GraphSettings and the modules' options alike.
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_CONCURRENCY = 4
DEFAULT_MAX_RETRIES = 10
DEFAULT_MAX_RETRY_WAIT = 60.0


def check_graph_url(graph_url):
    """Refuse a ``graph_url`` that is more than scheme, host and port: its path would end up in the token's scope
    (``https://graph.microsoft.com/v1.0/.default``), which the sign-in service answers with AADSTS500011."""
    parts = urlsplit(graph_url.strip())
    if not parts.hostname:
        problem = 'names no host'
    elif '@' in parts.netloc:
        problem = 'holds a user name (%s@)' % parts.netloc.rsplit('@', 1)[0]
    elif parts.path.rstrip('/') or parts.query or parts.fragment:
        problem = 'has %s after the host' % graph_url.strip()[len('%s://%s' % (parts.scheme, parts.netloc)):]
    else:
        return
    beta = '; for the beta API set api_version: beta' if parts.path.strip('/').lower() == 'beta' else ''
    raise ValueError('graph_url %s %s: give only the scheme and host (and port), e.g. %s; the collection adds the API '
                     'version itself (api_version: %s)%s' % (graph_url, problem, CLOUDS['global']['graph'], ' or '.join(API_VERSIONS), beta))


class GraphSettings:
    """Connection settings, independent of Ansible.

    ``graph_url`` and ``authority_url`` override the cloud's hosts (the emulator uses both).
    """

    def __init__(self, tenant_id=None, client_id=None, client_secret=None, client_certificate_path=None,
                 client_certificate_password=None, access_token=None, auth_method='auto', cloud='global',
                 graph_url=None, authority_url=None, api_version='v1.0', validate_certs=True, ca_path=None,
                 timeout=DEFAULT_TIMEOUT, max_concurrency=DEFAULT_MAX_CONCURRENCY, max_retries=DEFAULT_MAX_RETRIES,
                 max_retry_wait=DEFAULT_MAX_RETRY_WAIT):
        if cloud not in CLOUDS:
            raise ValueError('cloud must be one of %s, got %r' % (', '.join(CLOUDS), cloud))
        if auth_method not in AUTH_METHODS:
            raise ValueError('auth_method must be one of %s, got %r' % (', '.join(AUTH_METHODS), auth_method))
        if api_version not in API_VERSIONS:
            raise ValueError('api_version must be one of %s, got %r' % (', '.join(API_VERSIONS), api_version))
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.client_certificate_path = client_certificate_path
        self.client_certificate_password = client_certificate_password
        self.access_token = access_token
        self.auth_method = auth_method
        self.cloud = cloud
        self.api_version = api_version
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = float(timeout)
        self.max_concurrency = max(1, int(max_concurrency))
        self.max_retries = max(0, int(max_retries))
        self.max_retry_wait = max(0.0, float(max_retry_wait))
        self.graph_root = (graph_url or CLOUDS[cloud]['graph']).rstrip('/')
        self.authority_root = (authority_url or CLOUDS[cloud]['login']).rstrip('/')
        # A custom authority (the emulator, a proxy) is unknown to Microsoft's instance discovery.
        self.custom_authority = bool(authority_url)
        if ca_path and validate_certs:
            problem = check_ca_bundle(ca_path)
            if problem:
                raise ValueError(problem)
        for name, url in (('graph_url', graph_url), ('authority_url', authority_url)):
            if url and not url.lower().startswith('https://'):
                raise ValueError('%s must be an https:// URL, got %s' % (name, url))
        if graph_url:
            check_graph_url(graph_url)

    @property
    def graph_base(self):
        """``https://graph.microsoft.com/v1.0`` or the overridden equivalent."""
        return '%s/%s' % (self.graph_root, self.api_version)

    @property
    def scope(self):
        return '%s/.default' % self.graph_root

    @property
    def tls_verify(self):
        """Value for ``requests``/MSAL ``verify``: a CA bundle path, or a bool."""
        if not self.validate_certs:
            return False
        return self.ca_path or True
