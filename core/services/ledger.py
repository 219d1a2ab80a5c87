"""The books for the back office: the chart of accounts, the journal browser, the daily
sales summary and the export to the accountant.

Exporting writes the QuickBooks file and records which entries it carried in one unit of
work: the file is written (atomically) before the commit, so entries are marked exported
only if the file exists. Entries already exported go out again only when asked, with the
`export_again` permission (a manager's approval for anyone else).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Select, and_, case, func, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.currency import get_currency
from core.ids import new_id
from core.ledger.accounts import AccountType, check_account_name
from core.ledger.errors import LedgerError
from core.ledger.export import ExportEntry, ExportLine, quickbooks_csv
from core.ledger.journal import EntryKind
from core.services import audit, journal
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.base import table
from db.models import (
    Device,
    JournalEntry,
    JournalExport,
    JournalExportEntry,
    JournalLine,
    LedgerAccount,
    Location,
    Sale,
    User,
)
from db.uow import UowFactory

__all__ = [
    "AccountRow",
    "AlreadyExportedError",
    "DaySales",
    "EntryRow",
    "ExportResult",
    "LedgerService",
    "LineRow",
]

MAX_ENTRIES_SHOWN = 1_000


class AlreadyExportedError(LedgerError):
    """Some entries in the range went to the accountant before."""

    def __init__(self, exported: int) -> None:
        entries = (
            "entry in this range was" if exported == 1 else f"{exported} entries in this range were"
        )
        super().__init__(
            f"The {entries} exported before, so there is nothing new to export. "
            "To send them again, export again with a manager's approval."
        )
        self.exported = exported


@dataclass(frozen=True, slots=True)
class AccountRow:
    account_id: uuid.UUID
    code: str
    name: str
    type_label: str
    role: str | None
    balance: int  # debits - credits, all time


@dataclass(frozen=True, slots=True)
class LineRow:
    code: str
    account: str
    debit: int
    credit: int
    memo: str


@dataclass(frozen=True, slots=True)
class EntryRow:
    entry_id: uuid.UUID
    number: str
    entry_date: date
    kind: str
    kind_label: str
    memo: str
    register: str
    user: str
    currency: str
    amount: int  # the entry's debits (= its credits)
    exported: bool
    reverses: str  # the number of the entry it reverses
    lines: tuple[LineRow, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    entries: int
    lines: int
    again: int  # entries that had been exported before


@dataclass(frozen=True, slots=True)
class DaySales:
    day: date
    sales: int
    net_sales: int
    tax: int


class LedgerService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock

    # -- accounts ----------------------------------------------------------------------

    def accounts(self, actor: Actor) -> list[AccountRow]:
        with self._read() as session:
            seeded = session.scalar(
                select(LedgerAccount.id)
                .where(LedgerAccount.company_id == actor.company_id)
                .limit(1)
            )
        if seeded is None:
            # The first look at the books of a store from before the ledger seeds its chart.
            with self._uow() as uow:
                journal.chart(uow.session, actor.company_id, self._clock.now())
                uow.commit()
        with self._read() as session:
            balances = dict(
                session.execute(
                    select(
                        JournalLine.account_id,
                        func.sum(JournalLine.debit_minor - JournalLine.credit_minor),
                    )
                    .join(LedgerAccount, LedgerAccount.id == JournalLine.account_id)
                    .where(LedgerAccount.company_id == actor.company_id)
                    .group_by(JournalLine.account_id)
                ).all()
            )
            rows = session.scalars(
                select(LedgerAccount)
                .where(LedgerAccount.company_id == actor.company_id)
                .order_by(LedgerAccount.code)
            ).all()
            return [
                AccountRow(
                    a.id,
                    a.code,
                    a.name,
                    AccountType(a.type).label,
                    a.role,
                    int(balances.get(a.id) or 0),
                )
                for a in rows
            ]

    def rename_account(
        self, actor: Actor, account_id: uuid.UUID, name: str, *, approval: object | None = None
    ) -> None:
        """Names follow the store's QuickBooks accounts; codes and roles never change."""
        approved_by = require(actor, Permission.EDIT_ACCOUNTS, approval)
        name = check_account_name(name)
        now = self._clock.now()
        with self._uow() as uow:
            account = uow.session.get(LedgerAccount, account_id)
            if account is None or account.company_id != actor.company_id:
                raise LedgerError("That account does not exist; reload the chart.")
            taken = uow.session.scalar(
                select(LedgerAccount.id).where(
                    LedgerAccount.company_id == actor.company_id,
                    func.lower(LedgerAccount.name) == name.lower(),
                    LedgerAccount.id != account_id,
                )
            )
            if taken is not None:
                raise LedgerError(f"Another account is already called {name}.")
            before = account.name
            account.name = name
            account.updated_at = now
            audit.record(
                uow,
                actor,
                now,
                "ledger.account_rename",
                "ledger_account",
                account.id,
                before={"name": before},
                after={"name": name},
                approved_by=approved_by,
            )
            uow.commit()

    # -- the journal -------------------------------------------------------------------

    def entries(
        self,
        actor: Actor,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        kind: EntryKind | None = None,
        account_id: uuid.UUID | None = None,
        text: str = "",
        exported: bool | None = None,
        limit: int = MAX_ENTRIES_SHOWN,
    ) -> list[EntryRow]:
        """Entries newest first, with their lines, filtered as a bookkeeper would."""
        query = _entries_query(actor.company_id, date_from, date_to)
        if kind is not None:
            query = query.where(JournalEntry.kind == str(kind))
        if account_id is not None:
            query = query.where(
                JournalEntry.id.in_(
                    select(JournalLine.entry_id).where(JournalLine.account_id == account_id)
                )
            )
        needle = text.strip()
        if needle:
            like = f"%{needle.replace('%', '').replace('_', '')}%"
            query = query.where(or_(JournalEntry.number.ilike(like), JournalEntry.memo.ilike(like)))
        if exported is not None:
            marked = select(JournalExportEntry.entry_id)
            query = query.where(
                JournalEntry.id.in_(marked) if exported else JournalEntry.id.not_in(marked)
            )
        query = query.order_by(JournalEntry.entry_date.desc(), JournalEntry.number.desc()).limit(
            limit
        )
        with self._read() as session:
            return _rows(session, list(session.scalars(query)))

    def export_counts(self, actor: Actor, date_from: date, date_to: date) -> tuple[int, int]:
        """How many entries the range holds, and how many of them were exported before."""
        # An entry exported twice joins twice: count each entry once.
        query = (
            select(
                func.count(JournalEntry.id.distinct()),
                func.count(JournalExportEntry.entry_id.distinct()),
            )
            .select_from(JournalEntry)
            .outerjoin(JournalExportEntry, JournalExportEntry.entry_id == JournalEntry.id)
            .where(
                JournalEntry.company_id == actor.company_id,
                JournalEntry.entry_date >= date_from,
                JournalEntry.entry_date <= date_to,
            )
        )
        with self._read() as session:
            total, exported = session.execute(query).one()
        return int(total), int(exported)

    def export(
        self,
        actor: Actor,
        date_from: date,
        date_to: date,
        path: Path,
        *,
        again: bool = False,
        approval: object | None = None,
    ) -> ExportResult:
        """Write the range's entries to `path` as a QuickBooks journal import.

        Entries exported before are left out, unless `again` (which needs `export_again`);
        a range with only exported entries raises `AlreadyExportedError`.
        """
        # Sending entries again is the stronger right, and it includes exporting.
        approved_by = require(
            actor, Permission.EXPORT_AGAIN if again else Permission.EXPORT, approval
        )
        if date_to < date_from:
            raise LedgerError("The end date is before the start date.")
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            entries = list(session.scalars(_entries_query(actor.company_id, date_from, date_to)))
            if not entries:
                raise LedgerError(
                    f"There are no journal entries from {date_from:%Y-%m-%d} to {date_to:%Y-%m-%d}."
                )
            done = set(
                session.scalars(
                    select(JournalExportEntry.entry_id).where(
                        JournalExportEntry.entry_id.in_([e.id for e in entries])
                    )
                )
            )
            if done and not again:
                if len(done) == len(entries):
                    raise AlreadyExportedError(len(done))
                entries = [e for e in entries if e.id not in done]
            chosen = sorted(entries, key=lambda e: (e.entry_date, e.number))
            rows = _export_entries(session, chosen)
            _write_atomically(path, quickbooks_csv(rows))
            export_id = new_id()
            session.execute(
                insert(table(JournalExport)),
                [
                    {
                        "id": export_id,
                        "company_id": actor.company_id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "entry_count": len(chosen),
                        "file_name": path.name[:300],
                        "user_id": actor.user_id,
                        "approved_by_id": approved_by,
                        "created_at": now,
                    }
                ],
            )
            session.execute(
                insert(table(JournalExportEntry)),
                [{"export_id": export_id, "entry_id": e.id} for e in chosen],
            )
            again_count = sum(1 for e in chosen if e.id in done)
            audit.record(
                uow,
                actor,
                now,
                "ledger.export",
                "journal_export",
                export_id,
                after={
                    "from": date_from.isoformat(),
                    "to": date_to.isoformat(),
                    "entries": len(chosen),
                    "again": again_count,
                    "file": path.name,
                },
                approved_by=approved_by,
            )
            uow.commit()
        return ExportResult(path, len(chosen), sum(len(r.lines) for r in rows), again_count)

    # -- summaries ---------------------------------------------------------------------

    def sales_by_day(
        self, actor: Actor, date_from: date, date_to: date, location_id: uuid.UUID | None = None
    ) -> list[DaySales]:
        """Completed sales per business day: how many, net sales and tax."""
        query = (
            select(
                Sale.business_date,
                func.sum(case((Sale.kind.in_(("sale", "exchange")), 1), else_=0)),
                func.sum(Sale.total_minor - Sale.tax_minor),
                func.sum(Sale.tax_minor),
            )
            .where(
                Sale.company_id == actor.company_id,
                Sale.business_date >= date_from,
                Sale.business_date <= date_to,
                Sale.status == "completed",
            )
            .group_by(Sale.business_date)
            .order_by(Sale.business_date)
        )
        if location_id is not None:
            query = query.where(Sale.location_id == location_id)
        with self._read() as session:
            return [
                DaySales(day, int(count), int(net), int(tax))
                for day, count, net, tax in session.execute(query)
            ]


