"""Issue 7's faults that need whole registers and a whole server: PostgreSQL failing in the
middle of a pushed batch (its connections killed; a lock held past the lock timeout), a
register that still has events of the older schema queued, pushes committing while another
register pages through a pull, and device clocks an hour and a year off.

Real registers (SQLite, the real services) and the real server (uvicorn on a socket,
PostgreSQL). After each fault the registers catch up and the books must agree: every sale
on the server once, the owner's totals equal to the registers' own reports, every
register's stock equal to the server's sum of movements.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.e2e.books import (
    assert_books_agree,
    server_rows,
    server_sales,
    settle,
)
from tests.e2e.faults import (
    TunedServer,
    in_thread,
    joined,
    record_key_held,
    server_backends,
    wait_until,
)
from tests.e2e.registers import Till, found_company, join_store, now_clock
from tests.sync.client.support import MemoryKeyring
from tests.sync.fixtures import LiveServer, ServerDb


@pytest.fixture
def quick_server(server_db: ServerDb) -> Iterator[TunedServer]:
    """The live server with a lock timeout of 0.4 s (5 s in production)."""
    server = TunedServer(server_db, lock_timeout_ms=400)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- PostgreSQL failing in the middle of a batch -----------------------------------------------


def sell_a_morning(till: Till, count: int) -> tuple[list[uuid.UUID], uuid.UUID]:
    """`count` sales, with a new customer account opened half way through them."""
    codes = till.codes()
    sales = []
    customer = uuid.UUID(int=0)
    for n in range(count):
        if n == count // 2:
            customer = till.open_customer("Robin Vega")
        sale = till.sell([codes[n % 8]], card=n % 3 == 0, over=(n % 4) * 100)
        sales.append(sale.sale_id)
    return sales, customer


def test_postgres_connections_killed_mid_batch_lose_nothing_and_the_register_retries(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    a1 = found_company(live_server, tmp_path / "a1")
    a2 = join_store(live_server, a1.location_id, tmp_path / "a2", name="A2", prefix="R2")
    tills = [a1, a2]
    try:
        sales, customer = sell_a_morning(a1, 12)
        queued = a1.waiting()
        with record_key_held(live_server, a1, "customer_account", customer):
            thread, result = in_thread(a1.sync_once)
            wait_until(lambda: server_backends(live_server, waiting=True), "the push to wait")
            # PostgreSQL goes away under the server: every one of its connections is killed.
            killed = server_rows(
                live_server,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = 'lunarfront-server'",
            )
            assert killed
            report = joined(thread, result)
        assert report.pushed == 0
        assert report.status.waiting == queued  # nothing forgotten: nothing was acknowledged
        assert report.status.last_error is not None
        assert report.status.last_error.startswith("The sync server has a problem")
        assert "Traceback" not in report.status.last_error
        assert not server_sales(live_server, a1.company_id)  # the batch was rolled back whole
        settle(tills)  # the server's pool reconnects; the register sends everything again
        assert set(server_sales(live_server, a1.company_id)) == set(sales)
        assert_books_agree(tills)
    finally:
        for till in tills:
            till.close()


def test_a_lock_held_past_the_timeout_holds_back_the_rest_of_the_batch_until_it_is_free(
    quick_server: TunedServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    a1 = found_company(quick_server, tmp_path / "a1")
    a2 = join_store(quick_server, a1.location_id, tmp_path / "a2", name="A2", prefix="R2")
    tills = [a1, a2]
    try:
        sales, customer = sell_a_morning(a1, 10)
        queued = a1.waiting()
        with record_key_held(quick_server, a1, "customer_account", customer):
            report = a1.sync_once()  # waits 0.4 s on the key, twice, then gives up on it
            on_server = set(server_sales(quick_server, a1.company_id))
        assert on_server == set(sales[:5])  # the batch up to the new customer was taken
        assert 0 < report.pushed < queued
        assert report.status.waiting == queued - report.pushed
        assert report.status.online is True
        assert report.status.last_error is not None
        assert "busy" in report.status.last_error
        assert a1.register.engine.retry_in() is not None  # backing off, not hammering
        settle(tills)
        assert set(server_sales(quick_server, a1.company_id)) == set(sales)
        assert_books_agree(tills)
    finally:
        for till in tills:
            till.close()


# -- a register on an older event schema -------------------------------------------------------


def downgrade_queued_sales(till: Till) -> int:
    """Put the queued sale events back as the previous app version wrote them: schema 1,
    without the `stock_movements` a sale carries from schema 2 on. (Outbox rows are never
    updated, so each is deleted and written again under its own id and number.)"""
    kinds = "type IN ('sale.completed', 'sale.voided')"
    with till.register.store.engine.begin() as connection:
        rows = connection.execute(
            text(
                "SELECT id, device_id, sequence, type, payload, device_time FROM outbox_event "
                f"WHERE {kinds}"
            )
        ).all()
        connection.execute(text(f"DELETE FROM outbox_event WHERE {kinds}"))
        for row in rows:
            payload = json.loads(row.payload)
            payload.pop("stock_movements")
            connection.execute(
                text(
                    "INSERT INTO outbox_event (id, device_id, sequence, schema_version, type, "
                    "payload, device_time) VALUES (:id, :device, :sequence, 1, :type, :payload, "
                    ":at)"
                ),
                {
                    "id": row.id,
                    "device": row.device_id,
                    "sequence": row.sequence,
                    "type": row.type,
                    "payload": json.dumps(payload),
                    "at": row.device_time,
                },
            )
    return len(rows)


def test_a_register_on_the_older_schema_with_sales_still_queued_moves_the_same_stock(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    a1 = found_company(live_server, tmp_path / "a1")
    a2 = join_store(live_server, a1.location_id, tmp_path / "a2", name="A2", prefix="R2")
    tills = [a1, a2]
    try:
        codes = a1.codes()
        first = a1.sell(codes[0:3])
        a1.refund(first, line=1)
        a1.void(a1.sell([codes[4], codes[4]], card=True))
        a1.sell([codes[5]], card=True)
        a1.adjust(a1.product_of(codes[6]), 2)  # a stock.moved event: unchanged by schema 1
        assert downgrade_queued_sales(a1) == 5  # 3 sales, a return, a void
        settle(tills)
        for till in tills:  # nothing flagged, refused, or unusable where it was pulled
            assert till.register.engine.status().issues == 0, till.name
        schemas = server_rows(
            live_server,
            "SELECT DISTINCT schema_version FROM applied_event WHERE device_id = :d "
            "AND type LIKE 'sale.%'",
            d=a1.device_id,
        )
        assert schemas == [(1,)]
        assert_books_agree(tills)  # the server derived the same stock from the lines
    finally:
        for till in tills:
            till.close()


# -- two pushes commit while a pull pages through ------------------------------------------------


class PullProbe(httpx.HTTPTransport):
    """The real transport; `after_page(n)` runs after the n-th pull page came back."""

    def __init__(self) -> None:
        super().__init__()
        self.pages = 0
        self.after_page: Callable[[int], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/v1/pull":
            response.read()
            self.pages += 1
            if self.after_page is not None:
                self.after_page(self.pages)
        return response


def test_two_pushes_committing_while_a_pull_pages_through_are_each_received_once(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    a1 = found_company(live_server, tmp_path / "a1")
    a2 = join_store(live_server, a1.location_id, tmp_path / "a2", name="A2", prefix="R2")
    probe = PullProbe()
    reader = join_store(
        live_server,
        a1.location_id,
        tmp_path / "a3",
        name="A3",
        prefix="R3",
        transport=probe,
        pull_limit=7,
    )
    tills = [a1, a2, reader]
    try:
        codes = a1.codes()
        for n in range(6):  # a backlog for the reader: pages of sales' stock and receipts
            a1.sell([codes[n], codes[n + 1]])
            a2.receive(a2.product_of(codes[n]), 3)
        a1.catch_up()
        a2.catch_up()
        for n in range(5):  # queued, to be pushed while the reader pulls
            a1.sell([codes[n + 2]], card=True)
            a2.adjust(a2.product_of(codes[n]), 1)
        pushes: list[tuple[threading.Thread, dict[str, Any]]] = []

        def race(page: int) -> None:
            if page == 1:  # both registers push (and commit) while the pull goes on
                pushes.extend(in_thread(t.sync_once) for t in (a1, a2))
            elif page == 3:
                for thread, result in pushes:
                    assert joined(thread, result).pushed > 0

        probe.pages = 0
        probe.after_page = race
        report = reader.sync_once()
        assert report.status.last_error is None
        assert probe.pages >= 3
        assert len(pushes) == 2
        probe.after_page = None
        settle(tills)
        movements = server_rows(
            live_server,
            "SELECT count(*) FROM stock_movement WHERE company_id = :c",
            c=a1.company_id,
        )
        held = reader.register.count("stock_movement")
        assert held == movements[0][0]  # every movement once, none twice, none skipped
        assert_books_agree(tills)
    finally:
        for till in tills:
            till.close()


# -- device clocks an hour ahead and a year behind -------------------------------------------------


def test_device_clocks_an_hour_ahead_and_a_year_behind_reorder_nothing(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    ahead = found_company(
        live_server, tmp_path / "ahead", name="ahead", clock=now_clock(timedelta(hours=1))
    )
    behind = join_store(
        live_server,
        ahead.location_id,
        tmp_path / "behind",
        name="behind",
        prefix="R2",
        clock=now_clock(-timedelta(days=365)),
    )
    tills = [ahead, behind]
    try:
        codes = ahead.codes()
        customer = ahead.register.scalar("SELECT id FROM customer_account ORDER BY account_number")
        assert isinstance(customer, bytes)
        account = uuid.UUID(bytes=customer)
        ahead.sell(codes[0:2])
        behind.sell([codes[2]], card=True)
        ahead.edit_customer(account, notes="Set by the register an hour ahead")
        ahead.catch_up()
        # The register a year behind edits the same field later in real time, earlier by its
        # clock: the later arrival wins, whatever the clocks say.
        behind.edit_customer(account, notes="Set by the register a year behind")
        behind.clock.advance(timedelta(days=365))  # its clock is put right mid-day …
        behind.sell([codes[3]])
        behind.clock.advance(-timedelta(days=365))  # … and wrong again
        behind.sell([codes[4]], card=True)
        settle(tills)
        for till in tills:
            notes = till.customers.detail(account).notes
            assert notes == "Set by the register a year behind", till.name

        # Applied in the register's own order, whatever its clock said.
        rows = server_rows(
            live_server,
            "SELECT sequence, device_time FROM applied_event WHERE device_id = :d "
            "ORDER BY received_at, sequence",
            d=behind.device_id,
        )
        sequences = [int(str(row[0])) for row in rows]
        assert sequences == list(range(1, len(sequences) + 1))
        times = [row[1] for row in rows]
        assert any(later < earlier for earlier, later in itertools.pairwise(times))

        # Every sale counted; the one an hour ahead flagged for review, not refused.
        flagged = server_rows(
            live_server,
            "SELECT device_id, flags::text FROM sale WHERE company_id = :c AND flags <> '[]'",
            c=ahead.company_id,
        )
        assert {uuid.UUID(str(device)) for device, _ in flagged} == {ahead.device_id}
        assert all("clock looks wrong" in str(flags) for _, flags in flagged)
        assert ahead.register.engine.status().issues == 1  # the flagged sale, for a manager
        assert_books_agree(tills)
    finally:
        for till in tills:
            till.close()
