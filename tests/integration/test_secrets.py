# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No secret reaches any output at any verbosity: passwords and tokens inside graph_batch bodies and headers,
users' initial passwords, the client secret. Runs at -vvvv, for real, in check mode and failing."""

from __future__ import annotations

import json

import pytest

DOMAIN = 'contoso.example'
SECRETS = ['Pa55-in-a-batch-body!', 'Bearer-token-in-a-header-42', 'Initial-Pa55-2026!', 'Cert-pa55phrase-9']


def _playbook(fail_on_error):
    batch = {
        'requests': [
            {'id': 'create', 'method': 'POST', 'url': '/users',
             'body': {'accountEnabled': True, 'displayName': 'Secret Keeper', 'mailNickname': 'keeper',
                      'userPrincipalName': 'keeper@%s' % DOMAIN,
                      'passwordProfile': {'password': SECRETS[0], 'forceChangePasswordNextSignIn': True}}},
            {'id': 'with-header', 'url': '/users?$top=1', 'headers': {'X-Custom-Authorization': SECRETS[1]}},
            {'id': 'again', 'method': 'POST', 'url': '/users', 'depends_on': ['create'],
             'body': {'accountEnabled': True, 'displayName': 'Secret Keeper', 'mailNickname': 'keeper',
                      'userPrincipalName': 'keeper@%s' % DOMAIN, 'passwordProfile': {'password': SECRETS[0]}}},
        ],
        'fail_on_error': fail_on_error,
    }
    users = {'users': [{'userPrincipalName': 'newbie@%s' % DOMAIN, 'displayName': 'Newbie', 'password': SECRETS[2]}],
             'client_certificate_password': SECRETS[3]}
    return ('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
            '    - name: Batch with secrets\n      mynster.msgraph.graph_batch: %s\n      ignore_errors: true\n'
            '    - name: Users with secrets\n      mynster.msgraph.graph_user_bulk: %s\n      ignore_errors: true\n'
            % (json.dumps(batch), json.dumps(users)))


@pytest.mark.parametrize('check, fail_on_error', [(False, True), (True, False), (False, False)])
def test_no_secret_at_vvvv(emulator, playbook, check, fail_on_error):
    run = playbook(_playbook(fail_on_error), check=check, diff=True, verbosity=4)
    output = run.stdout + run.stderr
    assert 'Batch with secrets' in output and 'Users with secrets' in output, run
    for secret in SECRETS + [emulator.info['client_secret']]:
        assert secret not in output, 'secret %r printed:\n%s' % (secret, output[:3000])
    # the modules did run and talk to the emulator (a refused task would prove nothing)
    assert run.entry('Users with secrets')['result'].get('stats', {}).get('http_requests', 0) > 0, run
    if not check:
        assert any(u['userPrincipalName'] == 'newbie@%s' % DOMAIN for u in emulator.objects('user'))
