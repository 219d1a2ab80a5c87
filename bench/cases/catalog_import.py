"""Importing a 100,000-product CSV from a store's previous system into a fresh store.

The file is generated once (deterministically) and kept in the cache folder. Each sample sets
up an empty store (untimed) and times one real import: reading and checking the file,
planning every row, bulk-writing and committing in batches, the audit row.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import benchmark
from core.catalog.barcodes import with_check_digit
from core.clock import SystemClock
from core.imports import ColumnMapping, ImportReport, RecordKind, guess_mapping, read_csv
from core.imports.csv_source import write_csv
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import demo_setup
from core.services.importing import ImportService
from core.services.setup import create_store
from core.staff.actor import Actor
from core.staff.permissions import effective_permissions
from core.staff.roles import Role
from db.models import User
from db.store import Store, open_store

DEFAULT_SAMPLES = 3
TARGET_MS = 30_000.0  # the requirement: 100k products in under 30 s
ROWS = 100_000
FILE_VERSION = 1  # bump when the generated file's shape changes
HEADER = (
    "Item ID",
    "Item Lookup Code",
    "Description",
    "UPC",
    "Department",
    "Vendor",
    "Price",
    "Cost",
    "Taxable",
    "Reorder Point",
)
_DEPARTMENTS = (
    "Electric Guitars",
    "Acoustic Guitars",
    "Basses",
    "Keyboards",
    "Drums",
    "Band & Orchestra",
    "Amplifiers",
    "Effects Pedals",
    "Strings",
    "Accessories",
    "Cables",
    "Sheet Music",
)
_VENDORS = (
    "Fender Musical Instruments",
    "Yamaha Corporation of America",
    "KMC Music",
    "D'Addario & Co.",
    "Hal Leonard",
    "Roland Corporation US",
    "Conn-Selmer",
)
_WORDS = (
    "Fender",
    "Gibson",
    "Yamaha",
    "Roland",
    "Stratocaster",
    "Dreadnought",
    "Strings",
    "Cable 10ft",
    "Tuner",
    "Stand",
    "Sunburst",
    "Black",
    "Natural",
    "Café Edition",
)


@benchmark(
    "catalog.import_100k",
    "import a 100,000-product CSV into a fresh store, committed (real run, not a dry run)",
)
def import_100k(context: RunContext) -> Measurement:
    source = _csv_file(context)
    data = source.read_bytes()
    mapping = guess_mapping(read_csv(data).headers, RecordKind.PRODUCTS)
    samples: list[float] = []
    reimport_ms = 0.0
    for n in range(context.samples(DEFAULT_SAMPLES)):
        home = Path(tempfile.mkdtemp(prefix="import-", dir=context.data_dir))
        store, service, actor = _fresh_store(home)
        try:
            ms, report = _timed_import(service, actor, data, mapping)
            if report.created != ROWS:
                raise BenchmarkError(f"expected {ROWS:,} new products:\n{report.to_text()}")
            samples.append(ms)
            context.log(f"sample {n + 1}: {ms:,.0f} ms")
            if n == 0:  # the same file again: every row matched, nothing written
                reimport_ms, report = _timed_import(service, actor, data, mapping)
                context.log(
                    f"same file again: {reimport_ms:,.0f} ms, {report.unchanged:,} unchanged"
                )
        finally:
            store.close()
            shutil.rmtree(home, ignore_errors=True)
    return Measurement(
        samples=tuple(samples),
        target=TARGET_MS,
        extra={
            "rows": ROWS,
            "file_mb": round(len(data) / 1e6, 1),
            "reimport_unchanged_ms": round(reimport_ms, 3),
        },
    )


def _timed_import(
    service: ImportService, actor: Actor, data: bytes, mapping: ColumnMapping
) -> tuple[float, ImportReport]:
    began = time.perf_counter()
    report = service.import_products(
        actor,
        data,
        mapping,
        source="bench",
        dry_run=False,
        create_missing_categories=True,
        create_missing_suppliers=True,
    )
    return (time.perf_counter() - began) * 1000, report


def _csv_file(context: RunContext) -> Path:
    path = context.data_dir / f"catalog-import-{ROWS}-v{FILE_VERSION}.csv"
    if not path.exists():
        context.log(f"generating {path} (once; later runs reuse it)")
        partial = path.with_suffix(".partial")
        partial.write_bytes(write_csv(HEADER, _rows(random.Random(11))))
        partial.rename(path)
    return path


def _rows(rng: random.Random) -> list[list[str]]:
    rows: list[list[str]] = []
    for n in range(ROWS):
        price = rng.randint(300, 400_000)
        name = " ".join(rng.sample(_WORDS, 3))
        rows.append(
            [
                f"RMS-{n}",
                f"SKU-{n:06d}",
                f"{name} #{n}",
                with_check_digit(f"0{8_000_000_000 + n:010d}"),
                rng.choice(_DEPARTMENTS),
                rng.choice(_VENDORS),
                f"${price // 100:,}.{price % 100:02d}",
                f"{price * 55 // 10_000}.{price * 55 // 100 % 100:02d}00",
                rng.choice(("Y", "N")),
                str(rng.randint(0, 12)),
            ]
        )
    return rows


def _fresh_store(home: Path) -> tuple[Store, ImportService, Actor]:
    """An empty store (company, location, register, one admin) and an import service on it."""
    store = open_store(home)
    clock = SystemClock()
    device = create_store(store.uow, clock, fast_hasher_for_tests(), demo_setup())
    with store.read_sessions() as session:
        admin_id = session.scalars(select(User.id)).one()
    admin = Actor(
        admin_id,
        "Bench",
        Role.ADMIN,
        effective_permissions(Role.ADMIN),
        device.company_id,
        device.location_id,
        device.device_id,
    )
    return store, ImportService(store.uow, store.read_sessions, clock), admin
