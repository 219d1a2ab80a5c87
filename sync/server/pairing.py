"""Pairing: a one-time code, made by an administrator, turned into a device token.

Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
`XXXXX-XXXXX`; typed input is normalised (case, spaces, dashes). The server keeps only the
SHA-256 of a code and of a token, so neither can be read back from the database.

Rules of `pair`:
- an unknown, used or expired code → `pairing_code_invalid` (400), all alike;
- a new-company code creates the register's own company and store with the register's ids;
  a company or store id already on the server is refused (409): joining an existing company
  takes a code for one of its stores, so knowing a company's id is never enough to join it;
- a store code: the register's company, if it sends one, must be that store's company;
- a device id paired with another company is refused; a device of the same company is
  paired again: new token (the old one stops working), `last_sequence` kept, so its
  sequences continue where they were;
- two devices of a company never share a receipt prefix (their receipt numbers would clash).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import CompanyInfo, DeviceInfo, LocationInfo, PairRequest, PairResponse
from sync.server.admin import create_company, create_location, device_record
from sync.server.auth import token_hash
from sync.server.errors import InvalidRequest, NotFound, PairingCodeInvalid, PairingRefused
from sync.server.models import Company, Device, Location, PairingCode, Record
from sync.server.records import put_record

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_code(typed: str) -> str:
    return _SEPARATORS.sub("", typed).upper()


def display_code(code: str) -> str:
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def code_hash(typed: str) -> str:
    return hashlib.sha256(normalise_code(typed).encode("ascii", "replace")).hexdigest()


def create_pairing_code(
    session: Session,
    location_id: uuid.UUID | None,
    *,
    new_company: bool,
    ttl: timedelta,
    now: datetime | None = None,
) -> str:
    """A new one-time code (shown once, as `XXXXX-XXXXX`); expires `ttl` after `now`."""
    if new_company == (location_id is not None):
        raise InvalidRequest("A pairing code is either for a store or for a new company")
    if ttl <= timedelta(0):
        raise InvalidRequest("A pairing code must stay valid for some time")
    company_id: uuid.UUID | None = None
    if location_id is not None:
        location = session.get(Location, location_id)
        if location is None:
            raise NotFound(f"There is no store {location_id} on the sync server")
        company_id = location.company_id
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        PairingCode(
            id=uuid.uuid4(),
            code_hash=code_hash(code),
            company_id=company_id,
            location_id=location_id,
            expires_at=(now or datetime.now(UTC)) + ttl,
        )
    )
    session.flush()
    return display_code(code)


def pair(session: Session, request: PairRequest, now: datetime) -> PairResponse:
    typed = normalise_code(request.code)
    if len(typed) != CODE_LENGTH or not set(typed) <= set(ALPHABET):
        raise PairingCodeInvalid()
    # Locked, so the same code used twice at once pairs one device only.
    code = session.scalars(
        select(PairingCode).where(PairingCode.code_hash == code_hash(typed)).with_for_update()
    ).one_or_none()
    if code is None or code.used_at is not None or code.expires_at <= now:
        raise PairingCodeInvalid()
    if code.location_id is None:
        company, location = _found_company(session, request, now)
    else:
        location = session.get_one(Location, code.location_id)
        company = session.get_one(Company, location.company_id)
        if request.company is not None and request.company.id != company.id:
            raise PairingRefused(
                f"This pairing code is for a store of {company.name}, not of this register's "
                "company; ask for a code for your own store"
            )
    if company.closed_at is not None:
        raise PairingRefused(f"{company.name} is closed on the sync server")
    device = _pair_device(session, request.device, company, location, now)
    token = secrets.token_urlsafe(32)
    device.token_hash = token_hash(token)
    code.used_at = now
    code.used_by_device_id = device.id
    session.flush()
    return PairResponse(
        token=token,
        device_id=device.id,
        company=CompanyInfo(id=company.id, name=company.name, currency=company.currency),
        location=LocationInfo(
            id=location.id, code=location.code, name=location.name, timezone=location.timezone
        ),
    )


def _found_company(
    session: Session, request: PairRequest, now: datetime
) -> tuple[Company, Location]:
    if request.company is None or request.location is None:
        raise PairingRefused(
            "This pairing code sets up a new company: the register must send its company and "
            "its store"
        )
    if session.get(Company, request.company.id) is not None:
        raise PairingRefused(
            "This register's company is on the sync server already; ask for a pairing code "
            "for its store instead"
        )
    if session.get(Location, request.location.id) is not None:
        raise PairingRefused("This register's store is on the sync server already")
    company = create_company(
        session, request.company.name, request.company.currency, request.company.id, now=now
    )
    location = create_location(
        session,
        company.id,
        request.location.code,
        request.location.name,
        request.location.timezone,
        request.location.id,
        now=now,
    )
    return company, location


def _pair_device(
    session: Session, info: DeviceInfo, company: Company, location: Location, now: datetime
) -> Device:
    device = session.get(Device, info.id, with_for_update=True)
    if device is not None and device.company_id != company.id:
        raise PairingRefused("This register is paired with another company on the sync server")
    clash = session.scalars(
        select(Device.name).where(
            Device.company_id == company.id, Device.prefix == info.prefix, Device.id != info.id
        )
    ).first()
    if clash is not None:
        raise PairingRefused(
            f"The register {clash} already uses the receipt prefix {info.prefix}; give this "
            "register another prefix in its settings"
        )
    created_at = now
    if device is None:
        device = Device(id=info.id, company_id=company.id, last_sequence=0)
        session.add(device)
    else:
        record = session.get(Record, ("device", device.id))
        if record is not None and isinstance(record.data.get("created_at"), str):
            created_at = datetime.fromisoformat(record.data["created_at"])
    device.location_id = location.id
    device.name = info.name
    device.kind = info.kind
    device.prefix = info.prefix
    device.paired_at = now
    device.revoked_at = None
    session.flush()
    put_record(session, company.id, "device", device.id, device_record(device, created_at, now))
    return device
