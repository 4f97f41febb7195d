# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.mynster.msgraph.plugins.module_utils.base.secrets import is_secret_key, mask_secrets, secret_values


@pytest.mark.parametrize('key', ['password', 'PASSWORD', 'client_secret', 'secretText', 'access_token', 'Authorization',
                                 'proxy-authorization', 'client_certificate_password', 'privateKey', 'passphrase', 'Cookie'])
def test_secret_keys(key):
    assert is_secret_key(key)


@pytest.mark.parametrize('key', ['displayName', 'passwordPolicies', 'forceChangePasswordNextSignIn', 'force_change_password',
                                 'refreshTokensValidFromDateTime', 'lastPasswordChangeDateTime', 'transactionId', 'Content-Type'])
def test_keys_that_only_look_secret(key):
    assert not is_secret_key(key)


def test_secrets_are_masked_at_any_depth_and_only_text_values():
    value = {'requests': [{'body': {'passwordProfile': {'password': 'x', 'forceChangePasswordNextSignIn': True},
                                    'displayName': 'A', 'passwordPolicies': 'DisablePasswordExpiration'},
                           'headers': {'Authorization': 'Bearer abc', 'ConsistencyLevel': 'eventual'}}],
             'client_secret': 's', 'force_change_password': False, 'token': None}
    assert mask_secrets(value) == {
        'requests': [{'body': {'passwordProfile': {'password': '********', 'forceChangePasswordNextSignIn': True},
                               'displayName': 'A', 'passwordPolicies': 'DisablePasswordExpiration'},
                      'headers': {'Authorization': '********', 'ConsistencyLevel': 'eventual'}}],
        'client_secret': '********', 'force_change_password': False, 'token': None}


def test_secret_values_are_collected_for_no_log():
    raw = [{'userPrincipalName': 'a@x.example', 'password': 'one'}, {'PASSWORD': 'two'}, {'passwordProfile': {'password': 'three'}}, 'x',
           {'password': None}, {'headers': {'authorization': 'Bearer tok'}}, {'password': 'one'}]
    assert secret_values(raw) == ['one', 'two', 'three', 'Bearer tok', 'tok']
    assert secret_values(None) == []


@pytest.mark.parametrize('key', ['pin', 'PIN', 'temporaryAccessPass', 'passcode', 'passwords', 'key'])
def test_more_secret_keys(key):
    assert is_secret_key(key)


@pytest.mark.parametrize('key', ['mapping', 'shippingAddress', 'keyId', 'spinner', 'customKeyIdentifier', 'opinion'])
def test_words_that_only_contain_a_secret_name(key):
    assert not is_secret_key(key)


def test_secrets_of_any_type_and_in_lists_and_pairs_are_masked():
    value = {'pin': 123456, 'password': 42, 'passwords': ['one', 'two', None], 'passwordRequired': True,
             'passwordCredentials': [{'keyId': 'k-1', 'secretText': 'shh', 'displayName': 'CI'}],
             'value': [{'key': 'SecretToken', 'value': 'sync-secret'}, {'key': 'BaseAddress', 'value': 'https://scim.example'},
                       {'name': 'Department', 'value': 'Sales'}]}
    assert mask_secrets(value) == {
        'pin': '********', 'password': '********', 'passwords': ['********', '********', None], 'passwordRequired': True,
        'passwordCredentials': [{'keyId': 'k-1', 'secretText': '********', 'displayName': 'CI'}],
        'value': [{'key': 'SecretToken', 'value': '********'}, {'key': 'BaseAddress', 'value': 'https://scim.example'},
                  {'name': 'Department', 'value': 'Sales'}]}
    assert secret_values(value) == ['123456', '42', 'one', 'two', 'shh', 'sync-secret']
