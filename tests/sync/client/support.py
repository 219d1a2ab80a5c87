"""Helpers for the sync client's tests: an in-memory keyring, registers on disk, an engine.

The keyring is the real `keyring` API with a small in-memory backend, so the production
`KeyringTokenStore` runs unchanged.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import keyring
import keyring.backend
import keyring.errors
import pytest
from sqlalchemy import text

from core.clock import FixedClock, SystemClock
from core.services import outbox
from db.store import Store, open_store
from sync.client import KeyringTokenStore, SyncEngine
from tests.sync.fixtures import LiveServer, ServerDb

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Passwords in a dict; enough for the token store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such password")


class FileKeyring(MemoryKeyring):
    """The same, kept in a JSON file, so a test and its subprocess share the tokens."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        if path.exists():
            stored = json.loads(path.read_text())
            self.passwords = {(service, user): secret for service, user, secret in stored}

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        rows = [[service, user, secret] for (service, user), secret in self.passwords.items()]
        self.path.write_text(json.dumps(rows))


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@dataclass
class Register:
    """A register on disk: its store and its sync engine."""

    store: Store
    engine: SyncEngine

    def scalar(self, sql: str, **params: object) -> object:
        with self.store.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def count(self, table: str) -> int:
        value = self.scalar(f'SELECT count(*) FROM "{table}"')
        assert isinstance(value, int)
        return value

    def close(self) -> None:
        self.engine.close()
        self.store.close()


def register_at(
    data_dir: Path,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: FixedClock | SystemClock | None = None,
) -> Register:
    store = open_store(data_dir)
    engine = SyncEngine(store.uow, clock or SystemClock(), KeyringTokenStore(), transport)
    return Register(store, engine)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


@dataclass(frozen=True)
class StoreOnServer:
    company_id: uuid.UUID
    location_id: uuid.UUID


def store_on(server: LiveServer, name: str = "Harmony Music", code: str = "S1") -> StoreOnServer:
    company = server.create_company(name, "USD")
    location = server.create_location(company.id, code, "Main Street", "America/New_York")
    return StoreOnServer(company.id, location.id)


def paired_register(
    server: LiveServer,
    store: StoreOnServer,
    data_dir: Path,
    *,
    url: str | None = None,
    prefix: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Register:
    """A fresh register paired with a store of the server (its store pulled)."""
    register = register_at(data_dir, transport=transport)
    register.engine.pair(url or server.url, server.pairing_code(store.location_id), prefix=prefix)
    return register


def device_id_of(register: Register) -> uuid.UUID:
    value = register.scalar("SELECT device_id FROM device_identity")
    assert isinstance(value, bytes)
    return uuid.UUID(bytes=value)


def queue_events(register: Register, count: int, kind: str = "drawer.no_sale") -> None:
    """`count` events in the outbox, as the drawer service would write them."""
    device_id = device_id_of(register)
    with register.store.uow() as uow:
        for number in range(count):
            outbox.emit(uow, device_id, kind, {"note": f"no sale {number}"}, START)
        uow.commit()


def server_scalar(server: LiveServer, sql: str, **params: object) -> object:
    with server.server_db.session() as session:
        return session.execute(text(sql), params).scalar()


def server_position(server: LiveServer | ServerDb, company_id: uuid.UUID) -> tuple[int, int]:
    """The last (txid, id) of the company's change log: what a register caught up has read."""
    database = server.server_db if isinstance(server, LiveServer) else server
    with database.session() as session:
        row = session.execute(
            text(
                "SELECT txid::text, id FROM change_log WHERE company_id = :company "
                "ORDER BY txid DESC, id DESC LIMIT 1"
            ),
            {"company": company_id},
        ).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def cursor_position(register: Register) -> tuple[int, int]:
    cursor = register.scalar("SELECT pull_cursor FROM sync_state")
    if not isinstance(cursor, str):
        return (0, 0)
    _version, txid, change = cursor.split(":")
    return (int(txid), int(change))


def catch_up(register: Register, server: LiveServer | ServerDb, timeout: float = 20.0) -> int:
    """Sync until the register has pulled everything the server committed.

    A pull never returns rows above the oldest transaction still running anywhere on the
    PostgreSQL cluster (so it can never skip one committed late); with other test runs
    sharing the cluster, a change can take a few pulls to come down. Waiting for the
    cursor to reach the change log's end says "caught up" exactly. Returns how many
    changes came down.
    """
    company = register.scalar("SELECT company_id FROM device_identity")
    assert isinstance(company, bytes)
    target = server_position(server, uuid.UUID(bytes=company))
    deadline = time.monotonic() + timeout
    pulled = 0
    while True:
        report = register.engine.sync_once()
        assert report.status.last_error is None, report.status.last_error
        pulled += report.pulled
        if cursor_position(register) >= target:
            return pulled
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the register did not catch up with the server in {timeout} s "
                f"(cursor {cursor_position(register)}, server {target})"
            )
        time.sleep(0.05)
