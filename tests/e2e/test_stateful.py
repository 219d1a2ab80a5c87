"""Hypothesis drives three registers and one sync server through random days.

Two registers at store A and one at store B (real SQLite stores, the real services, the
real server on PostgreSQL behind a socket). The rules ring up sales (cash and card), refund
and void them, receive, adjust and transfer stock, edit customers, and sync — while the
server goes down and comes back, a register's network is cut (its server address pointed
at a closed port) and restored, a push goes through a proxy that sends it twice, and a
register's last batch is replayed by someone else. (A register restored from an earlier
copy of its data folder is left to tests/sync/client/test_push.py, which checks it is
detected; a restored register loses sales it had already sent, so its own books can no
longer match the server's.)

After a quiet time (the server up, every network restored, every register syncing until a
whole round moves nothing, twice) the books must agree: the server holds every completed
sale exactly once and nothing else, its totals per store equal the registers' reports, and
every register's stock view (cached levels and ledger) equals the server's sum of movements
on every product at every store; customers read the same on every register.

Bounded for the suite: 12 examples of up to 15 steps, derandomized so CI sees the same runs
every time. LUNARFRONT_STATEFUL_EXAMPLES=50 explores more, from a random seed.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.services.register_rows import CompletedSale
from db.models import SyncState
from sync.protocol import EventStatus, PushResponse
from tests.e2e.books import assert_books_agree, settle
from tests.e2e.registers import Till, add_store, found_company, join_store
from tests.sync.client.support import MemoryKeyring
from tests.sync.fixtures import LiveServer

EXPLORE = int(os.environ.get("LUNARFRONT_STATEFUL_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=EXPLORE or 12,
    stateful_step_count=15,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TILLS = st.integers(0, 2)
PRODUCTS = 8
CUSTOMERS = 3


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Wire(httpx.HTTPTransport):
    """A register's real HTTP transport. With `twice` set it is a proxy that sends each push
    twice (the second reply is the one the register sees); it keeps the last push's body
    and headers so that it can be replayed."""

    def __init__(self) -> None:
        super().__init__()
        self.twice = False
        self.last_push: tuple[bytes, dict[str, str]] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/v1/push":
            return super().handle_request(request)
        body = request.read()
        self.last_push = (body, {"Authorization": request.headers["Authorization"]})
        if self.twice:
            first = super().handle_request(request)
            first.read()
            first.close()
            request = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
        return super().handle_request(request)


class ThreeRegisters(RuleBasedStateMachine):
    def __init__(self, server: LiveServer, folder: Path) -> None:
        super().__init__()
        self.server = server
        server.start()  # (idempotent) an earlier example may have ended with it down
        here = folder / uuid.uuid4().hex[:8]
        self.wires = [Wire(), Wire(), Wire()]
        a1 = found_company(
            server, here / "a1", name="A1", customers=CUSTOMERS, transport=self.wires[0]
        )
        self.tills: list[Till] = [a1]
        store_b = add_store(server, a1.company_id, "B", "Riverside")
        a1.catch_up()
        self.tills.append(
            join_store(
                server, a1.location_id, here / "a2", name="A2", prefix="R2", transport=self.wires[1]
            )
        )
        self.tills.append(
            join_store(
                server, store_b, here / "b1", name="B1", prefix="B1", transport=self.wires[2]
            )
        )
        self.stores = [a1.location_id, store_b]
        codes = a1.codes()[:PRODUCTS]
        self.codes = codes
        self.products = [a1.product_of(code) for code in codes]
        self.customers = customer_ids(a1)
        self.up = True
        self.cut = [False, False, False]
        self.server_url = server.url
        # Sales of each register that may still be refunded or voided (never both).
        self.open_sales: list[list[CompletedSale]] = [[], [], []]

    # -- selling ------------------------------------------------------------------------

    @initialize()
    def open_the_day(self) -> None:
        """Each register's first sale, so there is something to take back from the start."""
        for who, till in enumerate(self.tills):
            self.open_sales[who].append(till.sell([self.codes[who]], card=who == 1, over=500))

    @rule(
        who=TILLS,
        lines=st.lists(st.integers(0, PRODUCTS - 1), min_size=1, max_size=3),
        card=st.booleans(),
    )
    def sell(self, who: int, lines: list[int], card: bool) -> None:
        done = self.tills[who].sell(
            [self.codes[n] for n in lines], card=card, over=0 if card else 250
        )
        self.open_sales[who].append(done)

    @precondition(lambda self: any(self.open_sales))
    @rule(data=st.data(), void=st.booleans())
    def take_back(self, data: st.DataObject, void: bool) -> None:
        """Refund one item of an earlier sale, or void the whole sale."""
        who = data.draw(st.sampled_from([n for n in range(3) if self.open_sales[n]]))
        sale = data.draw(st.sampled_from(self.open_sales[who]))
        self.open_sales[who].remove(sale)
        if void:
            self.tills[who].void(sale)
        else:
            self.tills[who].refund(sale)

    # -- stock and customers ----------------------------------------------------------------

    @rule(
        who=TILLS,
        product=st.integers(0, PRODUCTS - 1),
        kind=st.sampled_from(["receive", "add", "remove", "transfer"]),
        quantity=st.integers(1, 5),
    )
    def move_stock(self, who: int, product: int, kind: str, quantity: int) -> None:
        till = self.tills[who]
        product_id = self.products[product]
        here = till.stock.on_hand(product_id, till.location_id)
        if kind == "receive":
            till.receive(product_id, quantity)
        elif kind == "add":
            till.adjust(product_id, quantity)
        elif here > 0 and kind == "remove":
            till.adjust(product_id, -min(here, quantity))
        elif here > 0:
            other = next(store for store in self.stores if store != till.location_id)
            till.transfer(product_id, other, min(here, quantity))

    @rule(
        who=TILLS,
        customer=st.integers(0, CUSTOMERS - 1),
        field=st.sampled_from(["email", "phone", "notes"]),
        value=st.integers(0, 99),
    )
    def edit_customer(self, who: int, customer: int, field: str, value: int) -> None:
        account = self.customers[customer]
        till = self.tills[who]
        if field == "email":
            till.edit_customer(account, email=f"c{customer}.{value}@example.com")
        elif field == "phone":
            till.edit_customer(account, phone=f"555-{customer}{value:03d}")
        else:
            till.edit_customer(account, notes=f"Note {value} from {till.name}")

    # -- syncing and faults -----------------------------------------------------------------

    @rule(who=TILLS, how=st.sampled_from(["once", "twice", "replayed"]))
    def sync(self, who: int, how: str) -> None:
        """One cycle: plain, through a proxy that sends every push twice, or followed by
        someone replaying the register's last batch."""
        till = self.tills[who]
        waiting = till.waiting()
        self.wires[who].twice = how == "twice"
        try:
            report = till.sync_once()
        finally:
            self.wires[who].twice = False
        if self.up and not self.cut[who]:
            assert report.status.last_error is None, report.status.last_error
            assert report.status.waiting == 0
            assert report.status.issues == 0
            if how == "replayed":
                self.replay(who)
        else:
            assert report.status.online is False
            assert report.status.last_error is not None
            assert report.status.last_error.startswith("The sync server did not answer")
            assert report.pushed == 0
            assert report.status.waiting == waiting  # nothing forgotten

    @rule(how=st.sampled_from(["once", "twice", "replayed"]))
    def everyone_syncs(self, how: str) -> None:
        """Each register in turn, as their timers would."""
        for who in range(3):
            self.sync(who, how)

    def replay(self, who: int) -> None:
        """Someone sends the register's last batch again: every event is a duplicate."""
        sent = self.wires[who].last_push
        if sent is None:
            return
        body, headers = sent
        reply = httpx.post(
            self.server_url + "/v1/push",
            content=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        statuses = {r.status for r in PushResponse.model_validate_json(reply.content).results}
        assert statuses == {EventStatus.DUPLICATE}

    @rule()
    def server_down_or_up(self) -> None:
        if self.up:
            self.server.stop()
        else:
            self.server.start()
        self.up = not self.up

    @rule(who=TILLS)
    def cut_or_restore_network(self, who: int) -> None:
        self.cut[who] = not self.cut[who]
        url = f"http://127.0.0.1:{closed_port()}" if self.cut[who] else self.server_url
        point_at(self.tills[who], url)

    # -- checks ---------------------------------------------------------------------------

    @invariant()
    def each_register_levels_match_its_own_ledger(self) -> None:
        for till in self.tills:
            assert till.stock_view() == till.ledger_view(), till.name

    def teardown(self) -> None:
        try:
            self.server.start()
            self.up = True
            for who, till in enumerate(self.tills):
                if self.cut[who]:
                    point_at(till, self.server_url)
                    self.cut[who] = False
            settle(self.tills)
            for till in self.tills:
                status = till.register.engine.status()
                assert (status.waiting, status.last_error, status.issues) == (0, None, 0), till.name
            assert_books_agree(self.tills)
            for account in self.customers:
                seen = {customer_fields(till, account) for till in self.tills}
                assert len(seen) == 1, seen
        finally:
            for till in self.tills:
                till.close()


def point_at(till: Till, url: str) -> None:
    """Change the server address the register syncs with (as its settings screen does)."""
    with till.register.store.uow() as uow:
        state = uow.session.get(SyncState, 1)
        assert state is not None
        state.server_url = url
        uow.commit()


def customer_ids(till: Till) -> list[uuid.UUID]:
    with till.register.store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id FROM customer_account ORDER BY account_number LIMIT ?", (CUSTOMERS,)
        ).all()
    return [uuid.UUID(bytes=bytes(row[0])) for row in rows]


def customer_fields(till: Till, account: uuid.UUID) -> tuple[str, str, str]:
    detail = till.customers.detail(account)
    return detail.email, detail.phone, detail.notes


def test_random_days_of_three_registers_end_with_the_books_in_agreement(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    run_state_machine_as_test(
        lambda: ThreeRegisters(live_server, tmp_path),  # type: ignore[arg-type]  # a factory
        settings=SETTINGS,
    )
