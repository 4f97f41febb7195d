# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphModule``: the Ansible side every module of the collection shares.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Owns the connection options (documented once in the ``mynster.msgraph.connection`` doc fragment),
builds the client lazily, turns client exceptions into ``fail_json`` and assembles results with
statistics and diff.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mynster.msgraph.plugins.module_utils import _graph_auth, _graph_client, _graph_http
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_clouds import API_VERSIONS, AUTH_METHODS, CLOUDS, GraphSettings
from ansible_collections.mynster.msgraph.plugins.module_utils._graph_errors import GraphError, GraphRequestError


def env_fallback(*names, **kwargs):
    """Like Ansible's ``env_fallback``, but an empty variable counts as unset.

    AWX injects every field of a credential type, empty or not; an empty ``MSGRAPH_CLOUD`` must mean
    "the default", not an invalid choice.
    """
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


CONNECTION_ARGUMENT_SPEC = dict(
    tenant_id=dict(type='str', fallback=(env_fallback, ['AZURE_TENANT_ID'])),
    client_id=dict(type='str', fallback=(env_fallback, ['AZURE_CLIENT_ID'])),
    client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_SECRET'])),
    client_certificate_path=dict(type='path', fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PATH'])),
    client_certificate_password=dict(type='str', no_log=True, fallback=(env_fallback, ['AZURE_CLIENT_CERTIFICATE_PASSWORD'])),
    access_token=dict(type='str', no_log=True, fallback=(env_fallback, ['MSGRAPH_ACCESS_TOKEN'])),
    auth_method=dict(type='str', default='auto', choices=list(AUTH_METHODS)),
    cloud=dict(type='str', default='global', choices=list(CLOUDS), fallback=(env_fallback, ['MSGRAPH_CLOUD'])),
    graph_url=dict(type='str', fallback=(env_fallback, ['MSGRAPH_URL'])),
    authority_url=dict(type='str', fallback=(env_fallback, ['MSGRAPH_AUTHORITY_URL'])),
    api_version=dict(type='str', default='v1.0', choices=list(API_VERSIONS)),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['MSGRAPH_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['MSGRAPH_CA_PATH'])),
    timeout=dict(type='float', default=30.0),
    max_concurrency=dict(type='int', default=4),
    max_retries=dict(type='int', default=6),
    max_retry_wait=dict(type='float', default=60.0),
)

SECRET_KEYS = ('password', 'secret', 'token', 'passwordprofile')


class GraphModule(AnsibleModule):
    """AnsibleModule with the shared connection options, a lazily built ``client`` and result helpers."""

    def __init__(self, argument_spec=None, supports_check_mode=True, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec or {})
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self._client = None

    @property
    def client(self):
        """The run's ``GraphClient``; fails the task cleanly when a dependency or setting is missing."""
        if self._client is None:
            if not _graph_http.HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib('requests'), exception=_graph_http.REQUESTS_IMPORT_ERROR)
            if not _graph_auth.HAS_MSAL and not self.params['access_token']:
                self.fail_json(msg=missing_required_lib('msal'), exception=_graph_auth.MSAL_IMPORT_ERROR)
            try:
                settings = GraphSettings(**dict((name, self.params[name]) for name in CONNECTION_ARGUMENT_SPEC))
                self._client = _graph_client.GraphClient(settings)
            except (GraphError, ValueError) as exc:
                self.fail_json(msg='Invalid connection settings: %s' % exc)
        return self._client

    def stats(self):
        """Client statistics, or zeros when no request was needed."""
        if self._client is None:
            return _graph_client.ClientStats().as_dict()
        return self._client.stats.as_dict()

    def fail_from_exception(self, exc, msg=None, **result):
        """Report a client exception (``GraphError``, ``GraphRequestError``) as a task failure."""
        text = str(exc)
        if msg:
            text = '%s: %s' % (msg, text)
        if isinstance(exc, GraphError):
            result.setdefault('error', exc.to_dict())
        result.setdefault('stats', self.stats())
        self.fail_json(msg=text, **result)

    def run_guarded(self, function, *args, **kwargs):
        """Call ``function`` and turn client exceptions into a clean task failure."""
        try:
            return function(*args, **kwargs)
        except (GraphError, GraphRequestError) as exc:
            self.fail_from_exception(exc)

    def exit_result(self, changed, before=None, after=None, **result):
        """``exit_json`` with ``stats`` and, in diff mode, ``diff`` built from ``before``/``after``."""
        result['stats'] = self.stats()
        if self._diff and (before is not None or after is not None):
            result['diff'] = {'before': mask_secrets(before), 'after': mask_secrets(after)}
        self.exit_json(changed=changed, **result)


def mask_secrets(value):
    """Copy of ``value`` with password/secret/token-like keys hidden, for diffs and previews."""
    if isinstance(value, dict):
        return dict((key, '********' if str(key).lower() in SECRET_KEYS else mask_secrets(item)) for key, item in value.items())
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value
