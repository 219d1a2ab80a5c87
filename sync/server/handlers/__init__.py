"""What the server does with each pushed event type (`core.records` lists their payloads).

A handler works on the batch's in-memory picture (`known.Known`, through an `EventScope`)
and gathers rows (`writes.Writes`); `sync.server.push` flushes them once per batch. A handler
raises `PermanentEventError` (recorded, the queue moves on) or `TransientEventError` (the
batch stops there, the register retries), and flags what it applies but finds odd.
"""

from sync.server.handlers.dispatch import (
    Outcome,
    Prepared,
    Pusher,
    Stop,
    issue_row,
    prepare,
    rejected,
    run_events,
)
from sync.server.handlers.errors import PermanentEventError, TransientEventError
from sync.server.handlers.registry import Handler, handler_for

__all__ = [
    "Handler",
    "Outcome",
    "PermanentEventError",
    "Prepared",
    "Pusher",
    "Stop",
    "TransientEventError",
    "handler_for",
    "issue_row",
    "prepare",
    "rejected",
    "run_events",
]
