"""Which company, location and device this machine is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Company, Device, DeviceIdentity, Location


@dataclass(frozen=True, slots=True)
class ThisDevice:
    company_id: uuid.UUID
    company_name: str
    currency: str
    location_id: uuid.UUID
    location_name: str
    timezone: str
    device_id: uuid.UUID
    device_name: str
    device_prefix: str


def load_this_device(session: Session) -> ThisDevice | None:
    """None until the store has been set up on this machine."""
    row = session.execute(
        select(Company, Location, Device)
        .join(DeviceIdentity, DeviceIdentity.company_id == Company.id)
        .join(Location, Location.id == DeviceIdentity.location_id)
        .join(Device, Device.id == DeviceIdentity.device_id)
    ).first()
    if row is None:
        return None
    company, location, device = row
    return ThisDevice(
        company_id=company.id,
        company_name=company.name,
        currency=company.currency,
        location_id=location.id,
        location_name=location.name,
        timezone=location.timezone,
        device_id=device.id,
        device_name=device.name,
        device_prefix=device.prefix,
    )
