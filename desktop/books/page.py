"""The books area, for a manager or bookkeeper: the journal, the chart of accounts, and the
export of a date range to QuickBooks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from core.services.ledger import AccountRow, LedgerService
from desktop.books.chart import ChartView, RenameDialog
from desktop.books.export_dialog import ExportDialog
from desktop.books.journal import JournalView
from desktop.operations import Operations, plain_message
from desktop.tasks import TaskRunner
from desktop.widgets import button, label, page_shortcut

JOURNAL_TAB, CHART_TAB = 0, 1


class BooksPage(QWidget):
    def __init__(
        self,
        runner: TaskRunner,
        ops: Operations,
        ledger: Callable[[], LedgerService],
        currency: Callable[[], str],
        exports_dir: Callable[[], Path],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._ops, self._ledger = runner, ops, ledger
        self._exports_dir = exports_dir
        self.dialog: ExportDialog | RenameDialog | None = None
        self.journal = JournalView(runner, ops, ledger)
        self.chart = ChartView(currency)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.journal, "Journal")
        self.tabs.addTab(self.chart, "Chart of accounts")
        self.tabs.setDocumentMode(True)
        self.export_button = button("Export to QuickBooks…  (Ctrl+E)", "primary")
        top = QHBoxLayout()
        top.addWidget(label("Books", "title"))
        top.addStretch(1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.export_button.clicked.connect(self.export)
        self.chart.rename_requested.connect(self.rename)
        self.tabs.currentChanged.connect(self._tab_changed)
        page_shortcut("Ctrl+E", self, self.export)
        page_shortcut("Ctrl+F", self, self.focus_search)
        page_shortcut("F2", self, self.chart.request_rename)
        page_shortcut("F5", self, self.refresh)

    def activate(self) -> None:
        """Called when the area is shown: read the accounts and the journal afresh."""
        self.refresh()
        if self.tabs.currentIndex() == JOURNAL_TAB:
            self.journal.table.setFocus()
        else:
            self.chart.table.setFocus()

    def refresh(self) -> None:
        self.load_accounts()
        self.journal.refresh()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(JOURNAL_TAB)
        self.journal.text.setFocus()
        self.journal.text.selectAll()

    def _tab_changed(self, index: int) -> None:
        if index == CHART_TAB:
            self.load_accounts()
            self.chart.table.setFocus()

    # -- accounts ---------------------------------------------------------------------------
    def load_accounts(self) -> None:
        ledger, actor = self._ledger(), self._ops.actor
        self._runner.run_db(
            lambda: ledger.accounts(actor),
            self._accounts_loaded,
            lambda error: self.chart.show_status(plain_message(error)),
        )

    def _accounts_loaded(self, accounts: list[AccountRow]) -> None:
        self.chart.show_accounts(accounts)
        self.journal.set_accounts(accounts)

    def rename(self, account: AccountRow) -> None:
        if self.tabs.currentIndex() != CHART_TAB or self.dialog is not None:
            return  # F2 on the journal tab: nothing to rename there
        self._open(RenameDialog(self._ops, self._ledger, account, self), self.chart.table)

    # -- export -----------------------------------------------------------------------------
    def export(self) -> None:
        if self.dialog is not None:
            return
        wanted = self.journal.current_filter()
        dialog = ExportDialog(
            self._runner,
            self._ops,
            self._ledger,
            self._exports_dir,
            wanted.date_from,
            wanted.date_to,
            self,
        )
        dialog.exported.connect(lambda _result: self.journal.refresh())
        self._open(dialog, self.journal.table)

    def _open(self, dialog: ExportDialog | RenameDialog, back_to: QWidget) -> None:
        """Open without blocking; once closed (and deleted), the keys go back to the page."""

        def closed(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            self.refresh()  # a name or an export mark may have changed
            back_to.setFocus()

        dialog.finished.connect(closed)
        self.dialog = dialog
        dialog.open()
