"""Pushing the outbox: oldest first, in batches, forgetting an event only once acknowledged.

Every `EventResult` in a reply acknowledges its event, so the acknowledged rows are deleted
in one local transaction with the issues recorded for rejected, quarantined and flagged
ones. Nothing else is deleted: if a reply is lost after the server committed, the same
events go again and come back `duplicate`. Deletes tolerate rows that are already gone,
since a second app instance on the same data folder may have pushed them too.

The SQLite write lock is never held across a network call: the batch is read, sent, and
the reply written in a fresh transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from core.clock import Clock
from db.models import DeviceCounter, OutboxEvent
from db.uow import UowFactory
from sync.client.errors import ServerProblemError
from sync.client.http import ServerApi, is_gap
from sync.client.state import record_issue
from sync.protocol import MAX_BATCH_EVENTS, EventStatus, PushResponse

__all__ = ["PushOutcome", "check_restored", "push_all"]

Reads = Callable[[], AbstractContextManager[Session]]

_ISSUE_STATUSES = {
    EventStatus.REJECTED: "rejected",
    EventStatus.QUARANTINED: "quarantined",
    EventStatus.FLAGGED: "flagged",
}
_DEFAULT_MESSAGES = {
    "rejected": "The sync server could not use this change; it was kept there for review.",
    "quarantined": "This change differs from one the server already has under the same number; "
    "it was kept for review and not counted.",
    "flagged": "The sync server took this change and marked it for review.",
}
_RAISE_COUNTER = text(
    "INSERT INTO device_counter (device_id, name, last_value) VALUES (:device, 'outbox', :value) "
    "ON CONFLICT (device_id, name) DO UPDATE SET last_value = max(last_value, excluded.last_value)"
)


@dataclass
class PushOutcome:
    pushed: int = 0  # events the server acknowledged
    problem: str | None = None  # why pushing stopped early, in plain words
    retry_after: float | None = None
    batches: list[int] = field(default_factory=list)  # sizes sent, for tests and logs


def push_all(
    reads: Reads,
    uow_factory: UowFactory,
    api: ServerApi,
    device_id: uuid.UUID,
    clock: Clock,
    *,
    batch_size: int = MAX_BATCH_EVENTS,
    outcome: PushOutcome | None = None,
) -> PushOutcome:
    """Push until the outbox is empty or the server says stop. Raises ServerProblemError
    when the server cannot be reached or refuses the push (other than a sequence gap);
    `outcome`, if given, counts what was acknowledged before that."""
    outcome = outcome or PushOutcome()
    while True:
        with reads() as session:
            rows = list(_oldest(session, device_id, batch_size))
        if not rows:
            return outcome
        events = [_event_body(row) for row in rows]
        try:
            response = api.push_events(events)
        except ServerProblemError as exc:
            if not is_gap(exc):
                raise
            outcome.problem = _record_gap(uow_factory, clock, exc, rows[0].sequence)
            return outcome
        outcome.batches.append(len(events))
        forgotten = _acknowledge(uow_factory, clock.now(), device_id, response, rows)
        outcome.pushed += len(forgotten)
        if response.retry_from is not None:
            outcome.problem = response.message or (
                "The sync server could not take every change just now; the rest will be "
                "sent again shortly."
            )
            outcome.retry_after = response.retry_after_seconds
            return outcome
        if not forgotten:
            outcome.problem = (
                "The sync server's reply acknowledged none of the changes sent; they stay "
                "here and will be sent again."
            )
            return outcome


def _oldest(session: Session, device_id: uuid.UUID, limit: int) -> Iterator[OutboxEvent]:
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.device_id == device_id)
        .order_by(OutboxEvent.sequence)
        .limit(limit)
    )
    yield from session.scalars(query)


@dataclass(frozen=True, slots=True)
class _StoredEvent:
    """An outbox row as the push body carries it; its payload is the stored JSON text."""

    row: OutboxEvent

    def json(self) -> bytes:
        row = self.row
        payload = row.payload
        try:
            readable = isinstance(json.loads(payload, parse_constant=_not_json), dict)
        except ValueError:
            readable = False
        if not readable:
            # Never drop it: the server records what it cannot read for a manager to see.
            payload = json.dumps({"unreadable_payload": row.payload})
        try:
            return _event_text(row, payload).encode()
        except UnicodeEncodeError:
            # A lone surrogate in the text: escaped, it is still JSON the server can read.
            escaped = json.dumps(json.loads(payload), ensure_ascii=True)
            return _event_text(row, escaped).encode()


def _event_text(row: OutboxEvent, payload: str) -> str:
    return (
        f'{{"id":"{row.id}","sequence":{row.sequence},'
        f'"schema_version":{row.schema_version},"type":{json.dumps(row.type)},'
        f'"payload":{payload},"device_time":"{_aware(row.device_time).isoformat()}"}}'
    )


def _not_json(constant: str) -> object:
    raise ValueError(f"{constant} is not JSON")


def _event_body(row: OutboxEvent) -> _StoredEvent:
    return _StoredEvent(row)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _acknowledge(
    uow_factory: UowFactory,
    now: datetime,
    device_id: uuid.UUID,
    response: PushResponse,
    rows: list[OutboxEvent],
) -> set[uuid.UUID]:
    sent = {row.id: row for row in rows}
    stop = response.retry_from
    acknowledged = [
        result
        for result in response.results
        if result.id in sent and (stop is None or result.sequence < stop)
    ]
    ids = {result.id for result in acknowledged}
    with uow_factory() as uow:
        session = uow.session
        for result in acknowledged:
            kind = _ISSUE_STATUSES.get(result.status)
            if kind is None:
                continue
            row = sent[result.id]
            record_issue(
                session,
                kind,
                result.message or _DEFAULT_MESSAGES[kind],
                now,
                event_id=row.id,
                sequence=row.sequence,
                event_type=row.type,
                payload=row.payload,
            )
        if ids:
            session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))
        check_restored(session, device_id, response.last_sequence, now)
        uow.commit()
    return ids


def check_restored(session: Session, device_id: uuid.UUID, server_last: int, now: datetime) -> bool:
    """True (and an issue recorded, the counter raised) when the server has accounted for
    more of this device's events than this register ever numbered: its data was restored
    from a backup or copied. New events then continue after the server's number, so they
    cannot collide; the ones already numbered come back quarantined, never counted twice.
    """
    local = session.scalar(
        select(DeviceCounter.last_value).where(
            DeviceCounter.device_id == device_id, DeviceCounter.name == "outbox"
        )
    )
    local_last = int(local or 0)
    if server_last <= local_last:
        return False
    session.execute(_RAISE_COUNTER, {"device": device_id.bytes, "value": server_last})
    record_issue(
        session,
        "restored",
        f"The sync server already has this register's changes up to number {server_last}, "
        f"but this register had numbered only {local_last}: it was probably restored from a "
        "backup or its data folder copied. Changes it made under numbers the server already "
        "had are kept on the server for review and not counted; new changes continue from "
        f"number {server_last + 1}. A manager should check the quarantined changes.",
        now,
        once=True,
    )
    return True


def _record_gap(
    uow_factory: UowFactory, clock: Clock, problem: ServerProblemError, oldest: int
) -> str:
    expected = problem.expected_sequence
    message = (
        f"The sync server expects change number {expected} from this register next, but the "
        f"oldest change waiting here is number {oldest}: changes {expected} to {oldest - 1} "
        "were lost on one side. This register's changes are not sent until a manager looks "
        "into it; it keeps selling meanwhile."
    )
    with uow_factory() as uow:
        record_issue(uow.session, "gap", message, clock.now(), sequence=expected, once=True)
        uow.commit()
    return message
