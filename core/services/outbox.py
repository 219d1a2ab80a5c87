"""The register's outbox: every change to synced data leaves an event, in its own transaction.

What travels, and how (each part in its own module):

- Row changes to the replicated tables (`core.records.REPLICATED_TABLES`) are captured by
  session events (`outbox_capture`), or noted by the bulk writers (`outbox_bulk`); they
  become `record.saved` / `record.deleted` events.
- Domain events (a sale completed, a drawer opened) are given by the services through
  `emit`. A completed or voided sale carries the stock its lines moved
  (`"stock_movements"`); other stock movements (`note_movements`, from `stock_ledger`)
  travel as `stock.moved`.
- Everything is written at the commit (`outbox_write`), in that transaction, each event
  with the device's next gapless sequence number: a transaction that does not commit
  leaves no event and uses no number. `device_time` is informational only.
- `snapshot_all` (`outbox_snapshot`) sends every replicated row once, for a register that
  founds a new company on the sync server.

While `session.info[SYNC_APPLY]` is true (the sync client applying pulled changes) nothing
is captured or written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from core.ids import new_id
from core.records import SCHEMA_VERSION
from core.services.outbox_capture import install_capture
from core.services.outbox_pending import (
    SYNC_APPLY,
    DomainEvent,
    applying_pulled,
    note_movements,
    pending_of,
)
from core.services.outbox_snapshot import snapshot_all
from db.uow import SqlUnitOfWork

__all__ = [
    "SCHEMA_VERSION",
    "SYNC_APPLY",
    "emit",
    "install_capture",
    "note_movements",
    "snapshot_all",
]


def emit(
    uow: SqlUnitOfWork,
    device_id: uuid.UUID,
    event_type: str,
    payload: Mapping[str, object],
    at: datetime,
    *,
    sequence: int | None = None,
) -> uuid.UUID:
    """Queue a domain event; it is written when the unit of work commits, and dropped if it
    does not. `sequence`: the device's next outbox number if the caller already took it in
    this transaction (see `counters.next_values`); otherwise it is taken at the commit."""
    session = uow.session
    if applying_pulled(session):
        raise RuntimeError(f"{event_type} emitted while applying pulled changes")
    event_id = new_id()
    pending_of(session).events.append(
        DomainEvent(event_id, device_id, event_type, dict(payload), at, sequence)
    )
    return event_id
