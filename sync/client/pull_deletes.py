"""Records deleted outright on the server (hard deletes; soft deletes arrive as upserts).

A row that other rows here still point at (a product with sales on this register) is
left in place and reported: deleting it would break this register's history, and with
foreign keys deferred for the page the database would only refuse it at commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session

from core.records import ReplicatedTable, record_id
from db.base import Base
from sync.client.pull_rows import label

__all__ = ["delete_records"]


@cache
def _references(table: str) -> tuple[tuple[str, str], ...]:
    """(child table, column) pairs whose foreign key points at `table`."""
    found: list[tuple[str, str]] = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table.name == table and fk.parent.table is child:
                found.append((child.name, fk.parent.name))
    return tuple(found)


def delete_records(
    session: Session, replicated: ReplicatedTable, ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    """Delete the rows travelling under `ids`; returns (id, why) for those kept."""
    connection = session.connection()
    table = Base.metadata.tables[replicated.name]
    rowids = _rowids(connection, table, replicated, set(ids))
    kept: list[tuple[uuid.UUID, str]] = []
    for travel_id, (rowid, own_id) in rowids.items():
        user = _first_user(connection, replicated.name, own_id, rowid)
        if user is not None:
            kept.append(
                (
                    travel_id,
                    f"The server deleted a {label(replicated.name)} that this register still "
                    f"uses (in its {label(user)} records), so it was kept here.",
                )
            )
            continue
        connection.exec_driver_sql(f'DELETE FROM "{replicated.name}" WHERE rowid = ?', (rowid,))
    return kept


def _rowids(
    connection: Connection, table: Table, replicated: ReplicatedTable, ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, bytes | None]]:
    if replicated.key_columns == ("id",):
        found: dict[uuid.UUID, tuple[int, bytes | None]] = {}
        for travel_id in ids:
            row = connection.exec_driver_sql(
                f'SELECT rowid FROM "{table.name}" WHERE id = ?', (travel_id.bytes,)
            ).first()
            if row is not None:
                found[travel_id] = (int(row[0]), travel_id.bytes)
        return found
    # Keyed by other columns (company settings): few rows, so match their travel ids here.
    names = ", ".join(f'"{name}"' for name in replicated.key_columns)
    matched: dict[uuid.UUID, tuple[int, bytes | None]] = {}
    for rowid, *values in connection.exec_driver_sql(f'SELECT rowid, {names} FROM "{table.name}"'):
        key = {
            name: uuid.UUID(bytes=value) if isinstance(value, bytes) else value
            for name, value in zip(replicated.key_columns, values, strict=True)
        }
        travel_id = record_id(replicated, key)
        if travel_id in ids:
            matched[travel_id] = (int(rowid), None)
    return matched


def _first_user(connection: Connection, table: str, own_id: bytes | None, rowid: int) -> str | None:
    """The first table with a row pointing at this one, or None."""
    if own_id is None:
        return None  # nothing points at a composite-key row
    for child, column in _references(table):
        if child == table:
            hit = connection.exec_driver_sql(
                f'SELECT 1 FROM "{child}" WHERE "{column}" = ? AND rowid <> ? LIMIT 1',
                (own_id, rowid),
            ).first()
        else:
            hit = connection.exec_driver_sql(
                f'SELECT 1 FROM "{child}" WHERE "{column}" = ? LIMIT 1', (own_id,)
            ).first()
        if hit is not None:
            return child
    return None
