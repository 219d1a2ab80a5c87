"""Helpers for the push, pull and handler tests: stores and registers paired for real on the
test PostgreSQL (`server_db`), outbox events as registers write them, and read-backs.

No tests here; the module is imported by test_push*.py, test_pull*.py, test_handlers*.py.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.records import SCHEMA_VERSION
from sync.protocol import (
    DeviceInfo,
    EventStatus,
    OutboxEventIn,
    PairRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.server import pairing
from sync.server.models import Device, Sale, ServerBase, StockMovement
from sync.server.pull import pull_changes
from sync.server.push import apply_push
from tests.sync.fixtures import ServerDb

# The server's clock in these tests (registers' clocks are set relative to it).
NOW = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)
_prefixes = itertools.count(1)


@dataclass(frozen=True)
class Store:
    company_id: uuid.UUID
    location_id: uuid.UUID


@dataclass
class Register:
    """A paired device and its outbox: `event` numbers events as a register does."""

    id: uuid.UUID
    company_id: uuid.UUID
    location_id: uuid.UUID
    token: str
    sequence: int = 0
    written: list[OutboxEventIn] = field(default_factory=list)

    def event(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        sequence: int | None = None,
        schema_version: int = SCHEMA_VERSION,
        event_id: uuid.UUID | None = None,
        device_time: datetime = NOW,
    ) -> OutboxEventIn:
        if sequence is None:
            self.sequence += 1
            sequence = self.sequence
        event = OutboxEventIn(
            id=event_id or uuid.uuid4(),
            sequence=sequence,
            schema_version=schema_version,
            type=type,
            payload=payload,
            device_time=device_time,
        )
        self.written.append(event)
        return event


def open_store(server_db: ServerDb, name: str = "Harmony Music", code: str = "S1") -> Store:
    company = server_db.create_company(name=name)
    location = server_db.create_location(company.id, code=code, name=f"{name} {code}")
    return Store(company.id, location.id)


def add_location(server_db: ServerDb, store: Store, code: str) -> Store:
    location = server_db.create_location(store.company_id, code=code, name=f"Store {code}")
    return Store(store.company_id, location.id)


def pair_register(server_db: ServerDb, store: Store) -> Register:
    code = server_db.pairing_code(location_id=store.location_id)
    device_id = uuid.uuid4()
    prefix = f"R{next(_prefixes)}"
    with server_db.session() as session:
        reply = pairing.pair(
            session,
            PairRequest(
                code=code,
                device=DeviceInfo(
                    id=device_id, name=f"Register {prefix}", kind="register", prefix=prefix
                ),
            ),
            NOW,
        )
    return Register(device_id, store.company_id, store.location_id, reply.token)


def push(
    server_db: ServerDb,
    register: Register,
    events: Sequence[OutboxEventIn],
    now: datetime = NOW,
    session: Session | None = None,
) -> PushResponse:
    """One batch, in one transaction committed afterwards, as the route does it."""
    if session is not None:
        device = session.get(Device, register.id)
        assert device is not None
        return apply_push(session, device, PushRequest(events=list(events)), now)
    with server_db.session() as own:
        own.execute(text("SET LOCAL lock_timeout = '5s'"))
        return push(server_db, register, events, now, own)


def settle(server_db: ServerDb, timeout: float = 30) -> None:
    """Wait until every committed change_log row is below the pull horizon.

    Transaction ids and the horizon are shared by the whole PostgreSQL cluster: a transaction
    of another database on the same server (another test run) holds pulls back while it
    runs. That is by design (see `sync.server.pull`); a test that expects to see what it just
    committed waits for such strangers first.
    """
    deadline = time.monotonic() + timeout
    while True:
        with server_db.engine.connect() as connection:
            passed = connection.execute(
                text(
                    "SELECT coalesce((SELECT txid < pg_snapshot_xmin(pg_current_snapshot()) "
                    "FROM change_log ORDER BY txid DESC LIMIT 1), true)"
                )
            ).scalar_one()
        if passed:
            return
        if time.monotonic() > deadline:
            raise AssertionError("a transaction on the test PostgreSQL stayed open too long")
        time.sleep(0.02)


def pull(
    server_db: ServerDb,
    register: Register,
    cursor: str | None = None,
    limit: int = 1000,
    *,
    wait: bool = True,
) -> PullResponse:
    """One pull; `wait`: first let transactions of other test runs end (see `settle`)."""
    if wait:
        settle(server_db)
    with server_db.session() as session:
        device = session.get(Device, register.id)
        assert device is not None
        return pull_changes(session, device, cursor, limit)


def statuses(reply: PushResponse) -> list[EventStatus]:
    return [result.status for result in reply.results]


# -- payloads as registers write them -----------------------------------------------------------


def saved(
    table: str,
    record_id: uuid.UUID,
    values: dict[str, Any],
    base: dict[str, Any] | None = None,
    created: bool = False,
) -> dict[str, Any]:
    return {
        "table": table,
        "id": str(record_id),
        "created": created,
        "values": values,
        "base": base or {},
    }


def product(company_id: uuid.UUID, product_id: uuid.UUID, sku: str, price: int) -> dict[str, Any]:
    return {
        "id": str(product_id),
        "company_id": str(company_id),
        "sku": sku,
        "name": f"Product {sku}",
        "price_minor": price,
        "active": True,
    }


def movement(
    location_id: uuid.UUID,
    product_id: uuid.UUID,
    quantity: int,
    kind: str = "receive",
    movement_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    return {
        "id": str(movement_id or uuid.uuid4()),
        "location_id": str(location_id),
        "product_id": str(product_id),
        "unit_id": None,
        "kind": kind,
        "quantity": quantity,
        "unit_cost_minor": 500,
        "reason": "",
        "reference_type": "",
        "reference_id": None,
        "user_id": None,
        "created_at": NOW.isoformat(),
    }


def sale(
    register: Register,
    lines: Iterable[tuple[uuid.UUID, int, int]],
    *,
    completed_at: datetime = NOW,
    sale_id: uuid.UUID | None = None,
    with_movements: bool = True,
) -> dict[str, Any]:
    """A completed sale of (product, quantity, unit price) lines, tax 0, paid in cash; a
    negative quantity is a returned line. Schema 2 carries its stock movements."""
    sale_id = sale_id or uuid.uuid4()
    rows: list[dict[str, Any]] = [
        {
            "line_id": str(uuid.uuid4()),
            "product_id": str(product_id),
            "unit_id": None,
            "original_line_id": None,
            "sku": "X",
            "quantity": quantity,
            "list_price": price,
            "gross": quantity * price,
            "discount": 0,
            "net": quantity * price,
            "taxes": [],
        }
        for product_id, quantity, price in lines
    ]
    total = sum(row["net"] for row in rows)
    payload: dict[str, Any] = {
        "sale_id": str(sale_id),
        "company_id": str(register.company_id),
        "location_id": str(register.location_id),
        "device_id": str(register.id),
        "receipt_number": f"R-{sale_id.hex[:8]}",
        "kind": "sale" if total >= 0 else "return",
        "currency": "USD",
        "user_id": str(uuid.uuid4()),
        "customer_id": None,
        "completed_at": completed_at.isoformat(),
        "subtotal": total,
        "discount": 0,
        "tax": 0,
        "total": total,
        "change": 0,
        "lines": rows,
        "tenders": [
            {
                "tender_id": str(uuid.uuid4()),
                "kind": "cash",
                "amount": total,
                "provider": None,
                "reference": None,
            }
        ],
    }
    if with_movements:
        payload["stock_movements"] = [
            movement(
                register.location_id,
                uuid.UUID(row["product_id"]),
                -row["quantity"],
                kind="sale" if row["quantity"] > 0 else "return",
            )
            for row in rows
        ]
    return payload


# -- reading back ----------------------------------------------------------------------------------


def count(server_db: ServerDb, model: type[ServerBase], *where: Any) -> int:
    with server_db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def stock_on_hand(server_db: ServerDb, location_id: uuid.UUID, product_id: uuid.UUID) -> int:
    with server_db.session() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.location_id == location_id, StockMovement.product_id == product_id
            )
        )
        return int(total or 0)


def sales_total(server_db: ServerDb, company_id: uuid.UUID) -> tuple[int, int]:
    """(number of sales, their total) counted, as the owners' report counts them."""
    with server_db.session() as session:
        row = session.execute(
            select(func.count(), func.coalesce(func.sum(Sale.total), 0)).where(
                Sale.company_id == company_id, Sale.voided_at.is_(None)
            )
        ).one()
        return int(row[0]), int(row[1])
