"""`stock.moved`: deltas at the company's stores, each movement counted once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from sync.protocol import EventStatus
from sync.server.models import ChangeLog, StockMovement
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    add_location,
    count,
    movement,
    open_store,
    pair_register,
    push,
    statuses,
    stock_on_hand,
)


@pytest.fixture
def register(server_db: ServerDb) -> Register:
    return pair_register(server_db, open_store(server_db))


def test_movements_are_stored_once_and_logged_for_other_registers(
    server_db: ServerDb, register: Register
) -> None:
    pid = uuid.uuid4()
    second = add_location(server_db, register_store(register), "S2")
    received = movement(register.location_id, pid, 10)
    transfer = [
        movement(register.location_id, pid, -4, "transfer_out"),
        movement(second.location_id, pid, 4, "transfer_in"),
    ]
    reply = push(
        server_db,
        register,
        [
            register.event("stock.moved", {"movements": [received]}),
            register.event("stock.moved", {"movements": transfer}),
            register.event("stock.moved", {"movements": [received]}),  # the same movement again
        ],
    )
    assert statuses(reply) == [EventStatus.APPLIED] * 3
    assert stock_on_hand(server_db, register.location_id, pid) == 6
    assert stock_on_hand(server_db, second.location_id, pid) == 4
    with server_db.session() as session:
        logged = session.scalars(
            select(ChangeLog).where(ChangeLog.kind == "stock").order_by(ChangeLog.id)
        ).all()
        assert [c.data["quantity"] for c in logged if c.data] == [10, -4, 4]
        assert [c.location_id for c in logged] == [
            register.location_id,
            register.location_id,
            second.location_id,
        ]
        assert {c.origin_device_id for c in logged} == {register.id}


def register_store(register: Register) -> Any:
    from tests.sync.server.test_push_support import Store

    return Store(register.company_id, register.location_id)


BAD: list[tuple[dict[str, Any], str]] = [
    ({"movements": []}, "carries no stock movements"),
    ({}, "carries no stock movements"),
    ({"movements": ["x"]}, "not an object"),
    ({"movements": [{"id": str(uuid.uuid4())}]}, "no readable id, location or product"),
]


@pytest.mark.parametrize(("payload", "message"), BAD)
def test_an_unreadable_stock_change_is_rejected(
    server_db: ServerDb, register: Register, payload: dict[str, Any], message: str
) -> None:
    reply = push(server_db, register, [register.event("stock.moved", payload)])
    assert statuses(reply) == [EventStatus.REJECTED]
    assert message in reply.results[0].message


@pytest.mark.parametrize("quantity", [0, 1.5, "3", True, 2**31])
def test_a_movement_without_a_usable_quantity_is_rejected(
    server_db: ServerDb, register: Register, quantity: object
) -> None:
    bad = movement(register.location_id, uuid.uuid4(), 1)
    bad["quantity"] = quantity
    good = movement(register.location_id, uuid.uuid4(), 1)
    reply = push(server_db, register, [register.event("stock.moved", {"movements": [good, bad]})])
    assert statuses(reply) == [EventStatus.REJECTED]
    assert "no usable quantity" in reply.results[0].message
    assert count(server_db, StockMovement) == 0  # nothing of a rejected event is kept


def test_stock_at_another_companys_store_is_rejected(
    server_db: ServerDb, register: Register
) -> None:
    elsewhere = open_store(server_db, "Other Music", "O1")
    reply = push(
        server_db,
        register,
        [
            register.event(
                "stock.moved", {"movements": [movement(elsewhere.location_id, uuid.uuid4(), 5)]}
            )
        ],
    )
    assert statuses(reply) == [EventStatus.REJECTED]
    assert "not one of this company's" in reply.results[0].message
    assert count(server_db, StockMovement) == 0
