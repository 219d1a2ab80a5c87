"""Pick one row from a list by keyboard: type to narrow it, arrows to move, Enter to take.

The focus stays in the box the whole time, so a cashier types, arrows and presses Enter
without reaching for the mouse. Rows come from a query run on the database thread (answers
to older queries are dropped, as in `desktop.search_panel`) or from a list already in hand,
filtered as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.register.dialogs import RegisterDialog
from desktop.table_model import Column, RowsModel
from desktop.tasks import TaskRunner
from desktop.widgets import label

Row = TypeVar("Row")
DEBOUNCE_MS = 120
MOVES = {
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_PageUp: -8,
    Qt.Key.Key_PageDown: 8,
}


def move_selection(table: QTableView, step: int) -> None:
    """Move a table's current row by `step`, staying inside it."""
    count = table.model().rowCount()
    if not count:
        return
    current = table.currentIndex().row()
    row = 0 if current < 0 else max(0, min(count - 1, current + step))
    table.selectRow(row)
    table.scrollTo(table.model().index(row, 0))


class PickPanel(QWidget, Generic[Row]):
    activated = Signal(object)  # the row taken with Enter or a double click

    def __init__(
        self,
        runner: TaskRunner,
        columns: Sequence[Column[Row]],
        placeholder: str,
        *,
        query: Callable[[str], Sequence[Row]] | None = None,
        rows: Sequence[Row] = (),
        matches: Callable[[Row, str], bool] | None = None,
        stretch_column: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = query
        self._all = list(rows)
        self._matches = matches
        self._generation = 0
        self._shown_text: str | None = None
        self._take_when_shown = False
        self.box = QLineEdit(placeholderText=placeholder)
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName(placeholder)
        self.status = label("", "hint")
        self.model: RowsModel[Row] = RowsModel(columns)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self.box.textChanged.connect(lambda _text: self._timer.start())
        self.box.returnPressed.connect(self._enter)
        self.box.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._take(index.row()))

    # -- rows ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._timer.stop()
        text = self.box.text()
        if self._query is None:
            matches = self._matches
            needle = text.strip().casefold()
            shown = [r for r in self._all if not needle or matches is None or matches(r, needle)]
            self._show(self._generation, text, shown)
            return
        self._generation += 1
        generation, query = self._generation, self._query
        self._runner.run_db(
            lambda: query(text),
            lambda rows: self._show(generation, text, rows),
            lambda error: self._failed(generation, error),
        )

    def set_rows(self, rows: Sequence[Row]) -> None:
        self._all = list(rows)
        self.refresh()

    def current(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _show(self, generation: int, text: str, rows: Sequence[Row]) -> None:
        if generation != self._generation:
            return  # an older query answered late
        self.model.set_rows(rows)
        self._shown_text = text
        self.status.setText("No matches." if not rows else "↑ ↓ to choose, Enter to take it")
        if rows:
            self.table.selectRow(0)
        if self._take_when_shown:
            self._take_when_shown = False
            if rows:
                self._take(0)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(f"Search failed: {error}")

    # -- keys ------------------------------------------------------------------------------
    def _enter(self) -> None:
        if self._timer.isActive() or self._shown_text != self.box.text():
            # Typed (or scanned) faster than the search: take the first hit when it answers.
            self._take_when_shown = True
            self.refresh()
            return
        index = self.table.currentIndex()
        if index.isValid():
            self._take(index.row())

    def _take(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.activated.emit(self.model.row(row))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in MOVES
        ):
            move_selection(self.table, MOVES[Qt.Key(event.key())])
            return True
        return super().eventFilter(watched, event)


class PickDialog(RegisterDialog, Generic[Row]):
    """A titled picker: `picked` fires with the chosen row and the dialog closes."""

    picked = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        title: str,
        columns: Sequence[Column[Row]],
        placeholder: str,
        *,
        query: Callable[[str], Sequence[Row]] | None = None,
        rows: Sequence[Row] = (),
        matches: Callable[[Row, str], bool] | None = None,
        text: str = "",
        hint: str = "",
        stretch_column: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.resize(760, 560)
        self.panel: PickPanel[Row] = PickPanel(
            runner,
            columns,
            placeholder,
            query=query,
            rows=rows,
            matches=matches,
            stretch_column=stretch_column,
        )
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.key_button("Cancel", "Esc", self.reject))
        self.take_button = self.key_button("Choose", "Enter", self.panel._enter, "primary")
        self.buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "subtitle"))
        if hint:
            layout.addWidget(label(hint, "muted"))
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.error)
        layout.addLayout(self.buttons)
        self.panel.activated.connect(self._picked)
        self.panel.box.setText(text)
        self.panel.refresh()
        self.panel.box.setFocus()

    def add_action(self, widget: QWidget) -> None:
        """An extra button, left of Cancel."""
        self.buttons.insertWidget(1, widget)

    def _picked(self, row: Any) -> None:
        self.picked.emit(row)
        self.accept()
