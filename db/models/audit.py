"""The immutable audit log and per-user permission overrides."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    """Who did what, when, with before and after (JSON). Never updated or deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_company_created", "company_id", "created_at"),
        Index("ix_audit_log_entity", "entity_type", "entity_id"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    # The manager whose PIN approved an action the user could not do alone.
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]


class UserPermission(IdMixin, Base):
    """A grant or a denial for one user that overrides the role's default."""

    __tablename__ = "user_permission"
    __table_args__ = (UniqueConstraint("user_id", "permission"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"), index=True)
    permission: Mapped[str] = mapped_column(String(40))
    allowed: Mapped[bool]
