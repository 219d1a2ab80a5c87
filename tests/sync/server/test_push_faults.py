"""Faults while applying a batch: good, permanently bad and transiently failing events in
one batch; a register on an older or a newer event schema; device clocks far off; a row the
database refuses. Against the real PostgreSQL; the lock is held by a second connection."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from sync.protocol import EventStatus, OutboxEventIn
from sync.server.models import AppliedEvent, ChangeLog, DeviceEvent, EventIssue, Record, Sale
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

APPLIED, FLAGGED, REJECTED = EventStatus.APPLIED, EventStatus.FLAGGED, EventStatus.REJECTED


@pytest.fixture
def register(server_db: ServerDb) -> Register:
    return pair_register(server_db, open_store(server_db))


def create_product(server_db: ServerDb, register: Register, sku: str = "G1") -> uuid.UUID:
    product_id = uuid.uuid4()
    values = product(register.company_id, product_id, sku, 1000)
    event = register.event("record.saved", saved("product", product_id, values, created=True))
    assert statuses(push(server_db, register, [event])) == [APPLIED]
    return product_id


def test_good_bad_and_transient_events_in_one_batch(
    server_db: ServerDb, register: Register
) -> None:
    product_id = create_product(server_db, register)
    other = pair_register(server_db, open_store(server_db, "Other Music"))
    theirs = create_product(server_db, other, "THEIRS")
    batch = [
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)])),  # 2
        register.event("gift_card.sold", {"amount": 500}),  # 3: unknown type
        register.event(  # 4: names another company
            "record.saved",
            saved(
                "customer_account",
                uuid.uuid4(),
                {"company_id": str(other.company_id)},
                created=True,
            ),
        ),
        register.event("record.saved", saved("sale_line", uuid.uuid4(), {}, created=True)),  # 5
        register.event(  # 6: another company's record
            "record.saved", saved("product", theirs, {"name": "Mine now"}, {"name": "x"})
        ),
        register.event(  # 7: its row is locked by another transaction
            "record.saved",
            saved("product", product_id, {"price_minor": 1200}, {"price_minor": 1000}),
        ),
        register.event("sale.completed", sale(register, [(product_id, 2, 1200)])),  # 8
    ]
    with server_db.engine.connect() as locker:
        locker.execute(text("SELECT 1 FROM record WHERE id = :id FOR UPDATE"), {"id": product_id})
        with server_db.session() as session:
            session.execute(text("SET LOCAL lock_timeout = '150ms'"))
            reply = push(server_db, register, batch, session=session)
        locker.rollback()
    assert statuses(reply) == [APPLIED, REJECTED, REJECTED, REJECTED, REJECTED]
    assert reply.retry_from == 7
    assert reply.retry_after_seconds is not None
    assert reply.last_sequence == 6
    messages = [r.message for r in reply.results]
    assert "does not know events of type gift_card.sold" in messages[1]
    assert "names another company" in messages[2]
    assert "does not keep records of table 'sale_line'" in messages[3]
    assert "belongs to another company" in messages[4]
    assert count(server_db, EventIssue, EventIssue.status == "rejected") == 4
    # The register sends the rest again once the lock is gone: each lands once.
    again = push(server_db, register, batch)
    assert statuses(again) == [EventStatus.DUPLICATE] * 5 + [APPLIED, APPLIED]
    assert again.retry_from is None
    assert again.last_sequence == 8
    assert sales_total(server_db, register.company_id) == (2, 3400)
    assert stock_on_hand(server_db, register.location_id, product_id) == -3
    with server_db.session() as session:
        record = session.get(Record, ("product", product_id))
        assert record is not None
        assert record.data["price_minor"] == 1200
        theirs_now = session.get(Record, ("product", theirs))
        assert theirs_now is not None
        assert theirs_now.data["name"] == "Product THEIRS"


def test_a_row_the_database_refuses_rejects_only_that_event(
    server_db: ServerDb, register: Register
) -> None:
    product_id = create_product(server_db, register)
    clashing = uuid.uuid4()
    with server_db.session() as session:  # a row already holding the event's id
        session.add(
            DeviceEvent(
                id=clashing,
                company_id=register.company_id,
                location_id=register.location_id,
                device_id=register.id,
                type="drawer.opened",
                payload={},
                device_time=NOW,
            )
        )
    batch = [
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)])),
        register.event("drawer.opened", {"float": 10000}, event_id=clashing),
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)])),
    ]
    reply = push(server_db, register, batch)
    assert statuses(reply) == [APPLIED, REJECTED, APPLIED]
    assert "could not store this event" in reply.results[1].message
    assert reply.last_sequence == 4
    assert sales_total(server_db, register.company_id) == (2, 2000)


def test_an_event_of_a_newer_schema_is_held_back_never_lost(
    server_db: ServerDb, register: Register
) -> None:
    product_id = create_product(server_db, register)
    batch = [
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)])),
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)]), schema_version=3),
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)])),
    ]
    reply = push(server_db, register, batch)
    assert statuses(reply) == [APPLIED]
    assert reply.retry_from == 3
    assert reply.last_sequence == 2
    assert reply.retry_after_seconds is not None
    assert reply.retry_after_seconds >= 60
    assert "update the server" in reply.message
    assert count(server_db, AppliedEvent, AppliedEvent.sequence >= 3) == 0
    assert sales_total(server_db, register.company_id) == (1, 1000)


def test_a_schema_1_sale_and_void_move_stock_derived_from_their_lines(
    server_db: ServerDb, register: Register
) -> None:
    product_id = create_product(server_db, register)
    sold = sale(register, [(product_id, 3, 1000), (product_id, -1, 1000)], with_movements=False)
    void_id = uuid.uuid4()
    events = [
        register.event("sale.completed", sold, schema_version=1),
        register.event(
            "sale.voided",
            {
                "sale_id": str(void_id),
                "reverses_sale_id": sold["sale_id"],
                "receipt_number": "R1-9",
                "reason": "wrong item",
                "user_id": sold["user_id"],
            },
            schema_version=1,
        ),
    ]
    assert statuses(push(server_db, register, events[:1])) == [APPLIED]
    assert stock_on_hand(server_db, register.location_id, product_id) == -2
    assert statuses(push(server_db, register, events)) == [EventStatus.DUPLICATE, APPLIED]
    assert stock_on_hand(server_db, register.location_id, product_id) == 0
    assert sales_total(server_db, register.company_id) == (0, 0)
    with server_db.session() as session:
        kinds = session.scalars(
            select(ChangeLog.data["kind"].astext)
            .where(ChangeLog.kind == "stock")
            .order_by(ChangeLog.id)
        ).all()
        assert kinds == ["sale", "return", "return", "sale"]


@pytest.mark.parametrize(
    ("clock_off", "flagged"),
    [
        (timedelta(hours=1), True),
        (timedelta(days=365), True),
        (timedelta(hours=-1), False),
        (timedelta(days=-365), False),
        (timedelta(days=-401), True),
    ],
)
def test_a_sale_from_a_clock_far_off_is_flagged_counted_and_not_reordered(
    server_db: ServerDb, register: Register, clock_off: timedelta, flagged: bool
) -> None:
    product_id = create_product(server_db, register)
    odd_time = NOW + clock_off
    events = [
        register.event(
            "sale.completed",
            sale(register, [(product_id, 1, 1000)], completed_at=odd_time),
            device_time=odd_time,
        ),
        register.event(
            "record.saved",
            saved("product", product_id, {"price_minor": 1100}, {"price_minor": 1000}),
            device_time=odd_time,
        ),
        register.event(
            "record.saved",
            saved("product", product_id, {"price_minor": 1200}, {"price_minor": 1100}),
            device_time=NOW - timedelta(days=900),
        ),
    ]
    reply = push(server_db, register, events)
    assert statuses(reply)[0] == (FLAGGED if flagged else APPLIED)
    if flagged:
        assert "clock looks wrong" in reply.results[0].message
    assert sales_total(server_db, register.company_id) == (1, 1000)
    with server_db.session() as session:
        stored = session.scalars(select(Sale)).one()
        assert stored.completed_at == odd_time
        assert bool(stored.flags) is flagged
        record = session.get(Record, ("product", product_id))
        assert record is not None
        assert record.data["price_minor"] == 1200


def test_a_sale_naming_another_company_is_stored_under_the_devices(
    server_db: ServerDb, register: Register
) -> None:
    other = open_store(server_db, "Other Music")
    payload = sale(register, [(uuid.uuid4(), 1, 700)])
    payload["company_id"], payload["location_id"] = str(other.company_id), str(other.location_id)
    payload["stock_movements"][0]["location_id"] = str(other.location_id)
    reply = push(server_db, register, [register.event("sale.completed", payload)])
    assert statuses(reply) == [FLAGGED]
    message = reply.results[0].message
    assert "names another company" in message
    assert "names another store" in message
    assert "does not know" in message  # the product
    with server_db.session() as session:
        stored = session.scalars(select(Sale)).one()
        assert (stored.company_id, stored.location_id) == (
            register.company_id,
            register.location_id,
        )
        issue = session.scalars(select(EventIssue)).one()
        assert issue.status == "flagged"
        assert issue.company_id == register.company_id
    assert sales_total(server_db, other.company_id) == (0, 0)
    assert sales_total(server_db, register.company_id) == (1, 700)


def test_events_from_a_later_sequence_never_overtake_by_device_time(
    server_db: ServerDb, register: Register
) -> None:
    customer = uuid.uuid4()
    events: list[OutboxEventIn] = [
        register.event(
            "record.saved",
            saved("customer_account", customer, {"name": "Ada", "phone": "1"}, created=True),
            device_time=NOW + timedelta(days=30),
        ),
        register.event(
            "record.saved",
            saved("customer_account", customer, {"phone": "2"}, {"phone": "1"}),
            device_time=NOW - timedelta(days=30),
        ),
    ]
    push(server_db, register, events)
    with server_db.session() as session:
        record = session.get(Record, ("customer_account", customer))
        assert record is not None
        assert record.data == {"name": "Ada", "phone": "2"}
        assert record.version == 2
