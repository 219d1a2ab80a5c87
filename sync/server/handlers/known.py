"""What a batch needs to know from the database, read once before its events are applied.

Handlers never query the database themselves: a batch of 500 events would otherwise cost
thousands of round trips. Each handler says what it will need (`wants`), one query per kind
loads it all, and the handlers then work on this in-memory picture. Records the batch will
write are read `FOR UPDATE`, in key order, so two devices editing the same customer at once
merge one after the other (never a lost update) and cannot deadlock on each other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from sync.server.models import Company, Location, Record, Sale

RecordKey = tuple[str, uuid.UUID]


@dataclass(slots=True)
class StoredRecord:
    """The server's copy of one replicated row, as the batch sees it now."""

    company_id: uuid.UUID
    data: dict[str, Any]
    version: int
    location_id: uuid.UUID | None


@dataclass(slots=True)
class StoredSale:
    company_id: uuid.UUID
    voided: bool
    payload: dict[str, Any]


@dataclass(slots=True)
class Wanted:
    """Keys the handlers of a batch asked for: records to write (locked), to read, sales."""

    locked_records: set[RecordKey] = field(default_factory=set)
    records: set[RecordKey] = field(default_factory=set)
    sales: set[uuid.UUID] = field(default_factory=set)


@dataclass(slots=True)
class Known:
    """The batch's picture of the database. Handlers read it through an `EventScope`, which
    adds their own changes on top; a successful event's changes are folded in here."""

    company_id: uuid.UUID
    currency: str
    device_id: uuid.UUID
    location_id: uuid.UUID  # the device's own location
    # Locations of the company in the `location` table: stock and sales may name only these.
    locations: frozenset[uuid.UUID]
    # Locations the company's registers know as records (may precede the server's row).
    location_records: frozenset[uuid.UUID]
    records: dict[RecordKey, StoredRecord | None]
    sales: dict[uuid.UUID, StoredSale]
    movement_ids: set[uuid.UUID] = field(default_factory=set)


def load_known(
    session: Session,
    company_id: uuid.UUID,
    device_id: uuid.UUID,
    location_id: uuid.UUID,
    wanted: Wanted,
) -> Known:
    currency = session.scalar(select(Company.currency).where(Company.id == company_id)) or ""
    locations = frozenset(
        session.scalars(select(Location.id).where(Location.company_id == company_id))
    )
    location_records = frozenset(
        session.scalars(
            select(Record.id).where(
                Record.company_id == company_id, Record.table_name == "location"
            )
        )
    )
    records: dict[RecordKey, StoredRecord | None] = {}
    locked = sorted(wanted.locked_records)
    if locked:
        rows = session.execute(
            _record_query(locked).order_by(Record.table_name, Record.id).with_for_update()
        )
        records.update({(r.table_name, r.id): _stored(r) for r in rows})
        records.update({key: None for key in locked if key not in records})
    read_only = sorted(wanted.records - wanted.locked_records)
    if read_only:
        records.update(
            {(r.table_name, r.id): _stored(r) for r in session.execute(_record_query(read_only))}
        )
        records.update({key: None for key in read_only if key not in records})
    sales: dict[uuid.UUID, StoredSale] = {}
    if wanted.sales:
        rows = session.execute(
            select(Sale.id, Sale.company_id, Sale.voided_at, Sale.payload).where(
                Sale.id.in_(sorted(wanted.sales))
            )
        )
        sales = {r.id: StoredSale(r.company_id, r.voided_at is not None, r.payload) for r in rows}
    return Known(
        company_id=company_id,
        currency=currency,
        device_id=device_id,
        location_id=location_id,
        locations=locations,
        location_records=location_records,
        records=records,
        sales=sales,
    )


def _record_query(keys: list[RecordKey]) -> Any:
    return select(
        Record.table_name,
        Record.id,
        Record.company_id,
        Record.data,
        Record.version,
        Record.location_id,
    ).where(tuple_(Record.table_name, Record.id).in_(keys))


def _stored(row: Any) -> StoredRecord:
    return StoredRecord(row.company_id, dict(row.data), row.version, row.location_id)
