"""Reading the ledger: the movement history that explains every unit, and the reorder list."""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, func, literal_column, select
from sqlalchemy.orm import Session

from core.catalog.stock import MovementKind, suggested_order_quantity
from core.money import Money
from core.services.company_rows import company_currency, owned_location, owned_product
from core.services.stock_ledger import ledger_sum
from core.services.stock_rows import MovementRow, ReorderRow
from db.models import InventoryUnit, Product, StockLevel, StockMovement, Supplier, User

MAX_HISTORY = 5_000


def movements(
    session: Session,
    company_id: uuid.UUID,
    product_id: uuid.UUID,
    location_id: uuid.UUID | None,
    limit: int,
) -> list[MovementRow]:
    """Newest first, each with the balance just after it; the first balance is on hand.

    Ordered by recorded time, then by the order rows were appended here (rowid), which
    settles movements stamped with the same time. Balances are walked back from the
    ledger's total, so they are right even when older movements are cut off by `limit`.
    """
    product = owned_product(session, company_id, product_id, deleted_ok=True)
    currency = company_currency(session, company_id)
    query = (
        select(StockMovement, User.display_name, InventoryUnit.serial_number)
        .outerjoin(User, User.id == StockMovement.user_id)
        .outerjoin(InventoryUnit, InventoryUnit.id == StockMovement.unit_id)
        .where(StockMovement.product_id == product.id)
    )
    if location_id is not None:
        query = query.where(StockMovement.location_id == location_id)
    rowid = literal_column("stock_movement.rowid", Integer)
    query = query.order_by(StockMovement.created_at.desc(), rowid.desc())
    query = query.limit(max(1, min(limit, MAX_HISTORY)))
    balance = ledger_sum(session, product.id, location_id)
    rows: list[MovementRow] = []
    for movement, user_name, serial in session.execute(query):
        cost = movement.unit_cost_minor
        rows.append(
            MovementRow(
                id=movement.id,
                at=movement.created_at,
                location_id=movement.location_id,
                kind=MovementKind(movement.kind),
                quantity=movement.quantity,
                balance=balance,
                reason=movement.reason,
                reference_type=movement.reference_type,
                reference_id=movement.reference_id,
                user_name=user_name or "",
                serial_number=serial,
                unit_cost=None if cost is None else Money(cost, currency),
            )
        )
        balance -= movement.quantity
    return rows


def reorder_list(
    session: Session, company_id: uuid.UUID, location_id: uuid.UUID
) -> list[ReorderRow]:
    """Active products at or below their reorder point here, grouped by supplier."""
    location = owned_location(session, company_id, location_id)
    on_hand = func.coalesce(StockLevel.on_hand, 0)
    query = (
        select(
            Product.id,
            Product.sku,
            Product.name,
            Supplier.name,
            on_hand,
            Product.reorder_point,
        )
        .outerjoin(
            StockLevel,
            (StockLevel.product_id == Product.id) & (StockLevel.location_id == location.id),
        )
        .outerjoin(Supplier, Supplier.id == Product.supplier_id)
        .where(
            Product.company_id == company_id,
            Product.deleted_at.is_(None),
            Product.active.is_(True),
            Product.reorder_point > 0,
            on_hand <= Product.reorder_point,
        )
        .order_by(Supplier.name, Product.name)
    )
    return [
        ReorderRow(
            pid, sku, name, supplier, int(qty), point, suggested_order_quantity(int(qty), point)
        )
        for pid, sku, name, supplier, qty, point in session.execute(query)
    ]
