"""Writing a transaction's pending outbox events, at its commit, in that same transaction.

Order (deterministic, and what the server needs): changed rows in the replicated tables'
dependency order (a row's foreign keys point only at rows that travel before it), rows of
one table in the order they were first changed; then the domain events in the order they
were emitted; then the stock movements not carried by a sale. Events the caller numbered
already (`emit(..., sequence=n)`) keep their number; the others take the device's next
numbers, all of them with one UPDATE of `device_counter`. Every row goes in with one
executemany, straight to the driver: imports write hundreds of thousands of events, and
the values are already in the form `UUIDBytes` and `UTCDateTime` store (checked by tests
that read the rows back through the model).

Rows are merged per row first: created then changed stays created (latest values);
changed twice keeps the earliest `base`; created then deleted leaves nothing; a change
that ends where it started leaves nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.ids import new_id
from core.records import (
    MOVEMENT_FIELDS,
    RECORD_DELETED,
    RECORD_SAVED,
    SALE_COMPLETED,
    SALE_VOIDED,
    SCHEMA_VERSION,
    STOCK_MOVED,
)
from core.services.outbox_pending import DomainEvent, Op, Pending, RowChange
from core.services.outbox_values import deleted_payload, json_default, saved_payload, to_json

# A `stock.moved` event carries at most this many movements (a large count or an import of
# opening stock is split), so one event stays far below the server's request size limit.
MOVEMENTS_PER_EVENT = 1_000
_SALE_EVENTS = frozenset({SALE_COMPLETED, SALE_VOIDED})
_THIS_DEVICE = text("SELECT device_id FROM device_identity WHERE slot = 1")
_ADVANCE = text(
    "INSERT INTO device_counter (device_id, name, last_value) VALUES (:device, 'outbox', :n) "
    "ON CONFLICT (device_id, name) DO UPDATE SET last_value = last_value + :n "
    "RETURNING last_value"
)
_INSERT = (
    "INSERT INTO outbox_event (id, device_id, sequence, schema_version, type, payload, "
    "device_time) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_RECORD_TYPES = frozenset({RECORD_SAVED, RECORD_DELETED, STOCK_MOVED})


@dataclass(slots=True)
class _Event:
    id: uuid.UUID
    device_id: uuid.UUID
    type: str
    payload: Mapping[str, object]
    at: datetime
    sequence: int | None = None


def this_device(session: Session) -> uuid.UUID | None:
    """This machine's device id; None before the store is set up on it."""
    found = session.execute(_THIS_DEVICE).scalar()
    return None if found is None else uuid.UUID(bytes=bytes(found))


def take_sequences(session: Session, device_id: uuid.UUID, count: int) -> int:
    """Advance the device's outbox counter by `count` in one statement; the first number."""
    params = {"device": device_id.bytes, "n": count}
    last = int(session.execute(_ADVANCE, params).scalar_one())
    return last - count + 1


def movement_json(row: Mapping[str, object]) -> dict[str, object]:
    return {name: row.get(name) for name in MOVEMENT_FIELDS}


def write_pending(session: Session, pending: Pending) -> int:
    """Write what `pending` holds as outbox rows; returns how many were written."""
    records = merged(pending.changes)
    movements = [movement_json(row) for row in pending.movements]
    events = [_domain(event) for event in pending.events]
    leftover = _attach_movements(events, movements)
    device = None
    if records or leftover:
        device = this_device(session)
    out: list[_Event] = []
    if device is not None:  # else not set up yet: nothing is captured
        now = datetime.now(UTC)
        out.extend(_Event(new_id(), device, *_record_event(c), now) for c in records)
        out.extend(events)
        for start in range(0, len(leftover), MOVEMENTS_PER_EVENT):
            chunk = leftover[start : start + MOVEMENTS_PER_EVENT]
            out.append(_Event(new_id(), device, STOCK_MOVED, {"movements": chunk}, now))
    else:
        out.extend(events)
    if not out:
        return 0
    numbers = _numbered(session, out)
    insert_events(
        session,
        [
            (e.id, e.device_id, n, e.type, e.payload, e.at)
            for e, n in zip(out, numbers, strict=True)
        ],
    )
    return len(out)


OutboxRow = tuple[uuid.UUID, uuid.UUID, int, str, Mapping[str, object], datetime]


def insert_events(session: Session, events: Sequence[OutboxRow]) -> None:
    """INSERT outbox rows (id, device, sequence, type, payload, device time) in one go."""
    if not events:
        return
    rows = [
        (
            event_id.bytes,
            device_id.bytes,
            sequence,
            SCHEMA_VERSION,
            event_type,
            to_json(payload) if event_type in _RECORD_TYPES else _domain_json(payload),
            _db_time(at),
        )
        for event_id, device_id, sequence, event_type, payload, at in events
    ]
    session.connection().exec_driver_sql(_INSERT, rows)


