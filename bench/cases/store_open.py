"""Opening a big store: folder check, quick_check, migration check, engine set-up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.harness import Measurement, RunContext, time_ms
from bench.registry import benchmark
from bench.stores import BIG_STORE, ensure_store
from db.store import database_path, open_store

DEFAULT_SAMPLES = 15


@benchmark(
    "store.open_100k",
    "open_store() + close(), 100k products / 50k customers (vs. a bare sqlite3 connect)",
)
def open_100k(context: RunContext) -> Measurement:
    data_dir = ensure_store(context, BIG_STORE)
    path = database_path(data_dir)

    # The first open in a process also loads Alembic's scripts and SQLAlchemy's caches; it is
    # what the app pays at start-up, so it is reported, but apart from the steady state.
    first = time_ms(lambda: open_store(data_dir).close())
    samples: list[float] = []
    baseline: list[float] = []
    for _ in range(context.samples(DEFAULT_SAMPLES)):
        samples.append(time_ms(lambda: open_store(data_dir).close()))
        baseline.append(time_ms(lambda: _bare_sqlite(path)))
    context.log(f"first open {first:.1f} ms")
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        extra={
            "first_open_ms": round(first, 3),
            "db_mb": round(path.stat().st_size / 1e6, 1),
            "store": BIG_STORE.key,
        },
    )


def _bare_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
