"""Exporting a date range of the journal to a file QuickBooks imports.

The preview counts the range's entries and how many went out before; the service decides
what is written. Entries exported before are left out, and when there is nothing else the
bookkeeper may send them again with a manager's approval (asked for by `Operations`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.services.ledger import AlreadyExportedError, ExportResult, LedgerService
from desktop.books.journal import FIELD_HEIGHT, date_edit
from desktop.books.models import to_date, to_qdate
from desktop.operations import Operations, plain_message
from desktop.register.dialogs import RegisterDialog
from desktop.tasks import TaskRunner
from desktop.widgets import button, label

DEBOUNCE_MS = 200


def default_name(date_from: date, date_to: date) -> str:
    return f"journal-{date_from:%Y-%m-%d}-to-{date_to:%Y-%m-%d}.csv"


def entries_text(count: int) -> str:
    return f"{count:,} entr{'y' if count == 1 else 'ies'}"


def free_path(path: Path) -> Path:
    """`path`, or `name (2).csv` and so on: an earlier export of the range is kept."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


class ExportDialog(RegisterDialog):
    exported = Signal(object)  # the ExportResult

    def __init__(
        self,
        runner: TaskRunner,
        ops: Operations,
        ledger: Callable[[], LedgerService],
        exports_dir: Callable[[], Path],
        date_from: date,
        date_to: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Export to QuickBooks", parent)
        self.setMinimumWidth(760)
        self._runner, self._ops, self._ledger, self._exports_dir = runner, ops, ledger, exports_dir
        self._generation = 0
        self._auto_path = True  # the path follows the dates until the bookkeeper picks one
        self._counts: tuple[date, date, int, int] | None = None  # from, to, total, exported
        self.last_export: ExportResult | None = None
        self.date_from = date_edit(to_qdate(date_from))
        self.date_to = date_edit(to_qdate(date_to))
        self.path = QLineEdit()
        self.browse_button = button("Browse…")
        self.browse_button.setAutoDefault(False)
        self.preview = label("", "muted")
        self.outcome = label("", "ok")
        self.export_button = self.key_button("Export", "Enter", self.export, "primary")
        self.export_button.setDefault(True)  # Enter anywhere in the dialog exports
        self.again_button = self.key_button(
            "Export again (manager)", "Ctrl+Shift+E", lambda: self.export(again=True)
        )
        self.again_button.hide()
        close = self.key_button("Close", "Esc", self.reject)

        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(label("to", "muted"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Dates", dates)
        form.addRow("File", file_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Export to QuickBooks", "subtitle"))
        layout.addWidget(
            label(
                "Writes the journal entries of these dates to a file QuickBooks Online imports "
                "as journal entries. Entries exported before are left out.",
                "muted",
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.count)
        for edit in (self.date_from, self.date_to):
            edit.setMinimumHeight(FIELD_HEIGHT)
            edit.dateChanged.connect(lambda _d: self._dates_changed())
        self.path.textEdited.connect(lambda _t: self._path_chosen())
        self.browse_button.clicked.connect(self.browse)
        self._follow_dates()
        self.count()
        self.date_from.setFocus()

    def chosen_range(self) -> tuple[date, date]:
        return to_date(self.date_from.date()), to_date(self.date_to.date())

    # -- the range and the file -------------------------------------------------------------
    def _dates_changed(self) -> None:
        self.again_button.hide()
        self.error.setText("")
        self._follow_dates()
        self._timer.start()

    def _follow_dates(self) -> None:
        if self._auto_path:
            self.path.setText(str(self._exports_dir() / default_name(*self.chosen_range())))

    def _path_chosen(self) -> None:
        self._auto_path = False

    def browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export to QuickBooks", self.path.text(), "CSV files (*.csv)"
        )
        if chosen:
            self.path.setText(chosen)
            self._path_chosen()

    # -- the preview ------------------------------------------------------------------------
    def count(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, (date_from, date_to) = self._generation, self.chosen_range()
        if date_to < date_from:
            self.preview.setText("The end date is before the start date.")
            return
        ledger, actor = self._ledger(), self._ops.actor

        def read() -> tuple[int, int]:
            return ledger.export_counts(actor, date_from, date_to)

        self.preview.setText("Counting the entries…")
        self._runner.run_db(
            read,
            lambda counts: self._counted(generation, date_from, date_to, counts),
            lambda error: self._count_failed(generation, error),
        )

    def _counted(
        self, generation: int, date_from: date, date_to: date, counts: tuple[int, int]
    ) -> None:
        if generation != self._generation or not self.alive():
            return
        total, exported = counts
        self._counts = (date_from, date_to, total, exported)
        if not total:
            text = "No journal entries in these dates."
        elif exported == total:
            text = f"{entries_text(total)}, all exported before."
        else:
            text = f"{entries_text(total)}, {total - exported:,} not yet exported."
        self.preview.setText(text)

    def _count_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation and self.alive():
            self.preview.setText(plain_message(error))

    # -- exporting --------------------------------------------------------------------------
    def export(self, *, again: bool = False) -> None:
        text = self.path.text().strip()
        if not text:
            self.fail("Choose the file to export to.")
            return
        date_from, date_to = self.chosen_range()
        path, auto = Path(text).expanduser(), self._auto_path
        ledger, actor, folder = self._ledger(), self._ops.actor, self._exports_dir()

        def work(approval: object) -> ExportResult:
            target = path
            if auto:
                folder.mkdir(parents=True, exist_ok=True)
                target = free_path(path)
            return ledger.export(actor, date_from, date_to, target, again=again, approval=approval)

        self._busy(True)
        self.error.setText("")
        self.outcome.setText("")
        self._ops.write(work, lambda result: self._exported(result, again), self._failed)

    def _exported(self, result: ExportResult, again: bool) -> None:
        if not self.alive():
            return  # closed meanwhile: the page reads the journal again on closing
        self.exported.emit(result)
        self.last_export = result
        self._busy(False)
        self.again_button.hide()
        message = f"Exported {entries_text(result.entries)} to {result.path}."
        counts, (date_from, date_to) = self._counts, self.chosen_range()
        if not again and counts and counts[:2] == (date_from, date_to) and counts[3]:
            verb = "was" if counts[3] == 1 else "were"
            message += f" {entries_text(counts[3])} exported before {verb} left out."
        elif result.again:
            message += f" {entries_text(result.again)} had been exported before."
        self.outcome.setText(message)
        self.refocus(self.date_from)
        self.count()

    def _failed(self, error: BaseException) -> None:
        if not self.alive():
            return
        self._busy(False)
        if isinstance(error, AlreadyExportedError):
            self.fail(
                f"All {entries_text(error.exported)} in these dates were exported before. "
                "“Export again” sends them once more, with a manager's approval."
            )
            self.again_button.show()
        else:
            self.fail(error)
        self.refocus(self.date_from)

    def _busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.again_button.setEnabled(not busy)
