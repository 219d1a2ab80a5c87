"""Who is asking: the paired device behind `Authorization: Bearer <token>`.

The server keeps only SHA-256(token) (hex), so a copy of its database lets nobody act as a
register. The device found here is the only authority for a request's company and location:
routes scope every query by `device.company_id` (and `device.location_id`), never by a
company or location named in the request.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sync.server.database import request_session
from sync.server.errors import Unauthenticated
from sync.server.logs import set_device
from sync.server.models import Company, Device

# last_seen_at is refreshed at most this often, so a busy register does not write its
# device row on every request.
SEEN_RESOLUTION = timedelta(seconds=30)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="DeviceToken",
    description="The device token a register received when it paired.",
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def device_for_token(session: Session, token: str) -> Device | None:
    """The paired, unrevoked device of an open company holding this token, if any."""
    return session.scalars(
        select(Device)
        .join(Company, Company.id == Device.company_id)
        .where(
            Device.token_hash == token_hash(token),
            Device.revoked_at.is_(None),
            Company.closed_at.is_(None),
        )
    ).one_or_none()


def current_device(
    session: Annotated[Session, Depends(request_session, scope="function")],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Device:
    """FastAPI dependency: the authenticated device, or 401 `unauthenticated`."""
    if credentials is None or not credentials.credentials.strip():
        raise Unauthenticated(
            "This register is not paired with the sync server; pair it from its settings"
        )
    device = device_for_token(session, credentials.credentials.strip())
    if device is None:
        raise Unauthenticated()
    set_device(device.id)
    # SKIP LOCKED: a push holding this row (it locks it to serialise a device's batches) is
    # proof enough that the device was seen; waiting for it would only slow this request.
    stale = (
        select(Device.id)
        .where(
            Device.id == device.id,
            Device.last_seen_at.is_(None) | (Device.last_seen_at < func.now() - SEEN_RESOLUTION),
        )
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    session.execute(
        update(Device)
        .where(Device.id == stale)
        .values(last_seen_at=func.now())
        .execution_options(synchronize_session=False)
    )
    return device


AuthenticatedDevice = Annotated[Device, Depends(current_device)]
RequestSession = Annotated[Session, Depends(request_session, scope="function")]
