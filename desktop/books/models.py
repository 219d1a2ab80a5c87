"""The books' tables: entries, an entry's lines with their totals, and the accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from core.money import Money, format_money
from core.services.ledger import AccountRow, EntryRow, LineRow
from desktop.table_model import Column, RowsModel

BALANCED = "Balanced ✓"
_Index = QModelIndex | QPersistentModelIndex


def money(amount: int, currency: str) -> str:
    return format_money(Money(amount, currency))


def to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def entry_columns() -> list[Column[EntryRow]]:
    return [
        Column("Date", lambda e: e.entry_date.isoformat()),
        Column("Number", lambda e: e.number),
        Column("Kind", lambda e: e.kind_label),
        Column("Memo", lambda e: e.memo),
        Column("Register", lambda e: e.register),
        Column("By", lambda e: e.user),
        Column("Amount", lambda e: money(e.amount, e.currency), align_right=True),
        Column("Exported", lambda e: "✓" if e.exported else ""),
        Column("Reverses", lambda e: f"reverses {e.reverses}" if e.reverses else ""),
    ]


def account_columns(currency: Callable[[], str]) -> list[Column[AccountRow]]:
    """Balances as a trial balance: each account's balance in its debit or credit column."""
    return [
        Column("Code", lambda a: a.code),
        Column("Name", lambda a: a.name),
        Column("Type", lambda a: a.type_label),
        Column(
            "Debit balance",
            lambda a: money(a.balance, currency()) if a.balance > 0 else "",
            align_right=True,
        ),
        Column(
            "Credit balance",
            lambda a: money(-a.balance, currency()) if a.balance < 0 else "",
            align_right=True,
        ),
    ]


class LinesModel(RowsModel[LineRow]):
    """An entry's lines and, last and in bold, their totals: debits beside credits."""

    def __init__(self) -> None:
        self.currency = "USD"
        super().__init__(
            [
                Column("Account", lambda r: f"{r.code}  {r.account}".strip()),
                Column("Debit", lambda r: money(r.debit, self.currency) if r.debit else "", True),
                Column(
                    "Credit", lambda r: money(r.credit, self.currency) if r.credit else "", True
                ),
                Column("Memo", lambda r: r.memo),
            ]
        )

    def show_entry(self, entry: EntryRow | None) -> None:
        if entry is None:
            self.set_rows([])
            return
        self.currency = entry.currency
        debits = sum(line.debit for line in entry.lines)
        credits = sum(line.credit for line in entry.lines)
        verdict = BALANCED if debits == credits else "Does not balance!"
        total = LineRow("", "Total", debits, credits, verdict)
        self.set_rows([*entry.lines, total])

    @property
    def total(self) -> LineRow | None:
        rows = self.rows
        return rows[-1] if rows else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.row() == self.rowCount() - 1:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)
