# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.mynster.msgraph.plugins.module_utils.users.input import (
    SkuCatalog,
    changed_properties,
    creation_body,
    creation_problems,
    current_licenses,
    mail_nickname_from,
    parse_users,
    plan_licenses,
    resolve_licenses,
    convert_value,
    new_upn_problems,
    same_value,
    seat_problems,
    user_item,
    wanted_properties,
)

E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900'
EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e'
TEAMS = '57ff2da0-773e-42df-b2af-ffb7a2317929'
EXCHANGE = 'efb87545-963c-4e0d-99df-69c6916d9eb0'
CATALOG = SkuCatalog([
    {'skuId': E3, 'skuPartNumber': 'ENTERPRISEPACK', 'consumedUnits': 8, 'prepaidUnits': {'enabled': 10},
     'servicePlans': [{'servicePlanId': TEAMS, 'servicePlanName': 'TEAMS1'}, {'servicePlanId': EXCHANGE, 'servicePlanName': 'EXCHANGE_S_ENTERPRISE'}]},
    {'skuId': EMS, 'skuPartNumber': 'EMS', 'consumedUnits': 3, 'prepaidUnits': {'enabled': 3}, 'servicePlans': []},
])


def one(entry, **kwargs):
    specs, problems = parse_users([entry], **kwargs)
    assert problems == [], problems
    return specs[0]


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
    assert problem.to_dict() == {'userPrincipalName': 'b@contoso.example', 'action': 'validate', 'field': 'accountEnabled',
                                 'status': None, 'code': None, 'message': str(problem)}
    assert [s.upn for s in specs] == ['a@contoso.example', 'b@contoso.example', 'd@contoso.example']


