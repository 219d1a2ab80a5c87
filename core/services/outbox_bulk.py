"""Bulk writes to replicated tables that note their rows for the outbox themselves.

A Core INSERT, an ORM bulk UPDATE by primary key or a DELETE by ids never passes through a
flush, so the session-event capture cannot see it. Imports and the demo store write whole
batches this way for speed; they call these instead of `session.execute`, and the rows'
events are written with the transaction like any other (a savepoint rolled back drops
them). Writing to a table that is not replicated simply executes the statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.services.outbox_pending import Op, RowChange, applying_pulled, pending_of
from core.services.outbox_values import Values, full_values, key_of, shape_of_table
from db.base import Base, table

Row = dict[str, Any]
# SQLite allows 32,766 bound parameters; stay far below it in `IN (...)` lists.
_IN_CHUNK = 900


def insert_rows(session: Session, model: type[Base], rows: Sequence[Row]) -> None:
    """INSERT `rows` (column -> value, every row with the same columns) in one executemany."""
    if not rows:
        return
    target = table(model)
    session.execute(insert(target), list(rows))
    shape = shape_of_table(target.name)
    if shape is None or applying_pulled(session):
        return
    pending_of(session).changes.extend(
        RowChange(shape, key_of(shape, row), Op.CREATED, full_values(shape, row)) for row in rows
    )


def update_rows(session: Session, model: type[Base], rows: Sequence[Row]) -> None:
    """UPDATE by primary key (`id` plus the columns to set, per row): the ORM's bulk UPDATE.
    What the changed columns held before is read first, in pages, to be the events' base."""
    if not rows:
        return
    target = table(model)
    shape = shape_of_table(target.name)
    capture = shape is not None and not applying_pulled(session)
    before: dict[uuid.UUID, Row] = {}
    if capture:
        assert shape is not None
        if not shape.keyed_by_id:
            raise ValueError(f"{shape.name} is not keyed by id; update it through the ORM")
        columns = sorted({c for row in rows for c in row if c in shape.columns} - {"id"})
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), _IN_CHUNK):
            query = select(target.c.id, *(target.c[c] for c in columns)).where(
                target.c.id.in_(ids[start : start + _IN_CHUNK])
            )
            for found in session.execute(query):
                before[found[0]] = dict(zip(columns, found[1:], strict=True))
    session.execute(update(model), list(rows))
    if not capture:
        return
    assert shape is not None
    changes: list[RowChange] = []
    for row in rows:
        old = before.get(row["id"])
        if old is None:
            continue  # no such row: the UPDATE changed nothing
        values: Values = {}
        base: Values = {}
        for column, value in row.items():
            if column in old and value != old[column]:
                values[column], base[column] = value, old[column]
        if values:
            changes.append(RowChange(shape, row["id"], Op.CHANGED, values, base))
    pending_of(session).changes.extend(changes)


def delete_rows(session: Session, model: type[Base], ids: Sequence[uuid.UUID]) -> None:
    """DELETE the rows with these ids (a hard delete: barcodes, permission overrides)."""
    target = table(model)
    shape = shape_of_table(target.name)
    gone: list[uuid.UUID] = []
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start : start + _IN_CHUNK])
        result = session.execute(delete(model).where(target.c.id.in_(chunk)).returning(target.c.id))
        gone.extend(result.scalars())
    if shape is None or applying_pulled(session) or not gone:
        return
    pending_of(session).changes.extend(RowChange(shape, key, Op.DELETED) for key in gone)
