"""Putting faults between registers and the sync server: a server with settings of its own
(a short lock timeout), another PostgreSQL client holding a key a push needs, the server's
PostgreSQL connections, and sync cycles run on threads of their own."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

from sync.server.app import create_app
from tests.e2e.books import server_rows
from tests.e2e.registers import Till
from tests.sync.fixtures import LiveServer, ServerDb, UvicornThread, libpq_url, server_config


class TunedServer(LiveServer):
    """The live server with settings of its own (a short lock timeout)."""

    def __init__(self, server_db: ServerDb, **overrides: Any) -> None:
        super().__init__(server_db)
        self.app.state.database.dispose()
        self.config = server_config(server_db.url, self.port, **overrides)
        self.app = create_app(self.config)
        self._runner = UvicornThread(self.app, self.port)


@contextlib.contextmanager
def record_key_held(server: LiveServer, till: Till, table: str, key: uuid.UUID) -> Iterator[None]:
    """Another PostgreSQL client inserts a `record` row under (table, key) and keeps its
    transaction open: a push that writes that record waits on the key in the middle of its
    batch, after writing the batch's sales and stock. Rolled back at the end."""
    with psycopg.connect(libpq_url(server.server_db.url)) as connection:
        connection.execute(
            "INSERT INTO record (table_name, id, company_id, data, version) "
            "VALUES (%s, %s, %s, '{}', 1)",
            (table, key, till.company_id),
        )
        try:
            yield
        finally:
            connection.rollback()


def server_backends(server: LiveServer, *, waiting: bool) -> list[int]:
    """Process ids of the sync server's PostgreSQL connections to the test database."""
    sql = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'lunarfront-server' AND pid <> pg_backend_pid()"
    )
    if waiting:
        sql += " AND wait_event_type = 'Lock'"
    return [int(str(row[0])) for row in server_rows(server, sql)]


def wait_until(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def in_thread(action: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = action()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def joined(thread: threading.Thread, result: dict[str, Any]) -> Any:
    thread.join(30)
    assert not thread.is_alive(), "the sync cycle did not end"
    if "error" in result:
        raise result["error"]
    return result["value"]
