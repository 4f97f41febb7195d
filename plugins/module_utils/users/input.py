# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""graph_user_bulk's input: the task's user entries checked and turned into ``UserSpec`` objects.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

Pure functions and small classes: no HTTP and no ``AnsibleModule``. Every problem names the user and the
field (``users[3] (adele@contoso.com): usageLocation: ...``); none of them lets anything be written.
"""

from __future__ import annotations

import datetime
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.mynster.msgraph.plugins.module_utils.client.odata import is_guid
from ansible_collections.mynster.msgraph.plugins.module_utils.common.limits import (UPN_DOMAIN_MAX, UPN_LOCAL_MAX, UPN_MAX, USER_MAX_LENGTH,
                                                                                    length_problem, password_problems)
from ansible_collections.mynster.msgraph.plugins.module_utils.common.outcomes import Problem

ACCOUNT_STATES = ('present', 'disabled', 'absent')
LIFECYCLE_VERBS = {'present': 'keep', 'disabled': 'disable', 'absent': 'delete'}
# Graph properties a user entry may not set, with what to do instead.
REFUSED_KEYS = {
    'passwordprofile': 'give the initial password as password (it is used only when the user is created)',
    'id': 'users are matched by userPrincipalName; the object id cannot be set',
    'assignedlicenses': 'list licences under licenses',
    'licenseassignmentstates': 'list licences under licenses',
}
# Properties Graph fills in itself (user resource page: "Read-only"); writing them only fails later, user by user.
READ_ONLY_PROPERTIES = (
    'assignedPlans', 'createdDateTime', 'creationType', 'deletedDateTime', 'externalUserState', 'externalUserStateChangeDateTime',
    'lastPasswordChangeDateTime', 'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesLastSyncDateTime',
    'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'provisionedPlans',
    'proxyAddresses', 'refreshTokensValidFromDateTime', 'securityIdentifier', 'signInActivity', 'signInSessionsValidFromDateTime',
)
# Value types of the writable user properties that are not plain text; every other property is text.
BOOLEAN_PROPERTIES = ('accountEnabled', 'showInAddressList', 'isResourceAccount')
LIST_PROPERTIES = ('businessPhones', 'otherMails', 'imAddresses', 'interests', 'pastProjects', 'responsibilities', 'schools', 'skills',
                   'identities')
OBJECT_PROPERTIES = ('onPremisesExtensionAttributes', 'employeeOrgData', 'customSecurityAttributes', 'authorizationInfo')
DATE_PROPERTIES = ('employeeHireDate', 'employeeLeaveDateTime', 'birthday', 'hireDate')
CASE_INSENSITIVE = ('userprincipalname', 'mail', 'usagelocation', 'othermails')
LICENSE_KEYS = {'sku': 'sku', 'skuid': 'sku', 'skupartnumber': 'sku', 'sku_id': 'sku', 'sku_part_number': 'sku',
                'disabled_plans': 'disabled_plans', 'disabledplans': 'disabled_plans'}
UPN = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]+$')
PROPERTY_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_]*$')
# Graph's user resource page: a new userPrincipalName may hold only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @ (no accents).
# Entra's username policy: no period right before the @; the lengths are in common/limits.py.
_UPN_LOCAL_CHAR = re.compile(r"[A-Za-z0-9'.\-_!#^~]")
_NICKNAME_CHARS = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")
# Graph's user resource page: these cannot be used in a mailNickname.
_NICKNAME_REFUSED = re.compile(r'[@()\\\[\]";:<>,\s]')
_COUNTRY_CODE = re.compile(r'^[A-Za-z]{2}$')
_TIMESTAMP = re.compile(r'^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$')

_LOWER = dict((name.lower(), name) for name in BOOLEAN_PROPERTIES + LIST_PROPERTIES + OBJECT_PROPERTIES + DATE_PROPERTIES)
READ_ONLY_KEYS = dict((name.lower(), name) for name in READ_ONLY_PROPERTIES)


class UserSpec:
    """One entry of the task's ``users`` list, validated and normalised."""

    __slots__ = ('index', 'upn', 'account_state', 'properties', 'password', 'force_change_password', 'licenses', 'manager', 'has_manager')

    def __init__(self, index, upn, account_state):
        self.index = index
        self.upn = upn
        self.account_state = account_state
        self.properties = {}      # Graph property name (as given) -> wanted value, userPrincipalName included
        self.password = None
        self.force_change_password = True
        self.licenses = None      # None: licences not managed; else [(sku as given, disabled plans as given or None)]
        self.manager = None       # UPN or object id, or None to remove the manager (when has_manager)
        self.has_manager = False

    @property
    def key(self):
        return self.upn.lower()

    @property
    def label(self):
        return 'users[%d] (%s)' % (self.index, self.upn)

    def problem(self, field, text, hint=None):
        return Problem(text, 'users[%d]' % self.index, field, self.upn, named=True, hint=hint)


