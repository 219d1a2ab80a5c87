"""Posting to the stock ledger and reading it, inside the caller's unit of work.

Every movement goes through `post_movement`, which appends the ledger row and moves the
`stock_level` cache by the same quantity in the same transaction, so the cache can never
drift from SUM(quantity). Each movement is also noted for the outbox (`note_movements`):
it travels with the sale that moved it, or as a `stock.moved` event. Nothing here commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.catalog.stock import MovementKind
from core.ids import new_id
from core.services.outbox_pending import note_movements
from core.staff.actor import Actor
from db.base import table
from db.models import StockLevel, StockMovement


@dataclass(frozen=True, slots=True)
class Posting:
    """One movement to append: who and when come from the actor and the clock."""

    location_id: uuid.UUID
    product_id: uuid.UUID
    kind: MovementKind
    quantity: int
    reason: str = ""
    reference_type: str = ""
    reference_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    unit_cost_minor: int | None = None


def post_movement(session: Session, actor: Actor, at: datetime, posting: Posting) -> int:
    """Append one movement and move the cached level; returns the new on-hand quantity."""
    row = _movement_row(actor, at, posting)
    session.add(StockMovement(**row))
    note_movements(session, (row,))
    # An upsert rather than read-then-write: one statement, and under BEGIN IMMEDIATE no
    # other writer can interleave, so the cache moves by exactly the movement's quantity.
    insert = sqlite_insert(StockLevel).values(
        product_id=posting.product_id,
        location_id=posting.location_id,
        company_id=actor.company_id,
        on_hand=posting.quantity,
    )
    upsert = insert.on_conflict_do_update(
        index_elements=[StockLevel.product_id, StockLevel.location_id],
        set_={"on_hand": StockLevel.on_hand + insert.excluded.on_hand},
    ).returning(StockLevel.on_hand)
    on_hand = session.execute(upsert).scalar_one()
    return int(on_hand)


# Built once: the hot path (a sale's lines) runs it for many rows in one executemany.
_LEVEL_UPSERT = (
    sqlite_insert(StockLevel)
    .values(
        product_id=bindparam("product_id"),
        location_id=bindparam("location_id"),
        company_id=bindparam("company_id"),
        on_hand=bindparam("quantity"),
    )
    .on_conflict_do_update(
        index_elements=[StockLevel.product_id, StockLevel.location_id],
        set_={"on_hand": StockLevel.on_hand + sqlite_insert(StockLevel).excluded.on_hand},
    )
)


def post_movements(
    session: Session, actor: Actor, at: datetime, postings: Sequence[Posting]
) -> None:
    """Append several movements and move their cached levels: two statements in all."""
    if not postings:
        return
    rows = [_movement_row(actor, at, p) for p in postings]
    session.execute(insert(table(StockMovement)), rows)
    note_movements(session, rows)
    session.execute(
        _LEVEL_UPSERT,
        [
            {
                "product_id": p.product_id,
                "location_id": p.location_id,
                "company_id": actor.company_id,
                "quantity": p.quantity,
            }
            for p in postings
        ],
    )


def _movement_row(actor: Actor, at: datetime, posting: Posting) -> dict[str, object]:
    return {
        "id": new_id(),
        "company_id": actor.company_id,
        "location_id": posting.location_id,
        "product_id": posting.product_id,
        "unit_id": posting.unit_id,
        "kind": str(posting.kind),
        "quantity": posting.quantity,
        "unit_cost_minor": posting.unit_cost_minor,
        "reason": posting.reason,
        "reference_type": posting.reference_type,
        "reference_id": posting.reference_id,
        "user_id": actor.user_id,
        "created_at": at,
    }


def level_on_hand(session: Session, product_id: uuid.UUID, location_id: uuid.UUID) -> int:
    """On hand from the cache: one primary-key lookup."""
    value = session.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.product_id == product_id, StockLevel.location_id == location_id
        )
    )
    return int(value or 0)


def ledger_sum(
    session: Session, product_id: uuid.UUID, location_id: uuid.UUID | None = None
) -> int:
    """On hand computed from the ledger itself, at one location or (None) at all of them."""
    query = select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
        StockMovement.product_id == product_id
    )
    if location_id is not None:
        query = query.where(StockMovement.location_id == location_id)
    return int(session.scalar(query) or 0)


def levels_by_location(session: Session, product_id: uuid.UUID) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(StockLevel.location_id, StockLevel.on_hand).where(
            StockLevel.product_id == product_id
        )
    ).all()
    return {location_id: int(on_hand) for location_id, on_hand in rows}
