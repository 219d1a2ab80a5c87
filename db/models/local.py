"""Facts about this machine only; never synced."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class DeviceIdentity(Base):
    """Which device of which location this machine is. One row at most."""

    __tablename__ = "device_identity"
    __table_args__ = (CheckConstraint("slot = 1", name="single_row"),)

    slot: Mapped[int] = mapped_column(primary_key=True, default=1)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))


class LocalSetting(Base):
    """A per-machine preference such as the theme; values are JSON text."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
