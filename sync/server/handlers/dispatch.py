"""Running a run of consecutive events through their handlers and writing the result.

`run_events` reads what the events need once, applies each in order on the in-memory
picture, and flushes all their rows together. An event that fails for good is recorded as
rejected (its own changes are discarded, the others stand); one that fails for now stops the
run there. `sync.server.push` calls it for a whole batch inside one savepoint, and, if the
database refuses that, again one event per savepoint to find the event at fault.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.protocol import EventStatus, OutboxEventIn
from sync.server.handlers.errors import (
    RETRY_AFTER_SECONDS,
    PermanentEventError,
    TransientEventError,
)
from sync.server.handlers.known import Wanted, load_known
from sync.server.handlers.payload import canonical, payload_hash, storable_payload
from sync.server.handlers.registry import handler_for
from sync.server.handlers.scope import EventScope
from sync.server.handlers.writes import Writes, flush

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pusher:
    """The authenticated device, and the company and store every write is scoped by."""

    device_id: uuid.UUID
    company_id: uuid.UUID
    location_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Prepared:
    event: OutboxEventIn
    hash: str  # SHA-256 of the canonical JSON of (type, schema_version, payload)
    payload: dict[str, Any]  # safe to store as jsonb


def prepare(event: OutboxEventIn) -> Prepared:
    text = canonical(event.type, event.schema_version, event.payload)
    return Prepared(event, payload_hash(text), storable_payload(event.payload, text))


@dataclass(slots=True)
class Outcome:
    prepared: Prepared
    status: EventStatus
    message: str = ""
    writes: Writes = field(default_factory=Writes)


@dataclass(frozen=True, slots=True)
class Stop:
    """The run stopped at `sequence`: it and what follows were not acknowledged."""

    sequence: int
    message: str
    retry_after_seconds: int = RETRY_AFTER_SECONDS


def run_events(
    session: Session, pusher: Pusher, events: list[Prepared], now: datetime
) -> tuple[list[Outcome], Stop | None]:
    wanted = Wanted()
    for prepared in events:
        handler = handler_for(prepared.event.type)
        if handler is not None:
            handler.wants(prepared.event, prepared.payload, wanted)
    known = load_known(session, pusher.company_id, pusher.device_id, pusher.location_id, wanted)
    writes = Writes()
    outcomes = []
    stop = None
    for prepared in events:
        scope = EventScope(known, prepared.event, prepared.payload, now)
        result = _apply(scope, pusher, prepared)
        if isinstance(result, Stop):
            stop = result
            break
        writes.extend(result.writes)
        outcomes.append(result)
    flush(session, writes, pusher.company_id, pusher.device_id, now)
    return outcomes, stop


def _apply(scope: EventScope, pusher: Pusher, prepared: Prepared) -> Outcome | Stop:
    event = prepared.event
    handler = handler_for(event.type)
    try:
        if handler is None:
            raise PermanentEventError(f"The server does not know events of type {event.type}.")
        handler.apply(scope)
    except PermanentEventError as error:
        return rejected(pusher, prepared, error.message)
    except TransientEventError as error:
        return Stop(event.sequence, error.message, error.retry_after_seconds)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        # A payload shaped in a way no handler expected: kept for review, never a 500 that
        # would stop this register's queue for good.
        log.warning("event %s could not be read", event.id, exc_info=True)
        return rejected(pusher, prepared, f"The event could not be read ({type(error).__name__}).")
    writes = scope.absorb()
    status = EventStatus.FLAGGED if scope.flags else EventStatus.APPLIED
    message = " ".join(scope.flags)
    writes.applied.append(applied_row(pusher, prepared, status))
    if status is EventStatus.FLAGGED:
        writes.issues.append(issue_row(pusher, prepared, status, message))
    return Outcome(prepared, status, message, writes)


def rejected(pusher: Pusher, prepared: Prepared, message: str) -> Outcome:
    writes = Writes()
    writes.applied.append(applied_row(pusher, prepared, EventStatus.REJECTED))
    writes.issues.append(issue_row(pusher, prepared, EventStatus.REJECTED, message))
    return Outcome(prepared, EventStatus.REJECTED, message, writes)


def applied_row(pusher: Pusher, prepared: Prepared, status: EventStatus) -> dict[str, Any]:
    event = prepared.event
    return {
        "id": event.id,
        "company_id": pusher.company_id,
        "device_id": pusher.device_id,
        "sequence": event.sequence,
        "type": event.type,
        "schema_version": event.schema_version,
        "payload_hash": prepared.hash,
        "status": status.value,
        "device_time": event.device_time,
    }


def issue_row(
    pusher: Pusher, prepared: Prepared, status: EventStatus, message: str
) -> dict[str, Any]:
    event = prepared.event
    return {
        "id": uuid.uuid4(),
        "company_id": pusher.company_id,
        "device_id": pusher.device_id,
        "event_id": event.id,
        "sequence": event.sequence,
        "type": event.type,
        "status": status.value,
        "message": message,
        "payload": prepared.payload,
    }
