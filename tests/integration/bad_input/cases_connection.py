# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection and shared options: missing credentials, numbers out of range, TLS problems, unknown option names."""

from __future__ import annotations

from . import Case
from .tenant import upn

READ = {'requests': [{'url': '/users?$top=1'}]}
NO_SECRET = {'AZURE_CLIENT_SECRET': ''}


def _read(**options):
    args = dict(READ)
    args.update(options)
    return args


CASES = [
    Case('no-credentials-at-all', 'graph_batch', _read(timeout=3),
         ['no credentials were given', 'client_secret (or AZURE_CLIENT_SECRET)', 'tenant_id (or AZURE_TENANT_ID)', 'managed identity'],
         env=NO_SECRET, why='used to say "(managed_identity): Expecting value: line 1 column 1"'),
    Case('client-secret-method-without-secret', 'graph_batch', _read(auth_method='client_secret'),
         'auth_method client_secret needs client_secret (or AZURE_CLIENT_SECRET)', env=NO_SECRET),
    Case('certificate-method-without-path', 'graph_batch', _read(auth_method='certificate'),
         'auth_method certificate needs client_certificate_path (or AZURE_CLIENT_CERTIFICATE_PATH)'),
    Case('access-token-method-without-token', 'graph_batch', _read(auth_method='access_token'),
         'auth_method access_token needs access_token (or MSGRAPH_ACCESS_TOKEN)'),
    Case('secret-without-tenant', 'graph_batch', _read(), 'needs tenant_id (or AZURE_TENANT_ID)', env={'AZURE_TENANT_ID': ''}),
    Case('certificate-file-missing', 'graph_batch', _read(client_certificate_path='/nonexistent/cert.pem', auth_method='certificate'),
         'Cannot read client_certificate_path /nonexistent/cert.pem'),
    Case('timeout-zero', 'graph_batch', _read(timeout=0), 'timeout must be greater than 0 and at most 3600, got 0',
         why='used to say "check your tenant name"'),
    Case('timeout-negative', 'graph_group_membership', {'group': 'Engineering', 'members': [upn('alex')], 'timeout': -5},
         'timeout must be greater than 0'),
    Case('timeout-huge', 'graph_user_bulk', {'users': [{'userPrincipalName': upn('adele')}], 'timeout': 100000}, 'at most 3600'),
    Case('max-concurrency-zero', 'graph_batch', _read(max_concurrency=0), 'max_concurrency must be at least 1 and at most 32, got 0'),
    Case('max-concurrency-million', 'graph_batch', _read(max_concurrency=1000000), 'max_concurrency must be at least 1 and at most 32'),
    Case('max-retries-negative', 'graph_batch', _read(max_retries=-1), 'max_retries must be at least 0 and at most 20, got -1'),
    Case('max-retries-huge', 'graph_user_bulk', {'users': [{'userPrincipalName': upn('adele')}], 'max_retries': 500}, 'max_retries must be'),
    Case('max-retry-wait-negative', 'graph_batch', _read(max_retry_wait=-3), 'max_retry_wait must be at least 0'),
    Case('timeout-not-a-number', 'graph_batch', _read(timeout='soon'), 'timeout'),
    Case('ca-path-missing-file', 'graph_batch', _read(ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem cannot be read'),
    Case('ca-path-not-pem', 'graph_batch', _read(ca_path='/etc/hostname'), ['ca_path /etc/hostname holds no PEM certificate'],
         why='used to fail with NO_CERTIFICATE_OR_CRL_FOUND'),
    Case('system-ca-does-not-trust-emulator', 'graph_batch', _read(), ['TLS verification against', 'failed'],
         env={'MSGRAPH_CA_PATH': ''}),
    Case('graph-url-plain-http', 'graph_batch', _read(graph_url='http://127.0.0.1:9'), 'graph_url must be an https:// URL'),
    Case('graph-url-with-api-version', 'graph_batch', _read(graph_url='https://graph.microsoft.com/v1.0'),
         ['graph_url https://graph.microsoft.com/v1.0 has /v1.0 after the host: give only the scheme and host',
          'the collection adds the API version itself (api_version: v1.0 or beta)'],
         why='used to say "AADSTS500011: The resource principal named https://graph.microsoft.com/v1.0 was not found"'),
    Case('graph-url-nothing-listens', 'graph_user_info', {'users': [upn('adele')], 'graph_url': 'https://127.0.0.1:9'},
         ['Cannot connect to graph_url https://127.0.0.1:9 (127.0.0.1:9): could not connect', 'Check graph_url (or MSGRAPH_URL)'],
         why='used to say "AADSTS500011: The resource principal named https://127.0.0.1:9 was not found"'),
    Case('unknown-cloud', 'graph_batch', _read(cloud='mars'), 'cloud'),
    Case('unknown-auth-method', 'graph_batch', _read(auth_method='password'), 'auth_method'),
    Case('typo-option-batch', 'graph_batch', {'request': [{'url': '/users'}]}, "unsupported option 'request' (did you mean 'requests'?)"),
    Case('typo-option-membership', 'graph_group_membership', {'group': 'Engineering', 'member': [upn('alex')]},
         "unsupported option 'member' (did you mean 'members'?)",
         why='used to say "missing parameter(s) required by \'group\': members"'),
    Case('typo-option-users', 'graph_user_bulk', {'user': [{'userPrincipalName': upn('adele')}]}, "unsupported option 'user' (did you mean 'users'?)"),
    Case('typo-nested-option', 'graph_group_membership', {'memberships': [{'group': 'Engineering', 'memebers': [upn('alex')]}]},
         "memberships[0]: unsupported option 'memebers' (did you mean 'members'?)"),
]
