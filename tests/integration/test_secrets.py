# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No secret reaches any output channel: stdout at every verbosity, the task results a callback (AWX, ansible-runner)
keeps, and ANSIBLE_LOG_PATH. Secrets sit where the second new-user trial found them printed: graph_batch bodies (a
password, a PIN, a list of passwords, a synchronization SecretToken pair, a value under a name no rule knows), a
header, an integer password refused by graph_user_bulk and by the onboarding role, the client secret, and a Temporary
Access Pass that Graph sends back."""

from __future__ import annotations

import json
import os

import pytest

DOMAIN = 'contoso.example'
TAP_PERMISSION = 'UserAuthenticationMethod.ReadWrite.All'
BODY_PASSWORD = 'Pa55-in-a-batch-body!'
SECRETS = [BODY_PASSWORD, 'Bearer-token-in-a-header-42', 'Initial-Pa55-2026!', 'Cert-pa55phrase-9', '73914', 'List-pa55-one',
           'List-pa55-two', 'Sync-secret-token-77', 'Unknown-shaped-secret-5']
INTEGER_PASSWORD = 86420975  # refused ("must be a non-empty string"), and must not be printed on the way
TAP_USER = 'keeper@%s' % DOMAIN


def _batch(fail_on_error):
    new_user = {'accountEnabled': True, 'displayName': 'Secret Keeper', 'mailNickname': 'keeper', 'userPrincipalName': TAP_USER,
                'passwordProfile': {'password': BODY_PASSWORD, 'forceChangePasswordNextSignIn': True}}
    return {
        'requests': [
            {'id': 'create', 'method': 'POST', 'url': '/users', 'body': new_user},
            {'id': 'with-header', 'url': '/users?$top=1', 'headers': {'X-Custom-Authorization': SECRETS[1]}},
            {'id': 'again', 'method': 'POST', 'url': '/users', 'depends_on': ['create'], 'body': new_user},
            {'id': 'pin', 'method': 'PATCH', 'url': '/users/%s' % TAP_USER, 'depends_on': ['create'],
             'body': {'pin': int(SECRETS[4]), 'passwords': [SECRETS[5], SECRETS[6]]}},
            {'id': 'sync-secrets', 'method': 'PUT', 'url': '/servicePrincipals/00000000-0000-0000-0000-000000000001/synchronization/secrets',
             'body': {'value': [{'key': 'BaseAddress', 'value': 'https://scim.example'}, {'key': 'SecretToken', 'value': SECRETS[7]}]}},
            {'id': 'odd-shape', 'method': 'POST', 'url': '/users/%s/revokeSignInSessions' % TAP_USER, 'depends_on': ['create'],
             'body': {'note': SECRETS[8]}},
            {'id': 'tap', 'method': 'POST', 'url': '/users/%s/authentication/temporaryAccessPassMethods' % TAP_USER, 'depends_on': ['create'],
             'body': {'lifetimeInMinutes': 60}},
        ],
        'fail_on_error': fail_on_error,
    }


def _playbook(fail_on_error):
    users = {'users': [{'userPrincipalName': 'newbie@%s' % DOMAIN, 'displayName': 'Newbie', 'password': SECRETS[2]}],
             'client_certificate_password': SECRETS[3]}
    integer = {'users': [{'userPrincipalName': 'numbers@%s' % DOMAIN, 'displayName': 'Numbers', 'password': INTEGER_PASSWORD}]}
    role = {'name': 'mynster.msgraph.onboarding'}
    role_vars = {'onboarding_users': [{'userPrincipalName': 'role.numbers@%s' % DOMAIN, 'displayName': 'Role Numbers',
                                       'password': INTEGER_PASSWORD}]}
    tap_for_vault = {'requests': [{'id': 'tap', 'method': 'POST', 'url': '/users/newbie@%s/authentication/temporaryAccessPassMethods' % DOMAIN,
                                   'body': {}}], 'return_secrets': True, 'replication_timeout': 30}
    tasks = [
        {'name': 'Batch with secrets', 'mynster.msgraph.graph_batch': _batch(fail_on_error), 'ignore_errors': True},
        {'name': 'Users with secrets', 'mynster.msgraph.graph_user_bulk': users, 'ignore_errors': True},
        {'name': 'Integer password', 'mynster.msgraph.graph_user_bulk': integer, 'ignore_errors': True},
        # ignore_errors on include_role would not reach the role's own tasks: a rescue lets the play go on.
        {'block': [{'name': 'Integer password through the role', 'ansible.builtin.include_role': role, 'vars': role_vars}],
         'rescue': [{'name': 'The role stopped', 'ansible.builtin.debug': {'msg': 'refused'}}]},
        {'name': 'Pass for the vault', 'mynster.msgraph.graph_batch': tap_for_vault, 'no_log': True, 'register': 'for_vault'},
        {'name': 'The pass came back', 'ansible.builtin.debug':
            {'msg': "{{ 'pass returned' if (for_vault.responses[0].body.temporaryAccessPass | default('') | length) >= 8 else 'no pass' }}"}},
    ]
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}])


def _tap_passes(emulator):
    return [method['temporaryAccessPass'] for method in emulator.objects('temporaryAccessPassMethod')]


@pytest.mark.parametrize('check, verbosity, fail_on_error', [
    (False, 0, True), (False, 1, False), (False, 2, True), (False, 3, False), (False, 4, False), (True, 0, False), (True, 4, True)])
def test_no_secret_in_any_output(emulator, playbook, tmp_path, check, verbosity, fail_on_error):
    roles = emulator.default_config()['app_roles'] + [TAP_PERMISSION]
    emulator.configure(app_roles=roles)
    log_path = str(tmp_path / 'ansible.log')
    run = playbook(_playbook(fail_on_error), check=check, diff=True, verbosity=verbosity, env={'ANSIBLE_LOG_PATH': log_path})
    with open(log_path) as handle:
        channels = {'stdout': run.stdout + run.stderr, 'callback results': json.dumps(run.tasks), 'ANSIBLE_LOG_PATH': handle.read()}
    secrets = SECRETS + [str(INTEGER_PASSWORD), emulator.info['client_secret']] + _tap_passes(emulator)
    for channel, text in channels.items():
        for secret in secrets:
            assert secret not in text, 'secret %r in %s:\n%s' % (secret, channel, text[:3000])

    # Every task ran and talked to the emulator, or was refused for the integer password (a task that never ran proves nothing).
    batch = run.result('Batch with secrets')
    assert batch.get('stats', {}).get('http_requests', 0) > 0, run
    assert 'must be a non-empty string' in run.result('Integer password')['msg']
    assert run.result('The role stopped')['msg'] == 'refused'
    assert os.path.getsize(log_path) > 0
    if check:
        assert _tap_passes(emulator) == [], 'check mode sent a write'
        return
    assert any(u['userPrincipalName'] == 'newbie@%s' % DOMAIN for u in emulator.objects('user'))
    tap = dict((answer['id'], answer) for answer in batch['responses'])['tap']
    assert tap['status'] == 201 and tap['secrets_hidden'] is True, tap
    assert tap['body']['temporaryAccessPass'].startswith('(secret not returned')
    assert len(_tap_passes(emulator)) == 2, 'both passes were created'
    assert run.result('The pass came back')['msg'] == 'pass returned'
    if verbosity >= 3:
        requests = run.result('Batch with secrets')['invocation']['module_args']['requests']
        assert requests[0]['body'].startswith('(not shown') and requests[1]['headers'].startswith('(not shown')


def test_bodies_are_shown_when_asked_with_secrets_still_masked(emulator, playbook):
    batch = _batch(False)
    batch['show_request_bodies'] = True
    text = json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{'name': 'Shown', 'mynster.msgraph.graph_batch': batch}]}])
    run = playbook(text, check=True, diff=True, verbosity=3)
    assert run.rc == 0, run
    shown = run.result('Shown')['invocation']['module_args']['requests']
    assert shown[0]['body']['displayName'] == 'Secret Keeper' and shown[0]['body']['passwordProfile']['forceChangePasswordNextSignIn'] is True
    assert shown[3]['body']['pin'] != int(SECRETS[4]) and SECRETS[5] not in json.dumps(shown)
    assert shown[5]['body'] == {'note': SECRETS[8]}, 'a value under a name no rule knows is shown when the task asks for bodies'
    diff_writes = run.result('Shown')['diff']['after']['writes']
    assert diff_writes[0]['body']['displayName'] == 'Secret Keeper'
    for secret in SECRETS[:8]:
        assert secret not in run.stdout, secret


def test_return_secrets_without_no_log_warns(emulator, playbook):
    emulator.configure(app_roles=emulator.default_config()['app_roles'] + [TAP_PERMISSION])
    emulator.seed(users=[{'userPrincipalName': TAP_USER, 'displayName': 'Keeper'}])
    task = {'requests': [{'method': 'POST', 'url': '/users/%s/authentication/temporaryAccessPassMethods' % TAP_USER, 'body': {}}],
            'return_secrets': True}
    run = playbook(json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [{'name': 'Loud', 'mynster.msgraph.graph_batch': task}]}]))
    assert run.rc == 0, run
    result = run.result('Loud')
    assert result['responses'][0]['body']['temporaryAccessPass'] == _tap_passes(emulator)[0]
    assert any('set no_log: true on this task' in warning for warning in result['warnings'])
