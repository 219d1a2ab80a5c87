"""`sale.completed` / `sale.voided`: never refused, odd things flagged; stock moved once;
drawer and held-sale events kept as they are."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from sync.protocol import EventStatus
from sync.server.models import DeviceEvent, EventIssue, Sale, StockMovement
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    NOW,
    Register,
    count,
    open_store,
    pair_register,
    product,
    push,
    sale,
    sales_total,
    saved,
    statuses,
    stock_on_hand,
)

APPLIED, FLAGGED = EventStatus.APPLIED, EventStatus.FLAGGED


@pytest.fixture
def register(server_db: ServerDb) -> Register:
    return pair_register(server_db, open_store(server_db))


@pytest.fixture
def product_id(server_db: ServerDb, register: Register) -> uuid.UUID:
    pid = uuid.uuid4()
    values = product(register.company_id, pid, "G1", 1000)
    push(
        server_db,
        register,
        [register.event("record.saved", saved("product", pid, values, created=True))],
    )
    return pid


def stored_sale(server_db: ServerDb) -> Sale:
    with server_db.session() as session:
        return session.scalars(select(Sale)).one()


def test_a_sale_is_stored_with_its_amounts_and_moves_stock(
    server_db: ServerDb, register: Register, product_id: uuid.UUID
) -> None:
    payload = sale(register, [(product_id, 2, 1000), (product_id, -1, 1000)])
    reply = push(server_db, register, [register.event("sale.completed", payload)])
    assert statuses(reply) == [APPLIED]
    stored = stored_sale(server_db)
    assert (stored.total, stored.subtotal, stored.currency) == (1000, 1000, "USD")
    assert stored.completed_at == NOW
    assert stored.flags == []
    assert stored.receipt_number == payload["receipt_number"]
    assert stock_on_hand(server_db, register.location_id, product_id) == -1


MALFORMED: list[tuple[dict[str, Any], str]] = [
    ({"total": "12.50"}, "total could not be read; stored as 0"),
    ({"tax": 1.5, "discount": None}, "discount, tax could not be read"),
    ({"total": 10**30}, "total could not be read"),
    ({"completed_at": "yesterday"}, "no readable completion time"),
    ({"completed_at": "2025-03-14T15:00:00"}, "no readable completion time"),
    ({"currency": "EUR"}, "is in EUR"),
    ({"lines": "two guitars"}, "lines could not be read"),
    ({"stock_movements": [{"id": "x"}]}, "Not counted: a stock movement has no readable id"),
    ({"stock_movements": "lots"}, "stock movements could not be read"),
    ({"sale_id": 42}, "no readable id"),
    ({"receipt_number": "R" * 300, "kind": "k" * 300}, ""),
    ({"note": "nul \x00 and \ud800 surrogate"}, ""),
]


@pytest.mark.parametrize(("broken", "flag"), MALFORMED)
def test_a_malformed_sale_is_still_stored_and_flagged(
    server_db: ServerDb,
    register: Register,
    product_id: uuid.UUID,
    broken: dict[str, Any],
    flag: str,
) -> None:
    payload = {**sale(register, [(product_id, 1, 1000)]), **broken}
    reply = push(server_db, register, [register.event("sale.completed", payload)])
    assert reply.results[0].status in (APPLIED, FLAGGED)
    assert flag in reply.results[0].message
    stored = stored_sale(server_db)
    assert stored.company_id == register.company_id
    assert len(stored.receipt_number) <= 40
    assert len(stored.kind) <= 20
    if flag:
        assert any(flag in f for f in stored.flags)
        issue = count(server_db, EventIssue, EventIssue.status == "flagged")
        assert issue == 1


def test_a_sale_missing_everything_is_still_counted(
    server_db: ServerDb, register: Register
) -> None:
    reply = push(server_db, register, [register.event("sale.completed", {})])
    assert statuses(reply) == [FLAGGED]
    stored = stored_sale(server_db)
    assert (stored.total, stored.currency, stored.receipt_number) == (0, "USD", "")
    assert "carries no stock movements" in reply.results[0].message


def test_a_sale_received_under_two_events_is_counted_once(
    server_db: ServerDb, register: Register, product_id: uuid.UUID
) -> None:
    payload = sale(register, [(product_id, 1, 1000)])
    reply = push(
        server_db,
        register,
        [register.event("sale.completed", payload), register.event("sale.completed", payload)],
    )
    assert statuses(reply) == [APPLIED, FLAGGED]
    assert "received twice" in reply.results[1].message
    assert sales_total(server_db, register.company_id) == (1, 1000)
    assert stock_on_hand(server_db, register.location_id, product_id) == -1
    # And across batches.
    push(server_db, register, [register.event("sale.completed", payload)])
    assert sales_total(server_db, register.company_id) == (1, 1000)
    assert stock_on_hand(server_db, register.location_id, product_id) == -1


def test_a_sale_id_of_another_company_never_touches_their_sale(
    server_db: ServerDb, register: Register
) -> None:
    theirs = pair_register(server_db, open_store(server_db, "Other Music", "O1"))
    payload = sale(theirs, [(uuid.uuid4(), 1, 500)])
    push(server_db, theirs, [theirs.event("sale.completed", payload)])
    copied = {
        **payload,
        "company_id": str(register.company_id),
        "location_id": str(register.location_id),
    }
    copied["stock_movements"] = []
    reply = push(server_db, register, [register.event("sale.completed", copied)])
    assert statuses(reply) == [FLAGGED]
    assert "used by another company" in reply.results[0].message
    assert sales_total(server_db, theirs.company_id) == (1, 500)
    assert sales_total(server_db, register.company_id) == (1, 500)


def test_a_void_cancels_its_sale_and_puts_the_stock_back(
    server_db: ServerDb, register: Register, product_id: uuid.UUID
) -> None:
    sold = sale(register, [(product_id, 2, 1000)])
    void = {
        "sale_id": str(uuid.uuid4()),
        "reverses_sale_id": sold["sale_id"],
        "receipt_number": "R1-2",
        "reason": "wrong",
        "user_id": sold["user_id"],
        "stock_movements": [
            dict(m, id=str(uuid.uuid4()), quantity=2, kind="return")
            for m in sold["stock_movements"]
        ],
    }
    reply = push(
        server_db,
        register,
        [register.event("sale.completed", sold), register.event("sale.voided", void)],
    )
    assert statuses(reply) == [APPLIED, APPLIED]
    assert stored_sale(server_db).voided_at == NOW
    assert sales_total(server_db, register.company_id) == (0, 0)
    assert stock_on_hand(server_db, register.location_id, product_id) == 0
    again = push(server_db, register, [register.event("sale.voided", void)])
    assert statuses(again) == [FLAGGED]
    assert "already voided" in again.results[0].message
    assert stock_on_hand(server_db, register.location_id, product_id) == 0


def test_a_void_of_an_unknown_sale_is_flagged(server_db: ServerDb, register: Register) -> None:
    reply = push(
        server_db,
        register,
        [
            register.event(
                "sale.voided",
                {
                    "sale_id": str(uuid.uuid4()),
                    "reverses_sale_id": str(uuid.uuid4()),
                    "stock_movements": [],
                },
            )
        ],
    )
    assert statuses(reply) == [FLAGGED]
    assert "has not received" in reply.results[0].message


def test_a_movement_at_a_store_of_another_company_counts_at_the_registers_store(
    server_db: ServerDb, register: Register, product_id: uuid.UUID
) -> None:
    elsewhere = open_store(server_db, "Other Music", "O1")
    payload = sale(register, [(product_id, 1, 1000)])
    payload["stock_movements"][0]["location_id"] = str(elsewhere.location_id)
    reply = push(server_db, register, [register.event("sale.completed", payload)])
    assert statuses(reply) == [FLAGGED]
    assert stock_on_hand(server_db, register.location_id, product_id) == -1
    assert count(server_db, StockMovement, StockMovement.location_id == elsewhere.location_id) == 0


@pytest.mark.parametrize(
    "event_type",
    [
        "sale.held",
        "sale.resumed",
        "sale.voided_open",
        "drawer.opened",
        "drawer.pay_out",
        "drawer.closed",
    ],
)
def test_drawer_and_held_sale_events_are_kept_as_they_are(
    server_db: ServerDb, register: Register, event_type: str
) -> None:
    event = register.event(event_type, {"amount": 1500, "note": "float"})
    assert statuses(push(server_db, register, [event])) == [APPLIED]
    with server_db.session() as session:
        kept = session.get(DeviceEvent, event.id)
        assert kept is not None
        assert (kept.type, kept.payload, kept.location_id) == (
            event_type,
            {"amount": 1500, "note": "float"},
            register.location_id,
        )
