"""Speed: the server applies pushed events at 2,000 a second or more (issue 7's target),
measured on a batch of 500 mixed record, stock and sale events against the real PostgreSQL,
next to a plain multi-row INSERT of the same number of rows in the same run."""

from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy import text

from sync.protocol import OutboxEventIn
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    movement,
    open_store,
    pair_register,
    product,
    push,
    sale,
    saved,
    statuses,
)

log = logging.getLogger(__name__)

BATCH = 500
TARGET_EVENTS_PER_SECOND = 2000


def mixed_batch(register: Register, products: list[uuid.UUID]) -> list[OutboxEventIn]:
    """100 product saves, 100 stock changes, 250 two-line sales, 50 drawer events."""
    events = []
    for n in range(BATCH):
        pid = products[n % len(products)]
        kind = n % 10
        if kind < 2:
            events.append(
                register.event(
                    "record.saved",
                    saved(
                        "product",
                        pid,
                        product(register.company_id, pid, f"S{n}", 1000 + n),
                        created=True,
                    ),
                )
            )
        elif kind < 4:
            events.append(
                register.event(
                    "stock.moved", {"movements": [movement(register.location_id, pid, 5)]}
                )
            )
        elif kind < 9:
            events.append(
                register.event(
                    "sale.completed",
                    sale(register, [(pid, 1, 1000), (products[(n + 1) % len(products)], 2, 500)]),
                )
            )
        else:
            events.append(register.event("drawer.pay_in", {"amount": 100}))
    return events


def test_a_batch_of_500_mixed_events_applies_at_2000_events_a_second(server_db: ServerDb) -> None:
    register = pair_register(server_db, open_store(server_db))
    products = [uuid.uuid4() for _ in range(50)]
    timings: list[float] = []
    # Best of 4 batches; on a machine busy with other work, up to 4 more before judging.
    while len(timings) < 4 or (
        min(timings) > BATCH / TARGET_EVENTS_PER_SECOND and len(timings) < 8
    ):
        events = mixed_batch(register, products)
        started = time.perf_counter()
        reply = push(server_db, register, events)  # apply and commit
        timings.append(time.perf_counter() - started)
        assert len(reply.results) == BATCH
        assert reply.retry_from is None
        assert set(statuses(reply)) <= {"applied", "flagged"}
    best = min(timings)
    plain = plain_insert_seconds(server_db)
    figures = (
        f"push: 500 mixed events in {best * 1000:.0f} ms, best of {len(timings)} "
        f"({BATCH / best:.0f} events/s); a plain insert of 500 rows {plain * 1000:.1f} ms "
        f"(ratio {best / plain:.1f}); every batch: {[round(t * 1000) for t in timings]} ms"
    )
    log.info(figures)  # shown with -o log_cli=true --log-cli-level=INFO
    assert BATCH / best >= TARGET_EVENTS_PER_SECOND, figures


def plain_insert_seconds(server_db: ServerDb) -> float:
    """A plain multi-row INSERT of 500 jsonb rows into a scratch table, committed."""
    rows = [
        {"id": uuid.uuid4(), "data": '{"sku": "S1", "price_minor": 1000}'} for _ in range(BATCH)
    ]
    with server_db.engine.begin() as connection:
        connection.execute(text("CREATE TEMP TABLE plain_rows (id uuid, data jsonb)"))
    best = float("inf")
    for _ in range(3):
        with server_db.engine.begin() as connection:
            connection.execute(
                text("CREATE TEMP TABLE IF NOT EXISTS plain_rows (id uuid, data jsonb)")
            )
            started = time.perf_counter()
            connection.execute(
                text("INSERT INTO plain_rows VALUES (:id, CAST(:data AS jsonb))"), rows
            )
            best = min(best, time.perf_counter() - started)
    return best
