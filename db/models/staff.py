"""People who log in. Only argon2 hashes of passwords and PINs are ever stored."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, LegacyMixin, SoftDeleteMixin, TimestampMixin

ROLES = ("admin", "manager", "staff", "technician", "instructor")


class User(IdMixin, TimestampMixin, LegacyMixin, SoftDeleteMixin, Base):
    __tablename__ = "app_user"
    __table_args__ = (
        # username_key is the case-folded name, so "Sam" and "sam" cannot both exist.
        UniqueConstraint("company_id", "username_key"),
        CheckConstraint(
            "role IN ('admin', 'manager', 'staff', 'technician', 'instructor')", name="role"
        ),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    home_location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("location.id"))
    username: Mapped[str] = mapped_column(String(60))
    username_key: Mapped[str] = mapped_column(String(60))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
