# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The connection options every module takes (documented once in the ``mynster.msgraph.connection`` doc fragment).

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.
"""

from __future__ import annotations

import os

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import (
    API_VERSIONS,
    AUTH_METHODS,
    CLOUDS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_TIMEOUT,
    ENV_VARS,
)


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
    tenant_id=dict(type='str', fallback=(env_fallback, [ENV_VARS['tenant_id']])),
    client_id=dict(type='str', fallback=(env_fallback, [ENV_VARS['client_id']])),
    client_secret=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['client_secret']])),
    client_certificate_path=dict(type='path', fallback=(env_fallback, [ENV_VARS['client_certificate_path']])),
    client_certificate_password=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['client_certificate_password']])),
    access_token=dict(type='str', no_log=True, fallback=(env_fallback, [ENV_VARS['access_token']])),
    auth_method=dict(type='str', default='auto', choices=list(AUTH_METHODS)),
    cloud=dict(type='str', default='global', choices=list(CLOUDS), fallback=(env_fallback, [ENV_VARS['cloud']])),
    graph_url=dict(type='str', fallback=(env_fallback, [ENV_VARS['graph_url']])),
    authority_url=dict(type='str', fallback=(env_fallback, [ENV_VARS['authority_url']])),
    api_version=dict(type='str', default='v1.0', choices=list(API_VERSIONS)),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, [ENV_VARS['validate_certs']])),
    ca_path=dict(type='path', fallback=(env_fallback, [ENV_VARS['ca_path']])),
    timeout=dict(type='float', default=DEFAULT_TIMEOUT),
    max_concurrency=dict(type='int', default=DEFAULT_MAX_CONCURRENCY),
    max_retries=dict(type='int', default=DEFAULT_MAX_RETRIES),
    max_retry_wait=dict(type='float', default=DEFAULT_MAX_RETRY_WAIT),
)

# Allowed ranges of numeric options: (lowest, highest, whether the lowest itself is allowed).
# Modules add their own with GraphModule(ranges=...); None means unbounded on that side.
CONNECTION_RANGES = dict(
    timeout=(0, 3600, False),
    max_concurrency=(1, 32, True),
    max_retries=(0, 20, True),
    max_retry_wait=(0, 3600, True),
)
# Options every module with a replication or mailbox wait takes the same way.
WAIT_RANGE = (0, 3600, True)
