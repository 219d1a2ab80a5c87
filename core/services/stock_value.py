"""The books' side of stock: goods received and stock adjusted post their value.

Each stock change that is not a sale posts one entry in the caller's unit of work: a
receipt at what the delivery cost (inventory up, accounts payable up), an adjustment, a
count or a retired unit at the product's (or the unit's) cost (inventory against
shrinkage). Sales and returns post their cost of goods inside the sale's own entry, and a
transfer between stores moves no value between accounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from core.ledger.postings import inventory_adjustment_entry, inventory_receipt_entry
from core.services import journal
from core.services.company_rows import company_currency
from core.staff.actor import Actor

__all__ = ["post_adjustment", "post_receipt"]


def post_receipt(
    session: Session,
    actor: Actor,
    at: datetime,
    lines: Iterable[tuple[int, int]],
    *,
    source_type: str,
    source_id: uuid.UUID,
    reference: str,
) -> None:
    journal.post(
        session,
        actor,
        at,
        inventory_receipt_entry(list(lines), reference),
        source_type=source_type,
        source_id=source_id,
        currency=company_currency(session, actor.company_id),
    )


def post_adjustment(
    session: Session,
    actor: Actor,
    at: datetime,
    lines: Iterable[tuple[int, int]],
    *,
    source_type: str,
    source_id: uuid.UUID,
    reason: str,
) -> None:
    journal.post(
        session,
        actor,
        at,
        inventory_adjustment_entry(list(lines), reason),
        source_type=source_type,
        source_id=source_id,
        currency=company_currency(session, actor.company_id),
    )
