"""The server's settings: defaults, conversions, and a plain error naming each bad variable."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from sync.server.config import ConfigError, ServerConfig

URL = "postgresql://lunar:secret@db.example:5432/lunarfront"


def env(**values: str) -> dict[str, str]:
    return {"LUNARFRONT_SERVER_DATABASE_URL": URL} | {
        f"LUNARFRONT_SERVER_{key}": value for key, value in values.items()
    }


def test_defaults_and_the_psycopg_dialect() -> None:
    config = ServerConfig.from_env(env())
    assert config.database_url == "postgresql+psycopg://lunar:secret@db.example:5432/lunarfront"
    assert (config.host, config.port, config.workers) == ("127.0.0.1", 8470, 1)
    assert config.log_level == "INFO"
    assert (config.tls_cert, config.tls_key, config.tls) == (None, None, False)
    assert (config.pool_size, config.statement_timeout_ms, config.lock_timeout_ms) == (
        5,
        30_000,
        5_000,
    )
    assert config.pairing_code_ttl == timedelta(minutes=1440)


def test_every_setting_is_read(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("cert")
    key.write_text("key")
    config = ServerConfig.from_env(
        env(
            HOST="192.0.2.10",
            PORT="9000",
            WORKERS="4",
            LOG_LEVEL="debug",
            TLS_CERT=str(cert),
            TLS_KEY=str(key),
            POOL_SIZE="12",
            STATEMENT_TIMEOUT_MS="1500",
            LOCK_TIMEOUT_MS="250",
            PAIRING_CODE_TTL_MINUTES="30",
        )
    )
    assert (config.host, config.port, config.workers, config.log_level) == (
        "192.0.2.10",
        9000,
        4,
        "DEBUG",
    )
    assert (config.tls_cert, config.tls_key, config.tls) == (cert, key, True)
    assert (config.pool_size, config.statement_timeout_ms, config.lock_timeout_ms) == (
        12,
        1500,
        250,
    )
    assert config.pairing_code_ttl == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ],
)
def test_url_forms(url: str, expected: str) -> None:
    config = ServerConfig.from_env({"LUNARFRONT_SERVER_DATABASE_URL": url})
    assert config.database_url == expected


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "LUNARFRONT_SERVER_DATABASE_URL is not set"),
        ({"LUNARFRONT_SERVER_DATABASE_URL": "  "}, "LUNARFRONT_SERVER_DATABASE_URL is not set"),
        (
            {"LUNARFRONT_SERVER_DATABASE_URL": "mysql://u@h/d"},
            "LUNARFRONT_SERVER_DATABASE_URL must be a PostgreSQL address",
        ),
        (
            {"LUNARFRONT_SERVER_DATABASE_URL": "postgresql+psycopg2://u@h/d"},
            "LUNARFRONT_SERVER_DATABASE_URL must be a PostgreSQL address",
        ),
        (env(PORT="eighty"), "LUNARFRONT_SERVER_PORT is 'eighty'; it must be a whole number"),
        (env(PORT="0"), "LUNARFRONT_SERVER_PORT is 0; it must be between 1 and 65535"),
        (env(PORT="70000"), "LUNARFRONT_SERVER_PORT is 70000"),
        (env(WORKERS="-1"), "LUNARFRONT_SERVER_WORKERS is -1"),
        (env(WORKERS="1.5"), "LUNARFRONT_SERVER_WORKERS is '1.5'"),
        (env(POOL_SIZE="0"), "LUNARFRONT_SERVER_POOL_SIZE is 0"),
        (env(STATEMENT_TIMEOUT_MS="0"), "LUNARFRONT_SERVER_STATEMENT_TIMEOUT_MS is 0"),
        (env(LOCK_TIMEOUT_MS="soon"), "LUNARFRONT_SERVER_LOCK_TIMEOUT_MS is 'soon'"),
        (env(PAIRING_CODE_TTL_MINUTES="0"), "LUNARFRONT_SERVER_PAIRING_CODE_TTL_MINUTES is 0"),
        (env(LOG_LEVEL="LOUD"), "LUNARFRONT_SERVER_LOG_LEVEL is 'LOUD'; use one of DEBUG"),
        (env(TLS_CERT="/nonexistent/cert.pem"), "LUNARFRONT_SERVER_TLS_CERT names"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match="^" + re.escape(named)):
        ServerConfig.from_env(environ)


def test_a_certificate_needs_its_key(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("cert")
    with pytest.raises(ConfigError, match="TLS_CERT and LUNARFRONT_SERVER_TLS_KEY go together"):
        ServerConfig.from_env(env(TLS_CERT=str(cert)))


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", URL)
    monkeypatch.setenv("LUNARFRONT_SERVER_PORT", "8123")
    assert ServerConfig.from_env().port == 8123
