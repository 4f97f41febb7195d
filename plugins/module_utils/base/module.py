# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""``GraphModule``: the Ansible side every module of the collection shares.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Owns the connection options (``options``), checks the task's input before anything else happens (unknown
option names, lists given as text, numbers out of range), keeps secrets out of every output, builds the
client lazily, and ends every task the same way: ``refuse`` before any write (with the problems),
``finish`` after writing (with the failures), ``exit_result`` otherwise.

It uses public ``AnsibleModule`` API plus one hook: ``_load_params``, which ``AnsibleModule.__init__`` calls
first to read the task's parameters (its docstring says so). Only there can a list given as text still be
told from a list. ``tests/unit/plugins/module_utils/base/test_module.py`` pins the hook.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.mynster.msgraph.plugins.module_utils.base.options import CONNECTION_ARGUMENT_SPEC, CONNECTION_RANGES
from ansible_collections.mynster.msgraph.plugins.module_utils.base.secrets import MASK, mask_secrets, secret_values
from ansible_collections.mynster.msgraph.plugins.module_utils.client import auth as graph_auth, client as graph_client, http as graph_http
from ansible_collections.mynster.msgraph.plugins.module_utils.client.clouds import GraphSettings
from ansible_collections.mynster.msgraph.plugins.module_utils.client.errors import GraphError, GraphRequestError
from ansible_collections.mynster.msgraph.plugins.module_utils.client.stats import ClientStats
from ansible_collections.mynster.msgraph.plugins.module_utils.common.input_checks import check_raw_parameters, range_problem
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import InputError, Problem, failure_line, summarise

# How many failures a task's message spells out; the result lists them all.
MESSAGE_LIMIT = 20

# ansible-core scrubs every output string against every no_log value, which grows with values x output:
# thousands of distinct passwords cost seconds. While the task's input is read and logged, every secret
# found in it is a no_log value; afterwards only the first ones stay, as a second line of defence behind
# the structural masking of everything the modules report.
MAX_NO_LOG_VALUES = 100


