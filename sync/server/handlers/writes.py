"""The rows a batch will write, gathered while its events are applied, then written with one
statement per table (`flush`, see `rows`): that is what makes a 500-event batch cost a
dozen round trips instead of thousands.

Stock movements are inserted `ON CONFLICT (id) DO NOTHING ... RETURNING id`; only those
actually inserted get a `change_log` row, so a movement that reaches the server twice (two
events, two registers, a retry) is counted and replicated once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, Table, Uuid, text
from sqlalchemy.orm import Session

from sync.server.handlers.known import RecordKey, StoredRecord
from sync.server.handlers.rows import as_json, insert_rows, recordset, table_of
from sync.server.models import (
    AppliedEvent,
    ChangeLog,
    DeviceEvent,
    EventIssue,
    MergeLog,
    Record,
    Sale,
    StockMovement,
)

_RECORD = table_of(Record)
_SALE = table_of(Sale)
_MOVEMENT = table_of(StockMovement)
# The shape of a void: the sale's id and when it was voided (typed like `sale`'s columns).
_SALE_VOID = Table("sale", MetaData(), Column("id", Uuid()), Column("at", DateTime(timezone=True)))


@dataclass(slots=True)
class Writes:
    # The final state of each record the batch touched: the row to upsert, or None (deleted).
    records: dict[RecordKey, StoredRecord | None] = field(default_factory=dict)
    # In the order the changes happened; a stock row carries `_movement` (its movement id).
    change_log: list[dict[str, Any]] = field(default_factory=list)
    merge_log: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    sales: list[dict[str, Any]] = field(default_factory=list)
    # {"id", "at"}: sales to mark voided.
    voids: list[dict[str, Any]] = field(default_factory=list)
    device_events: list[dict[str, Any]] = field(default_factory=list)
    applied: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: Writes) -> None:
        self.records.update(other.records)
        self.change_log.extend(other.change_log)
        self.merge_log.extend(other.merge_log)
        self.movements.extend(other.movements)
        self.sales.extend(other.sales)
        self.voids.extend(other.voids)
        self.device_events.extend(other.device_events)
        self.applied.extend(other.applied)
        self.issues.extend(other.issues)


def flush(
    session: Session, writes: Writes, company_id: uuid.UUID, device_id: uuid.UUID, now: datetime
) -> None:
    """Write everything gathered, in foreign-key order, one statement per table. Never
    commits."""
    if writes.device_events:
        insert_rows(session, table_of(DeviceEvent), writes.device_events)
    if writes.sales:
        insert_rows(session, _SALE, writes.sales, on_conflict="ON CONFLICT (id) DO NOTHING")
    if writes.voids:
        session.execute(
            text(
                f"UPDATE sale SET voided_at = r.at FROM {recordset(_SALE_VOID, ('id', 'at'))} "
                "WHERE sale.id = r.id AND sale.company_id = :company AND sale.voided_at IS NULL"
            ),
            {"rows": as_json(writes.voids), "company": company_id},
        )
    inserted: set[uuid.UUID] = set()
    if writes.movements:
        result = insert_rows(
            session,
            _MOVEMENT,
            writes.movements,
            on_conflict="ON CONFLICT (id) DO NOTHING",
            returning="id",
        )
        inserted = set(result.scalars())
    _flush_records(session, writes.records, company_id, device_id, now)
    changes = [
        {k: v for k, v in row.items() if k != "_movement"}
        for row in writes.change_log
        if row.get("_movement") is None or row["_movement"] in inserted
    ]
    if changes:
        insert_rows(session, table_of(ChangeLog), changes)
    if writes.merge_log:
        insert_rows(session, table_of(MergeLog), writes.merge_log)
    if writes.applied:
        insert_rows(session, table_of(AppliedEvent), writes.applied)
    if writes.issues:
        insert_rows(session, table_of(EventIssue), writes.issues)


def _flush_records(
    session: Session,
    records: dict[RecordKey, StoredRecord | None],
    company_id: uuid.UUID,
    device_id: uuid.UUID,
    now: datetime,
) -> None:
    gone = [{"table_name": t, "id": i} for (t, i), record in records.items() if record is None]
    if gone:
        session.execute(
            text(
                f"DELETE FROM record USING {recordset(_RECORD, ('table_name', 'id'))} "
                "WHERE record.table_name = r.table_name AND record.id = r.id "
                "AND record.company_id = :company"
            ),
            {"rows": as_json(gone), "company": company_id},
        )
    rows = [
        {
            "table_name": table,
            "id": record_id,
            "company_id": record.company_id,
            "location_id": record.location_id,
            "data": record.data,
            "version": record.version,
            "updated_at": now,
            "updated_by_device_id": device_id,
        }
        for (table, record_id), record in records.items()
        if record is not None
    ]
    if rows:
        insert_rows(
            session,
            _RECORD,
            rows,
            # A row created meanwhile by another company is never overwritten.
            on_conflict="ON CONFLICT (table_name, id) DO UPDATE SET "
            "location_id = excluded.location_id, data = excluded.data, "
            "version = excluded.version, updated_at = excluded.updated_at, "
            "updated_by_device_id = excluded.updated_by_device_id "
            "WHERE record.company_id = excluded.company_id",
        )
