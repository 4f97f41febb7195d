# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause
"""The limits Graph documents for users' and groups' properties, and Entra's password rule for cloud users.

FOR INTERNAL COLLECTION USE ONLY. Python versions supported: >=3.9.

One table for every module that writes users or groups: a value over its limit is refused before the first
write, naming the item and the property, instead of failing at Graph user by user. Only documented limits are
here; a property whose page names no maximum (a user's officeLocation, employeeType, a group's description) has
none. Lengths are counted in characters.

Sources (Microsoft Graph v1.0 reference, microsoftgraph/microsoft-graph-docs-contrib):
- ``api-reference/v1.0/resources/user.md``: "Maximum length is ..." of each user property listed below.
- ``api-reference/v1.0/resources/group.md`` and ``api/group-post-groups.md``: a group's displayName (256) and
  mailNickname (64, ASCII 0-127 without ``@ ( ) \\ [ ] " ; : < > ,`` and space).
- Entra's password policy for cloud users (MicrosoftDocs/entra-docs
  ``docs/identity/authentication/concept-sspr-policy.md``): 8 to 256 characters; three of the four kinds
  lowercase, uppercase, digits (0-9), symbols; characters allowed are A-Z a-z 0-9, the symbols
  ``@ # $ % ^ & * - _ ! + = [ ] { } | \\ : ' , . ? / ` ~ " ( ) ; < >`` and space (that is printable ASCII);
  Unicode characters are not. ``passwordPolicies: DisableStrongPassword`` lets weaker passwords through
  (user.md), so the rule is not applied then. Entra's banned-password list cannot be known beforehand.
"""

from __future__ import annotations

# Maximum lengths by Graph property name (as Graph spells it).
USER_MAX_LENGTH = {
    'displayName': 256,
    'givenName': 64,
    'surname': 64,
    'mailNickname': 64,
    'jobTitle': 128,
    'department': 64,
    'companyName': 64,
    'city': 128,
    'state': 128,
    'country': 128,
    'postalCode': 40,
    'streetAddress': 1024,
    'mobilePhone': 64,
    'employeeId': 16,
}
GROUP_MAX_LENGTH = {
    'displayName': 256,
    'mailNickname': 64,
}
# userPrincipalName (user.md, and Entra's username policy in concept-sspr-policy.md): at most 64 characters
# before the @, 48 after it, 113 in all.
UPN_LOCAL_MAX, UPN_DOMAIN_MAX, UPN_MAX = 64, 48, 113

PASSWORD_MIN, PASSWORD_MAX = 8, 256
PASSWORD_KINDS_NEEDED = 3
PASSWORD_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> "
PASSWORD_RULE = ('Graph requires %d to %d characters with at least %d of lowercase letters, uppercase letters, digits and symbols'
                 % (PASSWORD_MIN, PASSWORD_MAX, PASSWORD_KINDS_NEEDED))
_LOWER_CASE = dict((name.lower(), (name, limit)) for name, limit in USER_MAX_LENGTH.items())
_GROUP_LOWER_CASE = dict((name.lower(), (name, limit)) for name, limit in GROUP_MAX_LENGTH.items())


def length_problem(name, value, resource='user'):
    """Why Graph would refuse text ``value`` for property ``name`` (any case) of a user or a group for its length, or None."""
    known = (_LOWER_CASE if resource == 'user' else _GROUP_LOWER_CASE).get(str(name).lower())
    if known is None or not isinstance(value, str) or len(value) <= known[1]:
        return None
    return 'is %d characters long; Graph allows at most %d in a %s\'s %s' % (len(value), known[1], resource, known[0])


def password_problems(password, password_policies=None):
    """Why Entra would refuse ``password`` for a new cloud user, as texts that never contain the password.

    ``password_policies`` is the user's passwordPolicies value; with DisableStrongPassword the rule does not apply.
    """
    if not isinstance(password, str) or 'disablestrongpassword' in str(password_policies or '').lower().replace(' ', ''):
        return []
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append('is shorter than %d characters; %s' % (PASSWORD_MIN, PASSWORD_RULE))
    elif len(password) > PASSWORD_MAX:
        problems.append('is longer than %d characters; %s' % (PASSWORD_MAX, PASSWORD_RULE))
    if any(not _allowed(char) for char in password):
        problems.append('holds characters Graph does not accept in a password: only A-Z, a-z, 0-9, space and the symbols %s '
                        '(no accented letters, other Unicode characters, tabs or line breaks)' % ' '.join(PASSWORD_SYMBOLS.strip()))
    kinds = sum(1 for found in _kinds(password) if found)
    if kinds < PASSWORD_KINDS_NEEDED:
        problems.append('uses %d of the 4 kinds of character; %s' % (kinds, PASSWORD_RULE))
    return problems


def _allowed(char):
    return ('a' <= char <= 'z') or ('A' <= char <= 'Z') or ('0' <= char <= '9') or char in PASSWORD_SYMBOLS


def _kinds(password):
    """Whether ``password`` has lowercase, uppercase, digits and symbols (ASCII, as the policy counts them)."""
    return (any('a' <= c <= 'z' for c in password), any('A' <= c <= 'Z' for c in password),
            any('0' <= c <= '9' for c in password), any(c in PASSWORD_SYMBOLS for c in password))
