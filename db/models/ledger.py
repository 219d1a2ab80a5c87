"""The ledger: the company's chart of accounts and the double-entry journal.

Every financial event posts one `journal_entry` with its `journal_line`s in the same
transaction as the event itself. Entries and lines are never changed or deleted (triggers,
migration 0004): a mistake is put right by a reversing entry. `(source_type, source_id, kind)`
is unique, so a retried unit of work can never post the same event twice.

An export to the accountant is a `journal_export` listing the entries it carried.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, TimestampMixin


class LedgerAccount(IdMixin, TimestampMixin, Base):
    """One account of a company's chart; `role` names the account the posting rules use."""

    __tablename__ = "ledger_account"
    __table_args__ = (
        UniqueConstraint("company_id", "code"),
        UniqueConstraint("company_id", "role"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(40))


class JournalEntry(IdMixin, Base):
    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("company_id", "number"),
        # One entry of each kind per source record: a retry cannot post twice.
        UniqueConstraint("source_type", "source_id", "kind"),
        Index("ix_journal_entry_company_date", "company_id", "entry_date"),
    )

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"))
    # "J1-000123": the device's prefix and its own sequence, so numbers never collide.
    number: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))
    # The store's business day (its local date), which the accountant sees.
    entry_date: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    memo: Mapped[str] = mapped_column(String(300))
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[uuid.UUID]
    reverses_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entry.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    posted_at: Mapped[datetime]


class JournalLine(Base):
    __tablename__ = "journal_line"
    __table_args__ = (
        CheckConstraint(
            "(debit_minor > 0 AND credit_minor = 0) OR (credit_minor > 0 AND debit_minor = 0)",
            name="one_side",
        ),
        Index("ix_journal_line_account", "account_id"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entry.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_account.id"))
    debit_minor: Mapped[int] = mapped_column(default=0)
    credit_minor: Mapped[int] = mapped_column(default=0)
    memo: Mapped[str] = mapped_column(String(200), default="")


class JournalExport(IdMixin, Base):
    """One CSV handed to the accountant: the range asked for and who exported it."""

    __tablename__ = "journal_export"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    date_from: Mapped[date]
    date_to: Mapped[date]
    entry_count: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id"))
    # The manager who allowed entries that were already exported to go out again.
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class JournalExportEntry(Base):
    __tablename__ = "journal_export_entry"

    export_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_export.id"), primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("journal_entry.id"), primary_key=True, index=True
    )
