"""The books of a company on the sync server, next to its registers' own: quiet time (every
register caught up), what the server holds (sales, voids, stock movements, the owner's
totals over HTTP), and the check the end-to-end tests share: every sale once, the totals
equal to the registers' reports to the cent, every register's stock equal to the server's.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

import httpx
from sqlalchemy import text

from core.drawer.report import RegisterReport
from sync.protocol import SalesTotals
from tests.e2e.registers import StockView, Till
from tests.sync.fixtures import LiveServer


def settle(tills: Iterable[Till], timeout: float = 60.0) -> None:
    """Quiet time: every register pushes and pulls until a whole round moves nothing."""
    everyone = list(tills)
    deadline = time.monotonic() + timeout
    quiet_rounds = 0
    while quiet_rounds < 2:
        moved = 0
        for till in everyone:
            moved += till.waiting()
            till.catch_up(timeout=max(1.0, deadline - time.monotonic()))
        quiet_rounds = quiet_rounds + 1 if moved == 0 else 0
        assert time.monotonic() < deadline, "the registers did not settle in time"


def server_rows(server: LiveServer, sql: str, **params: object) -> list[tuple[Any, ...]]:
    with server.server_db.session() as session:
        return [tuple(row) for row in session.execute(text(sql), params)]


def server_totals(till: Till) -> SalesTotals:
    """What the owner sees: the sales report of the till's company, over HTTP."""
    reply = httpx.get(
        till.server.url + "/v1/reports/sales",
        headers={"Authorization": f"Bearer {till.token()}"},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return SalesTotals.model_validate_json(reply.content)


def server_sales(server: LiveServer, company_id: uuid.UUID) -> Counter[uuid.UUID]:
    """Every sale row of the company, counted by id (a count above 1 would be a double)."""
    rows = server_rows(server, "SELECT id FROM sale WHERE company_id = :c", c=company_id)
    return Counter(uuid.UUID(str(row[0])) for row in rows)


def server_voided(server: LiveServer, company_id: uuid.UUID) -> set[uuid.UUID]:
    rows = server_rows(
        server,
        "SELECT id FROM sale WHERE company_id = :c AND voided_at IS NOT NULL",
        c=company_id,
    )
    return {uuid.UUID(str(row[0])) for row in rows}


def server_stock(server: LiveServer, company_id: uuid.UUID) -> StockView:
    """The sum of every stock movement the server holds, per (product, location)."""
    rows = server_rows(
        server,
        "SELECT product_id, location_id, sum(quantity) FROM stock_movement "
        "WHERE company_id = :c GROUP BY product_id, location_id",
        c=company_id,
    )
    return {
        (uuid.UUID(str(p)), uuid.UUID(str(loc))): int(str(q)) for p, loc, q in rows if int(str(q))
    }


def z_totals(reports: Iterable[RegisterReport]) -> tuple[int, int]:
    """(total taken, tax) over some registers' Z or X reports."""
    taken = tax = 0
    for report in reports:
        taken += report.total_taken
        tax += report.tax
    return taken, tax


def assert_books_agree(tills: list[Till]) -> None:
    """After quiet time: every completed sale on the server once, and nothing else; the
    owner's totals per store equal to its registers' X reports; every register's stock (its
    cached levels and its ledger) equal to the server's sum of movements."""
    company = tills[0].company_id
    server = tills[0].server
    on_server = server_sales(server, company)
    assert set(on_server.values()) <= {1}
    assert set(on_server) == set().union(*(t.sale_ids("sale", "return") for t in tills))
    assert server_voided(server, company) == set().union(*(t.voided_ids() for t in tills))
    totals = {row.location_id: row for row in server_totals(tills[0]).locations}
    for store in {t.location_id for t in tills}:
        taken, tax = z_totals(t.x_report() for t in tills if t.location_id == store)
        assert (totals[store].total, totals[store].tax) == (taken, tax), store
    expected = server_stock(server, company)
    for till in tills:
        assert till.stock_view() == expected, till.name
        assert till.ledger_view() == expected, till.name
