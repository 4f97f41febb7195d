# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Microsoft Entra endpoints MSAL uses for app-only sign-in (§9.4): OpenID discovery and the
client-credentials token endpoint, with secret or certificate (signed JWT assertion) credentials.

Issued access tokens are v1.0-style JWTs signed (RS256) with the emulator's own key, carrying Entra's
usual app-only claims (access-token-claims-reference.md) and the app's application permissions in
`roles`; the bearer check on Graph verifies the signature, tenant, audience and lifetime, and the
permissions checked on Graph come from the token, as with Graph (a change of `app_roles` applies to
tokens issued afterwards).
"""

import base64
import dataclasses
import datetime
import hmac
import secrets
import time
import urllib.parse
import uuid

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa

from .wire import GraphError, Response

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_LIFETIME_S = 3600
CLOCK_SKEW_S = 300
ALGORITHMS = ("RS256", "PS256")


def _b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclasses.dataclass
class Application:
    """A registered app: its id, an optional secret and the certificates it may sign assertions with."""

    client_id: str
    secret: str = None
    certificates: list = dataclasses.field(default_factory=list)
    display_name: str = "graph-emulator"
    object_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))  # its service principal in the tenant

    def key_for(self, header):
        """Public key of the certificate named by the JWT header's x5t#S256 or x5t, else None."""
        for cert in self.certificates:
            if (header.get("x5t#S256", "").rstrip("=") == _b64url(cert.fingerprint(hashes.SHA256()))
                    or header.get("x5t", "").rstrip("=") == _b64url(cert.fingerprint(hashes.SHA1()))):  # nosec - x5t is SHA-1
                return cert.public_key()
        return None


class OAuthError(Exception):
    """An Entra token-endpoint error: HTTP status, OAuth `error`, AADSTS number and text."""

    def __init__(self, status, error, number, text):
        super().__init__(text)
        self.status = status
        self.error = error
        self.number = number
        self.text = text


