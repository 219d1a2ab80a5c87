"""Stock from other registers: movements (deltas) added to the ledger and to stock levels.

A movement is inserted under its own id only if it is not here yet, and only an inserted
movement moves `stock_level`, so a page applied twice (a crash before the cursor was saved,
a pull repeated) never counts stock twice. `user_id` and `unit_id` stay empty: that user or
unit may not exist on this register, and the unit's status travels as its own record.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Dialect
from sqlalchemy.orm import Session

from core.records import MOVEMENT_FIELDS, ReplicatedTable
from db.models.inventory import MOVEMENT_KINDS
from sync.client.pull_rows import RowProblemError, codec_for
from sync.protocol import Change

__all__ = ["StockProblem", "apply_stock"]

_CHUNK = 500
_MOVEMENTS = ReplicatedTable("stock_movement")
_LEVEL = (
    "INSERT INTO stock_level (product_id, location_id, company_id, on_hand) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (product_id, location_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand"
)


@dataclass(frozen=True, slots=True)
class StockProblem:
    change: Change
    why: str


def apply_stock(
    session: Session, dialect: Dialect, company_id: uuid.UUID, changes: Sequence[Change]
) -> tuple[int, list[StockProblem]]:
    """Apply the movements; returns how many were new here and the ones refused."""
    codec = codec_for(_MOVEMENTS, dialect)
    company = company_id.bytes
    problems: list[StockProblem] = []
    rows: dict[bytes, tuple[Change, dict[str, object]]] = {}
    for change in changes:
        data = {
            name: value for name, value in (change.data or {}).items() if name in MOVEMENT_FIELDS
        }
        data["id"] = str(change.id)
        if data.get("location_id") is None and change.location_id is not None:
            data["location_id"] = str(change.location_id)
        data.update(company_id=str(company_id), user_id=None, unit_id=None)
        try:
            row = codec.row(data)
            _check(row)
        except RowProblemError as exc:
            problems.append(StockProblem(change, str(exc)))
            continue
        rows[change.id.bytes] = (change, row)
    if not rows:
        return 0, problems
    connection = session.connection()
    existing = _present(connection, "stock_movement", rows)
    products = _present(connection, "product", {r["product_id"] for _, r in rows.values()})
    locations = _present(connection, "location", {r["location_id"] for _, r in rows.values()})
    new: list[dict[str, object]] = []
    for key, (change, row) in rows.items():
        if key in existing:
            continue
        if row["product_id"] not in products:
            problems.append(StockProblem(change, "its product is not on this register"))
        elif row["location_id"] not in locations:
            problems.append(StockProblem(change, "its location is not on this register"))
        else:
            new.append(row)
    if not new:
        return 0, problems
    sql, columns = codec.upsert_sql(list(new[0]))
    connection.exec_driver_sql(
        sql, [tuple(codec.insert_value(row, name) for name in columns) for row in new]
    )
    levels: dict[tuple[object, object], int] = {}
    for row in new:
        quantity = row["quantity"]
        assert isinstance(quantity, int)
        level = (row["product_id"], row["location_id"])
        levels[level] = levels.get(level, 0) + quantity
    connection.exec_driver_sql(
        _LEVEL,
        [(product, location, company, delta) for (product, location), delta in levels.items()],
    )
    return len(new), problems


def _check(row: dict[str, object]) -> None:
    for name in ("product_id", "location_id", "kind", "quantity", "created_at"):
        if row.get(name) is None:
            raise RowProblemError(f"it has no {name.replace('_', ' ')}")
    if row["kind"] not in MOVEMENT_KINDS:
        raise RowProblemError(
            f"“{row['kind']}” is not a kind of stock movement this register knows"
        )
    if row["quantity"] == 0:
        raise RowProblemError("its quantity is zero")


def _present(connection: Connection, table: str, keys: Iterable[object]) -> set[object]:
    """Which of these ids (stored bytes) the table holds."""
    wanted = list(keys)
    found: set[object] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        result = connection.exec_driver_sql(
            f'SELECT id FROM "{table}" WHERE id IN ({marks})', tuple(chunk)
        )
        found.update(bytes(value) for (value,) in result)
    return found
