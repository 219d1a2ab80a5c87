"""Writing outbox events in the caller's unit of work, for the sync engine to push.

Each event takes the device's next gapless sequence number in the same transaction as the
change it describes. `device_time` is informational only; order is by sequence.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import insert

from core.ids import new_id
from core.services.counters import next_value
from db.base import table
from db.models import OutboxEvent
from db.uow import SqlUnitOfWork

SCHEMA_VERSION = 1


def emit(
    uow: SqlUnitOfWork,
    device_id: uuid.UUID,
    event_type: str,
    payload: Mapping[str, object],
    at: datetime,
    *,
    sequence: int | None = None,
) -> uuid.UUID:
    """`sequence`: the device's next outbox number if the caller already took it in this
    transaction (see `counters.next_values`); otherwise it is taken here."""
    event_id = new_id()
    if sequence is None:
        sequence = next_value(uow.session, device_id, "outbox")
    uow.session.execute(
        insert(table(OutboxEvent)),
        [
            {
                "id": event_id,
                "device_id": device_id,
                "sequence": sequence,
                "schema_version": SCHEMA_VERSION,
                "type": event_type,
                "payload": json.dumps(payload, default=str, sort_keys=True, ensure_ascii=False),
                "device_time": at,
            }
        ],
    )
    return event_id
