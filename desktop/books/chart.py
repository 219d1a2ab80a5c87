"""The chart of accounts as a trial balance, and renaming an account to match QuickBooks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.ledger.accounts import MAX_ACCOUNT_NAME
from core.services.ledger import AccountRow, LedgerService
from desktop.books.models import account_columns, money
from desktop.operations import Operations
from desktop.register.dialogs import RegisterDialog
from desktop.table_model import RowsModel
from desktop.widgets import button, label, plain_table


class RenameDialog(RegisterDialog):
    """A new name for one account; its number and what posts to it stay the same."""

    def __init__(
        self,
        ops: Operations,
        ledger: Callable[[], LedgerService],
        account: AccountRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Rename account {account.code}", parent)
        self.setMinimumWidth(560)
        self._ops, self._ledger, self.account = ops, ledger, account
        self.name = QLineEdit(account.name)
        self.name.setMaxLength(MAX_ACCOUNT_NAME + 20)  # longer is refused in words, not cut
        self.name.selectAll()
        self.save_button = self.key_button("Save", "Enter", self.save, "primary")
        cancel = self.key_button("Cancel", "Esc", self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"Rename account {account.code}", "subtitle"))
        layout.addWidget(
            label(
                "Use the name the account has in QuickBooks. The number, and what the "
                "register posts to it, stay the same.",
                "muted",
            )
        )
        layout.addWidget(self.name)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.name.returnPressed.connect(self.save)
        self.name.setFocus()

    def save(self) -> None:
        name = self.name.text()
        if name == self.account.name:
            self.reject()
            return
        ledger, actor, account_id = self._ledger(), self._ops.actor, self.account.account_id
        self.save_button.setEnabled(False)
        self.error.setText("")
        self._ops.write(
            lambda approval: ledger.rename_account(actor, account_id, name, approval=approval),
            lambda _none: self._saved(),
            self._failed,
        )

    def _saved(self) -> None:
        if self.alive():
            self.accept()  # the page reads the accounts again once the dialog closes

    def _failed(self, error: BaseException) -> None:
        if self.alive():
            self.save_button.setEnabled(True)
            self.fail(error)
            self.refocus(self.name)


class ChartView(QWidget):
    """The accounts by number, each balance on its debit or credit side, totals below."""

    rename_requested = Signal(object)  # the AccountRow

    def __init__(self, currency: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._currency = currency
        self.accounts: RowsModel[AccountRow] = RowsModel(account_columns(currency))
        self.table = plain_table(self.accounts)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, header.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.totals = label("", "strong")
        self.status = label("", "hint")
        self.rename_button = button("Rename  (F2)")
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(self.rename_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(
            label(
                "Balances are all-time: what was debited to each account less what was "
                "credited. Double-click an account, or press F2, to rename it.",
                "hint",
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        # Enter, and a double click (which Qt reports as activation too: not doubleClicked,
        # or a double click would open two dialogs).
        self.table.activated.connect(lambda _index: self.request_rename())
        self.rename_button.clicked.connect(self.request_rename)
        self.show_status("")

    def show_accounts(self, accounts: list[AccountRow]) -> None:
        currency = self._currency()
        chosen = self.current()
        self.accounts.set_rows(accounts)
        codes = [account.code for account in accounts]
        row = codes.index(chosen.code) if chosen is not None and chosen.code in codes else 0
        if accounts:
            self.table.selectRow(row)
        debits = sum(a.balance for a in accounts if a.balance > 0)
        credits = -sum(a.balance for a in accounts if a.balance < 0)
        verdict = "balanced ✓" if debits == credits else "do not balance!"
        self.totals.setText(
            f"Debits {money(debits, currency)}  ·  credits {money(credits, currency)}  —  {verdict}"
        )
        self.show_status("")

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def current(self) -> AccountRow | None:
        index = self.table.currentIndex()
        return self.accounts.row(index.row()) if index.isValid() else None

    def request_rename(self) -> None:
        account = self.current()
        if account is not None:
            self.rename_requested.emit(account)