def parse_users(raw_users, default_state='present', default_force_change=True):
    """``(specs, problems)`` from the module's ``users`` option; each problem names the user and the field."""
    specs, problems, seen = [], [], {}
    for index, entry in enumerate(raw_users or []):
        spec, entry_problems = _parse_one(index, entry, default_state, default_force_change)
        problems.extend(entry_problems)
        if spec is None:
            continue
        if spec.key in seen:
            problems.append(spec.problem('userPrincipalName', 'listed twice (also users[%d]); list each user once' % seen[spec.key]))
            continue
        seen[spec.key] = index
        specs.append(spec)
    return specs, problems


def _parse_one(index, entry, default_state, default_force_change):
    label = 'users[%d]' % index
    if not isinstance(entry, dict):
        return None, [Problem('must be a dict of user properties, got %s' % type(entry).__name__, label)]
    lowered = {}
    for key in entry:
        if str(key).lower() in lowered:
            return None, [Problem('given twice (%s and %s); property names are case-insensitive' % (lowered[str(key).lower()], key), label, key,
                                  named=True)]
        lowered[str(key).lower()] = key
    upn = entry.get(lowered.get('userprincipalname'))
    if not isinstance(upn, str) or not UPN.match(upn.strip()):
        text = 'is required' if upn in (None, '') else "'%s' is not of the form name@domain.tld" % (upn,)
        return None, [Problem(text, label, 'userPrincipalName', named=True)]
    upn = upn.strip()
    account_state = (entry.get(lowered['account_state']) if 'account_state' in lowered else None) or default_state
    spec = UserSpec(index, upn, account_state)
    spec.force_change_password = default_force_change
    problems = []
    if account_state not in ACCOUNT_STATES:
        problems.append(spec.problem('account_state', '%r is not one of %s' % (account_state, ', '.join(ACCOUNT_STATES))))
    for key, value in entry.items():
        problem = _parse_key(spec, str(key), value)
        if problem:
            problems.extend(problem if isinstance(problem, list) else [spec.problem(str(key), problem)])
    if account_state == 'disabled' and property_value(spec.properties, 'accountEnabled') is True:
        problems.append(spec.problem('accountEnabled', 'true contradicts account_state=disabled'))
    return spec, problems


def _parse_key(spec, name, value):
    """Store one key of a user entry in ``spec``; returns a problem text, a list of problems, or None."""
    low = name.lower()
    if low in ('account_state', 'userprincipalname'):
        if low == 'userprincipalname':
            spec.properties[name] = spec.upn
        return None
    if low in REFUSED_KEYS:
        return 'cannot be set here; %s' % REFUSED_KEYS[low]
    if low in READ_ONLY_KEYS:
        return 'is read-only in Graph (Graph sets %s itself)' % READ_ONLY_KEYS[low]
    if low == 'password':
        spec.password = value or None
        return 'must be a non-empty string' if value is not None and (not isinstance(value, str) or not value) else None
    if low == 'force_change_password':
        try:
            spec.force_change_password = boolean(value, strict=True)
        except TypeError:
            return '%r is not a boolean' % (value,)
        return None
    if low == 'licenses':
        spec.licenses, problems = _parse_licenses(spec, value)
        return problems
    if low == 'manager':
        spec.has_manager = True
        spec.manager = value.strip() if isinstance(value, str) and value.strip() else None
        if value not in (None, '') and (not isinstance(value, str) or not (is_guid(value.strip()) or UPN.match(value.strip()))):
            return '%r is neither a userPrincipalName nor an object id' % (value,)
        return None
    if not PROPERTY_NAME.match(name):
        return 'is not a Graph property name'
    if low == 'state' and isinstance(value, str) and value.strip().lower() in ACCOUNT_STATES:
        word = value.strip().lower()
        spec.properties[name] = value
        return [spec.problem(name, "%r: state is Graph's state (state or province) property" % value,
                             hint='to %s the account, write account_state: %s' % (LIFECYCLE_VERBS[word], word))]
    converted, problem = convert_value(name, value)
    spec.properties[name] = converted
    return problem


