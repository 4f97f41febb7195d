# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sign-in through real MSAL (secret, certificate PEM, PFX) and the bearer check on Graph."""

import datetime
import json
import time
import uuid

import jwt
import msal
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import msal_app


def _scope(emulator):
    return [f"{emulator.url}/.default"]


def _token_post(emulator, tenant=None, **form):
    url = f"{emulator.url}/{tenant or emulator.tenant_id}/oauth2/v2.0/token"
    data = {"grant_type": "client_credentials", "client_id": emulator.client_id, "scope": f"{emulator.url}/.default"}
    data.update(form)
    return requests.post(url, data={k: v for k, v in data.items() if v is not None}, verify=emulator.ca_path, timeout=30)


def _assertion(emulator, key, cert, **claims):
    now = int(time.time())
    body = {"aud": f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token", "iss": emulator.client_id, "sub": emulator.client_id,
            "jti": str(uuid.uuid4()), "nbf": now, "exp": now + 600}
    body.update(claims)
    x5t = jwt.utils.base64url_encode(cert.fingerprint(hashes.SHA1())).decode()
    return jwt.encode(body, key, algorithm="RS256", headers={"x5t": x5t})


def _client_key_and_cert(emulator):
    with open(emulator.credentials["client_certificate_path"], "rb") as handle:
        pem = handle.read()
    return serialization.load_pem_private_key(pem, None), x509.load_pem_x509_certificate(pem)


def test_discovery_document(emulator):
    url = f"{emulator.url}/{emulator.tenant_id}/v2.0/.well-known/openid-configuration"
    doc = requests.get(url, verify=emulator.ca_path, timeout=30).json()
    assert doc["token_endpoint"] == f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"].startswith(f"{emulator.url}/{emulator.tenant_id}/")
    assert doc["issuer"] == f"{emulator.url}/{emulator.tenant_id}/v2.0"


def test_discovery_unknown_tenant(emulator):
    resp = requests.get(f"{emulator.url}/{uuid.uuid4()}/v2.0/.well-known/openid-configuration", verify=emulator.ca_path, timeout=30)
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_tenant"


def test_a_verified_domain_names_the_tenant(emulator):
    """Entra takes the tenant id or any of its verified domains in the authority; discovery answers with the id."""
    for domain in ("contoso.com", "CONTOSO.onmicrosoft.com"):
        doc = requests.get(f"{emulator.url}/{domain}/v2.0/.well-known/openid-configuration", verify=emulator.ca_path, timeout=30).json()
        assert doc["token_endpoint"] == f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token"
        assert doc["issuer"] == f"{emulator.url}/{emulator.tenant_id}/v2.0"
        assert _token_post(emulator, tenant=domain, client_secret=emulator.client_secret).status_code == 200
    unknown = requests.get(f"{emulator.url}/fabrikam.com/v2.0/.well-known/openid-configuration", verify=emulator.ca_path, timeout=30)
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_tenant")
    app = msal.ConfidentialClientApplication(emulator.client_id, authority=f"{emulator.url}/contoso.com", instance_discovery=False,
                                             client_credential=emulator.client_secret, verify=emulator.ca_path)
    result = app.acquire_token_for_client(scopes=_scope(emulator))
    assert "access_token" in result, result
    assert jwt.decode(result["access_token"], options={"verify_signature": False})["tid"] == emulator.tenant_id
    key, cert = _client_key_and_cert(emulator)
    kind = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    by_domain = _token_post(emulator, tenant="contoso.com", client_assertion_type=kind, client_assertion=_assertion(
        emulator, key, cert, aud=f"{emulator.url}/contoso.com/oauth2/v2.0/token"))
    assert by_domain.status_code == 200, by_domain.json()


def test_msal_secret_then_graph_call(emulator):
    result = msal_app(emulator, emulator.client_secret).acquire_token_for_client(scopes=_scope(emulator))
    assert result["token_type"] == "Bearer" and result["expires_in"] == 3600
    resp = requests.get(f"{emulator.url}/v1.0/users", headers={"Authorization": "Bearer " + result["access_token"]},
                        verify=emulator.ca_path, timeout=30)
    assert resp.status_code == 200


