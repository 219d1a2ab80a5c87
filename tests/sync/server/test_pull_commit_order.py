"""Pull order is transaction-id order, not commit order; a register must still end on the
record the server holds.

Two pushes edit the same product. The push of register B takes its transaction id first (its
first statement, `SELECT device ... FOR UPDATE`, assigns one), then register A's push runs and
commits whole; then B's push reads A's committed record, merges on top of it and commits.
The server ends on B's price. `change_log` holds (txid_B, B's record) then (txid_A, A's
record), so a third register pulls B's record first and A's older one last, and the client
keeps the last change per record (`plan_page`, and page after page the same). Served as the
change wrote it, the register would end on A's price while the server has B's; served as the
record is now (`sync.server.pull`), it ends on B's.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.client.pull_page import plan_page
from sync.protocol import PushRequest
from sync.server.models import Device, Record
from sync.server.push import apply_push
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    NOW,
    open_store,
    pair_register,
    product,
    pull,
    push,
    saved,
)


def test_a_record_pulled_after_two_overlapping_pushes_is_the_servers_latest(
    server_db: ServerDb,
) -> None:
    store = open_store(server_db)
    a, b, c = (pair_register(server_db, store) for _ in range(3))
    pid = uuid.uuid4()
    push(
        server_db,
        a,
        [
            a.event(
                "record.saved",
                saved("product", pid, product(store.company_id, pid, "G1", 100_00), created=True),
            )
        ],
    )

    # B's push begins: its first statement locks its device row, which assigns its txid.
    with Session(server_db.engine, expire_on_commit=False) as b_session:
        b_device = b_session.get(Device, b.id, with_for_update=True)
        assert b_device is not None
        b_txid = int(b_session.execute(text("SELECT pg_current_xact_id()::text")).scalar_one())

        # Meanwhile A's push (price 100 -> 120) runs and commits.
        push(
            server_db,
            a,
            [
                a.event(
                    "record.saved",
                    saved("product", pid, {"price_minor": 120_00}, {"price_minor": 100_00}),
                )
            ],
        )

        # B's push (price 120 -> 90, from the value it pulled) now runs and commits.
        apply_push(
            b_session,
            b_device,
            PushRequest(
                events=[
                    b.event(
                        "record.saved",
                        saved("product", pid, {"price_minor": 90_00}, {"price_minor": 120_00}),
                    )
                ]
            ),
            NOW,
        )
        b_session.commit()

    with server_db.session() as session:
        on_server = session.get(Record, ("product", pid))
        assert on_server is not None
        assert on_server.data["price_minor"] == 90_00
        a_txid = session.execute(
            text("SELECT max(txid::text::bigint) FROM change_log WHERE entity_id = :id"),
            {"id": pid},
        ).scalar_one()
    assert b_txid < a_txid  # B's change sorts before A's, though it committed after it

    # Register C pulls everything (one page, or page by page: the same order).
    page = pull(server_db, c)
    plan = plan_page(page.changes)
    pulled = plan.upserts["product"][pid]
    assert pulled["price_minor"] == 90_00, (
        f"register C ends with price {pulled['price_minor']}, the server has 9000"
    )
