"""What the sync benchmarks stand on: a throwaway PostgreSQL database, the sync server as a
real process, and a register with 10,000 sales waiting to be sent (the large catalog is in
`bench.sync_catalog`).

PostgreSQL: `LUNARFRONT_BENCH_DATABASE_URL` names a server to make databases on, else
postgres@127.0.0.1:5432. Each run gets a database of its own, dropped afterwards.

The register with its queue is rung up once through the real `RegisterService` (that takes
minutes) and cached in the data folder with what the server held at that moment (each
table copied out with `COPY`), keyed by the demo generator, the migrations and the
PostgreSQL cluster (change_log rows carry the cluster's transaction ids). A run restores
both into a fresh database and a fresh copy of the folder, so every run pushes the same
10,000 events to a server that has never seen them.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import keyring
import keyring.backend
import psycopg
from psycopg import sql
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.harness import BenchmarkError, RunContext
from bench.stores import generator_version
from core.clock import FixedClock, SystemClock
from core.sales.tenders import TenderKind
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import create_demo_store
from core.services.identity import load_this_device
from core.services.register import RegisterService
from core.staff.actor import Actor
from core.staff.permissions import effective_permissions
from core.staff.roles import Role
from db.models import Product, ProductBarcode, SyncState, User
from db.store import Store, open_store
from sync.client import KeyringTokenStore, SyncEngine
from sync.server import pairing
from sync.server.migrate import upgrade
from sync.server.models import ServerBase

BENCH_DATABASE_URL = "LUNARFRONT_BENCH_DATABASE_URL"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
QUEUE_LAYOUT = 1  # bump to rebuild every cached queue
HEALTH_TIMEOUT_S = 30.0


# -- PostgreSQL --------------------------------------------------------------------------------


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def postgres_server() -> str:
    """The PostgreSQL server to make throwaway databases on (a libpq URL)."""
    url = libpq(os.environ.get(BENCH_DATABASE_URL, "").strip() or DEFAULT_SERVER)
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        raise BenchmarkError(
            f"the sync benchmarks need PostgreSQL, and nothing answers at {url} ({exc}); "
            f"set {BENCH_DATABASE_URL}"
        ) from exc
    return url


def cluster_id(server: str) -> str:
    with psycopg.connect(server) as connection:
        row = connection.execute("SELECT system_identifier FROM pg_control_system()").fetchone()
    return str(row[0]) if row else "unknown"


@contextlib.contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A new, migrated database (its SQLAlchemy URL), dropped afterwards."""
    name = "lunarfront_bench_" + secrets.token_hex(4)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    rendered = url.render_as_string(hide_password=False)
    try:
        upgrade(rendered)
        yield rendered
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextlib.contextmanager
def session_on(database_url: str) -> Iterator[Session]:
    """A session that commits when the block ends normally."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _tables() -> list[str]:
    return [table.name for table in ServerBase.metadata.sorted_tables]


def save_tables(database_url: str, folder: Path) -> None:
    """Every server table, as COPY text, one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(libpq(database_url)) as connection:
        for name in _tables():
            with (folder / f"{name}.copy").open("wb") as out:
                query = sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(name))
                with connection.cursor().copy(query) as copy:
                    for chunk in copy:
                        out.write(chunk)


def load_tables(database_url: str, folder: Path) -> None:
    """What `save_tables` wrote, into an empty migrated database."""
    with psycopg.connect(libpq(database_url)) as connection:
        for name in _tables():
            query = sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(name))
            with connection.cursor().copy(query) as copy:
                copy.write((folder / f"{name}.copy").read_bytes())
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('change_log', 'id'), "
            "coalesce((SELECT max(id) FROM change_log), 0) + 1, false)"
        )


