"""Turning pulled records into local rows, generically over `core.records.REPLICATED`.

A record arrives as JSON (UUIDs and times as strings). Each local table's own columns
decide what is read: keys this register does not know (a newer server) are ignored,
`local_only` columns are never overwritten (an insert takes their defaults), and values are
converted to what SQLite stores with the columns' own SQLAlchemy types. Rows are written
with `INSERT … ON CONFLICT (key) DO UPDATE`, many at a time; a row whose values are
unchanged is not rewritten, so a second pull of the same catalog is cheap.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Boolean, Date, Dialect, Integer, String, Table, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

import db.models  # noqa: F401  (every table on Base.metadata)
from core.records import ReplicatedTable, record_id
from db.base import Base
from db.types import UTCDateTime, UUIDBytes

__all__ = ["LABELS", "RowProblemError", "TableCodec", "codec_for", "label", "upsert_rows"]

LABELS = {
    "app_user": "user",
    "company_setting": "company setting",
    "customer_account": "customer",
    "customer_member": "customer's member",
    "inventory_unit": "serialized unit",
    "product_barcode": "barcode",
    "stock_movement": "stock movement",
    "tax_rate": "tax rate",
    "user_permission": "user permission",
}

_NO_DEFAULT = object()


def label(table: str) -> str:
    return LABELS.get(table, table.replace("_", " "))


class RowProblemError(ValueError):
    """A pulled record that cannot become a local row; `str()` says why in plain words."""


def _uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        raise TypeError("not an id")
    return uuid.UUID(value)


def _datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value)
    else:
        raise TypeError("not a time")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _date(value: object) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise TypeError("not a date")


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise TypeError("not true or false")


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError("not a whole number")


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError("not text")


def _reader(column_type: object) -> Callable[[object], object]:
    if isinstance(column_type, UUIDBytes):
        return _uuid
    if isinstance(column_type, UTCDateTime):
        return _datetime
    if isinstance(column_type, Date):
        return _date
    if isinstance(column_type, Boolean):
        return _bool
    if isinstance(column_type, Integer):
        return _int
    if isinstance(column_type, String | Text):
        return _str
    raise NotImplementedError(f"no reader for column type {column_type!r}")


def _uuid_bytes(value: object) -> bytes:
    """What UUIDBytes stores, with a fast path for the canonical text the server sends."""
    if isinstance(value, str) and len(value) == 36 and value[8] == value[13] == "-":
        try:
            raw = bytes.fromhex(value.replace("-", ""))
        except ValueError:
            raw = b""
        if len(raw) == 16 and value[18] == value[23] == "-":
            return raw
    return _uuid(value).bytes


def _storer(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[object], object]:
    """JSON value → the value SQLite stores, through the column type's own bind processor.

    Ids take a fast path (identical result), and times are memoised: a catalog imported in
    one go carries the same few timestamps on thousands of rows.
    """
    if isinstance(column_type, UUIDBytes):
        return _uuid_bytes
    read = _reader(column_type)
    bind = column_type.bind_processor(dialect)
    if bind is None:
        return read
    bound = bind

    def store(value: object) -> object:
        return bound(read(value))

    if isinstance(column_type, UTCDateTime):
        return lru_cache(maxsize=4096)(store)
    return store


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    store: Callable[[object], object]
    nullable: bool
    default: object  # what an insert takes when the record does not say; _NO_DEFAULT if none
    bind: Callable[[Any], Any] | None  # for defaults, which are Python values


class TableCodec:
    """How one replicated table's records become rows: which columns, read and bound how."""

    def __init__(self, replicated: ReplicatedTable, dialect: Dialect) -> None:
        self.replicated = replicated
        self.name = replicated.name
        self.table: Table = Base.metadata.tables[replicated.name]
        self.key_columns = replicated.key_columns
        self.columns: dict[str, _Column] = {}
        for column in self.table.columns:
            default: object = _NO_DEFAULT
            if column.default is not None and column.default.is_scalar:
                default = column.default.arg  # type: ignore[attr-defined]
            elif column.nullable:
                default = None
            self.columns[column.name] = _Column(
                name=column.name,
                store=_storer(column.type, dialect),
                nullable=bool(column.nullable),
                default=default,
                bind=column.type.bind_processor(dialect),
            )
        self._travels = [
            (column.name, column.store, column.nullable)
            for column in self.columns.values()
            if column.name not in replicated.local_only
        ]

    def row(self, data: dict[str, Any]) -> dict[str, object]:
        """The record's known, non-local columns, converted to stored values."""
        row: dict[str, object] = {}
        for name, store, nullable in self._travels:
            if name not in data:
                continue
            value = data[name]
            if value is None:
                if not nullable:
                    raise RowProblemError(f"it has no {name.replace('_', ' ')}")
                row[name] = None
                continue
            try:
                row[name] = store(value)
            except (TypeError, ValueError) as exc:
                raise RowProblemError(
                    f"its {name.replace('_', ' ')} is unreadable ({exc})"
                ) from exc
        missing = [name for name in self.key_columns if name not in row]
        if missing:
            raise RowProblemError(f"it has no {', '.join(missing)}")
        return row

    def key_of(self, row: dict[str, object]) -> tuple[object, ...]:
        return tuple(row[name] for name in self.key_columns)

    def travel_id(self, row: dict[str, object]) -> uuid.UUID:
        """The id this row travels under (`core.records.record_id`), from stored values."""
        key = {
            name: uuid.UUID(bytes=value) if isinstance(value, bytes) else value
            for name, value in zip(self.key_columns, self.key_of(row), strict=True)
        }
        return record_id(self.replicated, key)

    def upsert_sql(self, present: Sequence[str]) -> tuple[str, list[str]]:
        """The statement for rows holding exactly the columns `present`, and its columns."""
        inserted = list(present) + [
            name
            for name, column in self.columns.items()
            if name not in present and column.default is not _NO_DEFAULT
        ]
        updated = [name for name in present if name not in self.key_columns]
        names = ", ".join(f'"{name}"' for name in inserted)
        marks = ", ".join("?" for _ in inserted)
        keys = ", ".join(f'"{name}"' for name in self.key_columns)
        sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({marks}) ON CONFLICT ({keys}) '
        if not updated:
            return sql + "DO NOTHING", inserted
        sets = ", ".join(f'"{name}" = excluded."{name}"' for name in updated)
        changed = " OR ".join(
            f'"{self.name}"."{name}" IS NOT excluded."{name}"' for name in updated
        )
        return sql + f"DO UPDATE SET {sets} WHERE {changed}", inserted

    def required_missing(self, present: Sequence[str]) -> list[str]:
        """Columns an insert would need that these rows do not carry (an older server)."""
        return [
            name
            for name, column in self.columns.items()
            if name not in present and column.default is _NO_DEFAULT
        ]

    def insert_value(self, row: dict[str, object], name: str) -> object:
        if name in row:
            return row[name]
        default = self.columns[name].default
        bind = self.columns[name].bind
        return default if bind is None or default is None else bind(default)


