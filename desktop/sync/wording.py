"""What the sync state looks like in words: the status bar's short line and its tooltip, and
the names of the kinds of sync issue a manager sees.

Kept apart from the widgets so every state has one wording, shared by the status bar and the
sync screen, and checked without drawing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.clock import to_store_time
from sync.client import SyncStatus

Tone = Literal["muted", "ok", "warn"]

NOT_SET_UP = "Sync: not set up"

ISSUE_KINDS = {
    "rejected": "Rejected",
    "quarantined": "Quarantined",
    "flagged": "Flagged",
    "gap": "Events missing",
    "restored": "Restored from a backup",
    "error": "Error",
}


@dataclass(frozen=True, slots=True)
class StatusLine:
    text: str  # "Sync: offline since 10:40 · 12 waiting"
    tone: Tone
    detail: str  # every figure, one per line, for the tooltip


def clock_time(moment: datetime, timezone: str, now: datetime) -> str:
    """ "10:42" today, "3 Mar 10:42" on another day, in the store's time zone."""
    local, today = to_store_time(moment, timezone), to_store_time(now, timezone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def status_line(status: SyncStatus, timezone: str, now: datetime) -> StatusLine:
    """The status bar's line. Unpaired is muted (the demo store shows nothing alarming);
    offline, a failing sync and problems for a manager are warnings."""
    if not status.paired:
        return StatusLine(
            NOT_SET_UP,
            "muted",
            "This register is not paired with a sync server: it works on its own.\n"
            "A manager pairs it on the sync screen (Ctrl+0).",
        )
    # Problems first: the part a manager must act on is the last to be cut short.
    parts: list[str] = []
    tone: Tone = "ok"
    if status.issues:
        parts.append(plural(status.issues, "problem", "problems"))
        tone = "warn"
    if status.online is False:
        since = status.last_sync_at
        parts.append(f"offline since {clock_time(since, timezone, now)}" if since else "offline")
        tone = "warn"
    elif status.last_error:
        parts.append("not working")
        tone = "warn"
    elif status.online is None and status.last_sync_at is None:
        parts.append("starting")
    elif status.waiting == 0 and status.last_sync_at is not None and not status.issues:
        parts.append(f"up to date · {clock_time(status.last_sync_at, timezone, now)}")
    if status.waiting:
        parts.append(f"{status.waiting} waiting")
    if not parts:
        parts.append("up to date")
    return StatusLine("Sync: " + " · ".join(parts), tone, detail(status, timezone, now))


def connection(status: SyncStatus) -> str:
    """ "online", "offline" or "not tried yet", and ", syncing now" while a cycle runs."""
    states = {None: "not tried yet", True: "online", False: "offline"}
    state = states[status.online]
    return f"{state}, syncing now" if status.running else state


def detail(status: SyncStatus, timezone: str, now: datetime) -> str:
    last = status.last_sync_at
    lines = [
        f"Sync server: {status.server_url or 'none'}",
        f"Connection: {connection(status)}",
        f"Waiting to send: {status.waiting}",
        f"Last sync: {clock_time(last, timezone, now) if last else 'never'}",
    ]
    if status.last_error:
        lines.append(f"Last error: {status.last_error}")
    if status.issues:
        lines.append(f"Problems for a manager: {status.issues}")
    lines.append("Managers: click here or press Ctrl+0 for the sync screen.")
    return "\n".join(lines)


def issue_kind(kind: str) -> str:
    return ISSUE_KINDS.get(kind, kind.capitalize())
