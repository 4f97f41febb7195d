# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's run-time knobs. Every knob can be changed while the server runs."""

import dataclasses
import re

# The application permissions (app roles) a token carries unless `app_roles` says otherwise: what the collection's
# modules and roles need, and the usual read permissions beside them. RoleManagement.ReadWrite.Directory is left out,
# as in a least-privilege tenant: tests turn it on to manage role-assignable groups.
DEFAULT_APP_ROLES = ("Application.Read.All", "Calendars.ReadWrite", "Device.Read.All", "Directory.Read.All", "Domain.Read.All",
                     "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "MailboxSettings.ReadWrite", "Organization.Read.All",
                     "OrgContact.Read.All", "User.ReadWrite.All", "User.RevokeSessions.All")

# The tenant's verified domains: its initial domain and the custom ones the collection's tests, benchmarks and
# docs use. A tenant always has at least its initial domain, so the list may not be empty.
DEFAULT_DOMAINS = ("contoso.onmicrosoft.com", "contoso.example", "contoso.com")
# Entra ID's identity and access quotas per application+tenant pair (throttling-limits.md): writes 3,000 per 150 s;
# resource units per 10 s by tenant size (S under 50 users, M 50-500, L over 500).
ENTRA_QUOTAS = {"S": 3500, "M": 5000, "L": 8000}
_DOMAIN = re.compile(r"(?=.{1,255}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


@dataclasses.dataclass
class EmulatorConfig:
    """Fault and behaviour knobs; all default to a well-behaved, unthrottled Graph."""

    latency_ms: float = 0.0               # sleep added to every Graph HTTP request
    throttle_rate: float = 0.0            # fraction of operations answered 429 at random
    retry_after_s: float = 1.0            # Retry-After sent with random 429s and injected 503s
    fractional_retry_after: bool = False  # random 429s carry decimals such as "0.249"
    outer_503_rate: float = 0.0           # fraction of Graph HTTP requests answered 503 before processing
    outer_504_rate: float = 0.0           # fraction answered 504 after processing (the writes happened, the answer is lost)
    outer_drop_rate: float = 0.0          # fraction whose connection is closed after processing, without an answer
    replication_delay_ms: float = 0.0     # a created object stays invisible to other requests this long
    membership_delay_ms: float = 0.0      # member lists (members, memberOf, ...) show a membership change this much later
    remove_nonmember_400: bool = False    # removing a non-member: 400 "removed object references do not exist" instead of 404
    shuffle: bool = True                  # return $batch responses in random order
    write_quota: int = 0                  # Entra write quota per app+tenant (0 = off)
    write_window_s: float = 150.0
    resource_units: int = 0               # Entra resource-unit quota per app+tenant (0 = off)
    resource_window_s: float = 10.0
    entra_quotas: str = ""                # "S", "M" or "L": set the four quota knobs above to Entra's figures ("" = quotas off)
    outlook_throttling: bool = False      # Outlook's per-mailbox limits on mailbox requests (events, calendar, mailboxSettings, ...)
    mailbox_concurrency: int = 4          # concurrent requests per app+mailbox
    mailbox_requests: int = 10000         # requests per app+mailbox per mailbox_window_s
    mailbox_window_s: float = 600.0
    outlook_latency_ms: float = 20.0      # time a mailbox request takes while outlook_throttling is on
    mailbox_provisioning_delay_ms: float = 0.0  # a user's mailbox exists this long after its first Exchange licence
    sync_interval_s: float = 0.0          # run a synchronisation cycle (as POST /_emulator/sync) this often (0 = only on demand)
    batch_workers: int = 4                # threads running the parallel requests of one batch
    verified_domains: list = dataclasses.field(default_factory=lambda: list(DEFAULT_DOMAINS))  # the first *.onmicrosoft.com is the initial one
    app_roles: list = dataclasses.field(default_factory=lambda: list(DEFAULT_APP_ROLES))  # `roles` of tokens issued from now on

    def as_dict(self):
        """Plain dict of all knobs."""
        return dataclasses.asdict(self)

    def update(self, changes):
        """Apply {knob: value}; raises ValueError naming the first bad knob and changes nothing then.

        `entra_quotas` is a preset: it sets the quota knobs first, and knobs named beside it in the same change win.
        """
        fields = {f.name: f for f in dataclasses.fields(self)}
        checked = {}
        if "entra_quotas" in changes:
            changes = dict(_entra_quotas(changes["entra_quotas"]), **changes)
        for name, value in changes.items():
            if name not in fields:
                raise ValueError(f"unknown knob '{name}'")
            checked[name] = _check(name, value, type(getattr(self, name)))
        for name, value in checked.items():
            setattr(self, name, value)


def _entra_quotas(size):
    """The quota knobs for a tenant size ("" turns both quotas off)."""
    if not isinstance(size, str) or size.upper() not in ("", *ENTRA_QUOTAS):
        raise ValueError("knob 'entra_quotas' must be one of '', 'S', 'M', 'L'")
    if not size:
        return {"write_quota": 0, "resource_units": 0}
    return {"write_quota": 3000, "write_window_s": 150.0, "resource_units": ENTRA_QUOTAS[size.upper()], "resource_window_s": 10.0}


def _check(name, value, kind):
    """Validate one knob value against the type of its default."""
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"knob '{name}' must be a string")
        return value.upper()
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"knob '{name}' must be a boolean")
        return value
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"knob '{name}' must be a list of strings")
        if name == "verified_domains" and (not value or not all(_DOMAIN.fullmatch(v) for v in value)):
            raise ValueError("knob 'verified_domains' must list at least one domain name (a tenant always has its initial domain)")
        return list(value)
    # bool is an int subclass; a JSON true must not become 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"knob '{name}' must be a non-negative number")
    if name.endswith("_rate") and value > 1:
        raise ValueError(f"knob '{name}' must be between 0 and 1")
    if kind is int:
        if value != int(value):
            raise ValueError(f"knob '{name}' must be an integer")
        value = int(value)
    if name.endswith("_window_s") and value == 0:
        raise ValueError(f"knob '{name}' must be positive")
    if name in ("batch_workers", "mailbox_concurrency", "mailbox_requests") and value < 1:
        raise ValueError(f"knob '{name}' must be at least 1")
    return kind(value)
