"""Tenancy: a company (the tenant) has locations (stores), which have devices (registers)."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, SoftDeleteMixin, TimestampMixin


class Company(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "company"

    name: Mapped[str] = mapped_column(String(200))
    # ISO 4217 code; every amount in the company's tables is in this currency's minor units.
    currency: Mapped[str] = mapped_column(String(3))


class Location(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # IANA zone name: times are stored in UTC and shown in the store's zone.
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class Device(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A register, bench or office machine; its prefix keeps human-facing numbers unique."""

    __tablename__ = "device"
    __table_args__ = (
        UniqueConstraint("company_id", "prefix"),
        CheckConstraint("kind IN ('register', 'bench', 'office')", name="kind"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(8))
