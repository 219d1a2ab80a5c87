"""Pairing this register with the sync server: a one-time code for a device token.

Two starting points:
- A fresh register (no store on it yet) becomes a register of the code's location: the
  company, location and device rows are written from the server's reply (capture
  suppressed: they came from the server), with a default chart of accounts, and the
  engine then pulls the catalog, users and settings.
- A register whose store was set up here sends its company and location. The first time
  such a store pairs with a server, its records exist nowhere else there, so every
  replicated row is queued once (`outbox.snapshot_all`) in the same transaction that
  records the pairing. Re-paired with the same server (after its token was revoked) it is
  not snapshotted again: the server has its records, and its changes since are in its
  outbox. (The server answers the same way whether or not the code founded the company,
  so "first pairing with this server" is the rule; a second snapshot would replay old
  values over newer ones.) A store set up since its changes were captured still holds the
  event that created its company, and everything after it, in its outbox: it is not
  snapshotted either, or its first push would carry every record twice.

The server must answer with this register's own company (and location): a code for
another store is refused before anything here changes.
"""

from __future__ import annotations

import json
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.ids import new_id
from core.records import RECORD_SAVED
from core.services import outbox
from core.services.identity import ThisDevice, load_this_device
from core.services.journal import seed_chart
from core.services.outbox import SYNC_APPLY
from db.models import Company, Device, DeviceIdentity, LedgerAccount, Location, OutboxEvent
from db.uow import UowFactory
from sync.client.errors import SyncError
from sync.client.http import ServerApi, check_server_url, ssl_context
from sync.client.local import LocalReads
from sync.client.state import load_state, state_row
from sync.client.tokens import TokenStore
from sync.protocol import CompanyInfo, DeviceInfo, LocationInfo, PairRequest, PairResponse

__all__ = ["Paired", "default_prefix", "pair_register"]


@dataclass(frozen=True, slots=True)
class Paired:
    response: PairResponse
    fresh: bool  # the store came from the server: pull it now
    snapshot: int  # records queued for the server (a store founded by this register)


def default_prefix(device_id: uuid.UUID) -> str:
    """A receipt prefix for a register set up by pairing: "R" and three hex digits from the
    random end of its id, so two new registers of a store are unlikely to share one."""
    return f"R{device_id.hex[-3:].upper()}"


def pair_register(
    uow_factory: UowFactory,
    reads: LocalReads,
    clock: Clock,
    tokens: TokenStore,
    server_url: str,
    code: str,
    ca_file: Path | None,
    *,
    transport: httpx.BaseTransport | None = None,
    device_name: str | None = None,
    prefix: str | None = None,
) -> Paired:
    url = check_server_url(server_url)
    code = code.strip()
    if len(code) < 4:
        raise SyncError("Type the pairing code the server's administrator gave you.")
    if ca_file is not None:
        ca_file = ca_file.expanduser().resolve()
        ssl_context(ca_file)  # a missing or unreadable CA file is reported before any call
    with reads() as session:
        this = load_this_device(session)
        request = _request(session, code, this, device_name, prefix)
        state = load_state(session)
        paired_before = state is not None and state.paired_at is not None
        same_server = state is not None and state.server_url == url
    tokens.get(request.device.id)  # no keyring: say so before the code is used up
    with ServerApi(url, ca_file=ca_file, transport=transport) as api:
        response = api.pair(request)
    _check_reply(response, request, this)
    tokens.put(response.device_id, response.token)
    now = clock.now()
    snapshot = 0
    with uow_factory() as uow:
        session = uow.session
        if this is None:
            session.info[SYNC_APPLY] = True
            _create_store(uow.session, response, request.device, now)
        elif not (paired_before and same_server) and not _outbox_holds_its_founding(
            session, this.company_id
        ):
            snapshot = outbox.snapshot_all(uow, response.device_id, now)
        state = state_row(session)
        if this is None or not same_server:
            state.pull_cursor = None
        state.server_url = url
        state.ca_file = None if ca_file is None else str(ca_file)
        state.paired_at = now
        state.online = True
        state.last_error = None
        state.failures = 0
        state.next_attempt_at = None
        uow.commit()
    return Paired(response=response, fresh=this is None, snapshot=snapshot)


