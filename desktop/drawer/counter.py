"""Counting a drawer note by note and coin by coin, to open it or to close it.

Each row shows its own total and the grand total follows every keystroke. Enter (or Tab,
or the arrows) moves to the next row, so a count is typed without the mouse; a row that is
not a count says why beside it and OK stays off until it is put right. On a close the
expected cash and the over/short show live, coloured (green even, amber within the limit,
red over it) — unless the close is blind, where the counter never sees what is expected.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.drawer.counts import denomination_label, parse_pieces
from core.drawer.errors import DrawerError
from desktop.drawer.desk import Tone, cash, over_short_text, tone, tone_colour
from desktop.register.dialogs import RegisterDialog
from desktop.widgets import label, shortcut

SUBMIT_KEY = "F10"


@dataclass(frozen=True, slots=True)
class CountPlan:
    """What the dialog counts, and what it may show while counting."""

    currency: str
    denominations: tuple[int, ...]
    closing: bool = False
    expected: int | None = None  # None: opening, or a blind close
    limit: int = 0


@dataclass
class _Row:
    value: int
    name: str
    box: QLineEdit
    total: QLabel
    problem: QLabel
    pieces: int | None = 0  # None while the text is not a count


class CountDialog(RegisterDialog):
    """`counted` fires with ({denomination: pieces}, note); the caller saves it, then calls
    `accept()` or `fail(...)`."""

    counted = Signal(object, str)

    def __init__(
        self, title: str, plan: CountPlan, ok_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(900)
        self.plan = plan
        self.rows: list[_Row] = []
        self.over_short_tone: Tone | None = None
        self.saving = False
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        half = (len(plan.denominations) + 1) // 2
        for index, value in enumerate(plan.denominations):
            column, line = divmod(index, half)
            self._add_row(grid, value, line * 2, column * 4)
        grid.setColumnMinimumWidth(3, 48)
        grid.setColumnStretch(3, 1)

        self.total_label = self._figure("total")
        self.expected_label = self._figure("strong")
        self.over_short_label = self._figure("strong")
        self.limit_note = label("", "hint")
        figures = QGridLayout()
        figures.setHorizontalSpacing(16)
        figures.addWidget(label("Counted", "subtitle"), 0, 0)
        figures.addWidget(self.total_label, 0, 1)
        shown = plan.closing and plan.expected is not None
        if shown:
            figures.addWidget(label("Expected", "muted"), 1, 0)
            figures.addWidget(self.expected_label, 1, 1)
            figures.addWidget(label("Over/short", "muted"), 2, 0)
            figures.addWidget(self.over_short_label, 2, 1)
            figures.addWidget(self.limit_note, 3, 0, 1, 2)
            assert plan.expected is not None
            self.expected_label.setText(cash(plan.expected, plan.currency))
        figures.setColumnStretch(2, 1)

        self.note = QLineEdit(placeholderText="Note (optional), e.g. counted twice")
        self.note.setAccessibleName("Note")
        self.note.setMaxLength(200)
        self.note.returnPressed.connect(self.submit)
        # F10 is bound to submit, not to the button: while a count is wrong the button is
        # off, and the key still answers with what to put right.
        self.ok = self.key_button(ok_text, None, self.submit, "primary")
        self.ok.setText(f"{ok_text}  ({SUBMIT_KEY})")
        shortcut(SUBMIT_KEY, self, self.submit)
        cancel = self.key_button("Cancel", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(label(title, "strong"))
        last = "goes to the note" if plan.closing else "opens the drawer"
        layout.addWidget(
            label(
                "Type how many of each note and coin; blank is none. Enter or Tab moves down; "
                f"Enter on the last row {last}. {SUBMIT_KEY} finishes from anywhere.",
                "muted",
            )
        )
        if plan.closing and plan.expected is None:
            layout.addWidget(
                label(
                    "Blind close: the amount expected is not shown. Count what is in the "
                    "drawer; the difference is on the Z report.",
                    "hint",
                )
            )
        layout.addLayout(grid)
        layout.addLayout(figures)
        if plan.closing:
            layout.addWidget(self.note)
        else:
            self.note.hide()
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self._chain_focus()
        self.update_totals()
        if self.rows:
            self.rows[0].box.setFocus()

    def _figure(self, role: str) -> QLabel:
        widget = QLabel("")
        widget.setProperty("role", role)
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return widget

    def _add_row(self, grid: QGridLayout, value: int, line: int, column: int) -> None:
        name = denomination_label(value, self.plan.currency)
        title = QLabel(name)
        title.setProperty("role", "strong")
        title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        box = QLineEdit(placeholderText="0")
        box.setAccessibleName(f"Count of {name}")
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.setFixedWidth(120)
        box.setMaxLength(12)
        box.installEventFilter(self)
        total = self._figure("figure")
        total.setMinimumWidth(130)
        problem = label("", "error")
        problem.hide()
        grid.addWidget(title, line, column)
        grid.addWidget(box, line, column + 1)
        grid.addWidget(total, line, column + 2)
        grid.addWidget(problem, line + 1, column, 1, 3)
        row = _Row(value, name, box, total, problem)
        self.rows.append(row)
        box.textChanged.connect(lambda _text: self.update_totals())
        box.returnPressed.connect(lambda: self._next(row))

    def _chain_focus(self) -> None:
        boxes = [row.box for row in self.rows] + ([self.note] if self.plan.closing else [])
        for first, second in itertools.pairwise(boxes):
            QWidget.setTabOrder(first, second)

    # -- figures ---------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return sum(row.value * row.pieces for row in self.rows if row.pieces)

    @property
    def valid(self) -> bool:
        return all(row.pieces is not None for row in self.rows)

    def pieces(self) -> dict[int, int]:
        return {row.value: row.pieces for row in self.rows if row.pieces}

    def update_totals(self) -> None:
        currency = self.plan.currency
        for row in self.rows:
            try:
                row.pieces = parse_pieces(row.box.text(), row.name)
            except DrawerError as exc:
                row.pieces = None
                row.problem.setText(exc.message)
            else:
                row.problem.setText("")
            row.problem.setVisible(row.pieces is None)
            row.total.setText("—" if row.pieces is None else cash(row.value * row.pieces, currency))
        total = self.total
        self.total_label.setText(cash(total, currency))
        self.ok.setEnabled(self.valid and not self.saving)
        if self.plan.closing and self.plan.expected is not None:
            self._show_over_short(total - self.plan.expected)

    def _show_over_short(self, difference: int) -> None:
        currency, limit = self.plan.currency, self.plan.limit
        self.over_short_tone = tone(difference, limit)
        self.over_short_label.setText(over_short_text(difference, currency))
        self.over_short_label.setStyleSheet(
            f"color: {tone_colour(self.over_short_tone)}; font-size: 20pt; font-weight: 700;"
        )
        self.limit_note.setText(
            f"Over the {cash(limit, currency)} limit: a manager signs this difference off."
            if self.over_short_tone is Tone.OVER_LIMIT
            else f"Within the {cash(limit, currency)} limit."
            if self.over_short_tone is Tone.WITHIN
            else ""
        )

    # -- keys ------------------------------------------------------------------------------
    def _next(self, row: _Row) -> None:
        index = self.rows.index(row)
        if index + 1 < len(self.rows):
            self._focus(self.rows[index + 1].box)
        elif self.plan.closing:
            self._focus(self.note)
        else:
            self.submit()

    def _focus(self, box: QLineEdit) -> None:
        box.setFocus()
        box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
            boxes = [row.box for row in self.rows]
            if step is not None and watched in boxes:
                index = boxes.index(watched)
                self._focus(boxes[max(0, min(len(boxes) - 1, index + step))])
                return True
        return super().eventFilter(watched, event)

    def submit(self) -> None:
        if self.saving:
            return  # already on its way
        self.update_totals()
        if not self.valid:
            self.fail("Put right the counts marked in red first.")
            return
        self.saving = True
        self.error.setText("Saving…")
        self.ok.setEnabled(False)
        self.counted.emit(self.pieces(), self.note.text())

    def fail(self, error: BaseException | str) -> None:
        if self.alive():
            self.saving = False
            super().fail(error)
            self.ok.setEnabled(self.valid)