def _missing(name):
    return OAuthError(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


class Identity:
    """Discovery + token endpoints for one tenant, and the bearer check for Graph requests."""

    def __init__(self, tenant_id, applications, base_url="", roles=lambda client_id: [], domains=lambda: []):
        self.tenant_id = tenant_id
        self.domains = domains  # domains() -> the tenant's verified domains now; each names the tenant like its id
        self.apps = {app.client_id: app for app in applications}
        self.base_url = base_url
        self.roles = roles  # roles(client id) -> the application permissions granted to the app now
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = _b64url(secrets.token_bytes(20))
        self.issuer = f"https://sts.windows.net/{tenant_id}/"

    # --- routing ---------------------------------------------------------------------------

    def handles(self, segments):
        """True for /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/token and the keys URL."""
        rest = segments[1:]
        return rest in (["v2.0", ".well-known", "openid-configuration"], ["oauth2", "v2.0", "token"], ["discovery", "v2.0", "keys"])

    def handle(self, method, segments, headers, body):
        """Serve one identity request; returns (Response, is_token_request)."""
        tenant, rest = segments[0], segments[1:]
        correlation = headers.get("client-request-id") or str(uuid.uuid4())
        is_token = rest[0] == "oauth2"
        try:
            if method != ("POST" if is_token else "GET"):
                raise OAuthError(405, "invalid_request", 900561, "The endpoint only accepts " + ("POST" if is_token else "GET") + " requests.")
            if not self.names_tenant(tenant):
                raise OAuthError(400, "invalid_tenant" if not is_token else "invalid_request", 90002,
                                 f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
            if rest[0] == "discovery":
                return Response(200, {"keys": [self.jwk()]}), False
            if not is_token:
                return Response(200, self.discovery(tenant)), False
            return Response(200, self.token(tenant, headers, body)), True
        except OAuthError as err:
            return self._error(err, correlation), is_token

    def names_tenant(self, tenant):
        """True for the tenant's id and for each of its verified domains (Entra takes either in the authority path)."""
        return tenant.lower() in {self.tenant_id.lower()} | {domain.lower() for domain in self.domains()}

    def _error(self, err, correlation):
        stamp = datetime.datetime.now(datetime.timezone.utc)
        trace = str(uuid.uuid4())
        description = (f"AADSTS{err.number}: {err.text} Trace ID: {trace} Correlation ID: {correlation} "
                       f"Timestamp: {stamp.strftime('%Y-%m-%d %H:%M:%SZ')}")
        return Response(err.status, {"error": err.error, "error_description": description, "error_codes": [err.number],
                                     "timestamp": stamp.strftime("%Y-%m-%d %H:%M:%SZ"), "trace_id": trace,
                                     "correlation_id": correlation, "error_uri": f"{self.base_url}/error?code={err.number}"},
                        {"Cache-Control": "no-store, no-cache"})

    # --- endpoints -------------------------------------------------------------------------

    def discovery(self, tenant):
        """The OpenID configuration document (the fields MSAL reads, and the usual neighbours).

        Asked for by a domain name, Entra answers with endpoints under the tenant id, as for the id itself."""
        root = f"{self.base_url}/{self.tenant_id}"
        return {
            "issuer": f"{root}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": None,
            "cloud_instance_name": "graph-emulator",
            "msgraph_host": urllib.parse.urlsplit(self.base_url).netloc,
        }

    def token(self, tenant, headers, body):
        """Client-credentials grant; returns the token JSON or raises OAuthError."""
        if not (headers.get("content-type") or "").lower().startswith("application/x-www-form-urlencoded"):
            raise _missing("grant_type")
        form = {k: v[0] for k, v in urllib.parse.parse_qs((body or b"").decode("utf-8", "replace"), keep_blank_values=True).items()}
        for name in ("grant_type", "client_id"):
            if not form.get(name):
                raise _missing(name)
        if form["grant_type"] != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{form['grant_type']}'.")
        app = self.apps.get(form["client_id"])
        if app is None:
            raise OAuthError(400, "unauthorized_client", 700016, f"Application with identifier '{form['client_id']}' was not found in the "
                             f"directory '{tenant}'. The application may not have been installed by the administrator of the tenant.")
        method = self._check_credentials(app, tenant, form)
        resource = self._check_scope(tenant, form.get("scope"))
        access_token = self.issue(app, resource, method)
        return {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S, "ext_expires_in": TOKEN_LIFETIME_S, "access_token": access_token}

    def issue(self, app, resource, method="1", lifetime=TOKEN_LIFETIME_S):
        """A signed v1.0 app-only access token; `method` is appidacr: "1" secret, "2" certificate."""
        now = int(time.time())
        claims = {
            "aud": resource, "iss": self.issuer, "iat": now, "nbf": now, "exp": now + lifetime,
            "aio": _b64url(secrets.token_bytes(24)), "app_displayname": app.display_name, "appid": app.client_id,
            "appidacr": method, "idp": self.issuer, "idtyp": "app", "oid": app.object_id, "rh": _b64url(secrets.token_bytes(16)),
            "sub": app.object_id, "tid": self.tenant_id, "uti": _b64url(secrets.token_bytes(16)), "ver": "1.0",
        }
        roles = sorted(set(self.roles(app.client_id)))
        if roles:  # Entra leaves out a claim that has no value
            claims["roles"] = roles
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"typ": "JWT", "kid": self._kid, "x5t": self._kid})

    def jwk(self):
        """The token-signing key as a JWK, published at the discovery keys URL."""
        key = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        key.update({"kid": self._kid, "x5t": self._kid, "use": "sig"})
        return key

    def _check_scope(self, tenant, scope):
        if not scope:
            raise _missing("scope")
        scopes = scope.split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise OAuthError(400, "invalid_scope", 1002012, f"The provided value for scope {scope} is not valid. Client credential flows "
                             "must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
        resource = scopes[0][:-len("/.default")].rstrip("/")
        if resource.lower() not in self.audiences():
            raise OAuthError(400, "invalid_resource", 500011, f"The resource principal named {resource} was not found in the tenant named {tenant}.")
        return resource

    def audiences(self):
        """The names Graph answers to: the emulator's URL, Graph's URL and Graph's app id (lower case)."""
        return {self.base_url.lower(), "https://graph.microsoft.com", GRAPH_APP_ID}

    def _check_credentials(self, app, tenant, form):
        secret, assertion = form.get("client_secret"), form.get("client_assertion")
        if secret and assertion:
            raise OAuthError(400, "invalid_request", 50027, "Only one client credential may be sent.")
        if secret:
            if not app.secret or not hmac.compare_digest(secret.encode(), app.secret.encode()):
                raise OAuthError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request "
                                 f"is the client secret value, not the client secret ID, for a secret added to app '{app.client_id}'.")
            return "1"
        if not assertion or form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthError(401, "invalid_client", 7000218,
                             "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        self._verify_assertion(app, tenant, assertion)
        return "2"

    def _verify_assertion(self, app, tenant, assertion):
        """Check the signed JWT: known certificate, RS256/PS256 signature, aud, iss, sub and lifetime."""
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            raise OAuthError(401, "invalid_client", 50027, "JWT token is invalid or malformed.") from None
        key = app.key_for(header)
        if key is None:
            raise OAuthError(401, "invalid_client", 700027, "The certificate with identifier used to sign the client assertion is not "
                             f"registered on application. [Reason - The key was not found., Thumbprint of key used by client: "
                             f"'{header.get('x5t#S256') or header.get('x5t')}']")
        if header.get("alg") not in ALGORITHMS:
            raise OAuthError(401, "invalid_client", 700027, f"Client assertion is signed with unsupported algorithm '{header.get('alg')}'.")
        root = f"{self.base_url}/{tenant}"
        roots = [root, f"{self.base_url}/{self.tenant_id}"]
        try:
            claims = jwt.decode(assertion, key, algorithms=[header["alg"]],
                                audience=[f"{r}/oauth2/v2.0/token" for r in roots] + [f"{r}/v2.0" for r in roots],
                                leeway=CLOCK_SKEW_S, options={"require": ["exp", "aud", "iss", "sub"]})
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError):
            raise OAuthError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.") from None
        except jwt.InvalidSignatureError:
            raise OAuthError(401, "invalid_client", 700027, "Client assertion failed signature validation.") from None
        except jwt.InvalidAudienceError:
            raise OAuthError(401, "invalid_client", 50027, f"Invalid JWT token. The audience must be {root}/oauth2/v2.0/token.") from None
        except jwt.InvalidTokenError as err:
            raise OAuthError(401, "invalid_client", 50027, f"Invalid JWT token. {err}") from None
        if claims["iss"] != app.client_id or claims["sub"] != app.client_id:
            raise OAuthError(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter.")

    # --- Graph side ------------------------------------------------------------------------

    def authenticate(self, authorization):
        """The claims of a valid `Bearer` token issued here; raises Graph's 401 otherwise."""
        scheme, dummy, token = (authorization or "").partition(" ")
        authorize = f"{self.base_url}/{self.tenant_id}/oauth2/v2.0/authorize"
        headers = {"WWW-Authenticate": f'Bearer realm="", authorization_uri="{authorize}", client_id="{GRAPH_APP_ID}"'}
        if scheme.lower() != "bearer" or not token.strip():
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", headers)
        try:
            claims = jwt.decode(token.strip(), self._key.public_key(), algorithms=["RS256"], issuer=self.issuer,
                                options={"verify_aud": False, "require": ["exp", "aud", "appid", "tid"]})
        except jwt.ExpiredSignatureError:
            raise GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.", headers) from None
        except jwt.InvalidTokenError:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.", headers) from None
        if str(claims["aud"]).rstrip("/").lower() not in self.audiences() or claims["tid"] != self.tenant_id:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.", headers)
        return claims
