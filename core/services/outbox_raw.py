"""Reading a replicated table straight from SQLite, as the JSON values its events carry.

The snapshot of a whole store (`outbox_snapshot`) reads hundreds of thousands of rows; going
through SQLAlchemy's result types (a `uuid.UUID` per key, a `datetime` per time) and back
to text costs more than everything else together. Here the driver's raw values are turned
into the same text directly: 16 UUID bytes into the hyphenated form, the stored
"YYYY-MM-DD HH:MM:SS.ffffff" UTC text into `datetime.isoformat()`'s form with "+00:00",
0/1 into booleans. Anything in another form goes through the column type itself, so the
result is always what the ORM capture would send (tests compare the two row by row).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Session

from core.services.outbox_values import TableShape, json_default
from db.types import UTCDateTime, UUIDBytes

Convert = Callable[[Any], object]
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


def _uuid_text(value: Any) -> object:
    if value is None:
        return None
    h = (value if type(value) is bytes else bytes(value)).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _bool(value: Any) -> object:
    return None if value is None else bool(value)


def _same(value: Any) -> object:
    return value


def _converter(shape: TableShape, column: str, session: Session) -> Convert:
    kind = shape.table.c[column].type
    if isinstance(kind, UUIDBytes):
        return _uuid_text
    if isinstance(kind, Boolean):
        return _bool
    if isinstance(kind, String | Text | Integer) and not isinstance(kind, UTCDateTime):
        return _same
    # Anything else (times): the type reads it, JSON writes it, as for the ORM capture.
    dialect = session.get_bind().dialect
    process = kind.dialect_impl(dialect).result_processor(dialect, None)

    def typed(value: Any) -> object:
        if value is None:
            return None
        if (
            isinstance(kind, UTCDateTime)
            and isinstance(value, str)
            and _STORED_TIME.fullmatch(value)
        ):
            return _iso_utc(value)
        read = process(value) if process is not None else value
        return json_default(read) if not isinstance(read, str | int | bool) else read

    return typed


def _stored_time(value: str) -> bool:
    # Cheaper than the full pattern for the common case, checked by it once it looks right.
    return (
        len(value) == 26
        and value[10] == " "
        and value[19] == "."
        and _STORED_TIME.fullmatch(value) is not None
    )


def _iso_utc(stored: str) -> str:
    """'2026-03-02 15:00:00.000000' -> '2026-03-02T15:00:00+00:00' (microseconds kept
    only when not zero, as `datetime.isoformat` does)."""
    whole = f"{stored[:10]}T{stored[11:19]}"
    fraction = stored[20:26]
    return f"{whole}.{fraction}+00:00" if fraction != "000000" else f"{whole}+00:00"


@cache
def _select(name: str, columns: tuple[str, ...], key: str, keyset: bool) -> str:
    listed = ", ".join(f'"{c}"' for c in columns)
    where = f' WHERE "{key}" > ?' if keyset else ""
    return f'SELECT {listed} FROM "{name}"{where} ORDER BY "{key}" LIMIT ?'


def json_rows(
    session: Session, shape: TableShape, page_rows: int
) -> Iterator[list[dict[str, object]]]:
    """Pages of rows (column -> JSON value) in key order: a whole table never sits in memory.
    A table keyed by several columns (company settings: a handful of rows) is one page."""
    columns = shape.columns
    # Text and numbers are already what JSON carries; only the other columns are converted.
    special = [
        (n, c, convert)
        for n, c in enumerate(columns)
        if (convert := _converter(shape, c, session)) is not _same
    ]
    connection = session.connection()
    if not shape.keyed_by_id:
        listed = ", ".join(f'"{c}"' for c in columns)
        order = ", ".join(f'"{c}"' for c in shape.replicated.key_columns)
        every = connection.exec_driver_sql(f'SELECT {listed} FROM "{shape.name}" ORDER BY {order}')
        yield [_converted(columns, special, row) for row in every]
        return
    at = columns.index("id")
    last: bytes | None = None
    while True:
        params: tuple[object, ...] = (page_rows,) if last is None else (last, page_rows)
        query = _select(shape.name, columns, "id", last is not None)
        raw = connection.exec_driver_sql(query, params).fetchall()
        if not raw:
            return
        yield [_converted(columns, special, row) for row in raw]
        last = raw[-1][at]


def _converted(
    columns: tuple[str, ...], special: list[tuple[int, str, Convert]], row: Any
) -> dict[str, object]:
    values: dict[str, object] = dict(zip(columns, row, strict=True))
    for n, column, convert in special:
        values[column] = convert(row[n])
    return values