def convert_value(name, value):
    """``(value to send, problem or None)`` for user property ``name``.

    Booleans may come as text (CSV), numbers become text (Graph's user properties are strings), '' is null;
    list, object and date properties must have that shape. Directory extensions (``extension_...``) pass as given.
    """
    low = name.lower()
    if value == '' or value is None:
        return None, None
    if low.startswith('extension_'):
        return value, None
    kind = _LOWER.get(low)
    if kind in BOOLEAN_PROPERTIES:
        if isinstance(value, bool):
            return value, None
        try:
            return boolean(value, strict=True), None
        except TypeError:
            return value, '%r is not a boolean' % (value,)
    if kind in LIST_PROPERTIES:
        return _convert_list(kind, value)
    if kind in OBJECT_PROPERTIES:
        return value, None if isinstance(value, dict) else "must be a dict (Graph's %s is an object), got %s" % (kind, _kind_of(value))
    if isinstance(value, bool):
        return value, ("is %s, a boolean, but %s is text; quote the value (YAML reads unquoted yes, no, on, off, true and false "
                       "as booleans)" % (value, name))
    if isinstance(value, (int, float)):
        value = str(value)
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    if not isinstance(value, str):
        return value, 'must be text, got %s' % _kind_of(value)
    return _check_text(name, low, kind, value)


def _check_text(name, low, kind, value):
    if kind in DATE_PROPERTIES:
        if parse_timestamp(value) is None:
            return value, '%r is not a date or time (write 2026-03-01 or 2026-03-01T09:00:00Z)' % value
        return (value + 'T00:00:00Z' if len(value) == 10 else value), None
    if low == 'usagelocation' and not _COUNTRY_CODE.match(value):
        return value, '%r is not a two-letter country code (ISO 3166, for example DK)' % value
    if low == 'mailnickname':
        bad = sorted(set(_NICKNAME_REFUSED.findall(value)))
        if bad:
            return value, '%r has characters Graph does not accept in a mailNickname: %s' % (value, ' '.join(repr(c) for c in bad))
    return value, length_problem(name, value)


def _convert_list(name, value):
    if isinstance(value, (str, bytes)):
        return value, ("must be a list (Graph's %s holds several values), got the text %r; write it as a YAML list "
                       "([a, b] or one '- item' per line)" % (name, value))
    if not isinstance(value, list):
        return value, 'must be a list, got %s' % _kind_of(value)
    if name == 'identities':
        if not all(isinstance(item, dict) for item in value):
            return value, 'must be a list of dicts (signInType, issuer, issuerAssignedId)'
        return value, None
    items = []
    for position, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or item == '':
            return value, 'item %d must be text, got %r' % (position, item)
        items.append(str(item))
    return items, None


def _kind_of(value):
    if isinstance(value, (str, bytes)):
        return 'the text %r' % (value,)
    return {'list': 'a list', 'dict': 'a dict', 'bool': 'a boolean', 'int': 'a number', 'float': 'a number'}.get(
        type(value).__name__, type(value).__name__)