def test_msal_wrong_secret_rejected(emulator):
    result = msal_app(emulator, "not-the-secret").acquire_token_for_client(scopes=_scope(emulator))
    assert result["error"] == "invalid_client"
    assert "AADSTS7000215" in result["error_description"]


def test_msal_certificate_pem_with_thumbprint(emulator):
    with open(emulator.credentials["client_certificate_path"], encoding="ascii") as handle:
        pem = handle.read()  # key and certificate in one file, as handed to clients
    credential = {"private_key": pem, "thumbprint": emulator.credentials["client_certificate_thumbprint"]}
    result = msal_app(emulator, credential).acquire_token_for_client(scopes=_scope(emulator))
    assert "access_token" in result, result


def test_msal_certificate_pem_with_public_certificate_uses_ps256(emulator):
    with open(emulator.credentials["client_certificate_path"], encoding="ascii") as handle:
        pem = handle.read()
    credential = {"private_key": pem, "public_certificate": pem[pem.index("-----BEGIN CERTIFICATE"):]}
    result = msal_app(emulator, credential).acquire_token_for_client(scopes=_scope(emulator))
    assert "access_token" in result, result


def test_msal_certificate_pfx(emulator):
    credential = {"private_key_pfx_path": emulator.credentials["client_certificate_pfx_path"]}
    result = msal_app(emulator, credential).acquire_token_for_client(scopes=_scope(emulator))
    assert "access_token" in result, result


def test_unregistered_certificate_rejected(emulator):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stranger")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
            .not_valid_after(datetime.datetime(2099, 1, 1)).sign(key, hashes.SHA256()))
    resp = _token_post(emulator, client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                       client_assertion=_assertion(emulator, key, cert))
    assert resp.status_code == 401
    assert resp.json()["error"] == "invalid_client" and resp.json()["error_codes"] == [700027]


def test_assertion_claims_checked(emulator):
    key, cert = _client_key_and_cert(emulator)
    kind = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    good = _token_post(emulator, client_assertion_type=kind, client_assertion=_assertion(emulator, key, cert))
    assert good.status_code == 200
    cases = {700024: {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 4000},
             50027: {"aud": "https://elsewhere.example/token"},
             700021: {"iss": str(uuid.uuid4())}}
    for number, claims in cases.items():
        resp = _token_post(emulator, client_assertion_type=kind, client_assertion=_assertion(emulator, key, cert, **claims))
        assert resp.status_code == 401, claims
        assert resp.json()["error_codes"] == [number], resp.json()


def test_token_endpoint_errors(emulator):
    assert _token_post(emulator, client_secret=emulator.client_secret).status_code == 200
    bad_scope = _token_post(emulator, client_secret=emulator.client_secret, scope=f"{emulator.url}/User.Read.All")
    assert (bad_scope.status_code, bad_scope.json()["error"]) == (400, "invalid_scope")
    tenant = _token_post(emulator, tenant=str(uuid.uuid4()), client_secret=emulator.client_secret)
    assert (tenant.status_code, tenant.json()["error"]) == (400, "invalid_request")
    assert "AADSTS90002" in tenant.json()["error_description"]
    client = _token_post(emulator, client_id=str(uuid.uuid4()), client_secret="x")
    assert (client.status_code, client.json()["error"]) == (400, "unauthorized_client")
    nothing = _token_post(emulator)
    assert (nothing.status_code, nothing.json()["error"]) == (401, "invalid_client")
    missing_scope = _token_post(emulator, client_secret=emulator.client_secret, scope=None)
    assert (missing_scope.status_code, missing_scope.json()["error"]) == (400, "invalid_request")


def test_graph_requires_a_known_token(graph):
    for headers in ({}, {"Authorization": "Bearer made-up"}, {"Authorization": "Basic abc"}):
        resp = requests.get(f"{graph.url}/v1.0/users", headers=headers, verify=graph.emulator.ca_path, timeout=30)
        assert resp.status_code == 401
        assert resp.json()["error"]["code"] == "InvalidAuthenticationToken"
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_requests_counted_apart_from_graph(graph):
    graph.control("POST", "stats/reset")
    _token_post(graph.emulator, client_secret=graph.emulator.client_secret)
    stats = graph.stats()
    assert stats["token_requests"] == 1 and stats["http_requests"] == 0


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def _get_users(emulator, token):
    return requests.get(f"{emulator.url}/v1.0/users", headers={"Authorization": "Bearer " + token}, verify=emulator.ca_path, timeout=30)


