"""Stock counts: "counted N at this time", and the differences posted when the count completes.

A count line keeps what the ledger said (`expected`) at the moment the shelf was counted.
Completing the count posts `counted - expected` for each line, not `counted - on hand now`:
items sold between counting a shelf and completing the count were on the shelf when it was
counted, so their sale movements are already right, and setting on hand to the counted
number would erase them (the store would "find" every item sold that afternoon).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from core.catalog.stock import MovementKind, StockError, check_counted, count_difference
from core.ids import new_id
from core.services import audit
from core.services.company_rows import owned_location, owned_product
from core.services.stock_ledger import Posting, level_on_hand, post_movement
from core.services.stock_rows import CountedLine
from core.services.stock_value import post_adjustment
from core.staff.actor import Actor
from db.models import StockCount, StockCountLine
from db.uow import SqlUnitOfWork


def start_count(
    uow: SqlUnitOfWork, actor: Actor, at: datetime, location_id: uuid.UUID
) -> uuid.UUID:
    location = owned_location(uow.session, actor.company_id, location_id)
    count = StockCount(
        id=new_id(),
        company_id=actor.company_id,
        location_id=location.id,
        status="open",
        user_id=actor.user_id,
        created_at=at,
        updated_at=at,
    )
    uow.session.add(count)
    audit.record(uow, actor, at, "stock.count_start", "stock_count", count.id)
    return count.id


def _open_count(uow: SqlUnitOfWork, actor: Actor, count_id: uuid.UUID) -> StockCount:
    count = uow.session.get(StockCount, count_id)
    if count is None or count.company_id != actor.company_id:
        raise StockError("That stock count does not exist.")
    if count.status != "open":
        raise StockError("This stock count is already completed; start a new one.")
    return count


def record_count(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    count_id: uuid.UUID,
    product_id: uuid.UUID,
    counted: int,
) -> None:
    """Record (or, while the count is open, re-record) one product's counted quantity."""
    counted = check_counted(counted)
    session = uow.session
    count = _open_count(uow, actor, count_id)
    product = owned_product(session, actor.company_id, product_id)
    if product.is_serialized:
        # Counting guitars by number would move stock without saying which unit is missing.
        raise StockError(
            f"{product.name} is serialized: check its units by serial number, and retire a "
            "missing unit or add a found one."
        )
    expected = level_on_hand(session, product.id, count.location_id)
    line = session.scalars(
        select(StockCountLine).where(
            StockCountLine.count_id == count.id, StockCountLine.product_id == product.id
        )
    ).one_or_none()
    if line is None:
        session.add(
            StockCountLine(
                id=new_id(),
                count_id=count.id,
                product_id=product.id,
                counted=counted,
                expected=expected,
                counted_at=at,
            )
        )
    else:
        line.counted, line.expected, line.counted_at = counted, expected, at
    count.updated_at = at


def complete_count(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    count_id: uuid.UUID,
    approved_by: uuid.UUID | None,
) -> list[CountedLine]:
    """Post one `count` movement per line whose count differs from what was expected.

    A product deleted after it was counted is skipped: deletion required zero stock, and
    stock on a product nobody can find any more would never be explained.
    """
    session = uow.session
    count = _open_count(uow, actor, count_id)
    lines = session.scalars(
        select(StockCountLine)
        .where(StockCountLine.count_id == count.id)
        .order_by(StockCountLine.counted_at, StockCountLine.id)
    ).all()
    results: list[CountedLine] = []
    values: list[tuple[int, int]] = []
    for line in lines:
        product = owned_product(session, actor.company_id, line.product_id, deleted_ok=True)
        if product.deleted_at is not None:
            continue
        difference = count_difference(line.expected, line.counted)
        results.append(CountedLine(product.id, line.expected, line.counted, difference))
        if difference:
            values.append((difference, product.cost_minor))
            post_movement(
                session,
                actor,
                at,
                Posting(
                    count.location_id,
                    product.id,
                    MovementKind.COUNT,
                    difference,
                    reason=f"counted {line.counted}, expected {line.expected}",
                    reference_type="stock_count",
                    reference_id=count.id,
                ),
            )
    post_adjustment(
        session,
        actor,
        at,
        values,
        source_type="stock_count",
        source_id=count.id,
        reason="stock count",
    )
    count.status = "completed"
    count.completed_at = at
    count.updated_at = at
    audit.record(
        uow,
        actor,
        at,
        "stock.count_complete",
        "stock_count",
        count.id,
        after={
            "lines": [
                {"product_id": str(r.product_id), "expected": r.expected, "counted": r.counted}
                for r in results
            ]
        },
        approved_by=approved_by,
    )
    return results
