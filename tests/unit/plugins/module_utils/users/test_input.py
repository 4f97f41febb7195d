# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""graph_user_bulk's input: user entries checked, normalised, and every problem named by user and field."""

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import convert_value, new_upn_problems, parse_users
from ansible_collections.mynster.msgraph.plugins.module_utils.users.properties import wanted_properties
from ansible_collections.mynster.msgraph.tests.unit.plugins.module_utils.users.users_tenant import one


def test_parse_normalises_a_csv_row():
    spec = one({'userPrincipalName': ' Ada@Contoso.example ', 'displayName': 'Ada', 'accountEnabled': 'yes', 'employeeId': 42,
                'officeLocation': '', 'password': 'Pw-1234567', 'force_change_password': 'false', 'account_state': None, 'state': 'Hovedstaden'})
    assert spec.upn == 'Ada@Contoso.example' and spec.key == 'ada@contoso.example' and spec.account_state == 'present'
    assert spec.properties == {'userPrincipalName': 'Ada@Contoso.example', 'displayName': 'Ada', 'accountEnabled': True,
                               'employeeId': '42', 'officeLocation': None, 'state': 'Hovedstaden'}
    assert spec.password == 'Pw-1234567' and spec.force_change_password is False
    assert spec.licenses is None and spec.has_manager is False


def test_parse_reports_every_problem_with_user_and_field():
    entries = [
        'not a dict',
        {'displayName': 'No UPN'},
        {'userPrincipalName': 'no-domain'},
        {'userPrincipalName': 'a@contoso.example', 'account_state': 'gone', 'passwordProfile': {'password': 'x'}, 'job title': 'x'},
        {'userPrincipalName': 'A@contoso.example'},
        {'userPrincipalName': 'b@contoso.example', 'account_state': 'disabled', 'accountEnabled': True, 'manager': 'nobody',
         'licenses': ['E3', {'disabled_plans': ['x']}, {'sku': 'E3', 'colour': 'red'}, 5]},
        {'userPrincipalName': 'c@contoso.example', 'jobTitle': 'x', 'JobTitle': 'y'},
        {'userPrincipalName': 'd@contoso.example', 'accountEnabled': 'maybe', 'force_change_password': 'perhaps', 'password': ''},
    ]
    specs, problems = parse_users(entries)
    text = [str(p) for p in problems]
    assert text[0] == 'users[0]: must be a dict of user properties, got str'
    assert text[1] == 'users[1]: userPrincipalName: is required'
    assert text[2] == "users[2]: userPrincipalName: 'no-domain' is not of the form name@domain.tld"
    assert "users[3] (a@contoso.example): account_state: 'gone' is not one of present, disabled, absent" in text
    assert any(t.startswith('users[3] (a@contoso.example): passwordProfile: cannot be set here') for t in text)
    assert 'users[3] (a@contoso.example): job title: is not a Graph property name' in text
    assert 'users[4] (A@contoso.example): userPrincipalName: listed twice (also users[3]); list each user once' in text
    assert 'users[5] (b@contoso.example): accountEnabled: true contradicts account_state=disabled' in text
    assert any('b@contoso.example): manager:' in t for t in text)
    assert any('licenses[1]: sku is required' in t for t in text)
    assert any('licenses[2]: unexpected key colour' in t for t in text)
    assert any('licenses[3]: must be a SKU name or id' in t for t in text)
    assert any(t.startswith('users[6]: JobTitle: given twice') for t in text)
    assert any('d@contoso.example): accountEnabled:' in t for t in text)
    assert any('d@contoso.example): force_change_password:' in t for t in text)
    assert any('d@contoso.example): password: must be a non-empty string' in t for t in text)
    problem = [p for p in problems if p.field == 'accountEnabled'][0]
    assert problem.to_dict() == {'item': 'users[5]', 'field': 'accountEnabled', 'subject': 'b@contoso.example',
                                 'reason': 'true contradicts account_state=disabled', 'message': str(problem)}
    assert [s.upn for s in specs] == ['a@contoso.example', 'b@contoso.example', 'd@contoso.example']


def problems_of(entry):
    dummy, problems = parse_users([entry])
    return [str(p) for p in problems]


def test_state_is_the_province_and_account_state_the_lifecycle():
    spec = one({'userPrincipalName': 'a@contoso.example', 'state': 'Hovedstaden', 'account_state': 'disabled'})
    assert spec.properties['state'] == 'Hovedstaden' and spec.account_state == 'disabled'
    assert wanted_properties(spec) == {'state': 'Hovedstaden', 'accountEnabled': False}
    # the old lifecycle values are refused where they would now set the province
    assert problems_of({'userPrincipalName': 'a@contoso.example', 'state': 'absent'}) == [
        "users[0] (a@contoso.example): state: 'absent': state is Graph's state (state or province) property; "
        "to delete the account, write account_state: absent"]
    # in any case: 'Absent' is not a province either
    dummy, (problem,) = parse_users([{'userPrincipalName': 'a@contoso.example', 'state': ' Disabled'}])
    assert (problem.field, problem.hint) == ('state', 'to disable the account, write account_state: disabled')


