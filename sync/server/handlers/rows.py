"""Writing many rows in one statement: the rows travel as ONE jsonb parameter and PostgreSQL
unpacks them with `jsonb_to_recordset`.

Why not `executemany` or a multi-row VALUES list: with 500 events a batch writes thousands
of rows; executemany costs a statement per row on the server, and a VALUES list of thousands
of placeholders costs more to build and parse than the rows themselves. One jsonb document is
encoded by the C JSON encoder and parsed once by the server; measured, it is several times
faster (see `sync.server.push`). Table and column names come from the models, never from a
request. `WITH ORDINALITY ... ORDER BY` keeps the rows' order, so `change_log` ids follow the
order of the changes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Result, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from sync.server.models import ServerBase

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    on_conflict: str = "",
    returning: str = "",
) -> Result[Any]:
    """INSERT every row (all with the same keys) in one statement."""
    columns = tuple(rows[0])
    names = ", ".join(columns)
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {recordset(table, columns)} "
        f"ORDER BY ordinality {on_conflict} {'RETURNING ' + returning if returning else ''}"
    )
    return session.execute(text(sql), {"rows": as_json(rows)})


def table_of(model: type[ServerBase]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def recordset(table: Table, columns: tuple[str, ...]) -> str:
    """`ROWS FROM (jsonb_to_recordset(:rows) ...) WITH ORDINALITY AS r(...)`: the rows of
    the `:rows` parameter as a relation named `r`, typed like the table's columns."""
    typed, names = _definition(table, columns)
    return (
        f"ROWS FROM (jsonb_to_recordset(CAST(:rows AS jsonb)) AS ({typed})) "
        f"WITH ORDINALITY AS r({names}, ordinality)"
    )


@cache
def _definition(table: Table, columns: tuple[str, ...]) -> tuple[str, str]:
    typed = ", ".join(f"{name} {table.c[name].type.compile(dialect=_DIALECT)}" for name in columns)
    return typed, ", ".join(columns)


def as_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(rows, default=_plain, separators=(",", ":"))


def _plain(value: object) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a row")
