"""The customers area: find an account by name, phone, email, account number or a member."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from core.imports.mapping import RecordKind
from core.services.customers import CustomerDetail, CustomerRow, CustomerService
from core.services.exporting import ExportService
from core.services.importing import ImportService
from desktop.customers.editor import CustomerEditor
from desktop.import_dialog import ImportDialog, export_to_file
from desktop.operations import Operations
from desktop.search_panel import SearchPanel
from desktop.table_model import Column, RowsModel
from desktop.tasks import TaskRunner
from desktop.widgets import button, card, label, page_shortcut, plain_table

COLUMNS: list[Column[CustomerRow]] = [
    Column("Account", lambda r: r.account_number),
    Column("Name", lambda r: r.name),
    Column("Phone", lambda r: r.phone),
    Column("Email", lambda r: r.email),
    Column("Members", lambda r: r.member_names),
]
MEMBER_COLUMNS: list[Column[Any]] = [
    Column("Name", lambda m: f"{m.first_name} {m.last_name}"),
    Column("Relationship", lambda m: m.relationship),
    Column("Phone", lambda m: m.phone),
    Column("Email", lambda m: m.email),
]
HISTORY_COLUMNS: list[Column[Any]] = [
    Column("When", lambda h: h.at.strftime("%Y-%m-%d")),
    Column("What", lambda h: h.kind),
    Column("Reference", lambda h: h.reference),
    Column("Summary", lambda h: h.summary),
]


class CustomersPage(QWidget):
    def __init__(
        self,
        runner: TaskRunner,
        ops: Operations,
        customers: Callable[[], CustomerService],
        imports: Callable[[], ImportService],
        exports: Callable[[], ExportService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._customers = customers
        self._imports = imports
        self._exports = exports
        self._detail: CustomerDetail | None = None
        self.search = SearchPanel(
            runner,
            lambda text: customers().search(text),
            COLUMNS,
            "Search name, phone, email, account number or a member  (Ctrl+F)",
        )
        self.new_button = button("New customer  (Ctrl+N)")
        frame, box = card()
        self.name = label("Choose a customer", "subtitle")
        self.facts = label("", "muted")
        self.exempt = label("", "error")
        self.members: RowsModel[Any] = RowsModel(MEMBER_COLUMNS)
        self.history: RowsModel[Any] = RowsModel(HISTORY_COLUMNS)
        self.edit_button = button("Edit  (F2)")
        self.delete_button = button("Delete")
        box.addWidget(self.name)
        box.addWidget(self.facts)
        box.addWidget(self.exempt)
        box.addWidget(label("Members", "muted"))
        self.members_table = plain_table(self.members)
        box.addWidget(self.members_table)
        self.remove_member_button = button("Remove selected member")
        self.remove_member_button.clicked.connect(self.remove_member)
        box.addWidget(self.remove_member_button)
        box.addWidget(label("History: sales, rentals and repairs", "muted"))
        self.history_empty = label("Nothing yet.", "hint")
        box.addWidget(self.history_empty)
        box.addWidget(plain_table(self.history), 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        box.addLayout(buttons)
        self.search.setMinimumWidth(480)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        frame.setMinimumWidth(360)
        splitter.addWidget(self.search)
        splitter.addWidget(frame)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 420])
        top = QHBoxLayout()
        top.addWidget(label("Customers", "title"))
        top.addStretch(1)
        self.import_button = button("Import…")
        self.export_button = button("Export…")
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        top.addWidget(self.new_button)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.search.selected.connect(lambda row: self.show_customer(row.id))
        self.search.activated.connect(lambda row: self.show_customer(row.id))
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button.clicked.connect(self.edit_customer)
        self.delete_button.clicked.connect(self.delete_customer)
        page_shortcut("Ctrl+F", self, self.focus_search)
        page_shortcut("Ctrl+N", self, self.new_customer)
        page_shortcut("F2", self, self.edit_customer)
        self._set_enabled(False)

    def activate(self) -> None:
        self.search.refresh()
        self.focus_search()

    def focus_search(self) -> None:
        self.search.box.setFocus()
        self.search.box.selectAll()

    def show_customer(self, account_id: uuid.UUID) -> None:
        customers = self._customers()
        self._ops.read(lambda: customers.detail(account_id), self._shown)

    def _shown(self, detail: CustomerDetail) -> None:
        self._detail = detail
        self.name.setText(f"{detail.name}  ·  {detail.account_number}")
        lines = [detail.phone, detail.email, detail.address, detail.notes]
        self.facts.setText("\n".join(line for line in lines if line))
        self.exempt.setText(
            f"Tax exempt — certificate {detail.tax_exempt_certificate}" if detail.tax_exempt else ""
        )
        self.members.set_rows(detail.members)
        self.history.set_rows(detail.history)
        self.history_empty.setVisible(not detail.history)
        self._set_enabled(True)

    def _set_enabled(self, enabled: bool) -> None:
        self.edit_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.remove_member_button.setEnabled(enabled)

    def remove_member(self) -> None:
        index, detail = self.members_table.currentIndex(), self._detail
        if detail is None or not index.isValid():
            return
        member = self.members.row(index.row())
        customers, actor = self._customers(), self._ops.actor
        self._ops.write(
            lambda approval: customers.remove_member(actor, member.id, approval=approval),
            lambda _r: self.show_customer(detail.id),
        )

    def import_csv(self) -> None:
        ImportDialog(self._ops, self._imports, RecordKind.CUSTOMERS, self).exec()
        self.search.refresh()

    def export_csv(self) -> None:
        export_to_file(self._ops, self._exports, RecordKind.CUSTOMERS, self)

    def new_customer(self) -> None:
        editor = CustomerEditor(self._ops, self._customers, None, self)
        if editor.exec() and editor.saved_id is not None:
            self.search.refresh()
            self.show_customer(editor.saved_id)

    def edit_customer(self) -> None:
        if self._detail is None:
            return
        editor = CustomerEditor(self._ops, self._customers, self._detail, self)
        if editor.exec():
            self.search.refresh()
            self.show_customer(self._detail.id)

    def delete_customer(self) -> None:
        detail = self._detail
        if detail is None:
            return
        customers, actor = self._customers(), self._ops.actor
        self._ops.write(lambda _a: customers.delete(actor, detail.id), lambda _r: self._deleted())

    def _deleted(self) -> None:
        self._detail = None
        self.name.setText("Choose a customer")
        self.facts.setText("")
        self.exempt.setText("")
        self.members.set_rows([])
        self.history.set_rows([])
        self._set_enabled(False)
        self.search.refresh()
