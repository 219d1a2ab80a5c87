"""Over/short history: every closed drawer in a period, as a chart to look at, a table to
read, and totals per register and per cashier (the cashier is who opened the drawer).

Filters apply as they change; an answer to an older filter that arrives late is dropped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.drawer import DrawerSettings, OverShortRow
from desktop.drawer.chart import OverShortChart
from desktop.drawer.desk import Desk, cash, over_short_text
from desktop.drawer.history_model import (
    ToneModel,
    history_columns,
    history_model,
    subtotal_columns,
    subtotal_model,
    subtotals,
)
from desktop.register.dialogs import RegisterDialog
from desktop.widgets import label, plain_table

DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Choices:
    registers: list[tuple[uuid.UUID, str]]
    cashiers: list[tuple[uuid.UUID, str]]
    settings: DrawerSettings


class OverShortDialog(RegisterDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__("Over/short history", parent)
        self.resize(1240, 860)
        self.desk = desk
        self.currency = "USD"
        self.limit = 0
        self.rows: list[OverShortRow] = []
        self.loads = 0  # answers shown; tests wait on it
        self._generation = 0
        today = desk.today()
        self.date_from = self._date(today - timedelta(days=DEFAULT_DAYS), "From")
        self.date_to = self._date(today, "To")
        self.register = self._choice("Register", "All registers")
        self.cashier = self._choice("Cashier", "All cashiers")
        self.chart = OverShortChart()
        self.summary = label("Loading…", "strong")
        self.table_model: ToneModel = history_model(self.currency)
        self.table = plain_table(self.table_model)
        self.by_register: ToneModel = subtotal_model("Register", self.currency)
        self.by_cashier: ToneModel = subtotal_model("Cashier", self.currency)
        close = self.key_button("Close", "Esc", self.reject)

        filters = QHBoxLayout()
        for caption, widget in (
            ("From", self.date_from),
            ("To", self.date_to),
            ("Register", self.register),
            ("Cashier", self.cashier),
        ):
            filters.addWidget(QLabel(caption))
            filters.addWidget(widget)
        filters.addStretch(1)
        totals = QGridLayout()
        totals.addWidget(label("By register", "muted"), 0, 0)
        totals.addWidget(self._small_table(self.by_register), 1, 0)
        totals.addWidget(label("By cashier (who opened the drawer)", "muted"), 0, 1)
        totals.addWidget(self._small_table(self.by_cashier), 1, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Over/short history", "subtitle"))
        layout.addLayout(filters)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.table, 3)
        layout.addLayout(totals, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

        drawer, actor = desk.drawer(), desk.actor
        desk.ops.read(
            lambda: Choices(
                drawer.registers(actor), drawer.cashiers(actor), drawer.settings(actor)
            ),
            self._choices,
            self.fail,
        )
        self.date_from.setFocus()

    def _date(self, day: date, name: str) -> QDateEdit:
        widget = QDateEdit(QDate(day.year, day.month, day.day))
        widget.setCalendarPopup(True)
        widget.setDisplayFormat("yyyy-MM-dd")
        widget.setAccessibleName(name)
        widget.setMinimumHeight(44)
        widget.dateChanged.connect(lambda _d: self.reload())
        return widget

    def _choice(self, name: str, everyone: str) -> QComboBox:
        widget = QComboBox()
        widget.setAccessibleName(name)
        widget.setMinimumHeight(44)
        widget.setMinimumWidth(180)
        widget.addItem(everyone, None)
        widget.currentIndexChanged.connect(lambda _i: self.reload())
        return widget

    def _small_table(self, model: ToneModel) -> QTableView:
        table = plain_table(model)
        table.verticalHeader().setDefaultSectionSize(30)
        return table

    def _choices(self, choices: Choices) -> None:
        if not self.alive():
            return
        self.currency = choices.settings.currency
        self.limit = choices.settings.over_short_limit
        self.table_model.configure(history_columns(self.currency), self.limit)
        self.by_register.configure(subtotal_columns("Register", self.currency), self.limit)
        self.by_cashier.configure(subtotal_columns("Cashier", self.currency), self.limit)
        for combo, items in ((self.register, choices.registers), (self.cashier, choices.cashiers)):
            combo.blockSignals(True)
            for item_id, name in items:
                combo.addItem(name, str(item_id))
            combo.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        start, end = _day(self.date_from), _day(self.date_to)
        if start > end:
            self.fail("The first day is after the last one.")
            return
        self.error.setText("")
        register, cashier = _id(self.register), _id(self.cashier)
        drawer, actor = self.desk.drawer(), self.desk.actor
        self.desk.ops.read(
            lambda: drawer.over_short_history(
                actor, date_from=start, date_to=end, device_id=register, cashier_id=cashier
            ),
            lambda rows: self._show(generation, rows),
            self.fail,
        )

    def _show(self, generation: int, rows: list[OverShortRow]) -> None:
        if not self.alive() or generation != self._generation:
            return
        self.rows = rows
        self.table_model.set_rows(rows)
        self.by_register.set_rows(subtotals(rows, lambda r: r.register))
        self.by_cashier.set_rows(subtotals(rows, lambda r: r.cashier))
        self.chart.show_rows(rows, self.currency, self.limit)
        net = sum(r.over_short for r in rows)
        over_limit = sum(1 for r in rows if abs(r.over_short) > self.limit)
        self.summary.setText(
            f"{len(rows)} close{'' if len(rows) == 1 else 's'} · "
            f"net {over_short_text(net, self.currency)} · "
            f"{over_limit} over the {cash(self.limit, self.currency)} limit"
            if rows
            else "No drawer was closed in this period."
        )
        self.loads += 1


def _day(widget: QDateEdit) -> date:
    value = widget.date()
    return date(value.year(), value.month(), value.day())


def _id(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(data) if isinstance(data, str) else None
