# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Users: /users collection, items by id or userPrincipalName, the photo and the manager reference (§4).

Relationships live in the store (`manager` here). Licences (§4.5) have their routes in licenses.py;
a user stores its direct licences and reads add the ones inherited from groups (`_licensing.py`).
"""

import hashlib
import re

from ..odata import Expand, Query, Schema, context, count_response, entity_response, list_response, project
from ..router import route, seeder
from ..wire import GraphError, Response, bad_request, utc_now
from . import _licensing as lic, _sync as sync
from ._directory import check_body, check_nickname, id_from_reference, lookup, new_id, not_found, request_bad, require

PROPERTIES = (
    "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans", "birthday", "businessPhones", "city", "companyName",
    "consentProvidedForMinor", "country", "createdDateTime", "creationType", "deletedDateTime", "department", "displayName",
    "employeeHireDate", "employeeId", "employeeLeaveDateTime", "employeeOrgData", "employeeType", "externalUserState",
    "externalUserStateChangeDateTime", "faxNumber", "givenName", "hireDate", "id", "identities", "imAddresses", "interests",
    "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime", "legalAgeGroupClassification", "licenseAssignmentStates", "mail",
    "mailNickname", "mobilePhone", "mySite", "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName",
    "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesLastSyncDateTime", "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "otherMails", "passwordPolicies",
    "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation", "preferredLanguage", "preferredName", "provisionedPlans",
    "proxyAddresses", "responsibilities", "schools", "securityIdentifier", "showInAddressList", "signInSessionsValidFromDateTime",
    "skills", "state", "streetAddress", "surname", "usageLocation", "userPrincipalName", "userType",
)
DEFAULTS = ("businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage",
            "surname", "userPrincipalName", "id")
FILTERABLE = ("accountEnabled", "ageGroup", "assignedLicenses", "city", "companyName", "country", "createdDateTime", "creationType",
              "department", "displayName", "employeeHireDate", "employeeId", "employeeType", "externalUserState", "faxNumber", "givenName",
              "id", "identities", "imAddresses", "jobTitle", "mail", "mailNickname", "mobilePhone", "officeLocation",
              "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesSamAccountName", "onPremisesSyncEnabled",
              "onPremisesUserPrincipalName", "otherMails", "postalCode", "preferredLanguage", "proxyAddresses", "state", "streetAddress",
              "surname", "usageLocation", "userPrincipalName", "userType", "businessPhones")
READ_ONLY = ("id", "createdDateTime", "deletedDateTime", "assignedLicenses", "assignedPlans", "provisionedPlans", "licenseAssignmentStates",
             "lastPasswordChangeDateTime", "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesLastSyncDateTime",
             "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "proxyAddresses", "securityIdentifier",
             "signInSessionsValidFromDateTime", "externalUserState", "externalUserStateChangeDateTime", "mySite")
TYPES = {"accountEnabled": bool, "showInAddressList": bool, "isResourceAccount": bool, "passwordProfile": dict,
         "onPremisesExtensionAttributes": dict, "employeeOrgData": dict,
         **{name: list for name in ("businessPhones", "imAddresses", "otherMails", "identities", "interests", "pastProjects",
                                    "responsibilities", "schools", "skills")}}
REQUIRED = ("accountEnabled", "displayName", "mailNickname", "userPrincipalName")
# "Maximum length is N characters" on the user resource page (api-reference/v1.0/resources/user.md); properties whose
# description names no maximum (officeLocation, employeeType, faxNumber, ...) have none here either.
MAX_LENGTHS = {"displayName": 256, "givenName": 64, "surname": 64, "mailNickname": 64, "jobTitle": 128, "department": 64,
               "companyName": 64, "city": 128, "state": 128, "country": 128, "postalCode": 40, "streetAddress": 1024,
               "mobilePhone": 64, "employeeId": 16}
PASSWORD_RULES = "The specified password does not comply with password complexity requirements. Please provide a different password."
DUPLICATE_UPN = "Another object with the same value for property userPrincipalName already exists."
INVALID_UPN = "Property userPrincipalName is invalid."
UNVERIFIED_DOMAIN = ("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in "
                     "your organization.")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
# Entra's username policy (concept-sspr-policy.md, user.md): A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @, up to 64 of them, no
# '.' right before the @; up to 48 characters after it, 113 in all.
_UPN_LOCAL = re.compile(r"[A-Za-z0-9'.\-_!#^~]{1,64}")
_UPN_DOMAIN = re.compile(r"(?=.{1,48}$)([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,}")


def _manager(req, user):
    target = next(iter(req.store.links(user["id"], "manager")), None)
    kind = req.store.kind_of(target) if target else None
    return [(kind, req.store.get(kind, target))] if kind else []


def _member_of(req, user):
    """The visible groups the user is a direct member of (`$expand=memberOf`; this tenant has no roles or units)."""
    groups = [source for source in req.store.sources("members", user["id"]) if req.store.kind_of(source) == "group"]
    return [("group", req.store.get("group", group_id)) for group_id in groups]


USER = Schema("user", "microsoft.graph.user", "users", PROPERTIES, DEFAULTS, FILTERABLE,
              sortable=("displayName", "userPrincipalName"),
              searchable=("displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName", "jobTitle"),
              hidden=("passwordProfile",), expand=[Expand("manager", _manager, single=True), Expand("memberOf", _member_of)],
              indexed=("userPrincipalName",))


def find_user(req, key):
    """A visible user by id or UPN, else the §4.2 404."""
    return lookup(req, "user", key, alternate="userPrincipalName")


def _check_upn(req, upn, own_id=None):
    """A UPN Entra accepts for a new or renamed user: allowed characters and lengths, a verified domain, not taken."""
    local, dummy, domain = upn.partition("@")
    if (not _UPN_LOCAL.fullmatch(local) or local.endswith(".") or not _UPN_DOMAIN.fullmatch(domain) or len(upn) > 113):
        raise request_bad(INVALID_UPN)
    if domain.lower() not in [d.lower() for d in req.config.verified_domains]:
        raise request_bad(UNVERIFIED_DOMAIN)
    if any(u["id"] != own_id for u in req.store.find("user", "userPrincipalName", upn, everywhere=True)):
        raise request_bad(DUPLICATE_UPN)


def _check_usage_location(body, current=None):
    """§4.3: a two-letter country code; once set it cannot be cleared."""
    if "usageLocation" not in body:
        return
    value = body["usageLocation"]
    if value in (None, ""):
        if current and current.get("usageLocation"):
            raise request_bad("Invalid value specified for property 'usageLocation' of resource 'User'.")
        body.pop("usageLocation")
        return
    if not _COUNTRY.fullmatch(value):
        raise request_bad("Invalid value specified for property 'usageLocation' of resource 'User'.")


def _split_password(profile, check=True, policies=None, names=()):
    """(profile without the password, password hash or None); Graph never returns passwords.

    `policies` is the user's passwordPolicies: with DisableStrongPassword the complexity rule is not applied (user.md).
    """
    profile = dict(profile)
    password = profile.pop("password", None)
    if password is None:
        return profile, None
    if check and "disablestrongpassword" not in str(policies or "").lower().replace(" ", ""):
        problem = password_problem(password, names)
        if problem:
            raise request_bad(problem)
    return profile, hashlib.sha256(str(password).encode()).hexdigest()


# Entra's password policy for cloud users (docs/identity/authentication/concept-sspr-policy.md): A-Z a-z 0-9, these
# symbols and the space; no Unicode characters.
PASSWORD_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> "


def password_problem(password, names=()):
    """Graph's message when it refuses `password` for a cloud user, else None.

    Entra's default rule: 8-256 characters, only the allowed characters, at least 3 of the 4 kinds lowercase, uppercase,
    digit, symbol (the space counted as a symbol: our reading). One function so that further rules (a banned-password
    list) can be added here.
    """
    if not isinstance(password, str) or not 8 <= len(password) <= 256:
        return PASSWORD_RULES
    if any(not (c.isascii() and (c.isalnum() or c in PASSWORD_SYMBOLS)) for c in password):
        return PASSWORD_RULES
    kinds = (str.islower, str.isupper, str.isdigit, lambda c: c in PASSWORD_SYMBOLS)
    if sum(any(test(c) for c in password) for test in kinds) < 3:
        return PASSWORD_RULES
    if banned_password(password, names):
        return PASSWORD_RULES  # Graph answers a banned password with the same 400 and text (README: Users)
    return None


# Entra Password Protection (concept-password-ban-bad.md): the global banned list is not published, so these base terms
# are a GUESS at the kind of words on it. The tenant's name and the user's givenName/surname are matched as substrings.
BANNED_PASSWORD_TERMS = ("password", "welcome", "qwerty", "letmein", "summer", "winter", "spring", "autumn", "changeme", "admin")
TENANT_NAMES = ("contoso",)  # the organization's displayName (organization.py)
_NORMALISED = str.maketrans({"0": "o", "1": "l", "$": "s", "@": "a"})


def _one_edit_from(text, term):
    """True when `text` is `term` with at most one character changed, added or removed."""
    if len(text) == len(term):
        return sum(a != b for a, b in zip(text, term)) <= 1
    if abs(len(text) - len(term)) != 1:
        return False
    short, longer = sorted((text, term), key=len)
    return any(longer[:i] + longer[i + 1:] == short for i in range(len(longer)))


def banned_password(password, names=()):
    """True when Entra Password Protection refuses `password` (concept-password-ban-bad.md, "How are passwords evaluated").

    Normalised (lower case; 0 1 $ @ read as o l s a), each banned term found in it within one edit, and each of `names`
    of 4 or more characters found as a substring, is one point; every other character is one point; under 5 is refused.
    """
    rest = str(password).lower().translate(_NORMALISED)
    terms = [(term, True) for term in BANNED_PASSWORD_TERMS]
    terms += [(str(name).lower().translate(_NORMALISED), False) for name in names if name and len(str(name)) >= 4]
    points = 0
    for term, fuzzy in terms:
        sizes = (len(term), len(term) + 1, len(term) - 1) if fuzzy else (len(term),)
        found = next(((start, size) for size in sizes for start in range(len(rest) - size + 1)
                      if rest[start:start + size] == term or (fuzzy and _one_edit_from(rest[start:start + size], term))), None)
        if found:
            points += 1
            rest = rest[:found[0]] + rest[found[0] + found[1]:]
    return points + len(rest) < 5


def _password_names(req, user):
    """What a user's password may not be built on besides the banned terms: its givenName and surname, the tenant's name."""
    initial = [d.split(".")[0] for d in req.config.verified_domains if d.lower().endswith(".onmicrosoft.com")]
    return [_given(user, "givenName"), _given(user, "surname")] + list(TENANT_NAMES) + initial


def _given(body, name):
    """A property of a request body by its name in any case (Graph's property names are case-insensitive), or None."""
    return next((value for key, value in body.items() if key.lower() == name.lower()), None)


def new_user(body, now=None):
    """Server-set defaults merged with the caller's properties."""
    now = now or utc_now()
    user = {"id": new_id(), "businessPhones": [], "createdDateTime": now, "userType": "Member", "assignedLicenses": [],
            "proxyAddresses": [], "otherMails": [], "imAddresses": [], "lastPasswordChangeDateTime": now,
            "signInSessionsValidFromDateTime": now}
    user.update(body)
    return user


@route("GET", "/users", cost=2)
def list_users(req):
    """GET /users with $filter, $select, $top, $count, $search, $orderby, $expand and paging."""
    return list_response(req, USER, lic.with_effective(req.store, req.store.list("user")))


@route("GET", "/users/$count", cost=2)
def count_users(req):
    """GET /users/$count (advanced query)."""
    return count_response(req, USER, req.store.list("user"))


@route("POST", "/users")
def create_user(req):
    """POST /users → 201 with the new user."""
    body = dict(req.json())
    check_body(body, USER, READ_ONLY, TYPES, MAX_LENGTHS)
    require(body, REQUIRED)
    profile = body.get("passwordProfile") or {}
    if not profile.get("password"):
        raise request_bad("A password must be specified to create a new user.")
    check_nickname(body["mailNickname"], "User")
    _check_usage_location(body)
    body["passwordProfile"], digest = _split_password(profile, policies=_given(body, "passwordPolicies"), names=_password_names(req, body))
    with req.store.lock:
        _check_upn(req, body["userPrincipalName"])
        user = req.store.create("user", new_user(body))
        req.store.put_blob(user["id"], "password", "text/plain", digest.encode())
    return entity_response(req, USER, user, status=201)


@route("GET", "/users/{key}")
def get_user(req, key):
    """GET /users/{id | userPrincipalName}; the query is checked before the user is looked up, as OData parses the URL first."""
    query = Query(req, USER, collection=False)
    return entity_response(req, USER, lic.with_effective(req.store, [find_user(req, key)])[0], query=query)


@route("PATCH", "/users/{key}")
def update_user(req, key):
    """PATCH /users/{id | userPrincipalName} → 204."""
    body = dict(req.json())
    check_body(body, USER, READ_ONLY, TYPES, MAX_LENGTHS)
    for name in REQUIRED:
        if name in body and body[name] in (None, ""):
            raise request_bad(f"Invalid value specified for property '{name}' of resource 'User'.")
    if "mailNickname" in body:
        check_nickname(body["mailNickname"], "User")
    digest = None
    with req.store.lock:
        user = find_user(req, key)
        sync.check_user_update(user, body)  # before anything is applied: a refused PATCH changes nothing
        if body.get("passwordProfile"):
            policies = _given(body, "passwordPolicies") if _given(body, "passwordPolicies") is not None else user.get("passwordPolicies")
            body["passwordProfile"], digest = _split_password(body["passwordProfile"], policies=policies,
                                                              names=_password_names(req, dict(user, **body)))
        _check_usage_location(body, user)
        if "userPrincipalName" in body:
            _check_upn(req, body["userPrincipalName"], own_id=user["id"])
        if digest:
            body["lastPasswordChangeDateTime"] = utc_now()
            req.store.put_blob(user["id"], "password", "text/plain", digest.encode())
        req.store.update(user["id"], body)
    return Response(204)


@route("DELETE", "/users/{key}")
def delete_user(req, key):
    """DELETE → 204; the user moves to deleted items (its UPN stays taken, §4.1). A synchronised user is deleted in AD."""
    with req.store.lock:
        user = find_user(req, key)
        sync.check_unchanged(user)
        req.store.update(user["id"], {"deletedDateTime": utc_now()})
        req.store.delete(user["id"], soft=True)
        lic.adjust(req.store, lic.direct_sku_ids(user), [])  # a deleted user's licences are released
    return Response(204)


@route("GET", "/users/{key}/photo/$value")
def get_photo(req, key):
    """The photo bytes with their media type."""
    user = find_user(req, key)
    blob = req.store.get_blob(user["id"], "photo")
    if blob is None:
        raise GraphError(404, "ImageNotFound", "The user has no profile photo.")
    return Response(200, blob[1], content_type=blob[0])


@route("PUT", "/users/{key}/photo/$value")
def put_photo(req, key):
    """Upload a photo (image/jpeg or image/png body) → 200 without a body."""
    user = find_user(req, key)
    content_type = (req.header("content-type") or "").split(";")[0].strip().lower()
    if not content_type.startswith("image/") or not req.body:
        raise GraphError(400, "ErrorInvalidImage", "The photo must be an image/* request body.")
    req.store.put_blob(user["id"], "photo", content_type, bytes(req.body))
    return Response(200)


NO_MANAGER = "Resource 'manager' does not exist or one of its queried reference-property objects are not present."


def _manager_of(req, user):
    """The user's visible manager, else the 404 Graph gives for a user without one."""
    found = _manager(req, user)
    if not found:
        raise GraphError(404, "Request_ResourceNotFound", NO_MANAGER)
    return found[0][1]


@route("GET", "/users/{key}/manager")
def get_manager(req, key):
    """The manager as a directoryObject with @odata.type; 404 when there is none."""
    manager = _manager_of(req, find_user(req, key))
    query = Query(req, USER, collection=False)
    body = {"@odata.context": context(req, "directoryObjects", entity=True)}
    body.update(project(manager, USER, query.select, req, query.expand, with_type=True))
    return Response(200, body)


@route("GET", "/users/{key}/manager/$ref")
def get_manager_ref(req, key):
    """The manager's reference (`@odata.id`)."""
    manager = _manager_of(req, find_user(req, key))
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#directoryObjects/$entity",
                          "@odata.id": f"{req.base_url}/{req.version}/directoryObjects/{manager['id']}"})


