# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tenant's organization (organization-list.md, organization-get.md) with its verifiedDomains (verifieddomain.md).

Nothing is stored: the organization is the emulated tenant (its id is the tenant id) and its verified domains are the
`verified_domains` knob, the same list user creation checks UPN domains against.
"""

from ..odata import SCHEMAS, Query, Schema, context, project
from ..permissions import ORGANIZATION_READ, require
from ..router import route
from ..wire import Response
from ._directory import not_found

PROPERTIES = (
    "assignedPlans", "businessPhones", "city", "country", "countryLetterCode", "createdDateTime", "defaultUsageLocation", "deletedDateTime",
    "displayName", "id", "marketingNotificationEmails", "onPremisesLastSyncDateTime", "onPremisesSyncEnabled", "postalCode",
    "preferredLanguage", "privacyProfile", "provisionedPlans", "securityComplianceNotificationMails",
    "securityComplianceNotificationPhones", "state", "street", "technicalNotificationMails", "tenantType", "verifiedDomains",
)
ORGANIZATION = Schema("organization", "microsoft.graph.organization", "organization", PROPERTIES, PROPERTIES, ())
SCHEMAS.pop("organization", None)  # never a group member: keep it out of the directoryObject union
CREATED = "2021-08-02T10:30:06Z"


def verified_domains(config):
    """verifiedDomain objects: the first *.onmicrosoft.com domain (else the first) is the initial one, the first other the default."""
    names = list(config.verified_domains)
    initial = next((n for n in names if n.lower().endswith(".onmicrosoft.com")), names[0])
    default = next((n for n in names if n != initial), initial)
    return [{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": name == default, "isInitial": name == initial,
             "name": name, "type": "Managed"} for name in names]


def organization(req):
    """The tenant as an organization object."""
    return {
        "id": req.tenant_id, "deletedDateTime": None, "assignedPlans": [], "businessPhones": [], "city": None, "country": None,
        "countryLetterCode": "DK", "createdDateTime": CREATED, "defaultUsageLocation": None, "displayName": "Contoso",
        "marketingNotificationEmails": [], "onPremisesLastSyncDateTime": None, "onPremisesSyncEnabled": None, "postalCode": None,
        "preferredLanguage": "en", "privacyProfile": None, "provisionedPlans": [], "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [], "state": None, "street": None, "technicalNotificationMails": [],
        "tenantType": "AAD", "verifiedDomains": verified_domains(req.config),
    }


@route("GET", "/organization")
def list_organization(req):
    """The one organization, with $select."""
    require(req, *ORGANIZATION_READ)
    query = Query(req, ORGANIZATION, collection=False)
    return Response(200, {"@odata.context": context(req, "organization", query.select),
                          "value": [project(organization(req), ORGANIZATION, query.select)]})


@route("GET", "/organization/{key}")
def get_organization(req, key):
    """The organization by its id (the tenant id)."""
    require(req, *ORGANIZATION_READ)
    if key.lower() != req.tenant_id.lower():
        raise not_found(key)
    query = Query(req, ORGANIZATION, collection=False)
    body = {"@odata.context": context(req, "organization", query.select, entity=True)}
    body.update(project(organization(req), ORGANIZATION, query.select))
    return Response(200, body)