@lru_cache(maxsize=64)
def _db_time(at: datetime) -> str:
    """A time as `UTCDateTime` stores it on SQLite: naive UTC text with microseconds.
    (Cached: the events of one transaction share a time or two.)"""
    if at.tzinfo is None:
        raise ValueError("naive datetime: store times in UTC with tzinfo")
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _lenient(value: object) -> str:
    try:
        return json_default(value)
    except (TypeError, ValueError):
        return str(value)


_lenient_cached = lru_cache(maxsize=1024)(_lenient)


def _domain_default(value: object) -> str:
    try:
        return _lenient_cached(value)
    except TypeError:  # unhashable
        return _lenient(value)


# Domain payloads come from the services as JSON already (a sale's stock movements aside);
# anything odd in them is written as text, as the outbox always has.
_domain_encoder = json.JSONEncoder(default=_domain_default, sort_keys=True, ensure_ascii=False)


def _domain_json(payload: Mapping[str, object]) -> str:
    return _domain_encoder.encode(payload)


def _domain(event: DomainEvent) -> _Event:
    return _Event(event.id, event.device_id, event.type, event.payload, event.at, event.sequence)


def _attach_movements(
    events: Sequence[_Event], movements: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Put the movements into the transaction's sale event; return those left over.

    One sale event takes every movement (the sale and its stock travel as one fact). Were
    there several, each takes the movements that reference its sale.
    """
    sales = [e for e in events if e.type in _SALE_EVENTS]
    if not sales:
        return movements
    if len(sales) == 1:
        sales[0].payload = {**sales[0].payload, "stock_movements": movements}
        return []
    left = list(movements)
    for event in sales:
        sale_id = str(event.payload.get("sale_id"))
        mine = [m for m in left if str(m["reference_id"]) == sale_id]
        left = [m for m in left if str(m["reference_id"]) != sale_id]
        event.payload = {**event.payload, "stock_movements": mine}
    return left


def _numbered(session: Session, events: list[_Event]) -> list[int]:
    """Each event's sequence: its own if the caller took one, else the device's next."""
    unnumbered: dict[uuid.UUID, int] = {}
    for event in events:
        if event.sequence is None:
            unnumbered[event.device_id] = unnumbered.get(event.device_id, 0) + 1
    following = {
        device_id: take_sequences(session, device_id, count)
        for device_id, count in unnumbered.items()
    }
    numbers: list[int] = []
    for event in events:
        if event.sequence is None:
            event.sequence = following[event.device_id]
            following[event.device_id] += 1
        numbers.append(event.sequence)
    return numbers


def _record_event(change: RowChange) -> tuple[str, dict[str, object]]:
    if change.op is Op.DELETED:
        return RECORD_DELETED, deleted_payload(change.shape, change.key)
    created = change.op is Op.CREATED
    return RECORD_SAVED, saved_payload(
        change.shape, change.key, created, change.values, {} if created else change.base
    )


def merged(changes: Sequence[RowChange]) -> list[RowChange]:
    """One change per row, in dependency order, then first-seen order within a table.

    Merges in place: the pending changes are dropped once written.
    """
    rows: dict[tuple[str, uuid.UUID], RowChange | None] = {}
    existed: set[tuple[str, uuid.UUID]] = set()  # rows there before this transaction
    for change in changes:
        key = (change.shape.name, change.key)
        if key not in rows:
            if change.op is not Op.CREATED:
                existed.add(key)
            rows[key] = change
        else:
            rows[key] = _merge(rows[key], change, key in existed)
    result = [row for row in rows.values() if row is not None and _travels(row)]
    result.sort(key=lambda row: row.shape.order)  # stable: first-seen order within a table
    return result


def _merge(earlier: RowChange | None, later: RowChange, existed: bool) -> RowChange | None:
    if later.op is Op.DELETED:
        # Created here and deleted again: the rest of the world never saw it.
        return later if existed else None
    if earlier is None or earlier.op is Op.DELETED or later.op is Op.CREATED:
        # Deleted, then written again under the same key: the row as it is now.
        return RowChange(later.shape, later.key, Op.CREATED, later.values)
    earlier.values.update(later.values)
    if earlier.op is Op.CHANGED:
        for column, value in later.base.items():
            earlier.base.setdefault(column, value)
    return earlier


def _travels(row: RowChange) -> bool:
    """Drop columns a transaction changed and changed back; a change of nothing is no event.

    A row keyed by several columns carries them in `values` (the receiver finds the row by
    them); they alone are not a change.
    """
    if row.op is not Op.CHANGED:
        return True
    for column in [c for c, v in row.values.items() if c in row.base and row.base[c] == v]:
        del row.values[column]
        del row.base[column]
    keys = row.shape.replicated.key_columns
    return any(column not in keys for column in row.values)
