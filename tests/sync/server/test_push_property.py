"""Hypothesis: however a register's events are split into batches, repeated, reordered or
sent out of turn, once the register drains its queue each event is applied exactly once."""

from __future__ import annotations

import contextlib
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.protocol import EventStatus, OutboxEventIn
from sync.server.errors import SequenceGap
from sync.server.models import AppliedEvent, EventIssue, Sale
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    count,
    movement,
    open_store,
    pair_register,
    push,
    sale,
    sales_total,
    saved,
    stock_on_hand,
)

KINDS = st.sampled_from(["sale", "return", "stock", "price", "drawer"])


def outbox(register: Register, kinds: list[str]) -> tuple[uuid.UUID, list[OutboxEventIn], int]:
    """The events a register wrote: a product, then `kinds`; returns the stock expected."""
    pid = uuid.uuid4()
    events = [
        register.event("record.saved", saved("product", pid, {"price_minor": 0}, created=True))
    ]
    stock = 0
    for n, kind in enumerate(kinds):
        if kind in ("sale", "return"):
            quantity = 1 if kind == "sale" else -1
            events.append(register.event("sale.completed", sale(register, [(pid, quantity, 100)])))
            stock -= quantity
        elif kind == "stock":
            events.append(
                register.event(
                    "stock.moved", {"movements": [movement(register.location_id, pid, 3)]}
                )
            )
            stock += 3
        elif kind == "price":
            events.append(
                register.event(
                    "record.saved",
                    saved("product", pid, {"price_minor": n + 1}, {"price_minor": n}),
                )
            )
        else:
            events.append(register.event("drawer.no_sale", {"n": n}))
    return pid, events, stock


@st.composite
def deliveries(draw: st.DrawFn, size: int) -> list[list[int]]:
    """Batches as positions into the outbox: any slice, maybe reversed, maybe repeated."""
    batches = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, size - 1))
        end = draw(st.integers(start + 1, min(size, start + 8)))
        batch = list(range(start, end))
        if draw(st.booleans()):
            batch.reverse()
        if draw(st.booleans()):
            batch += draw(st.lists(st.sampled_from(batch), max_size=3))
        batches.append(batch)
    return batches


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=st.lists(KINDS, min_size=1, max_size=14), data=st.data())
def test_any_delivery_ends_with_each_event_applied_once(
    server_db: ServerDb, kinds: list[str], data: st.DataObject
) -> None:
    store = open_store(server_db, code=uuid.uuid4().hex[:6])
    register = pair_register(server_db, store)
    pid, events, stock = outbox(register, kinds)
    for batch in data.draw(deliveries(len(events))):
        # A later batch first is refused (SequenceGap); the register resends from the start.
        with contextlib.suppress(SequenceGap):
            push(server_db, register, [events[i] for i in batch])
    # The register drains its queue: from what the server has, in batches of 5.
    last = push(server_db, register, events[:1]).last_sequence
    while last < len(events):
        reply = push(server_db, register, events[last : last + 5])
        assert reply.retry_from is None
        assert all(r.status is not EventStatus.QUARANTINED for r in reply.results)
        last = reply.last_sequence
    sold = sum(1 for k in kinds if k in ("sale", "return"))
    net = sum(100 if k == "sale" else -100 for k in kinds if k in ("sale", "return"))
    assert sales_total(server_db, store.company_id) == (sold, net)
    assert stock_on_hand(server_db, store.location_id, pid) == stock
    assert count(server_db, Sale, Sale.company_id == store.company_id) == sold
    with server_db.session() as session:
        sequences = session.scalars(
            select(AppliedEvent.sequence).where(AppliedEvent.device_id == register.id)
        ).all()
    assert sorted(sequences) == list(range(1, len(events) + 1))
    assert (
        count(
            server_db,
            EventIssue,
            EventIssue.company_id == store.company_id,
            EventIssue.status != "flagged",
        )
        == 0
    )
