"""Applying a device's pushed events exactly once, in one PostgreSQL transaction per batch.

Exactly once rests on two facts kept in the same transaction as the changes themselves: the
device's `last_sequence` (locked `FOR UPDATE` for the whole batch, so two app instances or
two server processes pushing for one device take turns) and one `applied_event` row per
accounted sequence, with the event's id and a hash of its content. Then, for each event in
sequence order:

- at or below `last_sequence`: the same id and content as recorded is a duplicate (nothing
  is done again); anything else is quarantined — the register was restored from a backup or
  runs twice — kept for review, never applied, never counted twice;
- `last_sequence + 1`: applied. A permanent failure is recorded as rejected and the sequence
  moves on (one bad event never blocks the queue); a transient one (a lock held too long, a
  deadlock, an event schema newer than this server) stops the batch there: the events after
  it are not acknowledged and the register sends them again later;
- beyond: a gap. First in the batch it is refused (`SequenceGap`, HTTP 409 with the
  sequence expected); later in the batch the batch stops there.

Speed: the handlers work on one read of what the batch needs and the rows are written with
one multi-row statement per table, all in one savepoint. Should the database refuse that
savepoint (a lock timeout, a row it will not take), it is rolled back and the events are
applied again one savepoint each, so that exactly the event at fault is rejected or held.
The caller commits; nothing here does.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.records import SCHEMA_VERSION
from sync.protocol import EventResult, EventStatus, PushRequest, PushResponse
from sync.server.errors import SequenceGap
from sync.server.handlers import (
    Outcome,
    Prepared,
    Pusher,
    Stop,
    issue_row,
    prepare,
    rejected,
    run_events,
)
from sync.server.handlers.rows import insert_rows, table_of
from sync.server.handlers.writes import Writes, flush
from sync.server.models import AppliedEvent, Device, EventIssue

log = logging.getLogger(__name__)
_ISSUES = table_of(EventIssue)

# A register on a newer event schema waits for the server to be updated: not every 5 s.
NEWER_SCHEMA_RETRY_SECONDS = 300
# The database said "not now" (lock timeout, deadlock, serialization failure, statement
# timeout): the event is held back and retried, never rejected.
_TRANSIENT = (
    pg_errors.LockNotAvailable,
    pg_errors.DeadlockDetected,
    pg_errors.SerializationFailure,
    pg_errors.QueryCanceled,
)


def apply_push(
    session: Session, device: Device, request: PushRequest, now: datetime | None = None
) -> PushResponse:
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    session.flush()
    locked = session.get(Device, device.id, with_for_update=True, populate_existing=True)
    if locked is None:  # the route authenticated it in this transaction: cannot happen
        raise LookupError(f"device {device.id} is gone")
    pusher = Pusher(locked.id, locked.company_id, locked.location_id)
    last = locked.last_sequence
    events = [prepare(e) for e in sorted(request.events, key=lambda e: e.sequence)]
    steps, held = _plan(session, pusher, events, last)
    outcomes, stop = _apply(session, pusher, [s.prepared for s in steps if s.apply], now)
    stop = stop or held
    results, issues, new_last = _account(pusher, steps, outcomes, stop, last)
    if issues:
        insert_rows(session, _ISSUES, issues)
    if new_last != last:
        locked.last_sequence = new_last
        session.flush()
    log.info(
        "push applied",
        extra={
            "device_id": str(pusher.device_id),
            "events": len(request.events),
            "last_sequence": new_last,
            "retry_from": None if stop is None else stop.sequence,
            "apply_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return PushResponse(
        results=results,
        last_sequence=new_last,
        retry_from=None if stop is None else stop.sequence,
        retry_after_seconds=None if stop is None else stop.retry_after_seconds,
        message="" if stop is None else stop.message,
    )


# -- what to do with each event ------------------------------------------------------------


@dataclass(slots=True)
class _Step:
    prepared: Prepared
    apply: bool = False
    status: EventStatus | None = None  # duplicate or quarantined, decided here
    message: str = ""
    new_issue: bool = False  # a quarantine not already on record


@dataclass(slots=True)
class _History:
    """What the server already accounted for under the batch's sequences and ids."""

    by_sequence: dict[int, tuple[uuid.UUID, str]] = field(default_factory=dict)
    by_id: dict[uuid.UUID, tuple[uuid.UUID, int]] = field(default_factory=dict)
    quarantined: set[tuple[int, uuid.UUID]] = field(default_factory=set)


def _history(session: Session, pusher: Pusher, events: list[Prepared], last: int) -> _History:
    history = _History()
    old = sorted({p.event.sequence for p in events if p.event.sequence <= last})
    if old:
        rows = session.execute(
            select(AppliedEvent.sequence, AppliedEvent.id, AppliedEvent.payload_hash).where(
                AppliedEvent.device_id == pusher.device_id, AppliedEvent.sequence.in_(old)
            )
        )
        history.by_sequence = {r.sequence: (r.id, r.payload_hash) for r in rows}
        issues = session.execute(
            select(EventIssue.sequence, EventIssue.event_id).where(
                EventIssue.device_id == pusher.device_id,
                EventIssue.status == EventStatus.QUARANTINED.value,
                EventIssue.sequence.in_(old),
            )
        )
        history.quarantined = {(r.sequence, r.event_id) for r in issues}
    rows = session.execute(
        select(AppliedEvent.id, AppliedEvent.device_id, AppliedEvent.sequence).where(
            AppliedEvent.id.in_([p.event.id for p in events if p.event.sequence > last])
        )
    )
    history.by_id = {r.id: (r.device_id, r.sequence) for r in rows}
    return history


