"""End of day: the Z report of a busy register, and a year of sales by day.

- `drawer.z_report_2000_sales`: `DrawerService.close` (count the drawer, compute and store
  the Z report, post the over/short entry) for a register-day of 2,000 sales rung up
  through the real register service (cash and card, some returns and voids). Each sample
  closes its own copy of that day. The baseline runs the report's grouped queries with
  bare `sqlite3` on the same file; `x_report_median_ms` is the same report without closing.
- `ledger.sales_by_day_year`: `LedgerService.sales_by_day` over a year of 300,000 completed
  sales (inserted directly), against the same GROUP BY in bare `sqlite3`.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import benchmark
from core.clock import FixedClock
from core.money import Money
from core.sales.tenders import TenderKind
from core.services.approval import Approval
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import create_demo_store
from core.services.drawer import DrawerService
from core.services.identity import load_this_device
from core.services.ledger import LedgerService
from core.services.register import RegisterService
from core.staff.actor import Actor
from core.staff.permissions import Permission, effective_permissions
from core.staff.roles import Role
from db.models import Product, ProductBarcode, SaleTender, User
from db.store import Store, database_path, open_store

Z_SALES = 2_000
Z_SAMPLES = 15
Z_TARGET_MS = 200.0
YEAR_SALES = 300_000
YEAR_SAMPLES = 15
YEAR_TARGET_MS = 1_000.0
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def _demo(folder: Path) -> tuple[Store, FixedClock]:

    store = open_store(folder)
    clock = FixedClock(START)
    create_demo_store(store.uow, clock, fast_hasher_for_tests(), products=300, customers=10)
    return store, clock


def _actor(store: Store, username: str) -> Actor:

    with store.read_sessions() as session:
        device = load_this_device(session)
        user = session.scalars(select(User).where(User.username == username)).one()
    assert device is not None
    role = Role(user.role)
    return Actor(
        user.id,
        user.display_name,
        role,
        effective_permissions(role),
        device.company_id,
        device.location_id,
        device.device_id,
    )


def _ring_up_a_day(store: Store, clock: FixedClock, log: Callable[[str], None]) -> None:

    register = RegisterService(store.uow, store.read_sessions, clock)
    cashier = _actor(store, "jamie")
    manager = _actor(store, "morgan")
    with store.read_sessions() as session:
        codes = list(
            session.scalars(
                select(ProductBarcode.code)
                .join(Product, Product.id == ProductBarcode.product_id)
                .where(Product.is_serialized.is_(False))
            )
        )
    rng = random.Random(5)
    done: list[tuple[uuid.UUID, str]] = []
    void = Approval(Permission.VOID, manager.user_id, manager.display_name)
    for n in range(Z_SALES):
        clock.advance(timedelta(seconds=12))
        if n % 97 == 50 and done:
            sale_id, receipt = done.pop(rng.randrange(len(done)))
            register.void_completed(cashier, sale_id, "rang up twice", void)
            continue
        if n % 41 == 20 and done:
            _, receipt = done[rng.randrange(len(done))]
            found = register.find_receipt(receipt)
            if found is not None and found.lines[0].left:
                view = register.add_return(cashier, found.lines[0].line_id, 1)
                kind = (
                    TenderKind.CARD
                    if any(t == "card" for t in _kinds(store, found.sale_id))
                    else TenderKind.CASH
                )
                register.add_tender(cashier, view.sale_id, kind, view.due, provider="external")
                register.complete(cashier, view.sale_id)
                continue
        view = register.scan(cashier, rng.choice(codes))
        for _ in range(rng.randint(0, 2)):
            view = register.scan(cashier, rng.choice(codes), sale_id=view.sale_id)
        if rng.random() < 0.4:
            cash = Money(view.due.amount + rng.choice((0, 0, 37, 500, 1_000)), view.due.currency)
            register.add_tender(cashier, view.sale_id, TenderKind.CASH, cash)
        else:
            register.add_tender(
                cashier, view.sale_id, TenderKind.CARD, view.due, provider="external"
            )
        sale = register.complete(cashier, view.sale_id)
        done.append((sale.sale_id, sale.receipt_number))
        if n % 500 == 499:
            log(f"  {n + 1} sales rung up")


def _kinds(store: Store, sale_id: uuid.UUID) -> list[str]:

    with store.read_sessions() as session:
        return list(session.scalars(select(SaleTender.kind).where(SaleTender.sale_id == sale_id)))


_BARE_REPORT = (
    "SELECT s.user_id, s.kind, sum(l.gross_minor), sum(l.net_minor) FROM sale s "
    "JOIN sale_line l ON l.sale_id = s.id WHERE s.device_id = ? AND s.receipt_seq BETWEEN ? AND ? "
    "AND s.status = 'completed' GROUP BY s.user_id, s.kind",
    "SELECT t.name, t.rate_ppm, sum(t.taxable_minor), sum(t.tax_minor) FROM sale_line_tax t "
    "JOIN sale s ON s.id = t.sale_id WHERE s.device_id = ? AND s.receipt_seq BETWEEN ? AND ? "
    "GROUP BY t.name, t.rate_ppm",
    "SELECT t.kind, sum(t.amount_minor) FROM sale_tender t JOIN sale s ON s.id = t.sale_id "
    "WHERE s.device_id = ? AND s.receipt_seq BETWEEN ? AND ? GROUP BY t.kind",
)


@benchmark(
    "drawer.z_report_2000_sales",
    "close the drawer and take the Z report of a 2,000-sale register-day (target < 200 ms)",
)
def z_report_2000_sales(context: RunContext) -> Measurement:

    with tempfile.TemporaryDirectory(dir=_home(context)) as work:
        day = Path(work) / "day"
        day.mkdir()
        store, clock = _demo(day)
        began = time.perf_counter()
        _ring_up_a_day(store, clock, context.log)
        context.log(f"rang up {Z_SALES} sales in {time.perf_counter() - began:.1f} s")
        manager = _actor(store, "morgan")
        drawer = DrawerService(store.uow, store.read_sessions, clock)
        x_samples = []
        for _ in range(10):
            t0 = time.perf_counter()
            x = drawer.x_report(manager)
            x_samples.append((time.perf_counter() - t0) * 1000)
        assert x.drawer is not None
        counted = {100: x.drawer.expected // 100, 1: x.drawer.expected % 100}
        device = manager.device_id
        store.close()
        samples: list[float] = []
        baseline: list[float] = []
        for n in range(context.samples(Z_SAMPLES)):
            copy = Path(work) / f"copy{n}"
            shutil.copytree(day, copy)
            opened = open_store(copy)
            try:
                service = DrawerService(opened.uow, opened.read_sessions, clock)
                service.x_report(manager)  # warm the statement cache
                t0 = time.perf_counter()
                closed = service.close(manager, counted)
                samples.append((time.perf_counter() - t0) * 1000)
            finally:
                opened.close()
            if (
                closed.report.sales_count + closed.report.returns_count + closed.report.voids_count
                < Z_SALES * 0.9
            ):
                raise BenchmarkError("the Z report missed sales")
            baseline.append(_bare_report(database_path(copy), device))
            shutil.rmtree(copy)
    x_samples.sort()
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        target=Z_TARGET_MS,
        extra={
            "sales": closed.report.sales_count,
            "returns": closed.report.returns_count,
            "voids": closed.report.voids_count,
            "x_report_median_ms": round(x_samples[len(x_samples) // 2], 3),
        },
    )


def _bare_report(path: Path, device: uuid.UUID) -> float:
    conn = sqlite3.connect(path)
    try:
        t0 = time.perf_counter()
        for query in _BARE_REPORT:
            conn.execute(query, (device.bytes, 1, 10**9)).fetchall()
        return (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def _home(context: RunContext) -> Path:
    home = context.data_dir / "work"
    home.mkdir(parents=True, exist_ok=True)
    return home


_BARE_BY_DAY = (
    "SELECT business_date, sum(kind IN ('sale', 'exchange')), sum(total_minor - tax_minor), "
    "sum(tax_minor) FROM sale WHERE company_id = ? AND business_date BETWEEN ? AND ? "
    "AND status = 'completed' GROUP BY business_date ORDER BY business_date"
)


@benchmark(
    "ledger.sales_by_day_year",
    "sales by day over a year of 300,000 completed sales (target < 1 s)",
)
def sales_by_day_year(context: RunContext) -> Measurement:

    with tempfile.TemporaryDirectory(dir=_home(context)) as work:
        folder = Path(work) / "year"
        folder.mkdir()
        store, clock = _demo(folder)
        manager = _actor(store, "morgan")
        began = time.perf_counter()
        _insert_year(database_path(folder), manager)
        context.log(f"inserted {YEAR_SALES:,} sales in {time.perf_counter() - began:.1f} s")
        ledger = LedgerService(store.uow, store.read_sessions, clock)
        first, last = date(2025, 1, 1), date(2025, 12, 31)
        ledger.sales_by_day(manager, first, last)
        samples: list[float] = []
        baseline: list[float] = []
        conn = sqlite3.connect(database_path(folder))
        company = manager.company_id.bytes
        try:
            for _ in range(context.samples(YEAR_SAMPLES)):
                t0 = time.perf_counter()
                days = ledger.sales_by_day(manager, first, last)
                samples.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                rows = conn.execute(_BARE_BY_DAY, (company, "2025-01-01", "2025-12-31")).fetchall()
                baseline.append((time.perf_counter() - t0) * 1000)
        finally:
            conn.close()
            store.close()
        if len(days) != 365 or len(rows) != 365 or sum(d.sales for d in days) != YEAR_SALES:
            raise BenchmarkError("the summary did not cover every day and every sale")
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        target=YEAR_TARGET_MS,
        extra={"sales": YEAR_SALES, "days": len(days)},
    )


def _insert_year(path: Path, actor: Actor) -> None:
    """300,000 completed one-line sales spread over 2025, as the register would leave them."""
    rng = random.Random(11)
    conn = sqlite3.connect(path)
    a = actor
    base = (
        a.company_id.bytes,
        a.location_id.bytes,
        a.device_id.bytes,
        a.user_id.bytes,
    )
    start = date(2025, 1, 1)
    rows = []
    for n in range(YEAR_SALES):
        day = start + timedelta(days=n * 365 // YEAR_SALES)
        at = (
            datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
            .replace(tzinfo=None)
            .isoformat(" ")
        )
        net = rng.randint(500, 90_000)
        tax = net * 825 // 10_000
        rows.append(
            (
                uuid.uuid4().bytes,
                *base,
                f"Y1-{n + 1:06d}",
                n + 1,
                day.isoformat(),
                net,
                tax,
                net + tax,
                at,
                at,
                at,
            )
        )
    with conn:
        conn.executemany(
            "INSERT INTO sale (id, company_id, location_id, device_id, user_id, receipt_number,"
            " receipt_seq, business_date, subtotal_minor, tax_minor, total_minor, completed_at,"
            " created_at, updated_at, status, kind, currency, tax_exempt_certificate, notes,"
            " discount_minor, change_minor, void_reason, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', 'sale', 'USD', '', '',"
            " 0, 0, '', 1)",
            rows,
        )
    conn.close()
