"""Reading the register's outbox in tests: events as the sync server would receive them.

`Watch` records the outbox before a block and, after it, the events the block added, and
checks what every outbox test relies on: sequences carry on with no gap from where they
were, the device counter stands at the last one, and each event is a valid
`sync.protocol.OutboxEventIn` (that is, the server would accept its envelope).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from core.services.outbox_values import key_of, shape_of_table, to_json
from db.models import DeviceCounter, OutboxEvent
from db.store import Store
from sync.protocol import OutboxEventIn


@dataclass(frozen=True, slots=True)
class Event:
    sequence: int
    type: str
    payload: dict[str, Any]
    device_id: uuid.UUID

    @property
    def table(self) -> str | None:
        return self.payload.get("table")

    @property
    def what(self) -> tuple[str, str | None, bool | None]:
        """(type, table, created): enough to name most events in an assertion."""
        return self.type, self.table, self.payload.get("created")


def outbox(store: Store) -> list[Event]:
    """Every event in the outbox, in sequence order, each checked against the protocol."""
    with store.read_sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.sequence)).all()
    events = []
    for row in rows:
        payload = json.loads(row.payload)
        OutboxEventIn(
            id=row.id,
            sequence=row.sequence,
            schema_version=row.schema_version,
            type=row.type,
            payload=payload,
            device_time=row.device_time,
        )
        assert row.schema_version == 2
        events.append(Event(row.sequence, row.type, payload, row.device_id))
    return events


def counter(store: Store) -> int:
    with store.read_sessions() as session:
        value = session.scalar(
            select(func.max(DeviceCounter.last_value)).where(DeviceCounter.name == "outbox")
        )
    return int(value or 0)


@dataclass
class Watch:
    """`with Watch(store) as new:` ... then `new.events` holds what the block added."""

    store: Store
    before: int = 0
    events: list[Event] = field(default_factory=list)

    def __enter__(self) -> Watch:
        self.before = counter(self.store)
        assert [e.sequence for e in outbox(self.store)] == list(range(1, self.before + 1))
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        everything = outbox(self.store)
        last = counter(self.store)
        assert [e.sequence for e in everything] == list(range(1, last + 1))
        self.events = [e for e in everything if e.sequence > self.before]

    @property
    def whats(self) -> list[tuple[str, str | None, bool | None]]:
        return [e.what for e in self.events]

    def records(self, table: str) -> list[dict[str, Any]]:
        return [e.payload for e in self.events if e.table == table]

    def movements(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for event in self.events:
            found += event.payload.get("movements", []) + event.payload.get("stock_movements", [])
        return found


def stored_values(store: Store, table: str, record_id: uuid.UUID) -> dict[str, Any]:
    """The row as it is in SQLite now, every replicated column, as JSON would carry it."""
    shape = shape_of_table(table)
    assert shape is not None
    with store.read_sessions() as session:
        rows = [
            dict(zip(shape.columns, row, strict=True))
            for row in session.execute(select(*(shape.table.c[c] for c in shape.columns)))
        ]
    [row] = [r for r in rows if key_of(shape, r) == record_id]
    loaded: dict[str, Any] = json.loads(to_json(row))
    return loaded
