"""Replicated rows as the JSON an outbox event carries: which columns travel, and how.

`core.records` names the replicated tables; this module maps them onto the local models
once (columns in table order, local-only ones left out, the defaults a Core INSERT fills
in) so that the ORM capture, the bulk writers and the snapshot all build the same
`record.saved` payload for the same row. Values become plain JSON: a UUID as its string,
a time as ISO 8601 in UTC with its offset, a date as ISO, booleans, integers, text, null.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache

from sqlalchemy import Table

from core.records import REPLICATED, REPLICATED_TABLES, ReplicatedTable, record_id
from db.base import Base

# Column -> value as the model holds it (UUID, aware datetime, date, bool, int, str, None);
# made JSON only when the event is written (`to_json`), by the C encoder for speed.
Values = dict[str, object]


@dataclass(frozen=True, slots=True)
class TableShape:
    """A replicated table as the local schema has it."""

    replicated: ReplicatedTable
    table: Table
    # Position in `REPLICATED_TABLES`: events of one transaction go out in this order.
    order: int
    # Replicated column names, in the table's order (local-only columns are not here).
    columns: tuple[str, ...]
    # (ORM attribute key, column name) of the same columns, for reading an instance.
    attributes: tuple[tuple[str, str], ...]
    # What a Core INSERT writes for a column the row leaves out (its scalar default).
    defaults: Mapping[str, object]
    # (ORM attribute key, column name) of the key columns.
    key_attributes: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return self.replicated.name

    @property
    def keyed_by_id(self) -> bool:
        return self.replicated.key_columns == ("id",)


@cache
def shape_of_table(name: str) -> TableShape | None:
    """The shape of a replicated table; None for a table that stays on this machine."""
    replicated = REPLICATED.get(name)
    table = Base.metadata.tables.get(name)
    if replicated is None or table is None:
        return None
    mapper = next(m for m in Base.registry.mappers if m.local_table is table)
    attributes = tuple(
        (prop.key, prop.columns[0].name)
        for prop in mapper.column_attrs
        if prop.columns[0].table is table and prop.columns[0].name not in replicated.local_only
    )
    by_column = {column: key for key, column in attributes}
    columns = tuple(c.name for c in table.columns if c.name in by_column)
    defaults: dict[str, object] = {}
    for column in table.columns:
        if column.name not in by_column:
            continue
        if column.server_default is not None or (
            column.default is not None and not column.default.is_scalar
        ):
            # A value only the database or a function knows: the capture could not tell
            # what a bulk INSERT wrote, so such a column is refused here, at import time.
            raise TypeError(f"{name}.{column.name} has a default the outbox cannot reproduce")
        default = column.default
        defaults[column.name] = default.arg if default is not None else None  # type: ignore[attr-defined]
    order = next(i for i, t in enumerate(REPLICATED_TABLES) if t.name == name)
    ordered = tuple((by_column[c], c) for c in columns)
    keys = tuple((by_column[c], c) for c in replicated.key_columns)
    return TableShape(replicated, table, order, columns, ordered, defaults, keys)


_SHAPES_BY_CLASS: dict[type, TableShape | None] = {}


def shape_of_class(cls: type) -> TableShape | None:
    """The shape of a mapped class's table, cached per class (this runs on every flush).

    Only the register's own models (`db.base.Base`) count: a sync server sharing the process
    has tables of the same names that must never be captured.
    """
    try:
        return _SHAPES_BY_CLASS[cls]
    except KeyError:
        pass
    shape = None
    if issubclass(cls, Base):
        shape = shape_of_table(str(cls.__tablename__))
    _SHAPES_BY_CLASS[cls] = shape
    return shape


def json_default(value: object) -> str:
    """For `json.dumps`: the values JSON has no type for. Anything else is a programming
    error (a record's columns hold nothing else)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: times travel in UTC with their offset")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} cannot travel in an outbox event")


# A batch of rows repeats the same company id and the same times in every row: converting
# each once makes a bulk import's events about twice as fast to encode.
_encoder = json.JSONEncoder(
    default=lru_cache(maxsize=4096)(json_default),
    sort_keys=True,
    ensure_ascii=False,
    separators=(",", ":"),
)


def to_json(payload: Mapping[str, object]) -> str:
    """An event's payload as the outbox stores it: sorted keys, no padding, UTF-8 as is."""
    return _encoder.encode(payload)


def key_of(shape: TableShape, row: Mapping[str, object]) -> uuid.UUID:
    """The id the row travels under (see `core.records.record_id`)."""
    if shape.keyed_by_id:
        found = row["id"]
        if isinstance(found, uuid.UUID):
            return found
    return record_id(shape.replicated, {c: row[c] for c in shape.replicated.key_columns})


def full_values(shape: TableShape, row: Mapping[str, object]) -> Values:
    """Every replicated column of a row given as column -> value; absent ones get their
    default, as the INSERT that wrote the row did."""
    defaults = shape.defaults
    return {c: row[c] if c in row else defaults[c] for c in shape.columns}


def saved_payload(
    shape: TableShape, key: uuid.UUID, created: bool, values: Values, base: Values
) -> dict[str, object]:
    return {
        "table": shape.name,
        "id": str(key),
        "created": created,
        "values": values,
        "base": base,
    }


def deleted_payload(shape: TableShape, key: uuid.UUID) -> dict[str, object]:
    return {"table": shape.name, "id": str(key)}
