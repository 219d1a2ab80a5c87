"""Stock: serialized units, the append-only movement ledger, receipts and stock counts.

Stock on hand is the sum of `stock_movement.quantity` per product and location. The ledger is
append-only, enforced by triggers (migration 0002); `stock_level` is a cache of that sum kept
in the same unit of work as each movement, so lists and the reorder report need no GROUP BY.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, TimestampMixin

UNIT_STATUSES = ("available", "sold", "rented", "in_repair", "retired")
UNIT_CONDITIONS = ("new", "excellent", "good", "fair", "poor")
MOVEMENT_KINDS = (
    "receive",
    "sale",
    "return",
    "adjustment",
    "count",
    "transfer_out",
    "transfer_in",
    "rental_out",
    "rental_in",
    "repair_use",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class InventoryUnit(IdMixin, TimestampMixin, LegacyMixin, Base):
    """One physical serialized item; never deleted, retired instead."""

    __tablename__ = "inventory_unit"
    __table_args__ = (
        UniqueConstraint("product_id", "serial_number"),
        CheckConstraint(_in("status", UNIT_STATUSES), name="status"),
        CheckConstraint(_in("condition", UNIT_CONDITIONS), name="condition"),
        Index("ix_inventory_unit_company_serial", "company_id", "serial_number"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    serial_number: Mapped[str] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(20), default="new")
    status: Mapped[str] = mapped_column(String(20), default="available")
    cost_minor: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(String(1000), default="")
    version: Mapped[int] = mapped_column(default=1)


class StockMovement(IdMixin, Base):
    """One change to stock on hand. Rows are never updated or deleted."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint(_in("kind", MOVEMENT_KINDS), name="kind"),
        CheckConstraint("quantity <> 0", name="quantity"),
        Index("ix_stock_movement_product_location", "product_id", "location_id", "created_at"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inventory_unit.id"))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int]
    unit_cost_minor: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    # What caused it: a stock receipt, a count, a sale … (type name + id).
    reference_type: Mapped[str] = mapped_column(String(40), default="")
    reference_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class StockLevel(Base):
    """Cache of SUM(stock_movement.quantity) per product and location."""

    __tablename__ = "stock_level"

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product.id"), primary_key=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"), primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    on_hand: Mapped[int] = mapped_column(default=0)


class StockReceipt(IdMixin, TimestampMixin, Base):
    """Goods received from a supplier; its lines are `receive` movements that reference it."""

    __tablename__ = "stock_receipt"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id"))
    supplier_reference: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))


class StockCount(IdMixin, TimestampMixin, Base):
    """A count of some products at a location; completing it posts the differences."""

    __tablename__ = "stock_count"
    __table_args__ = (CheckConstraint("status IN ('open', 'completed')", name="status"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None]


class StockCountLine(IdMixin, Base):
    """'Counted N at this time': expected is what the ledger said at that moment."""

    __tablename__ = "stock_count_line"
    __table_args__ = (
        UniqueConstraint("count_id", "product_id"),
        CheckConstraint("counted >= 0", name="counted"),
    )

    count_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_count.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product.id"))
    counted: Mapped[int]
    expected: Mapped[int]
    counted_at: Mapped[datetime]
