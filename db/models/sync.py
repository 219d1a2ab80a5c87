"""This register's side of sync with the server: where it stands, and what a manager must see.

Never synced: these rows describe this machine's conversation with the server. The device
token is not here; it lives in the operating system's keyring.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin

ISSUE_KINDS = ("rejected", "quarantined", "flagged", "gap", "restored", "error")


class SyncState(Base):
    """One row at most (`slot` = 1), written by the sync engine only.

    `pull_cursor` is stored in the same transaction as the pulled page it follows, so a
    register killed half-way through a large first download resumes from the last page it
    applied. `next_attempt_at` is when the background runner may try again after failures.
    """

    __tablename__ = "sync_state"
    __table_args__ = (
        CheckConstraint("slot = 1", name="single_row"),
        CheckConstraint("failures >= 0", name="failures"),
    )

    slot: Mapped[int] = mapped_column(primary_key=True, default=1)
    server_url: Mapped[str | None] = mapped_column(String(500))
    # A custom certificate authority for the server's TLS certificate (a file path).
    ca_file: Mapped[str | None] = mapped_column(Text)
    pull_cursor: Mapped[str | None] = mapped_column(Text)
    paired_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_sync_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # None until the server has been tried; then whether it answered.
    online: Mapped[bool | None]


class SyncIssue(IdMixin, Base):
    """An event or a pulled change a manager should look at; dismissed, never deleted."""

    __tablename__ = "sync_issue"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('rejected', 'quarantined', 'flagged', 'gap', 'restored', 'error')",
            name="kind",
        ),
        Index("ix_sync_issue_open", "dismissed_at", "created_at"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None]
    sequence: Mapped[int | None]
    event_type: Mapped[str] = mapped_column(String(60), default="")
    message: Mapped[str] = mapped_column(Text)
    # The event's payload (JSON) when there is one, so nothing reviewed is lost.
    payload: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    dismissed_at: Mapped[datetime | None]
    dismissed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
