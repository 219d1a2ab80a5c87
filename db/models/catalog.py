"""What the store sells. Amounts are integer minor units of the company's currency."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, SoftDeleteMixin, TimestampMixin


class Category(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("category.id"))


class Supplier(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "supplier"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class Product(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("company_id", "sku"),
        CheckConstraint("price_minor >= 0", name="price_minor"),
        CheckConstraint("cost_minor >= 0", name="cost_minor"),
        CheckConstraint("reorder_point >= 0", name="reorder_point"),
        Index("ix_product_company_name", "company_id", "name"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    category_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("category.id"), index=True)
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    price_minor: Mapped[int]
    cost_minor: Mapped[int] = mapped_column(default=0)
    tax_class: Mapped[str] = mapped_column(String(40), default="standard")
    is_serialized: Mapped[bool] = mapped_column(default=False)
    reorder_point: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Optimistic concurrency: an update names the version it read.
    version: Mapped[int] = mapped_column(default=1)


class ProductBarcode(IdMixin, Base):
    """A UPC, EAN or store-made code; one product may carry several."""

    __tablename__ = "product_barcode"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        CheckConstraint("symbology IN ('upc_a', 'ean_13', 'ean_8', 'custom')", name="symbology"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    symbology: Mapped[str] = mapped_column(String(10))
