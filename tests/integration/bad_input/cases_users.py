# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_user_bulk: user entries and options refused before the first write, each naming the item and the field.

Every case puts a valid change (adele's job title) before the bad entry: it must not be written either.
"""

from __future__ import annotations

from . import Case
from .tenant import PASSWORD, upn

GOOD = {'userPrincipalName': upn('adele'), 'jobTitle': 'Written although the task was refused'}
MEGAN = 'users[1] (%s)' % upn('megan')
NEW = upn('new.hire')
NEW_HIRE = 'users[1] (%s)' % NEW


def _users(*bad, **options):
    """The valid change first, then the bad entries."""
    args = {'users': [GOOD] + list(bad)}
    args.update(options)
    return args


def _megan(**properties):
    return _users(dict({'userPrincipalName': upn('megan')}, **properties))


def _new(local=None, **properties):
    user = {'userPrincipalName': local or NEW, 'displayName': 'New Hire', 'password': PASSWORD}
    user.update(properties)
    return _users(user)


BOTH = ('real', 'check')

CASES = [
    # the shape of users and their entries
    Case('users-as-text', 'graph_user_bulk', {'users': upn('megan')}, 'users must be a list'),
    Case('users-item-not-a-dict', 'graph_user_bulk', _users(upn('megan')), "users[1] must be a dict, got str 'megan@contoso.example'"),
    Case('users-no-upn', 'graph_user_bulk', _users({'displayName': 'Nobody'}), 'users[1]: userPrincipalName: is required'),
    Case('users-upn-not-an-address', 'graph_user_bulk', _users({'userPrincipalName': 'megan'}),
         "users[1]: userPrincipalName: 'megan' is not of the form name@domain.tld"),
    Case('users-listed-twice', 'graph_user_bulk', _users({'userPrincipalName': upn('ADELE'), 'department': 'x'}),
         'users[1] (ADELE@contoso.example): userPrincipalName: listed twice (also users[0])'),
    Case('users-key-twice-in-two-cases', 'graph_user_bulk', _users({'userPrincipalName': upn('megan'), 'jobTitle': 'a', 'JobTitle': 'b'}),
         'users[1]: JobTitle: given twice (jobTitle and JobTitle)'),
    Case('users-property-name-with-space', 'graph_user_bulk', _megan(**{'job title': 'x'}), MEGAN + ': job title: is not a Graph property name'),
    # state is the province; the lifecycle is account_state
    Case('users-old-state-capitalised', 'graph_user_bulk', _megan(state='Absent'),
         [MEGAN + ": state: 'Absent': state is Graph's state (state or province) property", 'write account_state: absent'],
         why='issue 21: the guard ignores case'),
    Case('users-old-state-absent', 'graph_user_bulk', _megan(state='absent'),
         [MEGAN + ": state: 'absent': state is Graph's state (state or province) property", 'write account_state: absent'], modes=BOTH,
         why='state: absent on a user item used to delete the account'),
    Case('users-old-state-disabled', 'graph_user_bulk', _megan(state='disabled'), [MEGAN + ": state: 'disabled'", 'account_state: disabled']),
    Case('users-bad-account-state', 'graph_user_bulk', _megan(account_state='gone'),
         MEGAN + ": account_state: 'gone' is not one of present, disabled, absent"),
    Case('users-enabled-but-disabled', 'graph_user_bulk', _megan(account_state='disabled', accountEnabled=True),
         MEGAN + ': accountEnabled: true contradicts account_state=disabled'),
    # value types
    Case('users-boolean-from-bad-text', 'graph_user_bulk', _megan(accountEnabled='maybe'), MEGAN + ": accountEnabled: 'maybe' is not a boolean"),
    Case('users-business-phones-as-text', 'graph_user_bulk', _megan(businessPhones='+45 1234, +45 5678'),
         MEGAN + ": businessPhones: must be a list (Graph's businessPhones holds several values), got the text '+45 1234, +45 5678'"),
    Case('users-other-mails-as-text', 'graph_user_bulk', _megan(otherMails='megan@fabrikam.example'), MEGAN + ': otherMails: must be a list'),
    Case('users-im-addresses-as-text', 'graph_user_bulk', _megan(imAddresses='sip:megan@contoso.example'), MEGAN + ': imAddresses: must be a list'),
    Case('users-phone-list-with-null', 'graph_user_bulk', _megan(businessPhones=['+45 1', None]), MEGAN + ': businessPhones: item 1 must be text'),
    Case('users-identities-of-text', 'graph_user_bulk', _megan(identities=['megan']), MEGAN + ': identities: must be a list of dicts'),
    Case('users-boolean-for-text', 'graph_user_bulk', _megan(country=False),
         MEGAN + ': country: is False, a boolean, but country is text; quote the value', why='YAML reads an unquoted NO (Norway) as false'),
    Case('users-list-for-text', 'graph_user_bulk', _megan(jobTitle=['Engineer', 'Manager']), MEGAN + ': jobTitle: must be text, got a list'),
    Case('users-dict-for-text', 'graph_user_bulk', _megan(department={'name': 'Sales'}), MEGAN + ': department: must be text, got a dict'),
    Case('users-extension-attributes-as-text', 'graph_user_bulk', _megan(onPremisesExtensionAttributes='a'),
         MEGAN + ": onPremisesExtensionAttributes: must be a dict (Graph's onPremisesExtensionAttributes is an object)"),
    Case('users-hire-date-not-a-date', 'graph_user_bulk', _megan(employeeHireDate='tomorrow 9am'),
         MEGAN + ": employeeHireDate: 'tomorrow 9am' is not a date or time"),
    Case('users-usage-location-a-name', 'graph_user_bulk', _megan(usageLocation='Denmark'),
         MEGAN + ": usageLocation: 'Denmark' is not a two-letter country code"),
    Case('users-mail-nickname-with-space', 'graph_user_bulk', _megan(mailNickname='megan bowen'),
         MEGAN + ": mailNickname: 'megan bowen' has characters Graph does not accept in a mailNickname: ' '"),
    Case('users-show-in-address-list-bad', 'graph_user_bulk', _megan(showInAddressList='perhaps'),
         MEGAN + ": showInAddressList: 'perhaps' is not a boolean"),
    # properties that cannot be set, or do not exist
    Case('users-unknown-property', 'graph_user_bulk', _users({'userPrincipalName': upn('megan'), 'favouriteColour': 'red'},
                                                             {'userPrincipalName': upn('alex'), 'favouriteColour': 'blue'}),
         [MEGAN + ": favouriteColour: Graph's users have no property 'favouriteColour'",
          "users[2] (alex@contoso.example): favouriteColour: Graph's users have no property"], modes=BOTH,
         why='used to fail with an OData parsing error naming no user'),
    Case('users-two-unknown-properties', 'graph_user_bulk', _megan(shoeSize='42', eyeColour='green'),
         [MEGAN + ": shoeSize: Graph's users have no property 'shoeSize'", MEGAN + ": eyeColour: Graph's users have no property"]),
    Case('users-read-only-created', 'graph_user_bulk', _megan(createdDateTime='2020-01-01T00:00:00Z'),
         MEGAN + ': createdDateTime: is read-only in Graph'),
    Case('users-read-only-proxy-addresses', 'graph_user_bulk', _megan(proxyAddresses=['SMTP:megan@contoso.example']),
         MEGAN + ': proxyAddresses: is read-only in Graph'),
    Case('users-password-profile', 'graph_user_bulk', _megan(passwordProfile={'password': PASSWORD}),
         MEGAN + ': passwordProfile: cannot be set here; give the initial password as password'),
    Case('users-object-id', 'graph_user_bulk', _megan(id='0f2d43c5-3a3b-4b17-9c80-5a9d6f0e2c11'), MEGAN + ': id: cannot be set here'),
    Case('users-assigned-licenses', 'graph_user_bulk', _megan(assignedLicenses=[]),
         MEGAN + ': assignedLicenses: cannot be set here; list licences under licenses'),
    Case('users-empty-password', 'graph_user_bulk', _megan(password=''), MEGAN + ': password: must be a non-empty string'),
    Case('users-force-change-not-boolean', 'graph_user_bulk', _megan(force_change_password='perhaps'),
         MEGAN + ": force_change_password: 'perhaps' is not a boolean"),
    # licences
    Case('users-licenses-as-text', 'graph_user_bulk', _megan(licenses='ENTERPRISEPACK, EMS'), MEGAN + ': licenses: must be a list'),
    Case('users-license-not-a-name', 'graph_user_bulk', _megan(licenses=[5]), MEGAN + ': licenses[0]: must be a SKU name or id'),
    Case('users-license-without-sku', 'graph_user_bulk', _megan(licenses=[{'disabled_plans': ['TEAMS1']}]), MEGAN + ': licenses[0]: sku is required'),
    Case('users-license-unknown-key', 'graph_user_bulk', _megan(licenses=[{'sku': 'EMS', 'plans': []}]), MEGAN + ': licenses[0]: unexpected key plans'),
    Case('users-disabled-plans-as-text', 'graph_user_bulk', _megan(licenses=[{'sku': 'ENTERPRISEPACK', 'disabled_plans': 'TEAMS1'}]),
         MEGAN + ': licenses[0]: disabled_plans must be a list'),
    Case('users-unknown-sku', 'graph_user_bulk', _megan(licenses=['SPE_E5']), MEGAN + ": licenses: unknown SKU 'SPE_E5'; the tenant subscribes to",
         modes=BOTH),
    Case('users-unknown-service-plan', 'graph_user_bulk', _megan(licenses=[{'sku': 'ENTERPRISEPACK', 'disabled_plans': ['TEAMS9']}]),
         MEGAN + ": licenses: service plan 'TEAMS9' is not part of ENTERPRISEPACK"),
    Case('users-sku-twice', 'graph_user_bulk', _megan(licenses=['EMS', 'ems']), MEGAN + ': licenses: EMS is listed twice'),
    Case('users-licence-without-usage-location', 'graph_user_bulk', _users({'userPrincipalName': upn('alex'), 'licenses': ['EMS']}),
         'users[1] (alex@contoso.example): usageLocation: required to assign licences'),
    # new users
    Case('users-new-without-display-name', 'graph_user_bulk', _users({'userPrincipalName': NEW, 'password': PASSWORD}),
         'users[1] (new.hire@contoso.example): displayName: required to create the user'),
    Case('users-new-without-password', 'graph_user_bulk', _users({'userPrincipalName': NEW, 'displayName': 'New Hire'}),
         'users[1] (new.hire@contoso.example): password: required to create the user', modes=BOTH),
    Case('users-new-upn-with-accent', 'graph_user_bulk', _new(upn('jørgen')),
         ["users[1] (jørgen@contoso.example): userPrincipalName: 'jørgen@contoso.example' has characters Graph does not accept before the @",
          "'ø'"], modes=BOTH),
    Case('users-new-upn-with-percent', 'graph_user_bulk', _new(upn('50%off')),
         ["users[1] (50%off@contoso.example): userPrincipalName:", "'%'"], why='Graph does not accept % in a new UPN; it used to be sent'),
    Case('users-new-upn-with-plus', 'graph_user_bulk', _new(upn('megan+test')), ["userPrincipalName:", "'+'"]),
    Case('users-new-upn-period-before-at', 'graph_user_bulk', _new(upn('new.')),
         "users[1] (new.@contoso.example): userPrincipalName: 'new.@contoso.example': Graph does not accept a period right before the @"),
    Case('users-new-upn-too-long', 'graph_user_bulk', _new(upn('n' * 65)),
         'userPrincipalName: the part before the @ has 65 characters; Graph allows at most 64'),
    Case('users-new-upn-unverified-domain', 'graph_user_bulk', _new('new.hire@fabrikam.example'),
         "users[1] (new.hire@fabrikam.example): userPrincipalName: 'fabrikam.example' is not a verified domain of the tenant", modes=BOTH),
    # Entra's password rule for new cloud users (concept-sspr-policy.md), checked before the first write; the password is never shown
    Case('users-new-password-too-short', 'graph_user_bulk', _new(password='Ab1!xyz'),
         [NEW_HIRE + ': password: is shorter than 8 characters', 'Graph requires 8 to 256 characters'], modes=BOTH,
         why='issue 21: the preview passed and the real run stopped half-way'),
    Case('users-new-password-too-long', 'graph_user_bulk', _new(password='Aa1!' + 'x' * 253),
         NEW_HIRE + ': password: is longer than 256 characters', modes=BOTH),
    Case('users-new-password-one-kind', 'graph_user_bulk', _new(password='onlylowercaseletters'),
         NEW_HIRE + ': password: uses 1 of the 4 kinds of character; Graph requires 8 to 256 characters with at least 3 of', modes=BOTH),
    Case('users-new-password-accents', 'graph_user_bulk', _new(password='Kodeord-æøå-2026'),
         NEW_HIRE + ': password: holds characters Graph does not accept in a password', modes=BOTH),
    Case('users-new-password-weak-second-hire', 'graph_user_bulk',
         _users({'userPrincipalName': upn('first.hire'), 'displayName': 'First', 'password': PASSWORD},
                {'userPrincipalName': NEW, 'displayName': 'New Hire', 'password': 'password1234'}),
         'users[2] (new.hire@contoso.example): password: uses 2 of the 4 kinds', modes=BOTH, why='the first hire must not be created either'),
    # lengths Graph documents (user.md "Maximum length is ...")
    Case('users-display-name-300', 'graph_user_bulk', _megan(displayName='D' * 300),
         MEGAN + ": displayName: is 300 characters long; Graph allows at most 256 in a user's displayName", modes=BOTH,
         why='issue 21: a 300-character displayName was written'),
    Case('users-new-display-name-300', 'graph_user_bulk', _new(displayName='D' * 300),
         NEW_HIRE + ": displayName: is 300 characters long; Graph allows at most 256", modes=BOTH),
    Case('users-employee-id-too-long', 'graph_user_bulk', _megan(employeeId='E-2026-000000000042'),
         MEGAN + ": employeeId: is 19 characters long; Graph allows at most 16 in a user's employeeId", modes=BOTH),
    Case('users-given-name-too-long', 'graph_user_bulk', _megan(givenName='G' * 65), MEGAN + ': givenName: is 65 characters long; Graph allows at most 64'),
    Case('users-postal-code-too-long', 'graph_user_bulk', _megan(postalCode='1' * 41), MEGAN + ': postalCode: is 41 characters long; Graph allows at most 40'),
    Case('users-job-title-too-long', 'graph_user_bulk', _megan(JobTitle='J' * 129), MEGAN + ': JobTitle: is 129 characters long; Graph allows at most 128',
         why='property names are case-insensitive'),
    # managers
    Case('users-manager-not-found', 'graph_user_bulk', _megan(manager=upn('nobody')),
         MEGAN + ": manager: 'nobody@contoso.example' was not found (only managers listed in recently_created are waited for)", modes=BOTH,
         why='a misspelt manager used to wait the whole replication_timeout'),
    Case('users-manager-not-a-name', 'graph_user_bulk', _megan(manager='Adele Vance'),
         MEGAN + ": manager: 'Adele Vance' is neither a userPrincipalName nor an object id"),
    Case('users-own-manager', 'graph_user_bulk', _megan(manager=upn('megan')), MEGAN + ': manager: a user cannot be their own manager'),
    Case('users-manager-deleted-by-task', 'graph_user_bulk', _users({'userPrincipalName': upn('alex'), 'account_state': 'absent'},
                                                                    {'userPrincipalName': upn('megan'), 'manager': upn('alex')}),
         "users[2] (megan@contoso.example): manager: 'alex@contoso.example' is deleted by this task"),
    # options
    Case('users-recently-created-as-text', 'graph_user_bulk', _users(recently_created=upn('alex')),
         'recently_created must be a list'),
    Case('users-recently-created-not-a-name', 'graph_user_bulk', _users(recently_created=['Engineering']),
         "recently_created[0]: 'Engineering' is neither a userPrincipalName nor an object id"),
    Case('users-replication-timeout-negative', 'graph_user_bulk', _users(replication_timeout=-1), 'replication_timeout must be at least 0'),
    Case('users-replication-timeout-huge', 'graph_user_bulk', _users(replication_timeout=86400),
         'replication_timeout must be at least 0 and at most 3600, got 86400'),
    Case('users-synced-property-owned-by-ad', 'graph_user_bulk', _users({'userPrincipalName': upn('sam'), 'jobTitle': 'Lead'}),
         "users[1] (sam@contoso.example): jobTitle: the user is synchronised from on-premises Active Directory, which owns 'jobTitle'"),
    Case('users-synced-manager', 'graph_user_bulk', _users({'userPrincipalName': upn('sam'), 'manager': upn('megan')}),
         "users[1] (sam@contoso.example): manager: the user is synchronised from on-premises Active Directory"),
    Case('users-synced-delete', 'graph_user_bulk', _users({'userPrincipalName': upn('sam'), 'account_state': 'absent'}),
         "users[1] (sam@contoso.example): account_state: the user is synchronised from on-premises Active Directory, and Graph cannot delete it"),
    Case('users-synced-users-unknown', 'graph_user_bulk', _users(synced_users='ignore'), 'synced_users'),
    Case('users-mailbox-licenses-unknown', 'graph_user_bulk', _users(mailbox_licenses='archive'), 'mailbox_licenses'),
    Case('users-revoke-sessions-unknown', 'graph_user_bulk', _users(revoke_sessions='sometimes'), 'revoke_sessions'),
    Case('users-state-option-unknown', 'graph_user_bulk', _users(state='deleted'), 'state'),
    Case('users-typo-revoke-option', 'graph_user_bulk', _users(revoke_session='always'),
         "unsupported option 'revoke_session' (did you mean 'revoke_sessions'?)"),
    Case('users-typo-recently-created', 'graph_user_bulk', _users(recently_crated=[upn('alex')]),
         "unsupported option 'recently_crated' (did you mean 'recently_created'?)"),
]
