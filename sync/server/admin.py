"""What an administrator does on the server (through `lunarfront-server`, and in tests):
create companies and stores, list and revoke devices.

Functions on a Session that never commit (the caller's transaction decides). Creating a
company, location or device also writes its replicated record, so registers pull it.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.errors import InvalidRequest, NotFound
from sync.server.models import Company, Device, Location
from sync.server.records import put_record

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def create_company(
    session: Session,
    name: str,
    currency: str,
    id: uuid.UUID | None = None,  # a register set up offline brings its own
    *,
    now: datetime | None = None,
) -> Company:
    name = _text(name, "A company's name", 200)
    currency = currency.strip().upper()
    if not _CURRENCY.match(currency):
        raise InvalidRequest(f"{currency!r} is not a currency code; use three letters like USD")
    company_id = id or uuid.uuid4()
    if session.get(Company, company_id) is not None:
        raise InvalidRequest(f"A company with id {company_id} is on the sync server already")
    when = now or datetime.now(UTC)
    company = Company(id=company_id, name=name, currency=currency, created_at=when)
    session.add(company)
    session.flush()
    put_record(session, company.id, "company", company.id, company_record(company, when))
    return company


def create_location(
    session: Session,
    company_id: uuid.UUID,
    code: str,
    name: str,
    timezone: str,
    id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> Location:
    code = _text(code, "A store's code", 20)
    name = _text(name, "A store's name", 200)
    timezone = _text(timezone, "A store's time zone", 64)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest(
            f"{timezone!r} is not a time zone; use a name like America/New_York"
        ) from None
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"There is no company {company_id} on the sync server")
    location_id = id or uuid.uuid4()
    if session.get(Location, location_id) is not None:
        raise InvalidRequest(f"A store with id {location_id} is on the sync server already")
    taken = session.scalars(
        select(Location.id).where(Location.company_id == company_id, Location.code == code)
    ).first()
    if taken is not None:
        raise InvalidRequest(f"{company.name} already has a store with the code {code}")
    when = now or datetime.now(UTC)
    location = Location(
        id=location_id,
        company_id=company_id,
        code=code,
        name=name,
        timezone=timezone,
        created_at=when,
    )
    session.add(location)
    session.flush()
    put_record(session, company_id, "location", location.id, location_record(location, when))
    return location


def close_company(session: Session, company_id: uuid.UUID, *, now: datetime | None = None) -> None:
    """A closed company's devices are refused like revoked ones; nothing is deleted."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"There is no company {company_id} on the sync server")
    company.closed_at = now or datetime.now(UTC)
    session.flush()


def revoke_device(session: Session, device_id: uuid.UUID, *, now: datetime | None = None) -> Device:
    """The device's token stops working at once; it can be paired again with a new code."""
    device = session.get(Device, device_id, with_for_update=True)
    if device is None:
        raise NotFound(f"There is no device {device_id} on the sync server")
    device.revoked_at = now or datetime.now(UTC)
    device.token_hash = None
    session.flush()
    return device


def list_devices(session: Session, company_id: uuid.UUID | None = None) -> list[Device]:
    query = select(Device).order_by(Device.company_id, Device.location_id, Device.name)
    if company_id is not None:
        query = query.where(Device.company_id == company_id)
    return list(session.scalars(query))


def company_record(company: Company, updated_at: datetime) -> dict[str, Any]:
    """The company as the register's `company` table holds it (`db.models.org`)."""
    return {
        "id": company.id,
        "name": company.name,
        "currency": company.currency,
        "created_at": company.created_at,
        "updated_at": updated_at,
        "legacy_id": None,
        "legacy_source": None,
        "migrated_at": None,
        "deleted_at": None,
    }


def location_record(location: Location, updated_at: datetime) -> dict[str, Any]:
    return {
        "id": location.id,
        "company_id": location.company_id,
        "code": location.code,
        "name": location.name,
        "timezone": location.timezone,
        "address": "",
        "phone": "",
        "created_at": location.created_at,
        "updated_at": updated_at,
        "legacy_id": None,
        "legacy_source": None,
        "migrated_at": None,
        "deleted_at": None,
    }


def device_record(device: Device, created_at: datetime, updated_at: datetime) -> dict[str, Any]:
    return {
        "id": device.id,
        "company_id": device.company_id,
        "location_id": device.location_id,
        "name": device.name,
        "kind": device.kind,
        "prefix": device.prefix,
        "created_at": created_at,
        "updated_at": updated_at,
        "deleted_at": None,
    }


def _text(value: str, what: str, longest: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidRequest(f"{what} cannot be empty")
    if len(value) > longest:
        raise InvalidRequest(f"{what} can be at most {longest} characters")
    return value