def test_value_types_are_checked_per_property():
    upn = {'userPrincipalName': 'a@contoso.example'}
    cases = {
        'businessPhones': ('+45 1, +45 2', "businessPhones: must be a list (Graph's businessPhones holds several values), got the text"),
        'otherMails': ({'a': 1}, 'otherMails: must be a list, got a dict'),
        'imAddresses': (['sip:a', None], 'imAddresses: item 1 must be text'),
        'identities': (['x'], 'identities: must be a list of dicts'),
        'jobTitle': (['a'], 'jobTitle: must be text, got a list'),
        'country': (False, "country: is False, a boolean, but country is text; quote the value"),
        'onPremisesExtensionAttributes': ('x', "onPremisesExtensionAttributes: must be a dict (Graph's onPremisesExtensionAttributes is an object)"),
        'employeeHireDate': ('tomorrow', "employeeHireDate: 'tomorrow' is not a date or time"),
        'usageLocation': ('Denmark', "usageLocation: 'Denmark' is not a two-letter country code"),
        'mailNickname': ('ada lovelace', "mailNickname: 'ada lovelace' has characters Graph does not accept in a mailNickname: ' '"),
        'createdDateTime': ('2026-01-01', 'createdDateTime: is read-only in Graph'),
        'proxyAddresses': (['smtp:a@x'], 'proxyAddresses: is read-only in Graph'),
        'showInAddressList': ('perhaps', "showInAddressList: 'perhaps' is not a boolean"),
    }
    for name, (value, expected) in cases.items():
        text = problems_of(dict(upn, **{name: value}))
        assert len(text) == 1 and text[0].startswith('users[0] (a@contoso.example): ' + expected), (name, text)


def test_values_are_normalised():
    assert convert_value('businessPhones', [4533123456, '+45 2']) == (['4533123456', '+45 2'], None)
    assert convert_value('employeeHireDate', '2026-03-01') == ('2026-03-01T00:00:00Z', None)
    assert convert_value('employeeId', 4711) == ('4711', None)
    assert convert_value('accountEnabled', 'no') == (False, None)
    assert convert_value('businessPhones', '') == (None, None) and convert_value('businessPhones', []) == ([], None)
    assert convert_value('extension_abc_level', 3) == (3, None)
    assert convert_value('state', 'Hovedstaden') == ('Hovedstaden', None)


def test_new_user_principal_names():
    assert new_upn_problems('ada.l-o_v!e#l^a~c\'e@contoso.example', ['contoso.example']) == []
    assert new_upn_problems('jørgen%x@contoso.example') == [
        "'jørgen%x@contoso.example' has characters Graph does not accept before the @ of a new user: 'ø' '%' "
        "(only A-Z a-z 0-9 and ' . - _ ! # ^ ~, no accents)"]
    assert new_upn_problems('a.@contoso.example') == ["'a.@contoso.example': Graph does not accept a period right before the @"]
    assert new_upn_problems('x' * 65 + '@contoso.example') == ['the part before the @ has 65 characters; Graph allows at most 64']
    assert new_upn_problems('a@' + 'd' * 46 + '.dk') == ['the domain has 49 characters; Graph allows at most 48']
    assert new_upn_problems('a@fabrikam.com', ['contoso.example', 'Contoso.com']) == [
        "'fabrikam.com' is not a verified domain of the tenant (verified: contoso.example, Contoso.com)"]
    assert new_upn_problems('a@CONTOSO.com', ['contoso.com']) == []


def test_mail_nickname_characters_graph_refuses():
    assert convert_value('mailNickname', 'jørgen.hansen') == ('jørgen.hansen', None)
    value, problem = convert_value('mailNickname', 'a(b)@c')
    assert problem == "'a(b)@c' has characters Graph does not accept in a mailNickname: '(' ')' '@'"
    assert convert_value('mailNickname', 'x' * 65)[1] == "is 65 characters long; Graph allows at most 64 in a user's mailNickname"


def test_documented_lengths_are_checked_with_user_and_field():
    specs, problems = parse_users([{'userPrincipalName': 'a@contoso.example', 'displayName': 'D' * 300, 'employeeId': 12345678901234567,
                                    'jobTitle': 'J' * 128, 'officeLocation': 'O' * 500}])
    assert [str(p) for p in problems] == [
        "users[0] (a@contoso.example): displayName: is 300 characters long; Graph allows at most 256 in a user's displayName",
        "users[0] (a@contoso.example): employeeId: is 17 characters long; Graph allows at most 16 in a user's employeeId"]
    assert (problems[0].item, problems[0].field, problems[0].subject) == ('users[0]', 'displayName', 'a@contoso.example')
