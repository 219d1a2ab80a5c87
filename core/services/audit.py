"""Writing the immutable audit log, inside the caller's unit of work."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import insert

from core.ids import new_id
from core.staff.actor import Actor
from db.base import table
from db.models import AuditEntry
from db.uow import SqlUnitOfWork

AuditValues = Mapping[str, object]


def record(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    *,
    before: AuditValues | None = None,
    after: AuditValues | None = None,
    reason: str = "",
    approved_by: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add one audit row; it commits (or not) with the change it describes.

    Written with an INSERT statement rather than `session.add`, so recording never makes
    the session flush the caller's pending objects earlier than the caller would.
    """
    entry_id = new_id()
    row = {
        "id": entry_id,
        "company_id": actor.company_id,
        "location_id": actor.location_id,
        "device_id": actor.device_id,
        "user_id": actor.user_id,
        "approved_by_id": approved_by,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "before": _dump(before),
        "after": _dump(after),
        "reason": reason,
        "created_at": at,
    }
    uow.session.execute(insert(table(AuditEntry)), [row])
    return entry_id


def _dump(values: AuditValues | None) -> str:
    if not values:
        return ""
    return json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
