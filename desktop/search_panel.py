"""Search as you type: a box over a table, queried off the GUI thread.

Each keystroke restarts a short timer; when it fires, the query runs on the database thread.
Answers to older queries are dropped, so a slow answer never overwrites a newer one. A
barcode scanner types fast and ends with Enter, which searches at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.table_model import Column, RowsModel
from desktop.tasks import TaskRunner
from desktop.widgets import label

Row = TypeVar("Row")
DEBOUNCE_MS = 120


class SearchPanel(QWidget, Generic[Row]):
    activated = Signal(object)  # the row chosen with Enter or a double click
    selected = Signal(object)  # the row under the cursor

    def __init__(
        self,
        runner: TaskRunner,
        query: Callable[[str], Sequence[Row]],
        columns: Sequence[Column[Row]],
        placeholder: str,
        stretch_column: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = query
        self._generation = 0
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
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setAlternatingRowColors(True)
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
        self.box.returnPressed.connect(self._enter_in_box)
        self.box.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.activated.connect(lambda index: self._activate(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._select(current.row())
        )

    def refresh(self) -> None:
        """Run the query for what is in the box now."""
        self._timer.stop()
        self._generation += 1
        generation, text = self._generation, self.box.text()
        self._runner.run_db(
            lambda: self._query(text),
            lambda rows: self._show(generation, rows),
            lambda error: self._failed(generation, error),
        )

    def set_query(self, query: Callable[[str], Sequence[Row]]) -> None:
        """Change what is searched (e.g. a filter changed) and search again."""
        self._query = query
        self.refresh()

    def current(self) -> Row | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _show(self, generation: int, rows: Sequence[Row]) -> None:
        if generation != self._generation:
            return  # an older query answered late
        self.model.set_rows(rows)
        count = len(rows)
        self.status.setText("No matches." if not count else f"{count} shown")
        if count:
            self.table.selectRow(0)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.status.setText(f"Search failed: {error}")

    def _enter_in_box(self) -> None:
        # A scanner ends with Enter: search right away, then open the single exact hit.
        self._timer.stop()
        self._generation += 1
        generation, text = self._generation, self.box.text()

        def shown(rows: Sequence[Row]) -> None:
            self._show(generation, rows)
            if generation == self._generation and len(rows) >= 1:
                self._activate(0)

        self._runner.run_db(lambda: self._query(text), shown)

    def _activate(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.activated.emit(self.model.row(row))

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.selected.emit(self.model.row(row))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and self.model.rowCount()
        ):
            self.table.setFocus()
            return True
        return super().eventFilter(watched, event)
