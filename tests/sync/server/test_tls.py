"""HTTPS: the server serves TLS from its configuration; a client that trusts the store's own
CA verifies it, and a client without that CA refuses the connection."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.server.app import create_app
from tests.sync.fixtures import ServerDb, ServerProcess, UvicornThread, free_port, server_config


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("LunarFront test CA"))
        .issuer_name(_name("LunarFront test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("sync.lunarfront.test"))
        .issuer_name(ca.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


def assert_verified_only_with_the_ca(url: str, certificates: Certificates) -> None:
    trusting = ssl.create_default_context(cafile=str(certificates.ca))
    with httpx.Client(verify=trusting, timeout=10) as client:
        reply = client.get(url + "/health")
    assert reply.status_code == 200
    assert reply.json()["database"] == "ok"
    # The default trust store (certifi) does not know the store's CA.
    with httpx.Client(timeout=10) as client, pytest.raises(httpx.ConnectError) as refused:
        client.get(url + "/health")
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)


def test_https_in_process(server_db: ServerDb, certificates: Certificates) -> None:
    port = free_port()
    runner = UvicornThread(
        create_app(server_config(server_db.url, port)),
        port,
        ssl_certfile=str(certificates.cert),
        ssl_keyfile=str(certificates.key),
    )
    runner.start()
    try:
        assert_verified_only_with_the_ca(f"https://127.0.0.1:{port}", certificates)
        assert_verified_only_with_the_ca(f"https://localhost:{port}", certificates)
    finally:
        runner.stop()


def test_serve_uses_the_configured_certificate(
    server_process: Callable[..., ServerProcess], certificates: Certificates
) -> None:
    server = server_process(
        LUNARFRONT_SERVER_TLS_CERT=str(certificates.cert),
        LUNARFRONT_SERVER_TLS_KEY=str(certificates.key),
    )
    assert server.url.startswith("https://")
    assert_verified_only_with_the_ca(server.url, certificates)
