# -*- coding: utf-8 -*-
# Copyright (c) 2026, mynster.msgraph contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Throw-away PKI made at start: a CA, a server certificate for 127.0.0.1/localhost, and a client
certificate for certificate-credential sign-in. Nothing here is meant to outlive the process."""

import dataclasses
import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 30


@dataclasses.dataclass
class TlsFiles:
    """Paths written into the state dir, plus the client certificate's thumbprints (hex)."""

    ca_path: str
    cert_path: str
    key_path: str
    client_cert_path: str
    client_pfx_path: str
    client_sha1: str
    client_sha256: str
    client_certificate: x509.Certificate


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Graph emulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject, issuer, public_key, issuer_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))


def _usage(**wanted):
    flags = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{flag: wanted.get(flag, False) for flag in flags})


def _write(path, data, private=False):
    # Keys are created owner-only from the start rather than chmod-ed after writing.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _san(hosts):
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def generate(state_dir, hosts=("127.0.0.1", "localhost")):
    """Create the CA, server and client credentials in `state_dir`."""
    # EC keys are quick to make; the client key is RSA because MSAL signs assertions with RS256/PS256.
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Graph emulator throw-away CA")
    ca_cert = (_builder(ca_name, ca_name, ca_key.public_key(), ca_key)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
               .sign(ca_key, hashes.SHA256()))

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (_builder(_name(hosts[0]), ca_name, server_key.public_key(), ca_key)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(_usage(digital_signature=True, key_agreement=True), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                   .add_extension(_san(hosts), critical=False)
                   .sign(ca_key, hashes.SHA256()))

    client_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client_cert = (_builder(_name("graph-emulator-client"), ca_name, client_key.public_key(), ca_key)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                   .sign(ca_key, hashes.SHA256()))

    pem = serialization.Encoding.PEM
    return TlsFiles(
        ca_path=_write(os.path.join(state_dir, "ca.pem"), ca_cert.public_bytes(pem)),
        cert_path=_write(os.path.join(state_dir, "server.pem"), server_cert.public_bytes(pem) + ca_cert.public_bytes(pem)),
        key_path=_write(os.path.join(state_dir, "server-key.pem"), _pem_key(server_key), private=True),
        client_cert_path=_write(os.path.join(state_dir, "client-cert.pem"), _pem_key(client_key) + client_cert.public_bytes(pem), private=True),
        client_pfx_path=_write(os.path.join(state_dir, "client-cert.pfx"), pkcs12.serialize_key_and_certificates(
            b"graph-emulator-client", client_key, client_cert, None, serialization.NoEncryption()), private=True),
        client_sha1=client_cert.fingerprint(hashes.SHA1()).hex(),  # nosec - x5t is SHA-1 by definition
        client_sha256=client_cert.fingerprint(hashes.SHA256()).hex(),
        client_certificate=client_cert,
    )


def server_context(files):
    """TLS server context for the generated certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert_path, files.key_path)
    return context
