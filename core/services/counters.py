"""Per-device sequences taken inside the caller's transaction: never reused, never skipped.

The counter row is advanced by the same transaction that writes the record taking the
number, so a crash before the commit leaves both undone and the number is taken again by
the next attempt; after the commit both are there.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

_NEXT = text(
    "INSERT INTO device_counter (device_id, name, last_value) VALUES (:device, :name, 1) "
    "ON CONFLICT (device_id, name) DO UPDATE SET last_value = last_value + 1 "
    "RETURNING last_value"
)


def next_value(session: Session, device_id: uuid.UUID, name: str) -> int:
    return int(session.execute(_NEXT, {"device": device_id.bytes, "name": name}).scalar_one())


_NEXT_TWO = text(
    "INSERT INTO device_counter (device_id, name, last_value) "
    "VALUES (:device, :first, 1), (:device, :second, 1) "
    "ON CONFLICT (device_id, name) DO UPDATE SET last_value = last_value + 1 "
    "RETURNING name, last_value"
)


def next_values(session: Session, device_id: uuid.UUID, first: str, second: str) -> tuple[int, int]:
    """Two sequences advanced in one statement (a sale's receipt number and outbox event)."""
    params = {"device": device_id.bytes, "first": first, "second": second}
    rows = {name: value for name, value in session.execute(_NEXT_TWO, params)}
    return int(rows[first]), int(rows[second])
