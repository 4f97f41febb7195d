# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Directory objects beyond users and groups: devices, service principals and organisational contacts (device.md,
serviceprincipal.md, orgcontact.md), plus the polymorphic `directoryObjects` reads (`GET /directoryObjects/{id}`,
`POST /directoryObjects/getByIds`, directoryobject-getbyids.md).

The three types are read-only here (they are seeded, as the collection never creates them): list with `$filter`,
`$select`, `$search`, `$orderby`, `$count` and paging, `/$count`, and GET by id or by their alternate key
(`/devices(deviceId='…')`, `/servicePrincipals(appId='…')`). Their `memberOf` reads live in memberships.py.
"""

from ..odata import SCHEMAS, Query, Schema, context, count_response, entity_response, list_response, parse_select, project, resolve_any
from ..router import route, seeder
from ..wire import Response, utc_now
from . import _licensing as lic
from ._directory import MEMBER_KINDS, lookup, new_id, not_found, request_bad

DEVICE_PROPERTIES = (
    "accountEnabled", "alternativeSecurityIds", "approximateLastSignInDateTime", "complianceExpirationDateTime", "deletedDateTime",
    "deviceCategory", "deviceId", "deviceMetadata", "deviceOwnership", "deviceVersion", "displayName", "enrollmentProfileName",
    "enrollmentType", "id", "isCompliant", "isManaged", "isRooted", "managementType", "manufacturer", "mdmAppId", "model",
    "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "operatingSystem", "operatingSystemVersion",
    "physicalIds", "profileType", "registrationDateTime", "systemLabels", "trustType",
)
DEVICE_FILTERABLE = ("accountEnabled", "approximateLastSignInDateTime", "deviceCategory", "deviceId", "deviceOwnership", "displayName",
                     "enrollmentProfileName", "enrollmentType", "id", "isCompliant", "isManaged", "managementType", "manufacturer",
                     "mdmAppId", "model", "onPremisesSyncEnabled", "operatingSystem", "operatingSystemVersion", "physicalIds",
                     "profileType", "registrationDateTime", "systemLabels", "trustType")
SP_PROPERTIES = (
    "accountEnabled", "addIns", "alternativeNames", "appDescription", "appDisplayName", "appId", "applicationTemplateId",
    "appOwnerOrganizationId", "appRoleAssignmentRequired", "appRoles", "deletedDateTime", "description", "disabledByMicrosoftStatus",
    "displayName", "homepage", "id", "info", "keyCredentials", "loginUrl", "logoutUrl", "notes", "notificationEmailAddresses",
    "oauth2PermissionScopes", "passwordCredentials", "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "replyUrls",
    "resourceSpecificApplicationPermissions", "samlSingleSignOnSettings", "servicePrincipalNames", "servicePrincipalType",
    "signInAudience", "tags", "tokenEncryptionKeyId", "verifiedPublisher",
)
SP_FILTERABLE = ("accountEnabled", "alternativeNames", "appId", "applicationTemplateId", "appOwnerOrganizationId", "appRoleAssignmentRequired",
                 "displayName", "homepage", "id", "preferredSingleSignOnMode", "replyUrls", "servicePrincipalNames", "servicePrincipalType",
                 "signInAudience", "tags")
CONTACT_PROPERTIES = (
    "addresses", "companyName", "deletedDateTime", "department", "displayName", "givenName", "id", "jobTitle", "mail", "mailNickname",
    "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSyncEnabled", "phones", "proxyAddresses",
    "serviceProvisioningErrors", "surname",
)
CONTACT_FILTERABLE = ("companyName", "department", "displayName", "givenName", "id", "jobTitle", "mail", "mailNickname",
                      "onPremisesLastSyncDateTime", "onPremisesSyncEnabled", "proxyAddresses", "surname")

# Graph returns every property of these types without $select (no default subset is documented for them).
DEVICE = Schema("device", "microsoft.graph.device", "devices", DEVICE_PROPERTIES, DEVICE_PROPERTIES, DEVICE_FILTERABLE,
                sortable=("displayName",), searchable=("displayName",), indexed=("deviceId", "displayName"))
SERVICE_PRINCIPAL = Schema("servicePrincipal", "microsoft.graph.servicePrincipal", "servicePrincipals", SP_PROPERTIES, SP_PROPERTIES,
                           SP_FILTERABLE, sortable=("displayName",), searchable=("displayName", "description"),
                           indexed=("appId", "displayName"))
ORG_CONTACT = Schema("orgContact", "microsoft.graph.orgContact", "contacts", CONTACT_PROPERTIES, CONTACT_PROPERTIES, CONTACT_FILTERABLE,
                     sortable=("displayName",), searchable=("displayName", "mail", "givenName", "surname"), indexed=("mail", "displayName"))
ALTERNATE_KEYS = {"device": ("deviceId",), "servicePrincipal": ("appId",), "orgContact": ()}
MAX_IDS = 1000  # directoryobject-getbyids.md


def find(req, kind, key):
    """A visible device, service principal or contact by id or alternate key, else the §4.2 404."""
    return lookup(req, kind, key, alternate_keys=ALTERNATE_KEYS[kind])


def _register(schema):
    """The read routes of one type: list, /$count and GET by key."""
    kind, entity_set = schema.kind, schema.entity_set

    @route("GET", f"/{entity_set}")
    def list_all(req):
        return list_response(req, schema, req.store.list(kind))

    @route("GET", f"/{entity_set}/$count")
    def count_all(req):
        return count_response(req, schema, req.store.list(kind))

    @route("GET", f"/{entity_set}/{{key}}")
    def get_one(req, key):
        query = Query(req, schema, collection=False)
        return entity_response(req, schema, find(req, kind, key), query=query)

    list_all.__doc__ = f"GET /{entity_set} with query options and paging."
    count_all.__doc__ = f"GET /{entity_set}/$count (advanced query)."
    get_one.__doc__ = f"GET /{entity_set}/{{id}} (or the alternate key form)."


for _schema in (DEVICE, SERVICE_PRINCIPAL, ORG_CONTACT):
    _register(_schema)


# ----- polymorphic reads ---------------------------------------------------------------------------


def visible(req, object_id):
    """(kind, object) for a visible directory object (user, group, device, service principal, contact), else None."""
    kind = req.store.kind_of(object_id)
    if kind not in MEMBER_KINDS:
        return None
    obj = req.store.get(kind, object_id)
    return (kind, lic.with_effective(req.store, [obj])[0] if kind == "user" else obj)


@route("GET", "/directoryObjects/{key}")
def get_directory_object(req, key):
    """Any directory object by id, with @odata.type and its type's default properties."""
    found = visible(req, key.lower())
    if found is None:
        raise not_found(key)
    schema = SCHEMAS[found[0]]
    query = Query(req, schema, collection=False)
    body = {"@odata.context": context(req, "directoryObjects", entity=True)}
    body.update(project(found[1], schema, query.select, req, query.expand, with_type=True))
    return Response(200, body)