def _request(
    session: Session,
    code: str,
    this: ThisDevice | None,
    device_name: str | None,
    prefix: str | None,
) -> PairRequest:
    try:
        if this is None:
            device_id = new_id()
            name = (device_name or socket.gethostname()).strip()[:100] or "Register"
            chosen = (prefix or default_prefix(device_id)).strip().upper()
            if not (1 <= len(chosen) <= 8 and chosen.isascii() and chosen.isalnum()):
                raise SyncError("A register prefix is 1 to 8 letters or digits, e.g. R2.")
            device = DeviceInfo(id=device_id, name=name, kind="register", prefix=chosen)
            return PairRequest(code=code, device=device)
        row = session.get_one(Device, this.device_id)
        location = session.get_one(Location, this.location_id)
        return PairRequest(
            code=code,
            device=DeviceInfo.model_validate(
                {"id": row.id, "name": row.name, "kind": row.kind, "prefix": row.prefix}
            ),
            company=CompanyInfo(id=this.company_id, name=this.company_name, currency=this.currency),
            location=LocationInfo(
                id=location.id, code=location.code, name=location.name, timezone=location.timezone
            ),
        )
    except ValidationError as exc:
        raise SyncError(
            f"This register's details cannot be sent to the sync server ({exc.errors()[0]['msg']})."
        ) from exc


def _check_reply(response: PairResponse, request: PairRequest, this: ThisDevice | None) -> None:
    if response.device_id != request.device.id:
        raise SyncError(
            "The sync server paired a different register than this one; pairing was not "
            "completed. Ask for a new pairing code."
        )
    if this is None:
        return
    if response.company.id != this.company_id:
        raise SyncError(
            f"This register holds another store's data ({this.company_name}), not "
            f"{response.company.name}'s: it cannot be paired with that store. Use a pairing "
            "code made for this store, or set up this computer again with a new data folder."
        )
    if response.location.id != this.location_id:
        raise SyncError(
            f"The pairing code is for {response.location.name}, but this register belongs "
            f"to {this.location_name}. Ask for a code made for {this.location_name}."
        )


def _create_store(
    session: Session, response: PairResponse, device: DeviceInfo, now: datetime
) -> None:
    """The tenant rows of a register set up by pairing, as the server described them."""
    company, location = response.company, response.location
    rows: list[Company | Location | Device] = [
        Company(
            id=company.id,
            name=company.name,
            currency=company.currency,
            created_at=now,
            updated_at=now,
        ),
        Location(
            id=location.id,
            company_id=company.id,
            code=location.code,
            name=location.name,
            timezone=location.timezone,
            created_at=now,
            updated_at=now,
        ),
        Device(
            id=device.id,
            company_id=company.id,
            location_id=location.id,
            name=device.name,
            kind=device.kind,
            prefix=device.prefix,
            created_at=now,
            updated_at=now,
        ),
    ]
    # No relationship() links these models, so the flush order is spelled out; merge
    # keeps whatever an earlier, interrupted attempt left.
    for row in rows:
        session.merge(row)
        session.flush()
    session.add(DeviceIdentity(company_id=company.id, location_id=location.id, device_id=device.id))
    if (
        session.scalar(select(LedgerAccount.id).where(LedgerAccount.company_id == company.id))
        is None
    ):
        seed_chart(session, company.id, now)


def _outbox_holds_its_founding(session: Session, company_id: uuid.UUID) -> bool:
    """True when the event that created this company is still waiting in the outbox, so
    every record made since is queued behind it and a snapshot would send them twice."""
    payloads = session.scalars(
        select(OutboxEvent.payload)
        .where(OutboxEvent.type == RECORD_SAVED)
        .order_by(OutboxEvent.sequence)
        .limit(20)
    )
    for text in payloads:
        payload = json.loads(text)
        if (
            payload.get("table") == "company"
            and payload.get("created") is True
            and payload.get("id") == str(company_id)
        ):
            return True
    return False
