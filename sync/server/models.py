"""The sync server's own tables (PostgreSQL). Every row carries its company: each query is
scoped by the authenticated device's company, and by its location where that applies.

Replicated records (products, customers, users …) are stored whole as JSON documents in
`record`, keyed by (table, id); every change to one appends the whole record to `change_log`,
which registers read with a commit-safe cursor (see `sync.server.pull`). Stock travels as
deltas: `stock_movement` rows, each also appended to `change_log`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Xid8(UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id (`pg_current_xact_id()`), compared as a number."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it from the class
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB,
    }


class Company(ServerBase):
    __tablename__ = "company"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    # A closed company's devices are refused like revoked ones.
    closed_at: Mapped[datetime | None]


class Location(ServerBase):
    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class Device(ServerBase):
    """A paired register. `last_sequence` is the highest outbox sequence accounted for;
    pushes of one device are serialised by locking this row (SELECT … FOR UPDATE)."""

    __tablename__ = "device"
    __table_args__ = (
        CheckConstraint("kind IN ('register', 'bench', 'office')", name="kind"),
        CheckConstraint("last_sequence >= 0", name="last_sequence"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(8))
    # SHA-256 of the bearer token (hex); the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    paired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen_at: Mapped[datetime | None]


class PairingCode(ServerBase):
    """A one-time code. `location_id` is null for a code that founds a new company."""

    __tablename__ = "pairing_code"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    company_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("location.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_device_id: Mapped[uuid.UUID | None]


class AppliedEvent(ServerBase):
    """Every event accounted for, by (device, sequence): how duplicates are recognised."""

    __tablename__ = "applied_event"
    __table_args__ = (
        UniqueConstraint("device_id", "sequence"),
        CheckConstraint("status IN ('applied', 'flagged', 'rejected')", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the event's own UUID
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    sequence: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    schema_version: Mapped[int] = mapped_column(Integer)
    # SHA-256 of the canonical JSON of (type, schema_version, payload).
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    device_time: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class EventIssue(ServerBase):
    """An event a manager should look at: rejected, quarantined or flagged, with why."""

    __tablename__ = "event_issue"
    __table_args__ = (
        CheckConstraint("status IN ('rejected', 'quarantined', 'flagged')", name="status"),
        Index("ix_event_issue_company_created", "company_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    event_id: Mapped[uuid.UUID]
    sequence: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    reviewed_at: Mapped[datetime | None]


class Record(ServerBase):
    """The server's current copy of one replicated row (`core.records.REPLICATED_TABLES`)."""

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_company_table", "company_id", "table_name"),)

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID | None]
    data: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    updated_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    updated_by_device_id: Mapped[uuid.UUID | None]


class ChangeLog(ServerBase):
    """What registers pull, in (txid, id) order. `txid` is the writing transaction's id; a
    pull only reads rows below the oldest transaction still running, so a row committed
    late can never be skipped by a cursor that has moved past it."""

    __tablename__ = "change_log"
    __table_args__ = (
        CheckConstraint("kind IN ('upsert', 'delete', 'stock')", name="kind"),
        Index("ix_change_log_company_txid_id", "company_id", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[uuid.UUID]
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    origin_device_id: Mapped[uuid.UUID | None]
    txid: Mapped[int] = mapped_column(Xid8(), server_default=text("pg_current_xact_id()"))


class MergeLog(ServerBase):
    """A field changed on two devices without either seeing the other's change: the later
    arrival was kept; both values are here for review."""

    __tablename__ = "merge_log"
    __table_args__ = (Index("ix_merge_log_company_created", "company_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    base_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    replaced_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    kept_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    device_id: Mapped[uuid.UUID]
    event_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class StockMovement(ServerBase):
    """One stock delta from a register (its own movement id), never a count."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity"),
        Index(
            "ix_stock_movement_company_location_product", "company_id", "location_id", "product_id"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    product_id: Mapped[uuid.UUID]
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]]
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    event_id: Mapped[uuid.UUID]


class Sale(ServerBase):
    """A completed sale or return as the register recorded it; amounts in minor units.
    `voided_at` is set when its void arrives; the row is never otherwise changed."""

    __tablename__ = "sale"
    __table_args__ = (Index("ix_sale_company_location", "company_id", "location_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    receipt_number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    completed_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]]
    # Why it was flagged for review, if it was (kept, never refused).
    flags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    event_id: Mapped[uuid.UUID]


class DeviceEvent(ServerBase):
    """Events recorded as they are (drawer opens, counts and closes, held sales …)."""

    __tablename__ = "device_event"
    __table_args__ = (Index("ix_device_event_company_location", "company_id", "location_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the event's UUID
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]]
    device_time: Mapped[datetime]