TYPE_NAMES = {"user": "user", "group": "group", "device": "device", "serviceprincipal": "servicePrincipal", "orgcontact": "orgContact",
              "directoryobject": None}


@route("POST", "/directoryObjects/getByIds", cost=3, write=False)
def get_by_ids(req):
    """≤ 1000 ids, optionally limited to `types` (case-insensitive); missing ids are left out; objects carry @odata.type."""
    body = req.json()
    ids, types = body.get("ids"), body.get("types")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise request_bad("Property ids value is required but is empty or missing.")
    if len(ids) > MAX_IDS:
        raise request_bad(f"The number of ids exceeds the limit of {MAX_IDS}.")  # our wording
    kinds = None
    if types is not None:
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise request_bad("Invalid value specified for property 'types'.")
        unknown = [t for t in types if t.lower().removeprefix("microsoft.graph.") not in TYPE_NAMES]
        if unknown:
            raise request_bad(f"Invalid type specified: '{unknown[0]}'.")  # our wording
        kinds = {TYPE_NAMES[t.lower().removeprefix("microsoft.graph.")] for t in types}
        kinds = None if None in kinds else kinds
    options = req.query()
    # UNCONFIRMED whether getByIds takes $select (older docs say no); accepted here, each object keeps the names its type has.
    selected = parse_select(options["$select"], resolve_any, "microsoft.graph.directoryObject") if "$select" in options else None
    value = []
    for object_id in dict.fromkeys(i.lower() for i in ids):
        found = visible(req, object_id)
        if found and (kinds is None or found[0] in kinds):
            schema = SCHEMAS[found[0]]
            names = [n for n in selected if schema.canonical(n)] if selected else list(schema.properties)
            value.append(project(found[1], schema, names or ["id"], with_type=True))
    return Response(200, {"@odata.context": f"{req.base_url}/{req.version}/$metadata#directoryObjects", "value": value})


# ----- seeding -------------------------------------------------------------------------------------


def _seed(store, items, kind, defaults, label):
    created = []
    for item in items:
        if not item.get(label):
            raise ValueError(f"every seeded {kind} needs a {label}")
        obj = dict(defaults(item), **item)
        obj.setdefault("id", new_id())
        created.append(store.create(kind, obj, replicated=True))
    return created


@seeder("devices")
def seed_devices(store, items):
    """Devices (displayName required); deviceId, OS and trust type get realistic defaults."""
    return _seed(store, items, "device", lambda item: {
        "accountEnabled": True, "deviceId": new_id(), "operatingSystem": "Windows", "operatingSystemVersion": "10.0.22631.4317",
        "trustType": "AzureAd", "profileType": "RegisteredDevice", "isCompliant": None, "isManaged": None, "physicalIds": [],
        "systemLabels": [], "alternativeSecurityIds": [], "registrationDateTime": utc_now(), "deletedDateTime": None}, "displayName")


@seeder("servicePrincipals")
def seed_service_principals(store, items):
    """Service principals (displayName required); appId defaults to a new GUID, the type to Application."""
    def defaults(item):
        app_id = item.get("appId") or new_id()
        return {"accountEnabled": True, "appId": app_id, "appDisplayName": item["displayName"], "servicePrincipalType": "Application",
                "servicePrincipalNames": [app_id], "signInAudience": "AzureADMyOrg", "appRoles": [], "oauth2PermissionScopes": [],
                "tags": [], "alternativeNames": [], "keyCredentials": [], "passwordCredentials": [], "replyUrls": [],
                "appRoleAssignmentRequired": False, "deletedDateTime": None}
    return _seed(store, items, "servicePrincipal", defaults, "displayName")


@seeder("contacts")
def seed_contacts(store, items):
    """Organisational contacts (displayName required); mail gives mailNickname and proxyAddresses."""
    def defaults(item):
        mail = item.get("mail")
        return {"mailNickname": mail.split("@")[0] if mail else None, "proxyAddresses": [f"SMTP:{mail}"] if mail else [],
                "addresses": [], "phones": [], "onPremisesSyncEnabled": None, "givenName": None, "surname": None, "deletedDateTime": None}
    return _seed(store, items, "orgContact", defaults, "displayName")
