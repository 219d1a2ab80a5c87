"""Sync: pushing a register's queue, the server's apply rate, a fresh register's first pull,
and the register's GUI while both run. Every one against a real PostgreSQL (see
`bench.sync_setup`: a throwaway database per run) and, where HTTP is involved, the sync
server as its own process (`python -m sync.server serve`) on a local socket.

- `sync.push_10k`: a register with 10,000 sales queued (rung up once through the register
  service and cached, so the payloads are real) runs one sync cycle until its outbox is
  empty: batches of 500 over HTTP, the server applying each in one transaction, the
  register forgetting what was acknowledged. `push_only_median_s` stops at the last push's
  reply (the cycle then pulls what changed elsewhere: nothing here).
- `sync.server_apply_rate`: the same 10,000 events through `apply_push` in batches of 500,
  server-side only (apply + commit), next to a plain psycopg `executemany` INSERT of the same
  rows (id, device, sequence, type, payload JSON) into a bare table, batch for batch,
  interleaved. Samples are ms per batch; `events_per_s` is 500 / median.
- `sync.pull_100k_catalog`: a fresh register pairs with a store whose catalog (100,000
  products, one barcode each) was written straight into the server's `record` and
  `change_log`, and pulls until it holds all of it (pairing included).
- `sync.ui_responsiveness`: see `bench.sync_ui`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import benchmark

if TYPE_CHECKING:
    import httpx

    from sync.protocol import OutboxEventIn

PUSH_SALES = 10_000
PUSH_RUNS = 3
PUSH_TARGET_S = 10.0
APPLY_BATCH = 500
APPLY_TARGET_PER_S = 2_000
CATALOG = 100_000
PULL_RUNS = 3
PULL_TARGET_S = 20.0


def _work(context: RunContext) -> Path:
    home = context.data_dir / "work"
    home.mkdir(parents=True, exist_ok=True)
    return home


def _r(value: float) -> float:
    return round(value, 3)


# -- sync.push_10k ------------------------------------------------------------------------------


def _push_probe() -> httpx.HTTPTransport:
    """The real transport, noting when the last push reply came back (`.last_push_at`)."""
    import httpx  # noqa: PLC0415

    class Probe(httpx.HTTPTransport):
        last_push_at = 0.0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            if request.url.path == "/v1/push":
                response.read()
                self.last_push_at = time.perf_counter()
            return response

    return Probe()


@benchmark(
    "sync.push_10k",
    "10,000 queued sales pushed from a register to a local server process until the outbox "
    "is empty (target < 10 s)",
)
def push_10k(context: RunContext) -> Measurement:
    from bench import sync_setup as setup  # noqa: PLC0415

    server = setup.postgres_server()
    queue = setup.queued_register(context, server, PUSH_SALES)
    samples: list[float] = []
    push_only: list[float] = []
    for run in range(context.samples(PUSH_RUNS)):
        with (
            tempfile.TemporaryDirectory(dir=_work(context)) as folder,
            setup.scratch_database(server) as database_url,
        ):
            store = queue.restore(database_url, Path(folder) / "register")
            try:
                with setup.server_process(database_url, Path(folder)) as url:
                    setup.point_at(store, url)
                    probe = _push_probe()
                    engine = setup.engine_for(store, probe)
                    began = time.perf_counter()
                    report = engine.sync_once()
                    samples.append(time.perf_counter() - began)
                    push_only.append(getattr(probe, "last_push_at", 0.0) - began)
                    engine.close()
            finally:
                store.close()
            if report.pushed != queue.events or report.status.waiting:
                raise BenchmarkError(
                    f"pushed {report.pushed} of {queue.events} ({report.status.last_error})"
                )
            _check_sales(database_url, PUSH_SALES)
        context.log(f"run {run + 1}: {samples[-1]:.2f} s ({push_only[-1]:.2f} s pushing)")
    push_only.sort()
    return Measurement(
        samples=tuple(samples),
        unit="s",
        target=PUSH_TARGET_S,
        extra={
            "events": queue.events,
            "push_only_median_s": _r(push_only[len(push_only) // 2]),
            "events_per_s": round(queue.events / sorted(samples)[len(samples) // 2]),
            "batch": APPLY_BATCH,
            "server": "1 process, uvicorn, 127.0.0.1",
        },
    )


def _check_sales(database_url: str, expected: int) -> None:
    from sqlalchemy import text  # noqa: PLC0415

    from bench import sync_setup as setup  # noqa: PLC0415

    with setup.session_on(database_url) as session:
        stored = session.execute(text("SELECT count(*) FROM sale")).scalar_one()
    if stored != expected:
        raise BenchmarkError(f"the server holds {stored} sales, not {expected}")


# -- sync.server_apply_rate -------------------------------------------------------------------


def _queued_events(register: Path) -> list[OutboxEventIn]:
    """The cached register's outbox, as a push carries it."""
    from db.store import database_path  # noqa: PLC0415
    from sync.protocol import OutboxEventIn  # noqa: PLC0415

    connection = sqlite3.connect(f"{database_path(register).as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT id, sequence, schema_version, type, payload, device_time FROM outbox_event "
            "ORDER BY sequence"
        ).fetchall()
    finally:
        connection.close()
    return [
        OutboxEventIn(
            id=uuid.UUID(bytes=bytes(event_id)),
            sequence=sequence,
            schema_version=schema,
            type=kind,
            payload=json.loads(payload),
            device_time=datetime.fromisoformat(at).replace(tzinfo=UTC),
        )
        for event_id, sequence, schema, kind, payload, at in rows
    ]


