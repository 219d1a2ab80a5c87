"""The sync server's settings, read once from the environment (twelve-factor style).

Every process of a deployment reads the same variables, so several processes (or hosts) can
serve one PostgreSQL database with no other coordination. A bad value stops the server at
start-up with a message naming the variable, never half-way through a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

PREFIX = "LUNARFRONT_SERVER_"
DATABASE_URL = PREFIX + "DATABASE_URL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or unusable; the message names the variable in plain words."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8470
    workers: int = 1
    log_level: str = "INFO"
    tls_cert: Path | None = None
    tls_key: Path | None = None
    pool_size: int = 5
    statement_timeout_ms: int = 30_000
    lock_timeout_ms: int = 5_000
    pairing_code_ttl_minutes: int = 1440

    @property
    def pairing_code_ttl(self) -> timedelta:
        return timedelta(minutes=self.pairing_code_ttl_minutes)

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerConfig:
        env = os.environ if environ is None else environ
        reader = _Reader(env)
        url = reader.text("DATABASE_URL", required=True)
        cert = reader.path("TLS_CERT")
        key = reader.path("TLS_KEY")
        if (cert is None) != (key is None):
            raise ConfigError(
                f"{PREFIX}TLS_CERT and {PREFIX}TLS_KEY go together: set both to serve HTTPS, "
                "or neither"
            )
        level = reader.text("LOG_LEVEL", default="INFO").upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"{PREFIX}LOG_LEVEL is {level!r}; use one of {', '.join(LOG_LEVELS)}")
        return cls(
            database_url=normalise_database_url(url),
            host=reader.text("HOST", default="127.0.0.1"),
            port=reader.number("PORT", default=8470, low=1, high=65535),
            workers=reader.number("WORKERS", default=1, low=1, high=256),
            log_level=level,
            tls_cert=cert,
            tls_key=key,
            pool_size=reader.number("POOL_SIZE", default=5, low=1, high=1000),
            statement_timeout_ms=reader.number(
                "STATEMENT_TIMEOUT_MS", default=30_000, low=1, high=3_600_000
            ),
            lock_timeout_ms=reader.number("LOCK_TIMEOUT_MS", default=5_000, low=1, high=3_600_000),
            pairing_code_ttl_minutes=reader.number(
                "PAIRING_CODE_TTL_MINUTES", default=1440, low=1, high=525_600
            ),
        )


def normalise_database_url(url: str) -> str:
    """`postgresql://…` (what PostgreSQL's own tools print) becomes the psycopg 3 dialect."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    if url.startswith("postgresql+psycopg://"):
        return url
    raise ConfigError(
        f"{DATABASE_URL} must be a PostgreSQL address such as "
        "postgresql://user:password@host:5432/lunarfront"
    )


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str, *, default: str = "", required: bool = False) -> str:
        value = self._env.get(PREFIX + name, "").strip()
        if not value:
            if required:
                raise ConfigError(f"{PREFIX}{name} is not set; the sync server needs it")
            return default
        return value

    def number(self, name: str, *, default: int, low: int, high: int) -> int:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name} is {raw!r}; it must be a whole number") from None
        if not low <= value <= high:
            raise ConfigError(f"{PREFIX}{name} is {value}; it must be between {low} and {high}")
        return value

    def path(self, name: str) -> Path | None:
        raw = self.text(name)
        if not raw:
            return None
        path = Path(raw)
        if not path.is_file():
            raise ConfigError(f"{PREFIX}{name} names {raw}, which is not a readable file")
        return path
