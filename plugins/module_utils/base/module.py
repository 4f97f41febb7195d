# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphModule``: the Ansible side every module of the collection shares.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Owns the connection options (documented once in the ``mynster.msgraph.connection`` doc fragment),
checks the task's input before anything else happens (unknown option names, lists given as text,
numbers out of range), keeps secrets out of every output, builds the client lazily, turns client
exceptions into ``fail_json`` and assembles results with statistics and diff.
"""

from __future__ import annotations

import difflib
import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.mynster.msgraph.plugins.module_utils.client import auth as graph_auth, client as graph_client, http as graph_http
from ansible_collections.mynster.msgraph.plugins.module_utils.client.stats import ClientStats
from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import (
    API_VERSIONS,
    AUTH_METHODS,
    CLOUDS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_TIMEOUT,
    ENV_VARS,
    GraphSettings,
)
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, GraphRequestError
from ansible_collections.mynster.msgraph.plugins.module_utils.base.secrets import MASK, mask_secrets, secret_values


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

# How many failures a task's message spells out; the result lists them all.
MESSAGE_LIMIT = 20

# ansible-core scrubs every output string against every no_log value, which grows with values x output:
# thousands of distinct passwords cost seconds. Secrets are masked structurally in everything the
# modules report; only the first ones also go into no_log_values as a second line of defence.
MAX_NO_LOG_VALUES = 100


class GraphModule(AnsibleModule):
    """AnsibleModule with the shared connection options, input checks, secret masking and result helpers."""

    def __init__(self, argument_spec=None, supports_check_mode=True, ranges=None, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec or {})
        self._ranges = dict(CONNECTION_RANGES)
        self._ranges.update(ranges or {})
        self._client = None
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self._check_ranges()

    # ----- input checks that run before Ansible's own validation -----------------------------

    def _set_internal_properties(self, argument_spec=None, module_parameters=None):
        super()._set_internal_properties(argument_spec, module_parameters)
        if argument_spec is None and module_parameters is None:
            # Called once from AnsibleModule.__init__, after the raw parameters were read and before they are
            # converted: the only moment a list given as text can still be told from a list.
            self.no_log_values.update(secret_values(self.params)[:MAX_NO_LOG_VALUES])
            problems = check_raw_parameters(self.argument_spec, self.params, self._name)
            if problems:
                self.fail_json(msg='; '.join(problems))

    def _check_ranges(self):
        problems = []
        for name, (low, high, low_allowed) in sorted(self._ranges.items()):
            problem = range_problem(name, self.params.get(name), low, high, low_allowed)
            if problem:
                problems.append(problem)
        if problems:
            self.fail_json(msg='; '.join(problems))

    # ----- secrets out of every output ------------------------------------------------------

    def masked_params(self):
        """The task's parameters with every secret replaced, for the logged and returned invocation."""
        params = getattr(self, 'params', None) or {}
        spec = getattr(self, 'argument_spec', None) or {}
        masked = mask_secrets(params, MASK)
        for name, options in spec.items():
            if options.get('no_log') and masked.get(name) is not None:
                masked[name] = MASK
        return masked

    def _log_invocation(self):
        params = self.params
        self.params = self.masked_params()
        try:
            super()._log_invocation()
        finally:
            self.params = params

    def exit_json(self, **kwargs):
        kwargs.setdefault('invocation', {'module_args': self.masked_params()})
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        kwargs.setdefault('invocation', {'module_args': self.masked_params()})
        super().fail_json(msg, **kwargs)

    # ----- client and results -----------------------------------------------------------------

    @property
    def client(self):
        """The run's ``GraphClient``; fails the task cleanly when a dependency or setting is missing."""
        if self._client is None:
            if not graph_http.HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib('requests'), exception=graph_http.REQUESTS_IMPORT_ERROR)
            if not graph_auth.HAS_MSAL and not self.params['access_token']:
                self.fail_json(msg=missing_required_lib('msal'), exception=graph_auth.MSAL_IMPORT_ERROR)
            try:
                settings = GraphSettings(**dict((name, self.params[name]) for name in CONNECTION_ARGUMENT_SPEC))
                self._client = graph_client.GraphClient(settings)
            except (GraphError, ValueError) as exc:
                self.fail_json(msg='Invalid connection settings: %s' % exc)
        return self._client

    def stats(self):
        """Client statistics, or zeros when no request was needed."""
        if self._client is None:
            return ClientStats().as_dict()
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

    def refuse(self, failures, what, list_name, subject_of, **result):
        """Fail before any write: ``Nothing was changed: N problem(s) in <what>: ...``, every problem in ``result[list_name]``."""
        result[list_name] = failures
        result.setdefault('stats', self.stats())
        self.fail_json(msg='Nothing was changed: %d problem(s) in %s: %s' % (len(failures), what, summarise_failures(failures, subject_of, list_name)),
                       **result)

    def finish(self, changed, failures, list_name, subject_of, fail_on_error=True, before=None, after=None, **result):
        """End the task after writing: fail (or, without ``fail_on_error``, warn) for each change Graph refused, else succeed.

        ``failures`` are dicts with ``action``, ``status``, ``code`` and ``message``; ``subject_of(failure)`` names what each is about.
        """
        result[list_name] = failures
        if failures:
            text = '%d change(s) failed: %s' % (len(failures), summarise_failures(failures, subject_of, list_name))
            if fail_on_error:
                self.fail_json(msg=text, changed=changed, stats=self.stats(), check_mode=self.check_mode, **result)
            for failure in failures[:MESSAGE_LIMIT]:
                self.warn(failure_line(failure, subject_of(failure)))
            if len(failures) > MESSAGE_LIMIT:
                self.warn('%d more failures are listed in %s' % (len(failures) - MESSAGE_LIMIT, list_name))
        self.exit_result(changed, before=before if changed else None, after=after if changed else None, **result)

    def exit_result(self, changed, before=None, after=None, **result):
        """``exit_json`` with ``stats``, ``check_mode`` and, in diff mode, ``diff`` built from ``before``/``after``.

        ``check_mode`` is returned because a play's ``check_mode: true`` is invisible to ``ansible_check_mode``:
        a role reads it from the result to tell a preview from a run that wrote.
        """
        result['stats'] = self.stats()
        result['check_mode'] = self.check_mode
        if self._diff and (before is not None or after is not None):
            result['diff'] = {'before': mask_secrets(before), 'after': mask_secrets(after)}
        self.exit_json(changed=changed, **result)


