"""One device pushing from two app instances at once (two threads, two connections): the
device row lock serialises the batches, and every sequence is applied exactly once."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol import EventStatus, OutboxEventIn, PushResponse
from sync.server.errors import SequenceGap
from sync.server.models import AppliedEvent, Device
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    open_store,
    pair_register,
    push,
    sale,
    sales_total,
    saved,
    statuses,
)


def sales(register: Register, count: int) -> list[OutboxEventIn]:
    """A product created (sequence 1), then `count - 1` sales of it at 1.00."""
    pid = uuid.uuid4()
    created = register.event("record.saved", saved("product", pid, {"sku": "P"}, created=True))
    return [created] + [
        register.event("sale.completed", sale(register, [(pid, 1, 100)])) for _ in range(count - 1)
    ]


def applied_once(server_db: ServerDb, register: Register, last: int) -> None:
    with server_db.session() as session:
        sequences = session.scalars(
            select(AppliedEvent.sequence).where(AppliedEvent.device_id == register.id)
        ).all()
        assert sorted(sequences) == list(range(1, last + 1))
        device = session.get(Device, register.id)
        assert device is not None
        assert device.last_sequence == last
        assert session.scalar(select(func.count()).select_from(AppliedEvent)) == last


def test_a_second_push_waits_for_the_first_and_finds_duplicates(server_db: ServerDb) -> None:
    register = pair_register(server_db, open_store(server_db))
    events = sales(register, 5)
    replies: list[PushResponse] = []
    with Session(server_db.engine) as first:
        assert (
            statuses(push(server_db, register, events, session=first)) == [EventStatus.APPLIED] * 5
        )
        second = threading.Thread(target=lambda: replies.append(push(server_db, register, events)))
        second.start()
        time.sleep(0.3)
        assert second.is_alive()
        assert not replies
        first.commit()
    second.join(timeout=10)
    assert statuses(replies[0]) == [EventStatus.DUPLICATE] * 5
    assert sales_total(server_db, register.company_id) == (4, 400)
    applied_once(server_db, register, 5)


def test_two_app_instances_pushing_the_same_batches_apply_each_once(
    server_db: ServerDb,
) -> None:
    register = pair_register(server_db, open_store(server_db))
    events = sales(register, 60)
    batches = [events[i : i + 6] for i in range(0, 60, 6)]
    results: list[PushResponse] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def instance() -> None:
        try:
            start.wait()
            for batch in batches:
                results.append(push(server_db, register, batch))
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    outcome = Counter((r.sequence, r.status) for reply in results for r in reply.results)
    for sequence in range(1, 61):
        assert outcome[(sequence, EventStatus.APPLIED)] == 1
        assert outcome[(sequence, EventStatus.DUPLICATE)] == 1
    assert sales_total(server_db, register.company_id) == (59, 5900)
    applied_once(server_db, register, 60)


def test_overlapping_batches_racing_each_other_end_applied_once(server_db: ServerDb) -> None:
    register = pair_register(server_db, open_store(server_db))
    events = sales(register, 50)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def instance(first: int) -> None:
        """Push events from `first` on; on a gap, resend from what the server expects."""
        try:
            start.wait()
            position = first
            while position < len(events):
                try:
                    reply = push(server_db, register, events[position : position + 8])
                    position = reply.last_sequence
                except SequenceGap as gap:
                    position = gap.expected - 1
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=instance, args=(n,)) for n in (0, 19)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sales_total(server_db, register.company_id) == (49, 4900)
    applied_once(server_db, register, 50)
