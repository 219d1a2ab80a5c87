"""Registers for the end-to-end sync tests: real SQLite stores on disk, driven through the
real services (`RegisterService`, `DrawerService`, `StockService`, `CustomerService`) and
paired with a real sync server over HTTP (`live_server`).

A company is founded the way a shop does it: the demo shop is set up on one register, which
pairs with a new-company code and sends its store up; other registers pair fresh with a
store's code and pull the catalog, users and stock.

Several registers share one test process, which production never does: `core.services.
journal` caches each company's ledger account ids for the process, while every register has
its own chart (ledger accounts are not replicated). So every write here empties that cache
first (`own_books`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from core.clock import FixedClock, SystemClock
from core.customers.rules import CustomerDraft
from core.drawer.report import RegisterReport
from core.money import Money
from core.sales.tenders import TenderKind
from core.services import journal
from core.services.catalog import CatalogService
from core.services.customers import CustomerService
from core.services.demo_store import DEMO_FLOAT
from core.services.drawer import DrawerService
from core.services.register import RegisterService
from core.services.register_rows import CompletedSale
from core.services.stock import StockService
from core.services.stock_rows import ReceiveLine
from core.services.tax_rates import add_rate
from db.models import Product, ProductBarcode, StockLevel, StockMovement
from db.store import open_store
from sync.client import KeyringTokenStore, SyncEngine, SyncReport
from sync.client.pull import PULL_LIMIT
from tests.db.catalog_support import actor_for
from tests.support import make_demo
from tests.sync.client.support import (
    Register,
    catch_up,
    cursor_position,
    register_at,
    server_position,
)
from tests.sync.fixtures import LiveServer

StockView = dict[tuple[uuid.UUID, uuid.UUID], int]
VOID_REASON = "rang up twice"


def own_books() -> None:
    """Forget the ledger account ids cached for the process (see the module docstring)."""
    journal._ACCOUNTS.clear()


def now_clock(offset: timedelta = timedelta(0)) -> FixedClock:
    """A register clock at the real time (what the server compares with), plus `offset`."""
    return FixedClock(datetime.now(UTC).replace(microsecond=0) + offset)


@dataclass(eq=False)  # a register is itself: compared and hashed by identity
class Till:
    """One register: its store, sync engine and services, acting as the demo's staff."""

    name: str
    register: Register
    server: LiveServer
    clock: FixedClock
    completed: list[CompletedSale] = field(default_factory=list)

    def __post_init__(self) -> None:
        store = self.register.store
        self.sales = RegisterService(store.uow, store.read_sessions, self.clock)
        self.drawer = DrawerService(store.uow, store.read_sessions, self.clock)
        self.stock = StockService(store.uow, store.read_sessions, self.clock)
        self.customers = CustomerService(store.uow, store.read_sessions, self.clock)
        self.catalog = CatalogService(store.uow, store.read_sessions, self.clock)
        self.manager = actor_for(store, "morgan")
        self.cashier = actor_for(store, "jamie")

    # -- who and where --------------------------------------------------------------------

    @property
    def device_id(self) -> uuid.UUID:
        return self.manager.device_id

    @property
    def location_id(self) -> uuid.UUID:
        return self.manager.location_id

    @property
    def company_id(self) -> uuid.UUID:
        return self.manager.company_id

    # -- selling --------------------------------------------------------------------------

    def tick(self) -> None:
        self.clock.advance(timedelta(seconds=7))

    def sell(self, codes: Sequence[str], *, card: bool = False, over: int = 0) -> CompletedSale:
        """Ring up the codes and pay the sale by card, or in cash with `over` to give back."""
        own_books()
        self.tick()
        view = self.sales.scan(self.cashier, codes[0])
        for code in codes[1:]:
            view = self.sales.scan(self.cashier, code, sale_id=view.sale_id)
        due = view.due.amount
        if card:
            self.sales.add_tender(
                self.cashier, view.sale_id, TenderKind.CARD, self.money(due), provider="external"
            )
        else:
            self.sales.add_tender(
                self.cashier, view.sale_id, TenderKind.CASH, self.money(due + over)
            )
        done = self.sales.complete(self.cashier, view.sale_id)
        self.completed.append(done)
        return done

    def refund(self, sale: CompletedSale, *, line: int = 0, quantity: int = 1) -> CompletedSale:
        """Take back `quantity` of a line of an earlier sale, paid back in its own tender."""
        own_books()
        self.tick()
        found = self.sales.find_receipt(sale.receipt_number)
        assert found is not None, sale.receipt_number
        view = self.sales.add_return(self.cashier, found.lines[line].line_id, quantity)
        card = self.paid_by_card(sale.sale_id)
        kind = TenderKind.CARD if card else TenderKind.CASH
        self.sales.add_tender(
            self.cashier,
            view.sale_id,
            kind,
            self.money(view.due.amount),
            provider="external" if card else "",
        )
        done = self.sales.complete(self.cashier, view.sale_id)
        self.completed.append(done)
        return done

    def void(self, sale: CompletedSale) -> CompletedSale:
        """A manager voids a sale completed today (a reversing sale)."""
        own_books()
        self.tick()
        done = self.sales.void_completed(self.manager, sale.sale_id, VOID_REASON)
        self.completed.append(done)
        return done

    def paid_by_card(self, sale_id: uuid.UUID) -> bool:
        kinds = self.register.scalar(
            "SELECT count(*) FROM sale_tender WHERE sale_id = :id AND kind = 'card'",
            id=sale_id.bytes,
        )
        return bool(kinds)

    def money(self, minor: int) -> Money:
        return Money(minor, "USD")

    # -- the drawer -----------------------------------------------------------------------

    def open_drawer(self) -> None:
        own_books()
        if not self.drawer.status(self.manager).is_open:
            self.drawer.open(self.manager, DEMO_FLOAT)

    def x_report(self) -> RegisterReport:
        return self.drawer.x_report(self.manager)

    def close_day(self) -> RegisterReport:
        """Count the drawer exactly as expected and take the Z report."""
        own_books()
        self.tick()
        x = self.x_report()
        pieces = None
        if x.drawer is not None:
            expected = x.drawer.expected
            pieces = {100: expected // 100, 1: expected % 100}
        return self.drawer.close(self.manager, pieces).report

    # -- stock and customers --------------------------------------------------------------

    def receive(self, product_id: uuid.UUID, quantity: int, cost: int = 1_000) -> None:
        own_books()
        self.tick()
        line = ReceiveLine(product_id, quantity, self.money(cost))
        self.stock.receive(self.manager, self.location_id, None, "PO-E2E", [line])

    def adjust(self, product_id: uuid.UUID, delta: int) -> int:
        own_books()
        self.tick()
        return self.stock.adjust(self.manager, self.location_id, product_id, delta, "damaged")

    def transfer(self, product_id: uuid.UUID, to: uuid.UUID, quantity: int) -> None:
        own_books()
        self.tick()
        self.stock.transfer(self.manager, self.location_id, to, product_id, quantity)

    def edit_customer(
        self,
        account_id: uuid.UUID,
        *,
        email: str | None = None,
        phone: str | None = None,
        notes: str | None = None,
    ) -> None:
        """Save the account with these fields changed, as the customer form does."""
        own_books()
        self.tick()
        detail = self.customers.detail(account_id)
        draft = CustomerDraft(
            name=detail.name,
            email=detail.email if email is None else email,
            phone=detail.phone if phone is None else phone,
            address=detail.address,
            tax_exempt=detail.tax_exempt,
            tax_exempt_certificate=detail.tax_exempt_certificate,
            notes=detail.notes if notes is None else notes,
        )
        self.customers.update(self.manager, account_id, draft, detail.version)

    def open_customer(self, name: str) -> uuid.UUID:
        own_books()
        self.tick()
        return self.customers.create(self.manager, CustomerDraft(name=name))

    def add_tax_rate(self, name: str, rate_ppm: int) -> None:
        """A store's own sales tax, set up on its register (it travels as a record)."""
        own_books()
        with self.register.store.uow() as uow:
            add_rate(
                uow.session,
                self.company_id,
                self.location_id,
                "standard",
                name,
                rate_ppm,
                self.clock.now(),
            )
            uow.commit()

    # -- reads ----------------------------------------------------------------------------

    def codes(self) -> list[str]:
        """One barcode per sellable, non-serialized product, in SKU order."""
        with self.register.store.read_sessions() as session:
            rows = session.execute(
                select(Product.sku, func.min(ProductBarcode.code))
                .join(ProductBarcode, ProductBarcode.product_id == Product.id)
                .where(
                    Product.is_serialized.is_(False),
                    Product.active.is_(True),
                    Product.deleted_at.is_(None),
                    Product.price_minor > 0,
                )
                .group_by(Product.id)
                .order_by(Product.sku)
            ).all()
        return [code for _sku, code in rows]

    def product_of(self, code: str) -> uuid.UUID:
        value = self.register.scalar(
            "SELECT product_id FROM product_barcode WHERE code = :c", c=code
        )
        assert isinstance(value, bytes), code
        return uuid.UUID(bytes=value)

    def stock_view(self) -> StockView:
        """Cached on-hand per (product, location), zeros left out."""
        with self.register.store.read_sessions() as session:
            rows = session.execute(
                select(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand)
            )
            return {(p, loc): int(q) for p, loc, q in rows if q}

    def ledger_view(self) -> StockView:
        """The stock ledger's sum per (product, location), zeros left out."""
        with self.register.store.read_sessions() as session:
            rows = session.execute(
                select(
                    StockMovement.product_id,
                    StockMovement.location_id,
                    func.sum(StockMovement.quantity),
                ).group_by(StockMovement.product_id, StockMovement.location_id)
            )
            return {(p, loc): int(q) for p, loc, q in rows if q}

    def sale_ids(self, *kinds: str) -> set[uuid.UUID]:
        """Completed sales made on this register (of these kinds, or all)."""
        sql = "SELECT id, kind FROM sale WHERE status = 'completed' AND device_id = :d"
        with self.register.store.engine.connect() as connection:
            rows = connection.execute(text(sql), {"d": self.device_id.bytes}).all()
        return {uuid.UUID(bytes=bytes(i)) for i, kind in rows if not kinds or kind in kinds}

    def voided_ids(self) -> set[uuid.UUID]:
        """Sales of this register that a later void reversed."""
        sql = (
            "SELECT reverses_sale_id FROM sale WHERE kind = 'void' AND status = 'completed' "
            "AND device_id = :d"
        )
        with self.register.store.engine.connect() as connection:
            rows = connection.execute(text(sql), {"d": self.device_id.bytes}).all()
        return {uuid.UUID(bytes=bytes(r[0])) for r in rows}

    def waiting(self) -> int:
        return self.register.engine.status().waiting

    # -- sync -----------------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        return self.register.engine.sync_once()

    def catch_up(self, timeout: float = 30.0) -> int:
        return catch_up(self.register, self.server, timeout=timeout)

    def caught_up(self) -> bool:
        return cursor_position(self.register) >= server_position(self.server, self.company_id)

    def token(self) -> str:
        token = KeyringTokenStore().get(self.device_id)
        assert token is not None
        return token

    def close(self) -> None:
        self.register.close()


# -- making registers ------------------------------------------------------------------------


def found_company(
    server: LiveServer,
    data_dir: Path,
    *,
    name: str = "A1",
    products: int = 40,
    customers: int = 6,
    clock: FixedClock | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Till:
    """The demo shop set up on this register, founding its company on the server, synced."""
    make_demo(data_dir, products=products, customers=customers, with_stock=True).close()
    register = register_at(data_dir, transport=transport)
    register.engine.pair(server.url, server.pairing_code(new_company=True))
    catch_up(register, server)
    return Till(name, register, server, clock or now_clock())


def join_store(
    server: LiveServer,
    location_id: uuid.UUID,
    data_dir: Path,
    *,
    name: str,
    prefix: str,
    clock: FixedClock | None = None,
    transport: httpx.BaseTransport | None = None,
    pull_limit: int = PULL_LIMIT,
) -> Till:
    """A fresh register paired with a store's code: it pulls the store, opens its drawer.
    `transport` puts a proxy or a probe between it and the server; `pull_limit` is how many
    changes it asks for per page."""
    store = open_store(data_dir)
    engine = SyncEngine(
        store.uow, SystemClock(), KeyringTokenStore(), transport, pull_limit=pull_limit
    )
    register = Register(store, engine)
    register.engine.pair(server.url, server.pairing_code(location_id), prefix=prefix)
    catch_up(register, server)
    till = Till(name, register, server, clock or now_clock())
    till.open_drawer()
    return till


def add_store(server: LiveServer, company_id: uuid.UUID, code: str, name: str) -> uuid.UUID:
    """An administrator adds a store to the company on the server."""
    return server.create_location(company_id, code, name, "America/Chicago").id