_BARE = (
    "CREATE TABLE bare_event (id uuid PRIMARY KEY, device_id uuid, sequence bigint, "
    "type text, payload jsonb, device_time timestamptz)"
)
_BARE_INSERT = "INSERT INTO bare_event VALUES (%s, %s, %s, %s, %s::jsonb, %s)"


@benchmark(
    "sync.server_apply_rate",
    "apply_push of 10,000 real events in batches of 500, server-side, vs a plain executemany "
    "INSERT of the same rows (target >= 2,000 events/s)",
)
def server_apply_rate(context: RunContext) -> Measurement:
    import psycopg  # noqa: PLC0415

    from bench import sync_setup as setup  # noqa: PLC0415
    from sync.protocol import PushRequest  # noqa: PLC0415
    from sync.server.config import ServerConfig  # noqa: PLC0415
    from sync.server.database import Database  # noqa: PLC0415
    from sync.server.models import Device  # noqa: PLC0415
    from sync.server.push import apply_push  # noqa: PLC0415

    server = setup.postgres_server()
    queue = setup.queued_register(context, server, PUSH_SALES)
    events = _queued_events(queue.register)
    samples: list[float] = []
    baseline: list[float] = []
    with setup.scratch_database(server) as database_url:
        setup.load_tables(database_url, queue.tables)
        database = Database(ServerConfig(database_url=database_url))
        plain = psycopg.connect(setup.libpq(database_url))
        try:
            plain.execute(_BARE)
            plain.commit()
            for start in range(0, len(events), APPLY_BATCH):
                batch = events[start : start + APPLY_BATCH]
                began = time.perf_counter()
                with database.transaction() as session:
                    device = session.get(Device, queue.device_id)
                    if device is None:
                        raise BenchmarkError("the restored server lost the register")
                    reply = apply_push(session, device, PushRequest(events=batch))
                samples.append((time.perf_counter() - began) * 1000)
                if reply.retry_from is not None or {r.status for r in reply.results} - {
                    "applied",
                    "flagged",
                }:
                    raise BenchmarkError(f"a batch was not applied whole: {reply.message}")
                rows = [
                    (
                        e.id,
                        queue.device_id,
                        e.sequence,
                        e.type,
                        json.dumps(e.payload),
                        e.device_time,
                    )
                    for e in batch
                ]
                began = time.perf_counter()
                with plain.cursor() as cursor:
                    cursor.executemany(_BARE_INSERT, rows)
                plain.commit()
                baseline.append((time.perf_counter() - began) * 1000)
        finally:
            plain.close()
            database.dispose()
    median = sorted(samples)[len(samples) // 2]
    plain_median = sorted(baseline)[len(baseline) // 2]
    per_s = APPLY_BATCH / (median / 1000)
    plain_per_s = APPLY_BATCH / (plain_median / 1000)
    context.log(f"{len(events):,} events: {per_s:,.0f}/s applied, {plain_per_s:,.0f}/s plain")
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        target=APPLY_BATCH / APPLY_TARGET_PER_S * 1000,
        extra={
            "events": len(events),
            "batch": APPLY_BATCH,
            "events_per_s": round(per_s),
            "baseline_events_per_s": round(plain_per_s),
            "target_events_per_s": APPLY_TARGET_PER_S,
            "meets_target_events_per_s": per_s >= APPLY_TARGET_PER_S,
            "baseline_what": "psycopg executemany INSERT of (id, device, sequence, type, "
            "payload jsonb, device_time) into a bare table, commit per batch",
        },
    )


# -- sync.pull_100k_catalog ---------------------------------------------------------------------


@benchmark(
    "sync.pull_100k_catalog",
    "a fresh register pairs and pulls a 100,000-product catalog (with barcodes) from a local "
    "server process (target < 20 s)",
)
def pull_100k_catalog(context: RunContext) -> Measurement:
    from sqlalchemy import text  # noqa: PLC0415

    from bench import sync_catalog as catalog  # noqa: PLC0415
    from bench import sync_setup as setup  # noqa: PLC0415
    from db.store import open_store  # noqa: PLC0415

    server = setup.postgres_server()
    samples: list[float] = []
    with (
        tempfile.TemporaryDirectory(dir=_work(context)) as folder,
        setup.scratch_database(server) as database_url,
    ):
        company, location = catalog.new_store_on(database_url)
        began = time.perf_counter()
        catalog.seed_catalog(database_url, company, CATALOG)
        context.log(f"catalog written on the server in {time.perf_counter() - began:.1f} s")
        setup.horizon_passed(database_url)
        with setup.server_process(database_url, Path(folder)) as url:
            for run in range(context.samples(PULL_RUNS)):
                code = catalog.location_code(database_url, location)
                register = Path(folder) / f"register-{run}"
                store = open_store(register)
                try:
                    engine = setup.engine_for(store)
                    began = time.perf_counter()
                    engine.pair(url, code)
                    while _count(store, "product") < CATALOG:
                        report = engine.sync_once()
                        if report.status.last_error or time.perf_counter() - began > 300:
                            raise BenchmarkError(f"the pull stopped: {report.status.last_error}")
                    samples.append(time.perf_counter() - began)
                    engine.close()
                    barcodes = _count(store, "product_barcode")
                    with store.read_sessions() as session:
                        found = session.execute(
                            text("SELECT count(*) FROM product WHERE sku = 'BN-0054321'")
                        ).scalar_one()
                finally:
                    store.close()
                if barcodes != CATALOG or found != 1:
                    raise BenchmarkError(f"pulled {barcodes} barcodes; product found: {found}")
                shutil.rmtree(register)
                context.log(f"run {run + 1}: {samples[-1]:.2f} s")
    median = sorted(samples)[len(samples) // 2]
    return Measurement(
        samples=tuple(samples),
        unit="s",
        target=PULL_TARGET_S,
        extra={
            "products": CATALOG,
            "changes": 2 * CATALOG,
            "changes_per_s": round(2 * CATALOG / median),
        },
    )


def _count(store: object, table: str) -> int:
    from sqlalchemy import text  # noqa: PLC0415

    from db.store import Store  # noqa: PLC0415

    assert isinstance(store, Store)
    with store.read_sessions() as session:
        return int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())


# -- sync.ui_responsiveness ---------------------------------------------------------------------


@benchmark(
    "sync.ui_responsiveness",
    "the app's window (offscreen) while its sync pushes 10,000 events and pulls a 100k "
    "catalog: lateness of a 10 ms GUI timer, vs the same window idle (max < 100 ms)",
)
def ui_responsiveness(context: RunContext) -> Measurement:
    from bench import sync_ui  # noqa: PLC0415

    return sync_ui.measure(context, PUSH_SALES, CATALOG)
