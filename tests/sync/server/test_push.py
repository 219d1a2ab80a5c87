"""Exactly once: duplicates, repeated and overlapping batches, gaps, quarantine, a register
restored from a backup. Against the real PostgreSQL (`server_db`)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from sync.protocol import EventStatus, OutboxEventIn
from sync.server.errors import SequenceGap
from sync.server.models import AppliedEvent, Device, EventIssue, Sale
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
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

APPLIED, DUPLICATE = EventStatus.APPLIED, EventStatus.DUPLICATE
QUARANTINED = EventStatus.QUARANTINED


@pytest.fixture
def register(server_db: ServerDb) -> Register:
    return pair_register(server_db, open_store(server_db))


def catalog_and_sales(register: Register, sales: int) -> tuple[uuid.UUID, list[OutboxEventIn]]:
    """A product created, then `sales` sales of one at 10.00."""
    product_id = uuid.uuid4()
    values = product(register.company_id, product_id, "G1", 1000)
    events = [register.event("record.saved", saved("product", product_id, values, created=True))]
    events += [
        register.event("sale.completed", sale(register, [(product_id, 1, 1000)]))
        for _ in range(sales)
    ]
    return product_id, events


def last_sequence(server_db: ServerDb, register: Register) -> int:
    with server_db.session() as session:
        device = session.get(Device, register.id)
        assert device is not None
        return device.last_sequence


def test_a_batch_is_applied_in_order_and_the_sequence_advances(
    server_db: ServerDb, register: Register
) -> None:
    product_id, events = catalog_and_sales(register, 3)
    reply = push(server_db, register, events)
    assert statuses(reply) == [APPLIED] * 4
    assert [r.sequence for r in reply.results] == [1, 2, 3, 4]
    assert reply.last_sequence == 4
    assert reply.retry_from is None
    assert last_sequence(server_db, register) == 4
    assert sales_total(server_db, register.company_id) == (3, 3000)
    assert stock_on_hand(server_db, register.location_id, product_id) == -3
    assert count(server_db, AppliedEvent, AppliedEvent.device_id == register.id) == 4


def test_the_same_batch_twice_is_acknowledged_and_counted_once(
    server_db: ServerDb, register: Register
) -> None:
    product_id, events = catalog_and_sales(register, 3)
    push(server_db, register, events)
    again = push(server_db, register, events)
    assert statuses(again) == [DUPLICATE] * 4
    assert again.last_sequence == 4
    assert sales_total(server_db, register.company_id) == (3, 3000)
    assert stock_on_hand(server_db, register.location_id, product_id) == -3
    assert count(server_db, EventIssue) == 0


def test_overlapping_batches_apply_only_what_is_new(
    server_db: ServerDb, register: Register
) -> None:
    _, events = catalog_and_sales(register, 5)
    push(server_db, register, events[:3])
    reply = push(server_db, register, events[1:])
    assert statuses(reply) == [DUPLICATE, DUPLICATE, APPLIED, APPLIED, APPLIED]
    assert reply.last_sequence == 6
    assert sales_total(server_db, register.company_id) == (5, 5000)


def test_the_same_event_twice_in_one_batch_is_applied_once(
    server_db: ServerDb, register: Register
) -> None:
    _, events = catalog_and_sales(register, 2)
    reply = push(server_db, register, [events[0], events[1], events[1], events[2]])
    assert statuses(reply) == [APPLIED, APPLIED, DUPLICATE, APPLIED]
    assert sales_total(server_db, register.company_id) == (2, 2000)


def test_a_batch_is_applied_by_sequence_whatever_order_it_arrives_in(
    server_db: ServerDb, register: Register
) -> None:
    _, events = catalog_and_sales(register, 3)
    reply = push(server_db, register, list(reversed(events)))
    assert [r.sequence for r in reply.results] == [1, 2, 3, 4]
    assert statuses(reply) == [APPLIED] * 4


def test_a_later_batch_first_is_refused_with_the_sequence_expected(
    server_db: ServerDb, register: Register
) -> None:
    _, events = catalog_and_sales(register, 5)
    push(server_db, register, events[:2])
    with pytest.raises(SequenceGap) as refused:
        push(server_db, register, events[4:])
    assert refused.value.expected == 3
    assert refused.value.body().expected_sequence == 3
    assert last_sequence(server_db, register) == 2
    assert sales_total(server_db, register.company_id) == (1, 1000)
    # The register resends from 3: everything lands once.
    reply = push(server_db, register, events[2:])
    assert statuses(reply) == [APPLIED] * 4
    assert sales_total(server_db, register.company_id) == (5, 5000)


def test_a_gap_inside_a_batch_stops_it_there(server_db: ServerDb, register: Register) -> None:
    _, events = catalog_and_sales(register, 4)
    reply = push(server_db, register, [events[0], events[1], events[3], events[4]])
    assert statuses(reply) == [APPLIED, APPLIED]
    assert reply.retry_from == 4
    assert reply.last_sequence == 2
    assert "missing" in reply.message
    assert push(server_db, register, events[2:]).last_sequence == 5
    assert sales_total(server_db, register.company_id) == (4, 4000)


def test_a_differing_payload_under_an_applied_sequence_is_quarantined_once(
    server_db: ServerDb, register: Register
) -> None:
    product_id, events = catalog_and_sales(register, 2)
    push(server_db, register, events)
    impostor = register.event("sale.completed", sale(register, [(product_id, 5, 1000)]), sequence=2)
    same_id_other_payload = impostor.model_copy(update={"id": events[1].id})
    reply = push(server_db, register, [impostor, same_id_other_payload])
    assert statuses(reply) == [QUARANTINED, QUARANTINED]
    assert "restored from a backup or be running twice" in reply.results[0].message
    assert reply.last_sequence == 3
    assert sales_total(server_db, register.company_id) == (2, 2000)
    # Sent again, it is reported again but recorded for review only once.
    assert statuses(push(server_db, register, [impostor])) == [QUARANTINED]
    with server_db.session() as session:
        issues = session.scalars(select(EventIssue).order_by(EventIssue.created_at)).all()
        assert [(i.status, i.sequence) for i in issues] == [("quarantined", 2)] * 2
        assert {i.event_id for i in issues} == {impostor.id, events[1].id}
        assert issues[0].payload["lines"][0]["quantity"] == 5


def test_a_register_restored_from_a_backup_double_counts_nothing(
    server_db: ServerDb, register: Register
) -> None:
    product_id, events = catalog_and_sales(register, 5)
    push(server_db, register, events)  # sequences 1..6 on the server
    # The register's disk is restored to the state after sequence 3 and it sells on.
    restored = Register(register.id, register.company_id, register.location_id, register.token)
    restored.sequence = 3
    resold = [
        restored.event("sale.completed", sale(restored, [(product_id, 2, 1000)])) for _ in range(5)
    ]
    reply = push(server_db, restored, resold)
    assert statuses(reply) == [QUARANTINED] * 3 + [APPLIED] * 2
    assert reply.last_sequence == 8
    assert sales_total(server_db, register.company_id) == (7, 9000)
    assert stock_on_hand(server_db, register.location_id, product_id) == -9
    assert count(server_db, EventIssue, EventIssue.status == "quarantined") == 3
    assert count(server_db, Sale) == 7


def test_an_event_id_used_under_another_sequence_is_quarantined_and_passed(
    server_db: ServerDb, register: Register
) -> None:
    _, events = catalog_and_sales(register, 2)
    push(server_db, register, events)
    reused = register.event("sale.held", {"sale_id": str(uuid.uuid4())}, event_id=events[1].id)
    following = register.event("sale.held", {"sale_id": str(uuid.uuid4())})
    reply = push(server_db, register, [reused, following])
    assert statuses(reply) == [QUARANTINED, APPLIED]
    assert "reuses the id" in reply.results[0].message
    assert reply.last_sequence == 5
    # Resent, the quarantined event is reported again, not recorded twice.
    assert statuses(push(server_db, register, [reused])) == [QUARANTINED]
    assert count(server_db, EventIssue, EventIssue.status == "quarantined") == 1


def test_sequences_of_two_registers_are_independent(server_db: ServerDb) -> None:
    store = open_store(server_db)
    first, second = pair_register(server_db, store), pair_register(server_db, store)
    _, a = catalog_and_sales(first, 2)
    _, b = catalog_and_sales(second, 3)
    assert push(server_db, first, a).last_sequence == 3
    assert push(server_db, second, b).last_sequence == 4
    assert sales_total(server_db, store.company_id) == (5, 5000)