def horizon_passed(database_url: str, timeout: float = 120.0) -> None:
    """Wait until every change written so far can be pulled: no transaction older than the
    newest change_log row is still running anywhere on the cluster (see sync.server.pull)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(libpq(database_url), autocommit=True) as connection:
        while True:
            row = connection.execute(
                "SELECT coalesce((SELECT max(txid::text::numeric) FROM change_log), 0) "
                "< pg_snapshot_xmin(pg_current_snapshot())::text::numeric"
            ).fetchone()
            if row and row[0]:
                return
            if time.monotonic() > deadline:
                raise BenchmarkError("another transaction on the PostgreSQL cluster stays open")
            time.sleep(0.1)


# -- the server, as a process ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server_process(database_url: str, log_dir: Path) -> Iterator[str]:
    """`python -m sync.server serve` on a free port (one worker); yields its URL."""
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    env = {
        **os.environ,
        "LUNARFRONT_SERVER_DATABASE_URL": database_url,
        "LUNARFRONT_SERVER_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "sync.server", "serve", "--host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-800:]
                raise BenchmarkError(f"the sync server did not start: {tail}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


# -- tokens ----------------------------------------------------------------------------------


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Device tokens kept in this process (the benchmarks never touch the real keyring)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def use_memory_keyring() -> None:
    if not isinstance(keyring.get_keyring(), MemoryKeyring):
        keyring.set_keyring(MemoryKeyring())


def engine_for(store: Store, transport: httpx.BaseTransport | None = None) -> SyncEngine:
    use_memory_keyring()
    return SyncEngine(store.uow, SystemClock(), KeyringTokenStore(), transport)


def point_at(store: Store, server_url: str) -> None:
    """The register syncs with this server from now on (its address changes every run)."""
    with store.uow() as uow:
        state = uow.session.get(SyncState, 1)
        if state is None:
            raise BenchmarkError("the cached register was never paired")
        state.server_url = server_url
        uow.commit()


# -- a register with its queue -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Queue:
    """A cached register (paired, synced, then `events` sales rung up and not sent) and the
    server's tables as they were then."""

    register: Path
    tables: Path
    device_id: uuid.UUID
    token: str
    events: int

    def restore(self, database_url: str, folder: Path) -> Store:
        """The server's tables into `database_url`, the register copied to `folder` (opened,
        its token in the keyring)."""
        load_tables(database_url, self.tables)
        shutil.copytree(self.register, folder)
        use_memory_keyring()
        KeyringTokenStore().put(self.device_id, self.token)
        return open_store(folder)


def queued_register(context: RunContext, server: str, sales: int) -> Queue:
    key = f"v{QUEUE_LAYOUT}-{sales}-{generator_version()}-{cluster_id(server)}"
    home = context.data_dir / "sync-queue" / key
    stamp = home / "queue.json"
    if stamp.exists():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        context.log(f"reusing the queued register in {home}")
        return Queue(
            home / "register",
            home / "tables",
            uuid.UUID(saved["device_id"]),
            saved["token"],
            int(saved["events"]),
        )
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    context.log(f"ringing up {sales:,} sales once for the sync benchmarks (cached in {home})")
    with scratch_database(server) as database_url, server_process(database_url, home) as url:
        store = open_store(home / "register")
        try:
            clock = FixedClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=8))
            create_demo_store(store.uow, clock, fast_hasher_for_tests(), products=300, customers=50)
            engine = engine_for(store)
            with session_on(database_url) as session:
                code = pairing.create_pairing_code(
                    session, None, new_company=True, ttl=timedelta(hours=1)
                )
            engine.pair(url, code)
            _drain(engine)
            device_id = _ring_up(store, clock, sales, context.log)
            events = engine.status().waiting
            token = KeyringTokenStore().get(device_id)
            engine.close()
        finally:
            store.close()
        save_tables(database_url, home / "tables")
    if token is None:
        raise BenchmarkError("the register's token was not kept")
    stamp.write_text(json.dumps({"device_id": str(device_id), "token": token, "events": events}))
    return Queue(home / "register", home / "tables", device_id, token, events)


def _ring_up(store: Store, clock: FixedClock, sales: int, log: Callable[[str], None]) -> uuid.UUID:
    """`sales` sales of 1-3 lines, cash or card, through the register service."""
    register = RegisterService(store.uow, store.read_sessions, clock)
    with store.read_sessions() as session:
        device = load_this_device(session)
        user = session.scalars(select(User).where(User.username == "jamie")).one()
        codes = list(
            session.scalars(
                select(ProductBarcode.code)
                .join(Product, Product.id == ProductBarcode.product_id)
                .where(Product.is_serialized.is_(False), Product.price_minor > 0)
            )
        )
    if device is None:
        raise BenchmarkError("the demo store has no device")
    role = Role(user.role)
    cashier = Actor(
        user.id,
        user.display_name,
        role,
        effective_permissions(role),
        device.company_id,
        device.location_id,
        device.device_id,
    )
    rng = random.Random(10_000)
    began = time.perf_counter()
    for n in range(sales):
        clock.advance(timedelta(seconds=2))
        view = register.scan(cashier, rng.choice(codes))
        for _ in range(rng.randint(0, 2)):
            view = register.scan(cashier, rng.choice(codes), sale_id=view.sale_id)
        if n % 3:
            register.add_tender(
                cashier, view.sale_id, TenderKind.CARD, view.due, provider="external"
            )
        else:
            register.add_tender(cashier, view.sale_id, TenderKind.CASH, view.due)
        register.complete(cashier, view.sale_id)
        if n % 1000 == 999:
            rate = (n + 1) / (time.perf_counter() - began)
            log(f"  {n + 1:,} sales rung up ({rate:.0f}/s)")
    return device.device_id


def _drain(engine: SyncEngine, cycles: int = 50) -> None:
    """Sync until nothing waits; a server that stops taking events is an error, not a hang."""
    for _ in range(cycles):
        report = engine.sync_once()
        if not report.status.waiting:
            return
        if report.pushed == 0:
            raise BenchmarkError(f"the queue stopped draining: {report.status.last_error}")
    raise BenchmarkError(f"the queue did not drain in {cycles} sync cycles")
