"""The over/short history as a table and as totals per register and per cashier."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.services.drawer import OverShortRow
from desktop.drawer.desk import cash, over_short_text, tone, tone_colour
from desktop.table_model import Column, RowsModel

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Subtotal:
    """One register's (or one cashier's) closes in the period."""

    name: str
    closes: int
    shorts: int
    overs: int
    over_short: int  # net: negative is short
    largest: int  # the largest difference either way, signed


def subtotals(rows: Iterable[OverShortRow], key: Callable[[OverShortRow], str]) -> list[Subtotal]:
    grouped: dict[str, list[int]] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row.over_short)
    return [
        Subtotal(
            name,
            len(values),
            sum(1 for v in values if v < 0),
            sum(1 for v in values if v > 0),
            sum(values),
            max(values, key=abs),
        )
        for name, values in sorted(grouped.items(), key=lambda item: item[0].casefold())
    ]


def history_columns(currency: str) -> list[Column[OverShortRow]]:
    return [
        Column("Day", lambda r: r.business_date.isoformat()),
        Column("Register", lambda r: r.register),
        Column("Cashier", lambda r: r.cashier),
        Column("Closed by", lambda r: r.closed_by),
        Column("Closed at", lambda r: r.closed_time),
        Column("Expected", lambda r: cash(r.expected, currency), align_right=True),
        Column("Counted", lambda r: cash(r.counted, currency), align_right=True),
        Column("Over/short", lambda r: over_short_text(r.over_short, currency), align_right=True),
        Column("Signed off by", lambda r: r.signed_off_by or "—"),
    ]


def subtotal_columns(title: str, currency: str) -> list[Column[Subtotal]]:
    return [
        Column(title, lambda s: s.name),
        Column("Closes", lambda s: str(s.closes), align_right=True),
        Column("Short", lambda s: str(s.shorts), align_right=True),
        Column("Over", lambda s: str(s.overs), align_right=True),
        Column("Net", lambda s: over_short_text(s.over_short, currency), align_right=True),
        Column("Largest", lambda s: over_short_text(s.largest, currency), align_right=True),
    ]


class ToneModel(RowsModel[Any]):
    """A table whose money-difference columns are coloured by tone (even, within, over)."""

    def __init__(
        self, columns: list[Column[Any]], coloured: dict[int, Callable[[Any], int]]
    ) -> None:
        super().__init__(columns)
        self.coloured = coloured
        self.limit = 0

    def configure(self, columns: list[Column[Any]], limit: int) -> None:
        """The store's currency and limit, known once the settings have been read."""
        self.beginResetModel()
        self._columns = list(columns)
        self.limit = limit
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            amount = self.coloured.get(index.column())
            if amount is not None:
                return QColor(tone_colour(tone(amount(self.row(index.row())), self.limit)))
        return super().data(index, role)


def history_model(currency: str) -> ToneModel:
    return ToneModel(history_columns(currency), {7: lambda r: r.over_short})


def subtotal_model(title: str, currency: str) -> ToneModel:
    return ToneModel(
        subtotal_columns(title, currency), {4: lambda s: s.over_short, 5: lambda s: s.largest}
    )
