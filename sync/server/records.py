"""Writing a replicated record: its current copy in `record` and a `change_log` row, which
is what other registers pull. Used by pairing (companies, locations, devices) and by pushes.

Never commits: the caller's transaction (one per request) decides. A record id that already
belongs to another company is refused, so one tenant can never overwrite another's row by
guessing its id.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from sync.server.errors import Forbidden
from sync.server.models import ChangeLog, Record


def json_ready(value: Any) -> Any:
    """`value` with UUIDs, times and enums as the strings the register's JSON uses."""
    if isinstance(value, Mapping):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return json_ready(value.value)
    return value


def put_record(
    session: Session,
    company_id: uuid.UUID,
    table: str,
    id: uuid.UUID,  # the record's id, as the wire protocol names it
    data: Mapping[str, Any],
    location_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
) -> None:
    """Create or replace the record (table, id) with `data` (the whole row) and log it."""
    document = json_ready(data)
    statement = pg_insert(Record).values(
        table_name=table,
        id=id,
        company_id=company_id,
        location_id=location_id,
        data=document,
        version=1,
        updated_by_device_id=device_id,
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[Record.table_name, Record.id],
        set_={
            "data": statement.excluded.data,
            "location_id": statement.excluded.location_id,
            "version": Record.version + 1,
            "updated_at": func.now(),
            "updated_by_device_id": statement.excluded.updated_by_device_id,
        },
        # Another company's row with this id is left alone, and nothing is returned.
        where=Record.company_id == statement.excluded.company_id,
    ).returning(Record.version)
    if session.execute(upsert).first() is None:
        raise Forbidden(f"That {table} record belongs to another company")
    _log(session, company_id, "upsert", table, id, document, location_id, device_id)


def delete_record(
    session: Session,
    company_id: uuid.UUID,
    table: str,
    id: uuid.UUID,
    location_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
) -> bool:
    """Remove the record (a hard delete) and log it; False if the company had no such row."""
    removed = session.execute(
        delete(Record)
        .where(Record.table_name == table, Record.id == id, Record.company_id == company_id)
        .returning(Record.id)
    ).first()
    if removed is None:
        return False
    _log(session, company_id, "delete", table, id, None, location_id, device_id)
    return True


def _log(
    session: Session,
    company_id: uuid.UUID,
    kind: str,
    table: str,
    entity_id: uuid.UUID,
    data: dict[str, Any] | None,
    location_id: uuid.UUID | None,
    device_id: uuid.UUID | None,
) -> None:
    session.execute(
        insert(ChangeLog).values(
            company_id=company_id,
            location_id=location_id,
            kind=kind,
            table_name=table,
            entity_id=entity_id,
            data=data,
            origin_device_id=device_id,
        )
    )
