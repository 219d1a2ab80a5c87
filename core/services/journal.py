"""Posting to the journal inside the caller's unit of work.

`post` writes one balanced entry for one source record (a sale, a drawer session, a stock
receipt …): the rules in `core.ledger.postings` build it, this checks it again, resolves the
company's accounts and inserts the entry and its lines. Nothing here commits, so an entry is
written exactly when the change it records is. `(source_type, source_id, kind)` is unique in
the database, so a retried unit of work can never post the same event twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.clock import to_store_time
from core.ids import new_id
from core.ledger.accounts import DEFAULT_CHART, AccountRole
from core.ledger.journal import (
    EntryDraft,
    EntryKind,
    JournalLine,
    build_entry,
)
from core.services.counters import next_value
from core.staff.actor import Actor
from db.base import table
from db.models import Device, JournalEntry, LedgerAccount, Location
from db.models import JournalLine as JournalLineRow

__all__ = ["Posted", "business_date", "chart", "entry_draft", "post", "seed_chart"]

# Read once per company and location: account ids never change (names may), nor do a
# register's prefix or a store's time zone.
# Keyed by the database too: two stores open in one process (tests, benchmarks, a register
# beside a copy of itself) may hold the same company with different account ids.
_ACCOUNTS: dict[tuple[str, uuid.UUID], dict[AccountRole, uuid.UUID]] = {}
_PREFIXES: dict[uuid.UUID, str] = {}
_ZONES: dict[uuid.UUID, str] = {}


@dataclass(frozen=True, slots=True)
class Posted:
    entry_id: uuid.UUID
    number: str


def seed_chart(
    session: Session, company_id: uuid.UUID, at: datetime
) -> dict[AccountRole, uuid.UUID]:
    """The default chart of accounts, for a company that has none yet."""
    rows = [
        {
            "id": new_id(),
            "company_id": company_id,
            "code": account.code,
            "name": account.name,
            "type": str(account.type),
            "role": str(account.role),
            "created_at": at,
            "updated_at": at,
        }
        for account in DEFAULT_CHART
    ]
    session.execute(insert(table(LedgerAccount)), rows)
    return {AccountRole(str(row["role"])): row["id"] for row in rows}  # type: ignore[misc]


def chart(session: Session, company_id: uuid.UUID, at: datetime) -> dict[AccountRole, uuid.UUID]:
    """The company's account for each role, seeding the default chart the first time."""
    key = (_database_of(session), company_id)
    known = _ACCOUNTS.get(key)
    if known is not None:
        return known
    found = {
        AccountRole(str(role)): account_id
        for role, account_id in session.execute(
            select(LedgerAccount.role, LedgerAccount.id).where(
                LedgerAccount.company_id == company_id, LedgerAccount.role.is_not(None)
            )
        )
    }
    if not found:
        # Not cached: if this transaction rolls back, the accounts were never there.
        return seed_chart(session, company_id, at)
    _ACCOUNTS[key] = found
    return found


def _database_of(session: Session) -> str:
    return str(session.get_bind().engine.url)


def business_date(session: Session, location_id: uuid.UUID, at: datetime) -> date:
    """The store's local date at `at`: the day the accountant and the Z report see."""
    zone = _ZONES.get(location_id)
    if zone is None:
        zone = session.scalar(select(Location.timezone).where(Location.id == location_id))
        assert zone is not None, "a location always has a time zone"
        _ZONES[location_id] = zone
    return to_store_time(at, zone).date()


def _prefix(session: Session, device_id: uuid.UUID) -> str:
    prefix = _PREFIXES.get(device_id)
    if prefix is None:
        prefix = session.scalar(select(Device.prefix).where(Device.id == device_id))
        assert prefix is not None, "a register always has a prefix"
        _PREFIXES[device_id] = prefix
    return prefix


def post(
    session: Session,
    actor: Actor,
    at: datetime,
    draft: EntryDraft,
    *,
    source_type: str,
    source_id: uuid.UUID,
    currency: str,
    day: date | None = None,
    reverses: uuid.UUID | None = None,
) -> Posted | None:
    """Write `draft` as the entry for `source_id`; None when it moves no money.

    The entry takes the register's next journal number only when it is written, so the
    numbers have no gaps.
    """
    if draft.is_empty:
        return None
    # Built again here, so an entry made by hand cannot slip past the balance check.
    draft = build_entry(draft.kind, draft.memo, draft.lines)
    accounts = chart(session, actor.company_id, at)
    entry_id = new_id()
    number = next_value(session, actor.device_id, "journal")
    entry_number = f"{_prefix(session, actor.device_id)}-J{number:06d}"
    session.execute(
        insert(table(JournalEntry)),
        [
            {
                "id": entry_id,
                "company_id": actor.company_id,
                "location_id": actor.location_id,
                "device_id": actor.device_id,
                "number": entry_number,
                "kind": str(draft.kind),
                "entry_date": day or business_date(session, actor.location_id, at),
                "currency": currency,
                "memo": draft.memo[:300],
                "source_type": source_type,
                "source_id": source_id,
                "reverses_entry_id": reverses,
                "user_id": actor.user_id,
                "posted_at": at,
            }
        ],
    )
    session.execute(
        insert(table(JournalLineRow)),
        [
            {
                "entry_id": entry_id,
                "position": position,
                "account_id": accounts[line.role],
                "debit_minor": line.debit,
                "credit_minor": line.credit,
                "memo": line.memo[:200],
            }
            for position, line in enumerate(draft.lines, start=1)
        ],
    )
    return Posted(entry_id, entry_number)


def entry_draft(
    session: Session, source_type: str, source_id: uuid.UUID, kind: EntryKind
) -> tuple[uuid.UUID, EntryDraft] | None:
    """The entry posted for a source record, read back (to reverse it exactly)."""
    entry = session.scalars(
        select(JournalEntry).where(
            JournalEntry.source_type == source_type,
            JournalEntry.source_id == source_id,
            JournalEntry.kind == str(kind),
        )
    ).one_or_none()
    if entry is None:
        return None
    rows = session.execute(
        select(
            LedgerAccount.role,
            JournalLineRow.debit_minor,
            JournalLineRow.credit_minor,
            JournalLineRow.memo,
        )
        .join(LedgerAccount, LedgerAccount.id == JournalLineRow.account_id)
        .where(JournalLineRow.entry_id == entry.id)
        .order_by(JournalLineRow.position)
    ).all()
    lines = [
        JournalLine(AccountRole(str(role)), debit - credit, memo)
        for role, debit, credit, memo in rows
    ]
    return entry.id, build_entry(kind, entry.memo, lines)