@route("PUT", "/users/{key}/manager/$ref")
def set_manager(req, key):
    """Set (or replace) the manager → 204; an unknown or not yet replicated manager is a 404."""
    body = req.json()
    if "@odata.id" not in body:
        raise bad_request("The request body must contain an '@odata.id' property.")
    manager_id = id_from_reference(body["@odata.id"])
    with req.store.lock:
        user = find_user(req, key)
        sync.check_unchanged(user)  # AD's manager attribute is synchronised
        if req.store.kind_of(manager_id) != "user":
            raise not_found(manager_id)
        if manager_id == user["id"]:
            raise request_bad("A user cannot be their own manager.")  # UNCONFIRMED wording
        req.store.set_link(user["id"], "manager", [manager_id])
    return Response(204)


@route("DELETE", "/users/{key}/manager/$ref")
def remove_manager(req, key):
    """Remove the manager → 204; a user without one gets the 404."""
    with req.store.lock:
        user = find_user(req, key)
        _manager_of(req, user)
        sync.check_unchanged(user)
        req.store.set_link(user["id"], "manager", [])
    return Response(204)


def _seed_licenses(store, licenses, upn):
    """Seeded direct licences: [{"skuId" | "skuPartNumber", "disabledPlans"}] (part numbers must be subscribed)."""
    result = []
    for item in licenses:
        if not isinstance(item, dict):
            raise ValueError(f"seeded user '{upn}': assignedLicenses items must be objects")
        sku_id = item.get("skuId")
        if sku_id is None:
            found = lic.sku_by_part_number(store, item.get("skuPartNumber"))
            if found is None:
                raise ValueError(f"seeded user '{upn}': no subscribed SKU '{item.get('skuPartNumber')}'")
            sku_id = found["skuId"]
        result.append({"skuId": sku_id.lower(), "disabledPlans": [p.lower() for p in item.get("disabledPlans") or []]})
    return result