def _entries_query(
    company_id: uuid.UUID, date_from: date | None, date_to: date | None
) -> Select[JournalEntry]:
    conditions = [JournalEntry.company_id == company_id]
    if date_from is not None:
        conditions.append(JournalEntry.entry_date >= date_from)
    if date_to is not None:
        conditions.append(JournalEntry.entry_date <= date_to)
    return select(JournalEntry).where(and_(*conditions))


def _lines(session: Session, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[LineRow]]:
    found: dict[uuid.UUID, list[LineRow]] = defaultdict(list)
    for start in range(0, len(entry_ids), 500):
        chunk = entry_ids[start : start + 500]
        rows = session.execute(
            select(
                JournalLine.entry_id,
                LedgerAccount.code,
                LedgerAccount.name,
                JournalLine.debit_minor,
                JournalLine.credit_minor,
                JournalLine.memo,
            )
            .join(LedgerAccount, LedgerAccount.id == JournalLine.account_id)
            .where(JournalLine.entry_id.in_(chunk))
            .order_by(JournalLine.entry_id, JournalLine.position)
        )
        for entry_id, code, name, debit, credit, memo in rows:
            found[entry_id].append(LineRow(code, name, debit, credit, memo))
    return found


def _rows(session: Session, entries: list[JournalEntry]) -> list[EntryRow]:
    ids = [e.id for e in entries]
    lines = _lines(session, ids)
    exported = (
        set(
            session.scalars(
                select(JournalExportEntry.entry_id).where(JournalExportEntry.entry_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    company = entries[0].company_id if entries else None
    registers = dict(
        session.execute(select(Device.id, Device.name).where(Device.company_id == company)).all()
    )
    users = dict(
        session.execute(select(User.id, User.display_name).where(User.company_id == company)).all()
    )
    reversed_ids = {e.reverses_entry_id for e in entries if e.reverses_entry_id}
    numbers = (
        dict(
            session.execute(
                select(JournalEntry.id, JournalEntry.number).where(
                    JournalEntry.id.in_(reversed_ids)
                )
            ).all()
        )
        if reversed_ids
        else {}
    )
    return [
        EntryRow(
            entry_id=e.id,
            number=e.number,
            entry_date=e.entry_date,
            kind=e.kind,
            kind_label=EntryKind(e.kind).label,
            memo=e.memo,
            register=registers.get(e.device_id, "?"),
            user=users.get(e.user_id, "?"),
            currency=e.currency,
            amount=sum(line.debit for line in lines[e.id]),
            exported=e.id in exported,
            reverses=numbers.get(e.reverses_entry_id, "") if e.reverses_entry_id else "",
            lines=tuple(lines[e.id]),
        )
        for e in entries
    ]


def _export_entries(session: Session, entries: list[JournalEntry]) -> list[ExportEntry]:
    lines = _lines(session, [e.id for e in entries])
    locations = dict(session.execute(select(Location.id, Location.name)).all())
    return [
        ExportEntry(
            number=e.number,
            date=e.entry_date,
            memo=e.memo,
            location=locations.get(e.location_id, ""),
            currency=e.currency,
            exponent=get_currency(e.currency).exponent,
            lines=tuple(ExportLine(x.account, x.debit, x.credit, x.memo) for x in lines[e.id]),
        )
        for e in entries
    ]


def _write_atomically(path: Path, text: str) -> None:
    """The whole file or none: a half-written export must never reach the accountant."""
    folder = path.parent
    if not folder.is_dir():
        raise LedgerError(f"The folder {folder} does not exist.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise LedgerError(f"The file could not be written: {error.strerror or error}.") from None
