"""Settings shared by every register of a company (synced), stored as JSON."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import CompanySetting

# A cashier may give up to this much off (basis points) without a manager's PIN.
DISCOUNT_LIMIT_BP = "register.discount_limit_bp"
DEFAULT_DISCOUNT_LIMIT_BP = 1_000
RECEIPT_FOOTER = "receipt.footer"
DEFAULT_RECEIPT_FOOTER = "Thank you for shopping with us!"


def read_int(session: Session, company_id: uuid.UUID, key: str, default: int) -> int:
    row = session.get(CompanySetting, (company_id, key))
    if row is None:
        return default
    value = json.loads(row.value)
    return value if type(value) is int else default


def read_text(session: Session, company_id: uuid.UUID, key: str, default: str) -> str:
    row = session.get(CompanySetting, (company_id, key))
    if row is None:
        return default
    value = json.loads(row.value)
    return value if isinstance(value, str) else default


def write(
    session: Session, company_id: uuid.UUID, key: str, value: int | str | list[int], at: datetime
) -> None:
    session.merge(
        CompanySetting(company_id=company_id, key=key, value=json.dumps(value), updated_at=at)
    )
