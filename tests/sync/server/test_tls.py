"""HTTPS: the server serves TLS from its configuration; a client that trusts the store's own
CA verifies it, and a client without that CA refuses the connection."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sync.server.app import create_app
from tests.sync.client.tls import make_tls_files
from tests.sync.fixtures import ServerDb, ServerProcess, UvicornThread, free_port, server_config


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost."""
    files = make_tls_files(tmp_path_factory.mktemp("tls"))
    return Certificates(files.ca_file, files.cert_file, files.key_file)


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
