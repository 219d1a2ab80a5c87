"""Per-device sequences taken inside the caller's transaction: never reused, never skipped.

The counter row is advanced by the same transaction that writes the record taking the
number, so a crash before the commit leaves both undone and the number is taken again by
the next attempt; after the commit both are there.
"""

from __future__ import annotations

import uuid
from functools import cache

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

_NEXT = text(
    "INSERT INTO device_counter (device_id, name, last_value) VALUES (:device, :name, 1) "
    "ON CONFLICT (device_id, name) DO UPDATE SET last_value = last_value + 1 "
    "RETURNING last_value"
)


def next_value(session: Session, device_id: uuid.UUID, name: str) -> int:
    return int(session.execute(_NEXT, {"device": device_id.bytes, "name": name}).scalar_one())


@cache
def _advance(count: int) -> TextClause:
    values = ", ".join(f"(:device, :n{index}, 1)" for index in range(count))
    return text(
        f"INSERT INTO device_counter (device_id, name, last_value) VALUES {values} "
        "ON CONFLICT (device_id, name) DO UPDATE SET last_value = last_value + 1 "
        "RETURNING name, last_value"
    )


def next_values(session: Session, device_id: uuid.UUID, *names: str) -> tuple[int, ...]:
    """Several sequences advanced in one statement (a sale's receipt number, its outbox
    event and its journal entry), returned in the order asked."""
    params: dict[str, object] = {"device": device_id.bytes}
    params.update({f"n{index}": name for index, name in enumerate(names)})
    rows = {name: value for name, value in session.execute(_advance(len(names)), params)}
    return tuple(int(rows[name]) for name in names)
