"""The journal browser: entries filtered as a bookkeeper would, and the chosen one's lines.

Every filter change restarts a short timer; when it fires, the entries are read on the
database thread. Answers to older reads are dropped, so a slow one never overwrites a newer.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.errors import DomainError
from core.ledger.journal import EntryKind
from core.services.ledger import MAX_ENTRIES_SHOWN, AccountRow, EntryRow, LedgerService
from desktop.books.models import LinesModel, entry_columns, money, to_date
from desktop.operations import Operations, plain_message
from desktop.table_model import RowsModel
from desktop.tasks import TaskRunner
from desktop.widgets import card, label, plain_table

DEBOUNCE_MS = 250
FIELD_HEIGHT = 44  # as tall as a line edit, for a finger as much as a mouse
EXPORTED_CHOICES = (("Exported or not", None), ("Not exported", False), ("Exported", True))


@dataclass(frozen=True, slots=True)
class JournalFilter:
    date_from: date
    date_to: date
    kind: EntryKind | None
    account_id: uuid.UUID | None
    text: str
    exported: bool | None


def date_edit(day: QDate) -> QDateEdit:
    edit = QDateEdit(day)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def this_month() -> tuple[QDate, QDate]:
    today = QDate.currentDate()
    return QDate(today.year(), today.month(), 1), today


class JournalView(QWidget):
    def __init__(
        self,
        runner: TaskRunner,
        ops: Operations,
        ledger: Callable[[], LedgerService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._ops, self._ledger = runner, ops, ledger
        self._generation = 0
        first, today = this_month()
        self.date_from = date_edit(first)
        self.date_to = date_edit(today)
        self.kind = QComboBox()
        self.kind.addItem("All kinds", None)
        for kind in EntryKind:
            self.kind.addItem(kind.label, str(kind))
        self.account = QComboBox()
        self.account.addItem("All accounts", None)
        self.account.setMinimumContentsLength(24)
        self.account.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.text = QLineEdit(placeholderText="Entry number or memo  (Ctrl+F)")
        self.text.setClearButtonEnabled(True)
        self.exported = QComboBox()
        for caption, _value in EXPORTED_CHOICES:
            self.exported.addItem(caption)
        self.status = label("", "hint")

        for widget in (self.date_from, self.date_to, self.kind, self.account, self.exported):
            widget.setMinimumHeight(FIELD_HEIGHT)
        dates = QHBoxLayout()
        for caption, widget in (("From", self.date_from), ("to", self.date_to)):
            dates.addWidget(label(caption, "muted"))
            dates.addWidget(widget)
        dates.addWidget(self.kind, 1)
        dates.addWidget(self.exported, 1)
        words = QHBoxLayout()
        words.addWidget(self.account, 2)
        words.addWidget(self.text, 3)

        self.entries: RowsModel[EntryRow] = RowsModel(entry_columns())
        self.table = QTableView()
        self.table.setModel(self.entries)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)

        self.lines = LinesModel()
        frame, box = card()
        self.heading = label("Choose an entry to see its lines", "strong")
        self.facts = label("", "muted")
        self.lines_table = plain_table(self.lines)
        self.lines_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lines_header = self.lines_table.horizontalHeader()
        lines_header.setStretchLastSection(True)
        box.addWidget(self.heading)
        box.addWidget(self.facts)
        box.addWidget(self.lines_table, 1)

        top = QWidget()
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        top_box.addLayout(dates)
        top_box.addLayout(words)
        top_box.addWidget(self.status)
        top_box.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(frame)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 380])  # the lines of a sale fit without scrolling
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self._timer.start())
        for combo in (self.kind, self.account, self.exported):
            combo.currentIndexChanged.connect(lambda _i: self._timer.start())
        chain = (self.date_from, self.date_to, self.kind, self.exported, self.account, self.text)
        for first_widget, second_widget in itertools.pairwise((*chain, self.table)):
            QWidget.setTabOrder(first_widget, second_widget)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        self.text.returnPressed.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_lines(current.row())
        )

    # -- filters ----------------------------------------------------------------------------
    def current_filter(self) -> JournalFilter:
        kind = self.kind.currentData()
        account = self.account.currentData()
        return JournalFilter(
            date_from=to_date(self.date_from.date()),
            date_to=to_date(self.date_to.date()),
            kind=EntryKind(kind) if isinstance(kind, str) else None,
            account_id=uuid.UUID(account) if isinstance(account, str) else None,
            text=self.text.text(),
            exported=EXPORTED_CHOICES[max(self.exported.currentIndex(), 0)][1],
        )

    def set_accounts(self, accounts: list[AccountRow]) -> None:
        """Fill the account filter, keeping the choice (names may have changed)."""
        chosen = self.account.currentData()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItem("All accounts", None)
        for account in accounts:
            # str, not the UUID: Qt hands a Python object back as a copy it may not compare.
            self.account.addItem(f"{account.code}  {account.name}", str(account.account_id))
        self.account.setCurrentIndex(max(self.account.findData(chosen), 0))
        self.account.blockSignals(False)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, wanted = self._generation, self.current_filter()
        if wanted.date_to < wanted.date_from:
            self.entries.set_rows([])
            self._show_lines(-1)
            self.status.setText("The end date is before the start date.")
            return
        try:
            actor = self._ops.actor
        except DomainError:
            return  # signed out while a filter's timer ran: nothing to show anyone
        ledger = self._ledger()

        def read() -> list[EntryRow]:
            return ledger.entries(
                actor,
                date_from=wanted.date_from,
                date_to=wanted.date_to,
                kind=wanted.kind,
                account_id=wanted.account_id,
                text=wanted.text,
                exported=wanted.exported,
            )

        self.status.setText("Reading the journal…")
        self._runner.run_db(
            read,
            lambda rows: self._shown(generation, rows),
            lambda error: self._failed(generation, error),
        )

    def _shown(self, generation: int, rows: list[EntryRow]) -> None:
        if generation != self._generation:
            return  # an older read answered late
        kept = self.current_entry()
        self.entries.set_rows(rows)
        if not rows:
            self.status.setText("No journal entries match these filters.")
        elif len(rows) >= MAX_ENTRIES_SHOWN:
            self.status.setText(
                f"Showing the newest {len(rows):,} entries — narrow the dates to see the rest."
            )
        else:
            self.status.setText(f"{len(rows):,} entr{'y' if len(rows) == 1 else 'ies'}")
        ids = [row.entry_id for row in rows]
        row = ids.index(kept.entry_id) if kept is not None and kept.entry_id in ids else 0
        if rows:
            self.table.selectRow(row)
        self._show_lines(row if rows else -1)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(plain_message(error))

    # -- the chosen entry -------------------------------------------------------------------
    def current_entry(self) -> EntryRow | None:
        index = self.table.currentIndex()
        return self.entries.row(index.row()) if index.isValid() else None

    def _show_lines(self, row: int) -> None:
        if not 0 <= row < self.entries.rowCount():
            self.lines.show_entry(None)
            self.heading.setText("Choose an entry to see its lines")
            self.facts.setText("")
            return
        entry = self.entries.row(row)
        self.lines.show_entry(entry)
        self.heading.setText(
            f"{entry.number}  ·  {entry.kind_label}  ·  {entry.entry_date:%Y-%m-%d}  ·  "
            f"{money(entry.amount, entry.currency)}"
        )
        facts = [entry.memo, f"by {entry.user} at {entry.register}"]
        if entry.reverses:
            facts.append(f"reverses {entry.reverses}")
        facts.append("exported" if entry.exported else "not exported yet")
        self.facts.setText("  ·  ".join(fact for fact in facts if fact))