def test_creation_needs_and_body():
    spec = one({'userPrincipalName': "o'brien+x@contoso.example"})
    assert [p.field for p in creation_problems(spec)] == ['displayName', 'password', 'userPrincipalName']
    spec = one({'userPrincipalName': "o'brien@contoso.example"})
    assert [p.field for p in creation_problems(spec, ['contoso.example'])] == ['displayName', 'password']
    spec = one({'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'password': 'Pw-1234567', 'jobTitle': None},
               default_state='disabled', default_force_change=False)
    assert creation_problems(spec) == []
    assert creation_body(spec) == {'userPrincipalName': 'new@contoso.example', 'displayName': 'New', 'accountEnabled': False,
                                   'mailNickname': 'new', 'passwordProfile': {'password': 'Pw-1234567', 'forceChangePasswordNextSignIn': False}}
    assert mail_nickname_from("o'brien+x@contoso.example") == "o'brien+x"
    assert mail_nickname_from('.(weird)@contoso.example') == 'weird'
    assert mail_nickname_from('()@contoso.example') is None


def test_only_given_properties_are_compared():
    current = {'id': '1', 'userPrincipalName': 'a@contoso.example', 'jobTitle': 'Engineer', 'department': None, 'usageLocation': 'DK',
               'accountEnabled': True, 'businessPhones': ['+45 1', '+45 2'], 'employeeHireDate': '2026-03-01T00:00:00Z',
               'onPremisesExtensionAttributes': {'extensionAttribute1': 'a', 'extensionAttribute2': 'b'}}
    spec = one({'userPrincipalName': 'A@contoso.example', 'jobTitle': 'Engineer', 'department': '', 'usageLocation': 'dk',
                'businessPhones': ['+45 2', '+45 1'], 'employeeHireDate': '2026-03-01', 'mobilePhone': None,
                'onPremisesExtensionAttributes': {'extensionAttribute1': 'a'}})
    assert changed_properties(wanted_properties(spec), current) == {}
    spec = one({'userPrincipalName': 'a@contoso.example', 'jobTitle': 'engineer', 'department': 'Sales',
                'onPremisesExtensionAttributes': {'extensionAttribute2': 'c'}}, default_state='disabled')
    assert changed_properties(wanted_properties(spec), current) == {
        'jobTitle': 'engineer', 'department': 'Sales', 'onPremisesExtensionAttributes': {'extensionAttribute2': 'c'}, 'accountEnabled': False}


def test_value_equality_rules():
    assert same_value('mail', 'A@X.example', 'a@x.example') and not same_value('displayName', 'Ada', 'ada')
    assert same_value('x', True, True) and not same_value('x', True, 'True') and not same_value('x', False, None)
    assert same_value('x', None, '') and same_value('x', [], None)
    assert not same_value('x', ['a'], ['a', 'b']) and not same_value('x', {'a': 1}, None)
    assert same_value('x', [{'a': 1}], [{'a': 1, 'b': 2}])
    assert same_value('employeeHireDate', '2026-03-01T01:00:00+01:00', '2026-03-01T00:00:00Z')
    assert not same_value('employeeHireDate', '2026-03-02', '2026-03-01T00:00:00Z')


def test_licences_resolve_by_name_or_id_and_plans_by_name_or_id():
    spec = one({'userPrincipalName': 'a@contoso.example',
                'licenses': ['enterprisepack', {'skuId': EMS, 'disabledPlans': []}]})
    assert resolve_licenses(spec, CATALOG) == ([(E3, None), (EMS, set())], [])
    spec = one({'userPrincipalName': 'a@contoso.example', 'licenses': [{'sku': 'ENTERPRISEPACK', 'disabled_plans': ['teams1', EXCHANGE]}]})
    assert resolve_licenses(spec, CATALOG) == ([(E3, {TEAMS, EXCHANGE})], [])
    spec = one({'userPrincipalName': 'a@contoso.example', 'licenses': ['SPE_E5', {'sku': 'EMS', 'disabled_plans': ['TEAMS1']}, 'EMS']})
    resolved, problems = resolve_licenses(spec, CATALOG)
    assert resolved == [(EMS, set())]
    assert [str(p) for p in problems] == [
        "users[0] (a@contoso.example): licenses: unknown SKU 'SPE_E5'; the tenant subscribes to EMS, ENTERPRISEPACK",
        "users[0] (a@contoso.example): licenses: service plan 'TEAMS1' is not part of EMS",
        'users[0] (a@contoso.example): licenses: EMS is listed twice']


def test_direct_and_inherited_licences():
    user = {'assignedLicenses': [{'skuId': E3, 'disabledPlans': []}, {'skuId': EMS, 'disabledPlans': []}],
            'licenseAssignmentStates': [{'skuId': E3, 'disabledPlans': [TEAMS.upper()], 'assignedByGroup': None},
                                        {'skuId': EMS, 'disabledPlans': [], 'assignedByGroup': 'g1'},
                                        {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': 'g2'}]}
    assert current_licenses(user) == ({E3: {TEAMS}}, {EMS, E3})
    assert current_licenses({'assignedLicenses': [{'skuId': EMS.upper()}]}) == ({EMS: set()}, set())
    assert current_licenses(None) == ({}, set())


def test_licence_plan():
    direct, inherited = {E3: {TEAMS}, EMS: set()}, {'spe'}
    unchanged = plan_licenses([(E3, None)], direct, inherited, purge=False)
    assert not unchanged and unchanged.body() == {'addLicenses': [], 'removeLicenses': []}
    plan = plan_licenses([(E3, set()), ('spe', None), ('new', {TEAMS})], direct, inherited, purge=True)
    assert plan.body() == {'addLicenses': [{'skuId': E3, 'disabledPlans': []}, {'skuId': 'spe', 'disabledPlans': []},
                                           {'skuId': 'new', 'disabledPlans': [TEAMS]}], 'removeLicenses': [EMS]}
    assert (plan.added, plan.updated, plan.removed, plan.new_seats) == (['spe', 'new'], [E3], [EMS], ['new'])
    # purge never removes what only a group gives
    assert plan_licenses([], {}, {'spe'}, purge=True).remove == []


def test_seat_problems_name_the_users_beyond_the_free_seats():
    specs, dummy = parse_users([{'userPrincipalName': 'u%d@contoso.example' % i} for i in range(4)])
    assert seat_problems({E3: 2}, CATALOG, {E3: specs[:2]}) == []
    problems = seat_problems({E3: 4, EMS: 1}, CATALOG, {E3: specs, EMS: specs[:1]})
    assert [(p.upn, p.field) for p in problems] == [('u2@contoso.example', 'licenses'), ('u3@contoso.example', 'licenses'),
                                                    ('u0@contoso.example', 'licenses')]
    assert str(problems[0]) == 'users[2] (u2@contoso.example): licenses: ENTERPRISEPACK has 2 free seat(s) but this task assigns 4 new ones'
    assert 'EMS has 0 free seat(s)' in problems[2]


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


def test_user_item_is_a_bulk_entry():
    user = {'id': '1', 'userPrincipalName': '$adm@contoso.example', 'jobTitle': 'Engineer', 'state': 'Hovedstaden', 'city': None,
            'businessPhones': [], 'assignedLicenses': [],
            'licenseAssignmentStates': [{'skuId': E3, 'disabledPlans': [TEAMS], 'assignedByGroup': None},
                                        {'skuId': EMS, 'disabledPlans': [], 'assignedByGroup': None},
                                        {'skuId': E3, 'disabledPlans': [], 'assignedByGroup': 'g1'}],
            'manager': {'id': '2', 'userPrincipalName': 'boss@contoso.example'}}
    item = user_item(user, ['jobtitle', 'state', 'city', 'businessPhones', 'userPrincipalName'], CATALOG, True, True)
    assert item == {'userPrincipalName': '$adm@contoso.example', 'jobTitle': 'Engineer', 'state': 'Hovedstaden', 'city': None,
                    'businessPhones': [], 'licenses': ['EMS', {'sku': 'ENTERPRISEPACK', 'disabled_plans': ['TEAMS1']}],
                    'manager': 'boss@contoso.example'}
    spec = one(item)
    assert changed_properties(wanted_properties(spec), user) == {}
    direct, inherited = current_licenses(user)
    wanted, problems = resolve_licenses(spec, CATALOG)
    assert problems == [] and not plan_licenses(wanted, direct, inherited, purge=True)
    bare = user_item({'userPrincipalName': 'a@contoso.example'}, ['displayName'], include_licenses=True, include_manager=True)
    assert bare == {'userPrincipalName': 'a@contoso.example', 'displayName': None, 'licenses': [], 'manager': None}


def test_mail_nickname_characters_graph_refuses():
    assert convert_value('mailNickname', 'jørgen.hansen') == ('jørgen.hansen', None)
    value, problem = convert_value('mailNickname', 'a(b)@c')
    assert problem == "'a(b)@c' has characters Graph does not accept in a mailNickname: '(' ')' '@'"
    assert convert_value('mailNickname', 'x' * 65)[1] == 'is 65 characters long; Graph allows at most 64'