@cache
def codec_for(replicated: ReplicatedTable, dialect: Dialect) -> TableCodec:
    """One codec per table and dialect, kept: its converters memoise across pages."""
    return TableCodec(replicated, dialect)


def upsert_rows(
    session: Session, codec: TableCodec, rows: Iterable[dict[str, object]]
) -> list[tuple[dict[str, object], str]]:
    """Write the rows; returns those refused by a constraint (e.g. a SKU another product has
    here) with the database's reason. Constraint checks other than foreign keys happen per
    statement, so one refused row is retried alone and the others still land."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    refused: list[tuple[dict[str, object], str]] = []
    connection = session.connection()
    for present, group in groups.items():
        missing = codec.required_missing(present)
        if missing:
            refused.extend(_update_only(session, codec, present, group, missing))
            continue
        sql, columns = codec.upsert_sql(present)
        # Rows of a group hold the same columns in the same order: what they carry, then the
        # defaults an insert needs for the rest.
        tail = tuple(codec.insert_value({}, name) for name in columns[len(present) :])
        values = [(*row.values(), *tail) for row in group]
        try:
            with session.begin_nested():
                connection.exec_driver_sql(sql, values)
            continue
        except IntegrityError:
            pass
        for row, one in zip(group, values, strict=True):
            try:
                with session.begin_nested():
                    connection.exec_driver_sql(sql, one)
            except IntegrityError as exc:
                refused.append((row, str(exc.orig)))
    return refused


def _update_only(
    session: Session,
    codec: TableCodec,
    present: Sequence[str],
    group: list[dict[str, object]],
    missing: list[str],
) -> list[tuple[dict[str, object], str]]:
    """Rows lacking a column an insert needs can only update a row that is here."""
    updated = [name for name in present if name not in codec.key_columns]
    keys = " AND ".join(f'"{name}" = ?' for name in codec.key_columns)
    sets = ", ".join(f'"{name}" = ?' for name in updated)
    connection = session.connection()
    refused: list[tuple[dict[str, object], str]] = []
    for row in group:
        if updated:
            values = (*(row[name] for name in updated), *codec.key_of(row))
            try:
                with session.begin_nested():
                    result = connection.exec_driver_sql(
                        f'UPDATE "{codec.name}" SET {sets} WHERE {keys}', values
                    )
            except IntegrityError as exc:
                refused.append((row, str(exc.orig)))
                continue
            if result.rowcount:
                continue
        refused.append((row, f"it is new here and has no {', '.join(missing)}"))
    return refused