@seeder("users")
def seed_users(store, items):
    """Create users directly (visible at once). `manager` may name another user by id or UPN.

    `assignedLicenses` become direct licences (skuId, or skuPartNumber of a subscribed SKU). Seeded users have a mailbox
    unless `"mailbox": false` (then, as for users created through Graph, an Exchange licence provisions one). A user seeded
    with `onPremisesSyncEnabled: true` is synchronised from on-premises AD: its seeded properties are AD's (_sync.py).
    """
    created, managers = [], []
    for item in items:
        item = dict(item)
        upn = item.get("userPrincipalName")
        if not upn:
            raise ValueError("every seeded user needs a userPrincipalName")
        local = upn.split("@")[0]
        item.setdefault("displayName", local)
        item.setdefault("mailNickname", local)
        item.setdefault("accountEnabled", True)
        manager = item.pop("manager", None)
        mailbox = item.pop("mailbox", True)
        profile, digest = _split_password(item.pop("passwordProfile", {}) or {}, check=False)
        licenses = _seed_licenses(store, item.pop("assignedLicenses", None) or [], upn)
        user = new_user(dict(item, passwordProfile=profile, assignedLicenses=licenses,
                             licenseAssignmentStates=lic.direct_states(licenses)))
        if "id" in item:
            user["id"] = item["id"]
        if sync.synchronised(item):  # what was seeded is what on-premises AD holds; a sync cycle puts it back
            user[sync.ONPREM] = sync.user_source(item)
        if mailbox:  # seeded users stand for established accounts: their mailbox exists (unless seeded with "mailbox": false)
            user[lic.MAILBOX] = 0.0
        user = store.create("user", user, replicated=True)
        lic.adjust(store, [], lic.direct_sku_ids(user))
        if digest:
            store.put_blob(user["id"], "password", "text/plain", digest.encode())
        created.append(user)
        if manager:
            managers.append((user["id"], manager))
    for user_id, manager in managers:
        found = store.find("user", "userPrincipalName", manager) if "@" in manager else [store.get("user", manager)]
        if not found or found[0] is None:
            raise ValueError(f"seeded manager '{manager}' is not a user")
        store.set_link(user_id, "manager", [found[0]["id"]])
    return created