def _plan(
    session: Session, pusher: Pusher, events: list[Prepared], last: int
) -> tuple[list[_Step], Stop | None]:
    """Sort the batch into duplicates, quarantines and events to apply, up to any stop."""
    history = _history(session, pusher, events, last)
    expected = last + 1
    seen: dict[int, tuple[uuid.UUID, str] | None] = {}  # None: quarantined in this batch
    seen_ids: set[uuid.UUID] = set()
    steps: list[_Step] = []
    for position, prepared in enumerate(events):
        event = prepared.event
        sequence = event.sequence
        if sequence < expected:
            steps.append(_earlier(prepared, seen, history))
            continue
        if sequence > expected:
            if position == 0:
                raise SequenceGap(expected)
            return steps, Stop(sequence, f"Changes {expected} to {sequence - 1} are missing.")
        if event.schema_version > SCHEMA_VERSION:
            return steps, Stop(
                sequence,
                "This register is newer than the sync server (event schema "
                f"{event.schema_version}, the server knows {SCHEMA_VERSION}); "
                "update the server. Nothing is lost: the register keeps its changes.",
                NEWER_SCHEMA_RETRY_SECONDS,
            )
        expected += 1
        if event.id in history.by_id or event.id in seen_ids:
            seen[sequence] = None
            history.quarantined.add((sequence, event.id))
            steps.append(
                _Step(
                    prepared,
                    status=EventStatus.QUARANTINED,
                    new_issue=True,
                    message=f"Event {sequence} of this register reuses the id of another "
                    "event already received. It was kept for review and not applied.",
                )
            )
            continue
        seen[sequence] = (event.id, prepared.hash)
        seen_ids.add(event.id)
        steps.append(_Step(prepared, apply=True))
    return steps, None


def _earlier(
    prepared: Prepared, seen: dict[int, tuple[uuid.UUID, str] | None], history: _History
) -> _Step:
    """An event at or below the last accounted sequence: a duplicate or a quarantine."""
    event = prepared.event
    if event.sequence in seen:
        before = seen[event.sequence]
    else:
        before = history.by_sequence.get(event.sequence)
    if before == (event.id, prepared.hash):
        return _Step(prepared, status=EventStatus.DUPLICATE, message="Already received.")
    key = (event.sequence, event.id)
    new_issue = key not in history.quarantined
    history.quarantined.add(key)
    return _Step(
        prepared,
        status=EventStatus.QUARANTINED,
        new_issue=new_issue,
        message=f"Event {event.sequence} of this register differs from the one already "
        "received under the same number: the register may have been restored from a backup "
        "or be running twice. It was kept for review and not applied.",
    )


# -- applying ------------------------------------------------------------------------------


def _apply(
    session: Session, pusher: Pusher, events: list[Prepared], now: datetime
) -> tuple[list[Outcome], Stop | None]:
    if not events:
        return [], None
    try:
        with session.begin_nested():
            return run_events(session, pusher, events, now)
    except sa_exc.DBAPIError as error:
        if not _recoverable(error):
            raise
        log.info("batch refused by the database (%s); applying one event at a time", error.orig)
    outcomes: list[Outcome] = []
    for prepared in events:
        try:
            with session.begin_nested():
                done, stop = run_events(session, pusher, [prepared], now)
        except sa_exc.DBAPIError as error:
            if isinstance(error.orig, _TRANSIENT):
                return outcomes, Stop(
                    prepared.event.sequence,
                    f"The sync server is busy; change {prepared.event.sequence} "
                    "will be sent again shortly.",
                )
            if not _recoverable(error):
                raise
            log.warning("event %s refused by the database", prepared.event.id, exc_info=True)
            done = [_refused(session, pusher, prepared, now, error)]
            stop = None
        outcomes.extend(done)
        if stop is not None:
            return outcomes, stop
    return outcomes, None


def _recoverable(error: sa_exc.DBAPIError) -> bool:
    """A refusal that concerns the events (not a lost connection): try one at a time."""
    if error.connection_invalidated:
        return False
    return isinstance(error.orig, _TRANSIENT) or isinstance(
        error, sa_exc.IntegrityError | sa_exc.DataError
    )


def _refused(
    session: Session, pusher: Pusher, prepared: Prepared, now: datetime, error: Exception
) -> Outcome:
    outcome = rejected(
        pusher,
        prepared,
        "The sync server could not store this event; it was kept for review "
        f"({type(getattr(error, 'orig', error)).__name__}).",
    )
    with session.begin_nested():
        flush(session, outcome.writes, pusher.company_id, pusher.device_id, now)
    outcome.writes = Writes()
    return outcome


# -- the reply -----------------------------------------------------------------------------


def _account(
    pusher: Pusher, steps: list[_Step], outcomes: list[Outcome], stop: Stop | None, last: int
) -> tuple[list[EventResult], list[dict[str, Any]], int]:
    """Results in sequence order up to the stop, quarantine rows, the new last sequence."""
    applied = iter(outcomes)
    results: list[EventResult] = []
    issues: list[dict[str, Any]] = []
    new_last = last
    for step in steps:
        event = step.prepared.event
        if stop is not None and event.sequence >= stop.sequence:
            break
        if step.apply:
            outcome = next(applied)
            status, message = outcome.status, outcome.message
        else:
            assert step.status is not None
            status, message = step.status, step.message
            if step.new_issue:
                issues.append(issue_row(pusher, step.prepared, status, message))
        if step.apply or (step.new_issue and event.sequence > last):
            new_last = max(new_last, event.sequence)
        results.append(
            EventResult(id=event.id, sequence=event.sequence, status=status, message=message)
        )
    return results, issues, new_last