def _parse_licenses(spec, value):
    """``[(sku, disabled plans or None)]`` from the ``licenses`` key; None means an empty list."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return None, [spec.problem('licenses', 'must be a list of SKUs (skuPartNumber or skuId) or dicts with sku and disabled_plans')]
    result, problems = [], []
    for position, item in enumerate(value):
        field = 'licenses[%d]' % position
        if isinstance(item, str) and item.strip():
            result.append((item.strip(), None))
            continue
        if not isinstance(item, dict):
            problems.append(spec.problem(field, 'must be a SKU name or id, or a dict with sku and disabled_plans'))
            continue
        fields = {}
        for key, field_value in item.items():
            canonical = LICENSE_KEYS.get(str(key).lower())
            if canonical is None or canonical in fields:
                problems.append(spec.problem(field, 'unexpected key %s (use sku and disabled_plans)' % key))
                continue
            fields[canonical] = field_value
        sku = fields.get('sku')
        plans = fields.get('disabled_plans')
        if not isinstance(sku, str) or not sku.strip():
            problems.append(spec.problem(field, 'sku is required (a skuPartNumber such as ENTERPRISEPACK, or a skuId)'))
            continue
        if plans is not None and (not isinstance(plans, list) or not all(isinstance(p, str) and p for p in plans)):
            problems.append(spec.problem(field, 'disabled_plans must be a list of service plan names or ids'))
            continue
        result.append((sku.strip(), list(plans) if plans is not None else None))
    return result, problems


def property_value(properties, name):
    """Case-insensitive lookup in a dict of properties; None when it is not there."""
    low = name.lower()
    for key, value in properties.items():
        if key.lower() == low:
            return value
    return None


def given_key(properties, name):
    """The key under which ``properties`` holds Graph property ``name`` (any case), or None."""
    low = name.lower()
    return next((key for key in properties if key.lower() == low), None)


def mail_nickname_from(upn):
    """A mailNickname made from the UPN's local part (characters Graph refuses dropped), or None."""
    nickname = _NICKNAME_CHARS.sub('', upn.split('@', 1)[0]).strip('.')[:USER_MAX_LENGTH['mailNickname']]
    return nickname or None


def creation_problems(spec, verified_domains=None):
    """What a user needs before Graph can create it; ``verified_domains`` (when known) are the tenant's domains."""
    problems = []
    if not property_value(spec.properties, 'displayName'):
        problems.append(spec.problem('displayName', 'required to create the user'))
    if not spec.password:
        problems.append(spec.problem('password', 'required to create the user'))
    else:
        policies = property_value(spec.properties, 'passwordPolicies')
        problems.extend(spec.problem('password', text) for text in password_problems(spec.password, policies))
    if not property_value(spec.properties, 'mailNickname') and not mail_nickname_from(spec.upn):
        problems.append(spec.problem('mailNickname', 'required to create the user (none can be made from the userPrincipalName)'))
    problems.extend(spec.problem('userPrincipalName', text) for text in new_upn_problems(spec.upn, verified_domains))
    return problems


def new_upn_problems(upn, verified_domains=None):
    """Why Graph would refuse ``upn`` for a new user: characters, lengths and (when known) an unverified domain."""
    local, dummy, domain = upn.rpartition('@')
    problems = []
    bad = list(dict.fromkeys(char for char in local if not _UPN_LOCAL_CHAR.match(char)))
    if bad:
        problems.append("'%s' has characters Graph does not accept before the @ of a new user: %s (only A-Z a-z 0-9 and "
                        "' . - _ ! # ^ ~, no accents)" % (upn, ' '.join(repr(char) for char in bad)))
    if len(local) > UPN_LOCAL_MAX:
        problems.append('the part before the @ has %d characters; Graph allows at most %d' % (len(local), UPN_LOCAL_MAX))
    if local.endswith('.'):
        problems.append("'%s': Graph does not accept a period right before the @" % upn)
    if len(domain) > UPN_DOMAIN_MAX:
        problems.append('the domain has %d characters; Graph allows at most %d' % (len(domain), UPN_DOMAIN_MAX))
    elif len(upn) > UPN_MAX:
        problems.append('%d characters; Graph allows at most %d' % (len(upn), UPN_MAX))
    if verified_domains is not None and domain.lower() not in [str(d).lower() for d in verified_domains]:
        problems.append("'%s' is not a verified domain of the tenant (verified: %s)" % (domain, ', '.join(verified_domains) or 'none'))
    return problems


def reference_problems(option, names):
    """Problems in an option that lists users (``recently_created``, ``users``): each a userPrincipalName or an object id."""
    problems = []
    for index, name in enumerate(names or ()):
        if not isinstance(name, str) or not (is_guid(name.strip()) or UPN.match(name.strip())):
            problems.append(Problem('%r is neither a userPrincipalName nor an object id' % (name,), '%s[%d]' % (option, index)))
    return problems


def parse_timestamp(text):
    """A UTC datetime for ISO dates and timestamps (``2026-03-01``, ``2026-03-01T00:00:00Z``), else None."""
    if not _TIMESTAMP.match(text):
        return None
    value = text.replace('Z', '+00:00')
    if len(value) == 10:
        value += 'T00:00:00+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)
