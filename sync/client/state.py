"""This register's sync bookkeeping in SQLite: the `sync_state` row and `sync_issue` rows.

Functions on a session inside the caller's transaction, so a pulled page, its cursor and
the issues it raised commit together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ids import new_id
from db.models import OutboxEvent, SyncIssue, SyncState

__all__ = [
    "load_state",
    "open_issue_count",
    "record_issue",
    "state_row",
    "waiting_count",
]


def load_state(session: Session) -> SyncState | None:
    return session.get(SyncState, 1)


def state_row(session: Session) -> SyncState:
    """The single row, created empty on first use."""
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(slot=1, failures=0)
        session.add(state)
        session.flush()
    return state


def waiting_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(OutboxEvent)) or 0)


def open_issue_count(session: Session) -> int:
    query = select(func.count()).select_from(SyncIssue).where(SyncIssue.dismissed_at.is_(None))
    return int(session.scalar(query) or 0)


def record_issue(
    session: Session,
    kind: str,
    message: str,
    at: datetime,
    *,
    event_id: uuid.UUID | None = None,
    sequence: int | None = None,
    event_type: str = "",
    payload: Mapping[str, object] | str | None = None,
    once: bool = False,
) -> bool:
    """Add an issue for a manager; False when `once` and the same one is still open.

    `once` is for conditions found again on every cycle (a sequence gap, a restored
    backup): the manager sees them once, not every thirty seconds.
    """
    if once:
        existing = session.scalar(
            select(SyncIssue.id).where(
                SyncIssue.kind == kind,
                SyncIssue.message == message,
                SyncIssue.dismissed_at.is_(None),
            )
        )
        if existing is not None:
            return False
    text = payload if isinstance(payload, str) else _dump(payload)
    session.add(
        SyncIssue(
            id=new_id(),
            kind=kind,
            event_id=event_id,
            sequence=sequence,
            event_type=event_type,
            message=message,
            payload=text,
            created_at=at,
        )
    )
    return True


def _dump(payload: Mapping[str, object] | None) -> str:
    if not payload:
        return ""
    return json.dumps(payload, default=str, sort_keys=True, ensure_ascii=False)
