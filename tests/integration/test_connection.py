# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options as a newcomer writes them: the tenant named by a verified domain, certificates not checked."""

from __future__ import annotations

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""


def play(tasks):
    return PLAY % '\n'.join('    ' + line for line in tasks.strip('\n').splitlines())


READ_USERS = """
- name: Read users
  mynster.msgraph.graph_batch:
    requests: [{url: '/users?$select=userPrincipalName'}]
%s
"""


def test_tenant_id_may_be_one_of_the_tenants_verified_domains(emulator, playbook):
    """tenant_id: contoso.com (a domain of the tenant) signs in as the tenant id does, by secret and by certificate."""
    emulator.seed(users=[{'userPrincipalName': 'adele.vance@contoso.com', 'displayName': 'Adele Vance'}])
    info = emulator.info
    run = playbook(play(READ_USERS % ''), env={'AZURE_TENANT_ID': 'contoso.com'})
    assert run.rc == 0, run
    assert [u['userPrincipalName'] for u in run.result('Read users')['responses'][0]['body']['value']] == ['adele.vance@contoso.com']
    certificate = play(READ_USERS % ('    tenant_id: contoso.onmicrosoft.com\n    client_certificate_path: %s\n    client_secret: null'
                                     % info['client_certificate_path']))
    run = playbook(certificate, env={'AZURE_CLIENT_SECRET': ''})
    assert run.rc == 0, run
    assert emulator.stats()['token_requests'] == 2


def test_a_domain_of_no_tenant_is_refused(emulator, playbook):
    """A domain that is not the tenant's: the authority's discovery answers 400 invalid_tenant, and MSAL says so."""
    run = playbook(play(READ_USERS % ''), env={'AZURE_TENANT_ID': 'fabrikam.com'})
    assert run.rc != 0
    message = run.result('Read users')['msg']
    assert '/fabrikam.com' in message and 'tenant name or GUID' in message, message
    assert emulator.stats()['http_requests'] == 0


def test_validate_certs_false_warns_once_and_names_ca_path(emulator, playbook):
    run = playbook(play((READ_USERS % '    validate_certs: false\n') + READ_USERS.replace('Read users', 'Checked') % ''))
    assert run.rc == 0, run
    warnings = [w for w in run.result('Read users').get('warnings', []) if 'validate_certs is false' in w]
    assert len(warnings) == 1, run.result('Read users')
    assert 'not checked' in warnings[0] and 'ca_path' in warnings[0]
    assert 'validate_certs' not in ' '.join(run.result('Checked').get('warnings', []))
    assert '[WARNING]: validate_certs is false' in run.stdout + run.stderr
