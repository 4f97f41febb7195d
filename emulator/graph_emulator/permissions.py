# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Application permissions checked against the `roles` claim of the caller's token.

Only the checks the collection depends on are modelled (see the README): every other route is open to any valid token.
"""

from .wire import GraphError

DENIED = "Insufficient privileges to complete the operation."
ROLE_MANAGEMENT = "RoleManagement.ReadWrite.Directory"
# organization-get / organization-list and subscribedsku-list permission tables (application).
ORGANIZATION_READ = ("Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")


def denied():
    """Graph's 403 for a token without the permission an operation needs."""
    return GraphError(403, "Authorization_RequestDenied", DENIED)


def require(req, *any_of):
    """403 unless the token's roles hold at least one of `any_of`."""
    if not req.roles.intersection(any_of):
        raise denied()