class GraphModule(AnsibleModule):
    """AnsibleModule with the shared connection options, input checks, secret masking and task endings.

    ``raw_input(params)``, when given, reads the raw parameters further (a module whose list items must be
    named in every problem) and returns ``(parsed, problems)``; ``parsed`` is kept as ``self.parsed``.
    ``items`` names the option the task's items are in, for the ``Nothing was changed`` message (``Nothing was read``
    for a module that only reads: ``reads_only``). ``connection=False`` leaves the connection options out (a module
    that never calls Graph). ``invocation_view(params)``, when given, returns the parameters as the task's returned
    invocation should show them, before secrets are masked (``graph_batch`` leaves request bodies out).
    """

    def __init__(self, argument_spec=None, supports_check_mode=True, ranges=None, raw_input=None, items=None, reads_only=False, connection=True,
                 empty_result=None, problem_records=None, invocation_view=None, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC) if connection else {}
        spec.update(argument_spec or {})
        self._ranges = dict(CONNECTION_RANGES) if connection else {}
        self._ranges.update(ranges or {})
        self._raw_input = raw_input
        self._items = items
        self._refusal = 'Nothing was read' if reads_only else 'Nothing was changed'
        self._empty_result = dict(empty_result or {})
        self._problem_records = problem_records
        self._invocation_view = invocation_view
        self._input_secrets = []
        self._client = None
        self.parsed = None
        self.extra_stats = {}
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        self._keep_first_secrets()
        problems = [problem for problem in (range_problem(name, self.params.get(name), *bounds) for name, bounds in sorted(self._ranges.items()))
                    if problem]
        if problems:
            self.refuse(problems)

    # ----- the raw input, before Ansible converts it ----------------------------------------

    def _load_params(self):
        """Read the task's parameters (``AnsibleModule`` calls this first), then check them as they were given."""
        super()._load_params()
        raw = self.params
        self.check_mode = boolean(raw.get('_ansible_check_mode', False), strict=False)
        self._input_secrets = secret_values(raw)
        self.no_log_values.update(self._input_secrets)
        problems = check_raw_parameters(self.argument_spec, raw, raw.get('_ansible_module_name'))
        if not problems and self._raw_input is not None:
            self.parsed, problems = self._raw_input(raw)
        if problems:
            self.refuse(problems)

    def _keep_first_secrets(self):
        """After the invocation is logged, only the first secrets of the input (and the no_log options) stay no_log values."""
        dropped = set(self._input_secrets[MAX_NO_LOG_VALUES:])
        if not dropped:
            return
        kept = set(str(self.params[name]) for name, options in self.argument_spec.items() if options.get('no_log') and self.params.get(name))
        self.no_log_values.difference_update(dropped - kept)

    # ----- secrets out of every output ------------------------------------------------------

    def masked_params(self):
        """The task's parameters with every secret replaced, for the returned invocation."""
        params = dict((k, v) for k, v in (getattr(self, 'params', None) or {}).items() if not str(k).startswith('_ansible_'))
        if getattr(self, '_invocation_view', None) is not None:
            params = self._invocation_view(params)
        masked = mask_secrets(params, MASK)
        for name, options in (getattr(self, 'argument_spec', None) or {}).items():
            if options.get('no_log') and masked.get(name) is not None:
                masked[name] = MASK
        return masked

    def exit_json(self, **kwargs):
        kwargs.setdefault('invocation', {'module_args': self.masked_params()})
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        kwargs.setdefault('invocation', {'module_args': self.masked_params()})
        super().fail_json(msg, **kwargs)

    # ----- client ------------------------------------------------------------------------------

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
            if not settings.validate_certs:
                self.warn(INSECURE_TLS_WARNING)
        return self._client

    def stats(self):
        """Client statistics, or zeros when no request was needed."""
        stats = (self._client.stats if self._client is not None else ClientStats()).as_dict()
        stats.update(self.extra_stats)
        return stats

    # ----- how a task ends ---------------------------------------------------------------------

    def run_guarded(self, function, *args, **result):
        """Call ``function(*args)``; problems it raises end the task with ``refuse`` (``result`` added), client errors with a failure."""
        try:
            return function(*args)
        except InputError as exc:
            self.refuse(exc.problems, **result)
        except GraphRequestError as exc:
            self.refuse([exc.problem], **result)
        except GraphError as exc:
            self.fail_from_exception(exc, **result)

    def fail_from_exception(self, exc, msg=None, **result):
        """Report a ``GraphError`` (Graph or the transport refused a read the task needs) as a task failure."""
        text = str(exc)
        if msg:
            text = '%s: %s' % (msg, text)
        result.setdefault('error', exc.to_dict())
        result.setdefault('stats', self.stats())
        self.fail_json(msg=text, **result)

    def refuse(self, problems, **result):
        """Fail before any write (or read): ``Nothing was changed: N problem(s) in <items>: ...``, every problem in ``result['problems']``."""
        problems = [problem if isinstance(problem, Problem) else Problem(str(problem)) for problem in problems]
        for name, value in self._empty_result.items():
            result.setdefault(name, value)
        result['problems'] = [problem.to_dict() for problem in problems]
        if self._problem_records is not None:
            result[self._problem_records[0]] = [self._problem_records[1](problem) for problem in problems]
        result.setdefault('stats', self.stats())
        result.setdefault('check_mode', self.check_mode)
        where = ' in %s' % self._items if self._items else ''
        self.fail_json(msg='%s: %d problem(s)%s: %s' % (self._refusal, len(problems), where, summarise(problems, MESSAGE_LIMIT)), **result)

    def finish(self, changed, failures, list_name, fail_on_error=True, before=None, after=None, what='change(s)', **result):
        """End the task after writing: fail (or, without ``fail_on_error``, warn) for each request Graph refused, else succeed.

        ``failures`` are ``common.outcomes.failure`` records; ``what`` names what failed in the message.
        """
        result[list_name] = failures
        if failures:
            text = '%d %s failed: %s' % (len(failures), what, summarise_failures(failures, list_name))
            if fail_on_error:
                self.fail_json(msg=text, changed=changed, stats=self.stats(), check_mode=self.check_mode, **result)
            for record in failures[:MESSAGE_LIMIT]:
                self.warn(failure_line(record))
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


# Said once per task (the client is built once) whenever certificates are not checked.
INSECURE_TLS_WARNING = ('validate_certs is false: the TLS certificates of Graph and of the sign-in authority are not checked, so whoever '
                        'sits between this host and them can read and change what the task sends, credentials and tokens included. '
                        'Give the CA bundle that signs their certificates in ca_path (or MSGRAPH_CA_PATH) and remove validate_certs.')


def summarise_failures(failures, list_name):
    """The first failures as one line for a task's message, and how many more ``list_name`` holds."""
    lines = [failure_line(record) for record in failures[:MESSAGE_LIMIT]]
    if len(failures) > MESSAGE_LIMIT:
        lines.append('and %d more (see %s)' % (len(failures) - MESSAGE_LIMIT, list_name))
    return '; '.join(lines)
