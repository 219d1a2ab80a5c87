"""Sales: the register's records, tax rates, store credit, the discount audit and the outbox.

A sale is `open -> completed | voided`. Once it leaves `open`, triggers (migration 0003)
refuse any change to it, its lines, their taxes and its tenders: a completed sale is only
ever reversed by a new sale (a return, or a same-day void) that links to it.

Amounts are signed minor units: negative on returned lines and on money paid back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, SoftDeleteMixin, TimestampMixin

SALE_STATUSES = ("open", "completed", "voided")
SALE_KINDS = ("sale", "return", "exchange", "void")
TENDER_KINDS = ("cash", "card", "store_credit")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TaxRate(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    """One rate (state, county, city …) on one tax class at one location."""

    __tablename__ = "tax_rate"
    __table_args__ = (
        CheckConstraint("rate_ppm >= 0 AND rate_ppm <= 500000", name="rate_ppm"),
        Index("ix_tax_rate_location_class", "location_id", "tax_class"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    tax_class: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    # Parts per million: 8.25% is 82_500.
    rate_ppm: Mapped[int]


class CompanySetting(Base):
    """A setting shared by every register of the company (synced), as JSON text."""

    __tablename__ = "company_setting"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class DeviceCounter(Base):
    """Per-device sequences (receipt numbers, outbox events), advanced inside the same
    transaction as the record that takes the number, so a crash neither reuses nor skips one."""

    __tablename__ = "device_counter"

    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Sale(IdMixin, TimestampMixin, LegacyMixin, Base):
    __tablename__ = "sale"
    __table_args__ = (
        CheckConstraint(_in("status", SALE_STATUSES), name="status"),
        CheckConstraint(_in("kind", SALE_KINDS), name="kind"),
        CheckConstraint(
            "(status = 'completed') = (receipt_number IS NOT NULL)", name="receipt_number"
        ),
        UniqueConstraint("company_id", "receipt_number"),
        # A completed sale is voided at most once.
        UniqueConstraint("reverses_sale_id"),
        Index("ix_sale_location_status", "location_id", "status", "held_at"),
        Index("ix_sale_device_status", "device_id", "status"),
        Index("ix_sale_company_completed", "company_id", "completed_at"),
        Index("ix_sale_customer", "customer_id", "completed_at"),
        Index("ix_sale_device_receipt_seq", "device_id", "receipt_seq"),
        Index("ix_sale_company_business_date", "company_id", "business_date"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    # The register it is on: where it was rung up, or resumed, and completed.
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    kind: Mapped[str] = mapped_column(String(20), default="sale")
    currency: Mapped[str] = mapped_column(String(3))
    receipt_number: Mapped[str | None] = mapped_column(String(30))
    # The cashier who rang it up (completing sets it to whoever completed it).
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_account.id"))
    tax_exempt_certificate: Mapped[str] = mapped_column(String(100), default="")
    # The sale-level discount as given: kind, value (basis points or minor units), reason.
    discount_kind: Mapped[str | None] = mapped_column(String(10))
    discount_value: Mapped[int | None]
    discount_reason: Mapped[str | None] = mapped_column(String(30))
    discount_approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    notes: Mapped[str] = mapped_column(String(1000), default="")
    # Totals, written from core.sales.cart on every change; the lines add up to them.
    subtotal_minor: Mapped[int] = mapped_column(default=0)
    discount_minor: Mapped[int] = mapped_column(default=0)
    tax_minor: Mapped[int] = mapped_column(default=0)
    total_minor: Mapped[int] = mapped_column(default=0)
    change_minor: Mapped[int] = mapped_column(default=0)
    held_at: Mapped[datetime | None]
    held_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None]
    # Set on completion: the number part of the receipt (a Z report covers a range of them),
    # the store's local date, and the drawer session that took its cash (a plain id, no
    # foreign key, so the column could be added without rebuilding the guarded table).
    receipt_seq: Mapped[int | None]
    business_date: Mapped[date | None]
    drawer_session_id: Mapped[uuid.UUID | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    # A same-day void of a completed sale is a new completed sale of kind 'void' pointing back.
    reverses_sale_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sale.id"))
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)


class SaleLine(IdMixin, Base):
    __tablename__ = "sale_line"
    __table_args__ = (
        UniqueConstraint("sale_id", "position"),
        CheckConstraint("quantity <> 0", name="quantity"),
        Index("ix_sale_line_original", "original_line_id"),
    )

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale.id"))
    position: Mapped[int]
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inventory_unit.id"))
    # What was sold, as it was named and taxed then.
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    serial_number: Mapped[str] = mapped_column(String(64), default="")
    tax_class: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]
    list_price_minor: Mapped[int]
    price_minor: Mapped[int | None]  # a manual price, if the cashier changed it
    price_reason: Mapped[str | None] = mapped_column(String(30))
    price_approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    discount_kind: Mapped[str | None] = mapped_column(String(10))
    discount_value: Mapped[int | None]
    discount_reason: Mapped[str | None] = mapped_column(String(30))
    discount_approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    original_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sale_line.id"))
    # Computed amounts (signed; negative on a return).
    gross_minor: Mapped[int]
    price_cut_minor: Mapped[int] = mapped_column(default=0)
    line_discount_minor: Mapped[int] = mapped_column(default=0)
    sale_discount_minor: Mapped[int] = mapped_column(default=0)
    net_minor: Mapped[int]
    tax_minor: Mapped[int] = mapped_column(default=0)
    unit_cost_minor: Mapped[int] = mapped_column(default=0)


class SaleLineTax(Base):
    __tablename__ = "sale_line_tax"

    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale_line.id"), primary_key=True)
    tax_rate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tax_rate.id"), primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    rate_ppm: Mapped[int]
    taxable_minor: Mapped[int]
    tax_minor: Mapped[int]


class SaleTender(IdMixin, Base):
    __tablename__ = "sale_tender"
    __table_args__ = (
        CheckConstraint(_in("kind", TENDER_KINDS), name="kind"),
        CheckConstraint("amount_minor <> 0", name="amount"),
        Index("ix_sale_tender_sale", "sale_id", "created_at"),
    )

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[int]
    provider: Mapped[str] = mapped_column(String(30), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class DiscountAudit(IdMixin, Base):
    """Every discount given on a completed sale; never updated or deleted."""

    __tablename__ = "discount_audit"
    __table_args__ = (
        CheckConstraint("scope IN ('line', 'sale', 'price')", name="scope"),
        Index("ix_discount_audit_company_created", "company_id", "created_at"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sale.id"), index=True)
    line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sale_line.id"))
    scope: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[int]
    amount_minor: Mapped[int]
    reason: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class StoreCreditEntry(IdMixin, Base):
    """A customer's store credit is the sum of these; never updated or deleted."""

    __tablename__ = "store_credit_entry"
    __table_args__ = (
        CheckConstraint("amount_minor <> 0", name="amount"),
        Index("ix_store_credit_entry_account", "account_id", "created_at"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_account.id"))
    amount_minor: Mapped[int]  # positive: credit issued; negative: spent
    sale_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sale.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class OutboxEvent(IdMixin, Base):
    """A change waiting to be pushed to the sync server; written with the change itself.

    `sequence` is gapless per device (taken from `device_counter` in the same transaction).
    Events are never updated; they are deleted only once the server has acknowledged them.
    `device_time` is informational: events are ordered by sequence, never by clock.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (UniqueConstraint("device_id", "sequence"),)

    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    sequence: Mapped[int]
    schema_version: Mapped[int]
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    device_time: Mapped[datetime]