def failure_line(failure, subject):
    """``subject: action: status code: message`` for a change Graph refused; a validation problem is its own message."""
    if failure.get('action') == 'validate':
        return failure['message']
    status = '%s %s: ' % (failure['status'], failure.get('code') or '') if failure.get('status') else ''
    return '%s: %s: %s%s' % (subject, failure['action'], status, failure['message'])


def summarise_failures(failures, subject_of, list_name):
    """The first failures as one line for a task's message, and how many more ``list_name`` holds."""
    lines = [failure_line(failure, subject_of(failure)) for failure in failures[:MESSAGE_LIMIT]]
    if len(failures) > MESSAGE_LIMIT:
        lines.append('and %d more (see %s)' % (len(failures) - MESSAGE_LIMIT, list_name))
    return '; '.join(lines)


def range_problem(name, value, low=None, high=None, low_allowed=True):
    """A sentence saying why ``value`` is outside the allowed range of option ``name``, or None."""
    if value is None:
        return None
    too_low = low is not None and (value < low or (value == low and not low_allowed))
    too_high = high is not None and value > high
    if not (too_low or too_high):
        return None
    if low is not None and high is not None:
        wanted = '%s %s and at most %s' % ('at least' if low_allowed else 'greater than', low, high)
    elif low is not None:
        wanted = '%s %s' % ('at least' if low_allowed else 'greater than', low)
    else:
        wanted = 'at most %s' % high
    return '%s must be %s, got %s' % (name, wanted, value)


def check_raw_parameters(spec, params, module_name=None, path=''):
    """Problems Ansible's own validation reports badly or not at all, found on the raw (unconverted) input.

    - an option name that does not exist, with the closest existing one suggested (reported before the
      "missing required" errors it would otherwise cause);
    - a list option given as text (Ansible would split ``"Engineering, All staff"`` at commas);
    - an element of a list of dicts that is not a dict;
    - the same checks inside ``options`` of list and dict options, naming the item (``memberships[2].groups``).
    """
    problems = []
    if not isinstance(params, dict):
        return problems
    known = {}
    for name, options in spec.items():
        known[name] = name
        for alias in options.get('aliases') or ():
            known[alias] = name
    unknown = [key for key in params if key not in known and not str(key).startswith('_ansible_')]
    for key in unknown:
        close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
        hint = " (did you mean '%s'?)" % known[close[0]] if close else ''
        problems.append("%sunsupported option '%s'%s; %s takes: %s" % (
            path + ': ' if path else '', key, hint, module_name or 'this module', ', '.join(sorted(spec))))
    for name, options in spec.items():
        value = _raw_value(params, name, options)
        if value is None:
            continue
        where = '%s.%s' % (path, name) if path else name
        if options.get('type') == 'list' and isinstance(value, (str, bytes)):
            problems.append("%s must be a list, got the text %r; write it as a YAML list ([a, b] or one '- item' per line)" % (where, value))
            continue
        if options.get('type') == 'list' and options.get('elements') == 'dict' and isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    problems.append('%s[%d] must be a dict, got %s %r' % (where, index, type(item).__name__, item))
        suboptions = options.get('options')
        if not suboptions:
            continue
        if options.get('type') == 'list' and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    problems.extend(check_raw_parameters(suboptions, item, name, '%s[%d]' % (where, index)))
        elif isinstance(value, dict):
            problems.extend(check_raw_parameters(suboptions, value, name, where))
    return problems


def _raw_value(params, name, options):
    if name in params:
        return params[name]
    for alias in options.get('aliases') or ():
        if alias in params:
            return params[alias]
    return None