def test_access_token_is_a_jwt_with_app_only_claims(graph):
    emulator = graph.emulator
    token = _token_post(emulator, client_secret=emulator.client_secret).json()["access_token"]
    claims = _claims(token)
    assert claims["aud"] == emulator.url and claims["tid"] == emulator.tenant_id and claims["appid"] == emulator.client_id
    assert claims["iss"] == claims["idp"] == f"https://sts.windows.net/{emulator.tenant_id}/"
    assert claims["idtyp"] == "app" and claims["ver"] == "1.0" and claims["appidacr"] == "1" and claims["sub"] == claims["oid"]
    assert claims["nbf"] <= claims["iat"] < claims["exp"] and claims["exp"] - claims["iat"] == 3600
    assert "RoleManagement.ReadWrite.Directory" not in claims["roles"]
    assert {"User.ReadWrite.All", "GroupMember.ReadWrite.All", "Organization.Read.All", "Calendars.ReadWrite",
            "User.RevokeSessions.All"} <= set(claims["roles"])
    graph_scope = _token_post(emulator, client_secret=emulator.client_secret, scope="https://graph.microsoft.com/.default")
    assert _claims(graph_scope.json()["access_token"])["aud"] == "https://graph.microsoft.com"
    # the signature verifies with the key published at the keys URL
    keys = requests.get(f"{emulator.url}/{emulator.tenant_id}/discovery/v2.0/keys", verify=emulator.ca_path, timeout=30).json()["keys"]
    header = jwt.get_unverified_header(token)
    key = jwt.algorithms.RSAAlgorithm.from_jwk(next(k for k in keys if k["kid"] == header["kid"]))
    assert jwt.decode(token, key, algorithms=["RS256"], audience=emulator.url)["appid"] == emulator.client_id


def test_certificate_tokens_say_so(emulator):
    key, cert = _client_key_and_cert(emulator)
    resp = _token_post(emulator, client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                       client_assertion=_assertion(emulator, key, cert))
    assert _claims(resp.json()["access_token"])["appidacr"] == "2"


def test_app_roles_knob_changes_tokens_issued_afterwards(graph):
    emulator = graph.emulator
    before = _token_post(emulator, client_secret=emulator.client_secret).json()["access_token"]
    graph.configure(app_roles=["User.Read.All", "RoleManagement.ReadWrite.Directory"])
    after = _token_post(emulator, client_secret=emulator.client_secret).json()["access_token"]
    assert _claims(after)["roles"] == ["RoleManagement.ReadWrite.Directory", "User.Read.All"]
    assert "User.Read.All" not in _claims(before)["roles"]  # a token keeps the permissions it was issued with
    graph.configure(app_roles=[])
    assert "roles" not in _claims(_token_post(emulator, client_secret=emulator.client_secret).json()["access_token"])
    assert graph.control("PATCH", "config", json={"app_roles": "User.Read.All"}).status_code == 400


def test_bearer_check_verifies_signature_lifetime_and_audience(graph):
    emulator = graph.emulator
    app = emulator.identity.apps[emulator.client_id]
    good = emulator.identity.issue(app, emulator.url)
    assert _get_users(emulator, good).status_code == 200
    expired = _get_users(emulator, emulator.identity.issue(app, emulator.url, lifetime=-60))
    assert expired.status_code == 401 and expired.json()["error"]["message"] == "Lifetime validation failed, the token is expired."
    audience = _get_users(emulator, emulator.identity.issue(app, "https://vault.azure.net"))
    assert audience.status_code == 401 and audience.json()["error"]["message"] == "Access token validation failure. Invalid audience."
    head, body, signature = good.split(".")
    claims = _claims(good)
    claims["roles"] = claims.get("roles", []) + ["RoleManagement.ReadWrite.Directory"]
    forged = head + "." + jwt.utils.base64url_encode(json.dumps(claims).encode()).decode() + "." + signature
    resp = _get_users(emulator, forged)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "InvalidAuthenticationToken"
