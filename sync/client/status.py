"""What the sync engine tells the app: plain frozen data, safe to hand to the GUI thread."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

__all__ = ["SyncIssueRow", "SyncReport", "SyncStatus"]


@dataclass(frozen=True)
class SyncStatus:
    paired: bool
    server_url: str | None
    online: bool | None  # None: the server has not been tried yet
    waiting: int  # outbox events not yet acknowledged by the server
    last_sync_at: datetime | None  # the last cycle that pushed and pulled without error
    last_error: str | None  # plain words; None when the last cycle succeeded
    issues: int  # open (not dismissed) sync issues
    running: bool  # a cycle is in progress


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    status: SyncStatus


@dataclass(frozen=True)
class SyncIssueRow:
    id: uuid.UUID
    kind: str  # rejected | quarantined | flagged | gap | restored | error
    event_type: str
    sequence: int | None
    message: str
    created_at: datetime
    dismissed: bool
