"""Cash drawers: sessions from float to count, the cash events in between, and Z reports.

A register has at most one open session (a partial unique index). A closed session, the
drawer events and the Z reports are never changed (triggers, migration 0004): a Z report
keeps the figures it printed as JSON, so a reprint always says what the first print said.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, TimestampMixin


class DrawerSession(IdMixin, TimestampMixin, Base):
    __tablename__ = "drawer_session"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("float_minor >= 0", name="float"),
        CheckConstraint("counted_minor IS NULL OR counted_minor >= 0", name="counted"),
        # Two open sessions on one register would split its cash between them.
        Index(
            "ix_drawer_session_one_open",
            "device_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
        ),
        Index("ix_drawer_session_device_opened", "device_id", "opened_at"),
        Index("ix_drawer_session_company_closed", "company_id", "closed_at"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The cashier whose drawer it is (who opened it).
    opened_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime]
    float_minor: Mapped[int]
    # {"2000": 3, "25": 40}: count per denomination (minor units), as JSON.
    float_counts: Mapped[str] = mapped_column(Text)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None]
    counts: Mapped[str | None] = mapped_column(Text)
    counted_minor: Mapped[int | None]
    expected_minor: Mapped[int | None]
    over_short_minor: Mapped[int | None]
    blind: Mapped[bool] = mapped_column(default=False)
    # The manager who signed off a difference over the limit.
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)


DRAWER_EVENT_KINDS = ("pay_in", "pay_out", "no_sale")


class DrawerEvent(IdMixin, Base):
    """A pay-in, a pay-out or a drawer opened without a sale; never changed or deleted."""

    __tablename__ = "drawer_event"
    __table_args__ = (
        CheckConstraint("kind IN ('pay_in', 'pay_out', 'no_sale')", name="kind"),
        CheckConstraint("amount_minor >= 0", name="amount"),
        Index("ix_drawer_event_session", "session_id", "created_at"),
        Index("ix_drawer_event_device", "device_id", "created_at"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    # A no-sale open may happen with no session open; pay-ins and pay-outs need one.
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drawer_session.id"))
    kind: Mapped[str] = mapped_column(String(10))
    amount_minor: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class ZReport(IdMixin, Base):
    """A register's day closed: receipts after the previous Z up to `last_receipt_seq`."""

    __tablename__ = "z_report"
    __table_args__ = (
        UniqueConstraint("device_id", "number"),
        UniqueConstraint("session_id"),
        Index("ix_z_report_company_date", "company_id", "business_date"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    number: Mapped[int]
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drawer_session.id"))
    first_receipt_seq: Mapped[int]
    last_receipt_seq: Mapped[int]
    business_date: Mapped[date]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    # The report's figures as printed (JSON): a reprint never recomputes them.
    figures: Mapped[str] = mapped_column(Text)
