"""PostgreSQL and sync-server fixtures, shared by every test package (registered as a pytest
plugin from tests/conftest.py, so desktop and e2e tests get them too).

- `pg_url` (session): a fresh database on a real PostgreSQL (found as `tests.sync.postgres`
  describes: the LUNARFRONT_TEST_DATABASE_URL variable, the local server, or a throwaway
  cluster; none → the run fails), migrated with the real migrations, dropped at the end.
- `server_db` (function): every server table emptied (and its ids restarted) before the
  test, plus admin helpers.
- `live_server` (function): the real app, served by uvicorn on 127.0.0.1 in a thread;
  `.stop()` / `.start()` take it down and back up on the same port.
- `server_process` (function, factory): `lunarfront-server serve` as a real subprocess.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from sync.server import admin, pairing
from sync.server.app import create_app
from sync.server.config import ServerConfig
from sync.server.migrate import upgrade
from sync.server.models import Company, Location, ServerBase
from tests.sync.postgres import (
    answers,
    discovered_postgres,
    free_port,
    libpq_url,
    scratch_database,
)

__all__ = [
    "LiveServer",
    "PairedDevice",
    "ServerDb",
    "ServerProcess",
    "UvicornThread",
    "answers",
    "free_port",
    "libpq_url",
    "pair_device",
    "pair_request",
    "scratch_database",
    "server_command",
    "server_config",
]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with discovered_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def pg_url(postgres_server: str) -> Iterator[str]:
    """A migrated database of its own for this test run (`postgresql+psycopg://…`)."""
    with scratch_database(postgres_server) as url:
        upgrade(url)
        yield url


# -- the server's database, emptied for each test ------------------------------------------------


class ServerDb:
    """The test database, with the admin functions bound to a committing session."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits if the block ends normally (objects stay readable)."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def create_company(
        self, name: str = "Harmony Music", currency: str = "USD", id: uuid.UUID | None = None
    ) -> Company:
        with self.session() as session:
            return admin.create_company(session, name, currency, id)

    def create_location(
        self,
        company_id: uuid.UUID,
        code: str = "S1",
        name: str = "Main Street",
        timezone: str = "America/New_York",
        id: uuid.UUID | None = None,
    ) -> Location:
        with self.session() as session:
            return admin.create_location(session, company_id, code, name, timezone, id)

    def pairing_code(
        self,
        location_id: uuid.UUID | None = None,
        new_company: bool = False,
        ttl: timedelta = timedelta(hours=1),
    ) -> str:
        with self.session() as session:
            return pairing.create_pairing_code(
                session, location_id, new_company=new_company, ttl=ttl
            )

    def revoke(self, device_id: uuid.UUID) -> None:
        with self.session() as session:
            admin.revoke_device(session, device_id)

    def truncate(self) -> None:
        """Empty every server table and restart its id sequences. DELETE, children first,
        rather than TRUNCATE … RESTART IDENTITY CASCADE: the same result for a test's few
        rows, fifteen times faster (TRUNCATE makes new files for every table)."""
        with self.engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text("SET LOCAL synchronous_commit = off"))
            for table in reversed(ServerBase.metadata.sorted_tables):
                connection.execute(table.delete())
            sequences = connection.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            ).scalars()
            for sequence in sequences:
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(scope="session")
def _server_engine(pg_url: str) -> Iterator[Engine]:
    engine = create_engine(pg_url, pool_pre_ping=True, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def server_db(pg_url: str, _server_engine: Engine) -> ServerDb:
    database = ServerDb(pg_url, _server_engine)
    database.truncate()
    return database


# -- the app, served for real ------------------------------------------------------------------


def server_config(database_url: str, port: int = 8470, **overrides: Any) -> ServerConfig:
    """A server configuration for tests (small pool, the timeouts of production)."""
    return ServerConfig(database_url=database_url, port=port, pool_size=4, **overrides)


class UvicornThread:
    """An ASGI app served by uvicorn on 127.0.0.1:`port` in a background thread."""

    def __init__(self, app: FastAPI, port: int, **options: Any) -> None:
        self.app = app
        self.port = port
        self.options = options
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=1,
            **self.options,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"uvicorn-{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"the test server did not start on port {self.port}")
            time.sleep(0.005)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        if self._thread.is_alive():
            raise RuntimeError(f"the test server on port {self.port} did not stop")
        self._server = self._thread = None


class LiveServer:
    """The real sync app at `.url`; `.stop()` and `.start()` simulate an outage."""

    def __init__(self, server_db: ServerDb, port: int | None = None) -> None:
        self.server_db = server_db
        self.port = port or free_port()
        self.config = server_config(server_db.url, self.port)
        self.app = create_app(self.config)
        self._runner = UvicornThread(self.app, self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._runner.start()

    def stop(self) -> None:
        self._runner.stop()

    def create_company(self, *args: Any, **kwargs: Any) -> Company:
        return self.server_db.create_company(*args, **kwargs)

    def create_location(self, *args: Any, **kwargs: Any) -> Location:
        return self.server_db.create_location(*args, **kwargs)

    def pairing_code(self, *args: Any, **kwargs: Any) -> str:
        return self.server_db.pairing_code(*args, **kwargs)

    def revoke(self, device_id: uuid.UUID) -> None:
        self.server_db.revoke(device_id)


@pytest.fixture
def live_server(server_db: ServerDb) -> Iterator[LiveServer]:
    server = LiveServer(server_db)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- pairing over HTTP ------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedDevice:
    token: str
    device_id: uuid.UUID
    company_id: uuid.UUID
    location_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def pair_request(
    code: str,
    *,
    device_id: uuid.UUID | None = None,
    name: str = "Front counter",
    prefix: str = "R1",
    company: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON of a `PairRequest`."""
    body: dict[str, Any] = {
        "code": code,
        "device": {
            "id": str(device_id or uuid.uuid4()),
            "name": name,
            "kind": "register",
            "prefix": prefix,
        },
    }
    if company is not None:
        body["company"] = company
    if location is not None:
        body["location"] = location
    return body


def pair_device(
    server: LiveServer,
    *,
    location_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
    prefix: str = "R1",
) -> PairedDevice:
    """Pair a register over HTTP with a store (a new company and store unless given)."""
    if location_id is None:
        company = server.create_company()
        location_id = server.create_location(company.id).id
    code = server.pairing_code(location_id=location_id)
    reply = httpx.post(
        server.url + "/v1/pair",
        json=pair_request(code, device_id=device_id, prefix=prefix),
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    return PairedDevice(
        token=body["token"],
        device_id=uuid.UUID(body["device_id"]),
        company_id=uuid.UUID(body["company"]["id"]),
        location_id=uuid.UUID(body["location"]["id"]),
    )


# -- the server as a real process ----------------------------------------------------------------


def server_command() -> list[str]:
    script = Path(sys.executable).parent / "lunarfront-server"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sync.server"]


@dataclass
class ServerProcess:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wait_for_health(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server process exited with code {process.returncode}")
        try:
            # Readiness only: whether the certificate is trusted is the caller's test.
            if httpx.get(url + "/health", timeout=1, verify=False).status_code == 200:  # noqa: S501
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server process did not answer /health within {timeout} s")


@pytest.fixture
def server_process(
    server_db: ServerDb, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., ServerProcess]]:
    """`start(*extra_args, **env)` runs `lunarfront-server serve` against the test database
    on a free port and waits for /health; every process started is stopped afterwards. With
    LUNARFRONT_SERVER_TLS_CERT/_KEY in `env` it serves HTTPS and `.url` says so."""
    started: list[ServerProcess] = []
    folder = tmp_path_factory.mktemp("server-process")

    def start(*extra_args: str, **env: str) -> ServerProcess:
        port = free_port()
        environ = {
            **os.environ,
            "LUNARFRONT_SERVER_DATABASE_URL": server_db.url,
            "LUNARFRONT_SERVER_LOG_LEVEL": "WARNING",
            **env,
        }
        log_path = folder / f"server-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    *server_command(),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    *extra_args,
                ],
                env=environ,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        scheme = "https" if environ.get("LUNARFRONT_SERVER_TLS_CERT") else "http"
        handle = ServerProcess(f"{scheme}://127.0.0.1:{port}", port, process, log_path)
        started.append(handle)
        try:
            wait_for_health(handle.url, process)
        except RuntimeError as error:
            handle.stop()
            pytest.fail(f"{error}; its log:\n{handle.log()}")
        return handle

    yield start
    for handle in started:
        handle.stop()
