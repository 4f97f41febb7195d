# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Connection and authentication options shared by every module (defined in module_utils/base/module.py)."""

    DOCUMENTATION = r'''
options:
  tenant_id:
    description:
      - Directory (tenant) ID or verified domain of the Entra tenant.
      - Falls back to the E(AZURE_TENANT_ID) environment variable.
    type: str
  client_id:
    description:
      - Application (client) ID of the app registration.
      - With O(auth_method=managed_identity), the client ID of a user-assigned identity; omit it for the system-assigned one.
      - Falls back to the E(AZURE_CLIENT_ID) environment variable.
    type: str
  client_secret:
    description:
      - Client secret of the app registration.
      - Falls back to the E(AZURE_CLIENT_SECRET) environment variable.
    type: str
  client_certificate_path:
    description:
      - Path to the app's certificate, either a PEM file holding the certificate and its private key, or a C(.pfx)/C(.p12) file.
      - Falls back to the E(AZURE_CLIENT_CERTIFICATE_PATH) environment variable.
    type: path
  client_certificate_password:
    description:
      - Password of the private key in O(client_certificate_path), if it is encrypted.
      - Falls back to the E(AZURE_CLIENT_CERTIFICATE_PASSWORD) environment variable.
    type: str
  access_token:
    description:
      - A bearer token for Graph acquired elsewhere. No token request is made when it is given.
      - Falls back to the E(MSGRAPH_ACCESS_TOKEN) environment variable.
    type: str
  auth_method:
    description:
      - How to get the token.
      - V(auto) uses O(access_token) when given, else O(client_secret), else O(client_certificate_path), else a managed identity.
    type: str
    default: auto
    choices: [auto, client_secret, certificate, managed_identity, access_token]
  cloud:
    description:
      - National cloud; sets the Graph and sign-in hosts.
      - V(global) is graph.microsoft.com with login.microsoftonline.com, V(usgov) is graph.microsoft.us (GCC High),
        V(usgov_dod) is dod-graph.microsoft.us, V(china) is microsoftgraph.chinacloudapi.cn (21Vianet).
      - Falls back to the E(MSGRAPH_CLOUD) environment variable.
    type: str
    default: global
    choices: [global, usgov, usgov_dod, china]
  graph_url:
    description:
      - Override the Graph root URL (scheme and host, no version), for example the Graph emulator's address.
      - Falls back to the E(MSGRAPH_URL) environment variable.
    type: str
  authority_url:
    description:
      - Override the sign-in authority root (scheme and host; the tenant is appended).
      - Falls back to the E(MSGRAPH_AUTHORITY_URL) environment variable.
    type: str
  api_version:
    description:
      - Graph API version used for every request.
    type: str
    default: v1.0
    choices: [v1.0, beta]
  validate_certs:
    description:
      - Verify TLS certificates of Graph and the sign-in authority.
      - Falls back to the E(MSGRAPH_VALIDATE_CERTS) environment variable.
    type: bool
    default: true
  ca_path:
    description:
      - CA bundle used to verify TLS certificates, for example the Graph emulator's C(ca.pem).
      - Falls back to the E(MSGRAPH_CA_PATH) environment variable.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response. More than 0 and at most 3600.
    type: float
    default: 30.0
  max_concurrency:
    description:
      - How many C($batch) requests may be in flight at once. From 1 to 32.
    type: int
    default: 4
  max_retries:
    description:
      - How many times a throttled (429), unavailable (503) or timed-out (504) request is retried before its failure is reported.
        From 0 to 20.
    type: int
    default: 10
  max_retry_wait:
    description:
      - Upper bound in seconds for a single wait before a retry, whatever Graph's C(Retry-After) says. From 0 to 3600.
    type: float
    default: 60.0
notes:
  - All requests of one task share one token and one connection pool. A 429 slows down only what it is about - the throttled
    request itself for throttling noise, directory writes or reads for Entra's quotas, one mailbox for Outlook's limits - and
    sending slows down before Graph refuses when it reports a quota close to its limit. See the batching and throttling guide
    in the collection docs.
'''
