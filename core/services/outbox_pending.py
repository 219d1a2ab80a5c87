"""What one local transaction will write to the outbox, kept in `session.info` until commit.

Three lists, appended to while the transaction runs: row changes (from the ORM capture and
the bulk writers), domain events (`outbox.emit`) and stock movements (`stock_ledger`).
Nothing is numbered or written until the commit (`outbox_write`), so a rollback simply
drops the lists and no sequence number is ever used by a transaction that did not commit.

A savepoint remembers how long each list was when it began; rolling it back cuts the lists
back to that, so an import batch refused by the database leaves no events behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session, SessionTransaction

from core.services.outbox_values import TableShape, Values

# Set by the sync client while it applies pulled changes: nothing is captured then, since
# what the server sent must not be sent back to it.
SYNC_APPLY = "lunarfront.sync_apply"
_PENDING = "lunarfront.outbox.pending"
_MARKS = "lunarfront.outbox.marks"


class Op(Enum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"


@dataclass(slots=True)
class RowChange:
    """One row's change as one flush or bulk statement saw it (merged per row at commit)."""

    shape: TableShape
    key: uuid.UUID
    op: Op
    values: Values = field(default_factory=dict)
    base: Values = field(default_factory=dict)


@dataclass(slots=True)
class DomainEvent:
    id: uuid.UUID
    device_id: uuid.UUID
    type: str
    payload: dict[str, object]
    at: datetime
    sequence: int | None


@dataclass(slots=True)
class Pending:
    changes: list[RowChange] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    movements: list[Mapping[str, object]] = field(default_factory=list)
    # Earlier values of columns a flush is about to change whose old value the session
    # never loaded (an expired attribute), read from the database just before the flush.
    base_hints: dict[tuple[str, uuid.UUID], Values] = field(default_factory=dict)

    def mark(self) -> tuple[int, int, int]:
        return len(self.changes), len(self.events), len(self.movements)

    def cut_to(self, mark: tuple[int, int, int]) -> None:
        changes, events, movements = mark
        del self.changes[changes:]
        del self.events[events:]
        del self.movements[movements:]
        self.base_hints.clear()

    def __bool__(self) -> bool:
        return bool(self.changes or self.events or self.movements)


def applying_pulled(session: Session) -> bool:
    return bool(session.info.get(SYNC_APPLY))


def pending_of(session: Session) -> Pending:
    found = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = Pending()
    assert isinstance(found, Pending)
    return found


def existing(session: Session) -> Pending | None:
    found = session.info.get(_PENDING)
    return found if isinstance(found, Pending) else None


def forget(session: Session) -> None:
    """Drop everything pending (the transaction ended: written, or rolled back)."""
    session.info.pop(_PENDING, None)
    session.info.pop(_MARKS, None)


def note_movements(session: Session, rows: Iterable[Mapping[str, object]]) -> None:
    """Stock movements this transaction wrote; they travel with its sale, or on their own."""
    if applying_pulled(session):
        return
    pending_of(session).movements.extend(rows)


def savepoint_began(session: Session, transaction: SessionTransaction) -> None:
    found = existing(session)
    marks = session.info.setdefault(_MARKS, {})
    marks[transaction] = found.mark() if found is not None else (0, 0, 0)


def savepoint_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    """Cut the lists back to where they were when the savepoint began. (A savepoint that
    was released keeps its mark until the transaction ends: SQLAlchemy reports the end of a
    savepoint before saying whether it rolled back, so marks are not dropped at its end.)"""
    marks = session.info.get(_MARKS)
    mark = marks.pop(transaction, None) if marks else None
    found = existing(session)
    if mark is not None and found is not None:
        found.cut_to(mark)
