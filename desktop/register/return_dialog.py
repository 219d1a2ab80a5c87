"""Taking items back: by receipt (scanned, typed or found among recent sales), choosing
lines and quantities; or without a receipt, at today's price.

The returned lines join the sale on the register, so an exchange is a return and a sale
rung up together; paying the difference (either way) is the tender dialog's job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.money import format_money
from core.sales.errors import SaleError
from core.services.approval import Approval
from core.services.catalog_rows import ProductRow
from core.services.register_rows import ReturnableLine, ReturnableSale, SaleSummary, SaleView
from desktop.register.dialogs import RegisterDialog
from desktop.register.picker import MOVES, PickPanel, move_selection
from desktop.register.till import Till, money, store_time
from desktop.table_model import Column, RowsModel
from desktop.widgets import label, plain_table


def receipt_columns(timezone: str) -> list[Column[SaleSummary]]:
    return [
        Column("Receipt", lambda s: s.receipt_number),
        Column("When", lambda s: store_time(s.completed_at, timezone)),
        Column("Customer", lambda s: s.customer),
        Column("Kind", lambda s: s.kind.capitalize() + ("  (voided)" if s.voided else "")),
        Column("Total", lambda s: money(s.total), align_right=True),
    ]


PRODUCT_COLUMNS: list[Column[ProductRow]] = [
    Column("Name", lambda r: r.name),
    Column("SKU", lambda r: r.sku),
    Column("Today's price", lambda r: format_money(r.price), align_right=True),
]


def _unwrapped(widget: QLabel) -> QLabel:
    widget.setWordWrap(False)
    return widget


class ReturnDialog(RegisterDialog):
    changed = Signal(object)  # SaleView with the returned lines on it

    def __init__(
        self,
        till: Till,
        sale_id: uuid.UUID | None,
        found: ReturnableSale | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Return", parent)
        self.resize(900, 620)
        self.till = till
        self.sale_id = sale_id
        self.receipt: ReturnableSale | None = None
        self.quantities: dict[uuid.UUID, int] = {}
        self.product: ProductRow | None = None
        self.stack = QStackedWidget()
        self.find_page = self._find_page()
        self.lines_page = self._lines_page()
        self.loose_page = self._loose_page()
        self.loose_product_page = self._loose_product_page()
        for page in (self.find_page, self.lines_page, self.loose_page, self.loose_product_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        if found is not None:
            self.show_receipt(found)
        else:
            self._show_find()

    # -- finding the receipt ---------------------------------------------------------------
    def _find_page(self) -> QWidget:
        page = QWidget()
        register = self.till.register()
        self.receipts: PickPanel[SaleSummary] = PickPanel(
            self.till.runner,
            receipt_columns(self.till.timezone()),
            "Scan or type the receipt number, or a customer's name",
            query=register.recent,
            stretch_column=2,
        )
        self.receipts.activated.connect(self._receipt_chosen)
        no_receipt = self.key_button("No receipt", "F2", self._show_loose, None, page)
        cancel = self.key_button("Cancel", "Esc", self.reject, None, page)
        take = self.key_button("Open receipt", "Enter", self.receipts._enter, "primary", page)
        row = QHBoxLayout()
        row.addWidget(no_receipt)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(take)
        layout = QVBoxLayout(page)
        layout.addWidget(label("Return — find the sale", "subtitle"))
        layout.addWidget(self.receipts, 1)
        layout.addLayout(row)
        return page

    def _show_find(self) -> None:
        self.stack.setCurrentWidget(self.find_page)
        self.receipts.refresh()
        self.receipts.box.setFocus()

    def _receipt_chosen(self, summary: SaleSummary) -> None:
        register = self.till.register()
        self.till.ops.read(
            lambda: register.returnable(summary.sale_id), self.show_receipt, self.fail
        )

    # -- choosing lines and quantities -----------------------------------------------------
    def _lines_page(self) -> QWidget:
        page = QWidget()
        self.receipt_title = label("", "subtitle")
        self.receipt_facts = label("", "muted")
        self.lines: RowsModel[ReturnableLine] = RowsModel(
            [
                Column("Item", lambda x: x.name + (f"  ·  S/N {x.serial}" if x.serial else "")),
                Column("Sold", lambda x: str(x.sold), align_right=True),
                Column("Returned", lambda x: str(x.returned), align_right=True),
                Column("Paid each", lambda x: money(x.unit_net), align_right=True),
                Column("Return", lambda x: str(self.quantities.get(x.line_id, "")), True),
            ]
        )
        self.lines_table: QTableView = plain_table(self.lines)
        self.lines_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_table.verticalHeader().setDefaultSectionSize(44)
        header = self.lines_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines_table.selectionModel().currentRowChanged.connect(
            lambda _now, _before: self._line_selected()
        )
        self.quantity = QLineEdit()
        self.quantity.setProperty("role", "amount")
        self.quantity.setAccessibleName("Quantity to return")
        self.quantity.setMaximumWidth(140)
        self.quantity.installEventFilter(self)
        self.quantity.textEdited.connect(self._quantity_typed)
        self.quantity.returnPressed.connect(self.add_returns)
        self.left_label = label("", "muted")
        everything = self.key_button("Return everything", "F3", self._everything, None, page)
        other = self.key_button("Other receipt", "F4", self._show_find, None, page)
        cancel = self.key_button("Cancel", "Esc", self.reject, None, page)
        self.add_button = self.key_button("Add to the sale", "Enter", self.add_returns, "primary")
        entry = QHBoxLayout()
        entry.addWidget(_unwrapped(label("Return quantity", "strong")))
        entry.addWidget(self.quantity)
        entry.addWidget(self.left_label, 1)
        row = QHBoxLayout()
        row.addWidget(everything)
        row.addWidget(other)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.receipt_title)
        layout.addWidget(self.receipt_facts)
        layout.addWidget(self.lines_table, 1)
        layout.addWidget(
            label("↑ ↓ choose the line, type how many come back, Enter adds them.", "hint")
        )
        layout.addLayout(entry)
        layout.addLayout(row)
        return page

    def show_receipt(self, receipt: ReturnableSale) -> None:
        if not self.alive():
            return
        self.receipt = receipt
        self.quantities = {}
        self.error.setText("")
        self.receipt_title.setText(f"Return from receipt {receipt.receipt_number}")
        facts = [store_time(receipt.completed_at, self.till.timezone())]
        if receipt.customer:
            facts.append(receipt.customer)
        if receipt.voided:
            facts.append("this sale was voided: nothing can be returned")
        self.receipt_facts.setText("  ·  ".join(facts))
        self.lines.set_rows(receipt.lines)
        self.stack.setCurrentWidget(self.lines_page)
        first = next((i for i, line in enumerate(receipt.lines) if line.left > 0), 0)
        if receipt.lines:
            self.lines_table.selectRow(first)
        self._line_selected()
        self.quantity.setFocus()

    def _current_line(self) -> ReturnableLine | None:
        index = self.lines_table.currentIndex()
        return self.lines.row(index.row()) if index.isValid() else None

    def _line_selected(self) -> None:
        line = self._current_line()
        if line is None:
            self.quantity.clear()
            self.left_label.setText("")
            return
        chosen = self.quantities.get(line.line_id)
        self.quantity.setText("" if chosen is None else str(chosen))
        self.quantity.selectAll()
        self.left_label.setText(
            f"{line.left} of {line.sold} can come back" if line.left else "Already all returned"
        )

    def _quantity_typed(self, text: str) -> None:
        line = self._current_line()
        if line is None:
            return
        value = text.strip()
        if not value:
            self.quantities.pop(line.line_id, None)
        elif not (value.isascii() and value.isdigit()):
            self.fail("Type a whole number.")
            return
        elif int(value) > line.left:
            self.fail(f"Only {line.left} of {line.name} can come back.")
            return
        elif int(value) == 0:
            self.quantities.pop(line.line_id, None)
        else:
            self.quantities[line.line_id] = int(value)
        self.error.setText("")
        self._refresh_lines()

    def _refresh_lines(self) -> None:
        row = self.lines_table.currentIndex().row()
        self.lines.set_rows(self.lines.rows)
        if row >= 0:
            self.lines_table.selectRow(row)

    def _everything(self) -> None:
        self.quantities = {line.line_id: line.left for line in self.lines.rows if line.left > 0}
        self._refresh_lines()
        self._line_selected()

    def add_returns(self) -> None:
        if not self.add_button.isEnabled():
            return
        chosen = [(line_id, qty) for line_id, qty in self.quantities.items() if qty > 0]
        if not chosen:
            self.fail("Type how many of the chosen line come back, then Enter.")
            return
        register, actor, sale_id = self.till.register(), self.till.actor, self.sale_id

        def run(approval: Approval | None) -> SaleView:
            view: SaleView | None = None
            target = sale_id
            for line_id, quantity in chosen:
                view = register.add_return(
                    actor, line_id, quantity, sale_id=target, approval=approval
                )
                target = view.sale_id
            assert view is not None
            return view

        self._write(run)

    # -- without a receipt -----------------------------------------------------------------
    def _loose_page(self) -> QWidget:
        page = QWidget()
        catalog, location_id = self.till.catalog(), self.till.location_id()
        self.products: PickPanel[ProductRow] = PickPanel(
            self.till.runner,
            PRODUCT_COLUMNS,
            "Type the item's name or SKU, or scan it",
            query=lambda text: catalog.search(text, location_id=location_id),
        )
        self.products.activated.connect(self._product_chosen)
        back = self.key_button("Back", "F4", self._show_find, None, page)
        cancel = self.key_button("Cancel", "Esc", self.reject, None, page)
        take = self.key_button("Choose", "Enter", self.products._enter, "primary", page)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(take)
        layout = QVBoxLayout(page)
        layout.addWidget(label("Return without a receipt", "subtitle"))
        layout.addWidget(
            label(
                "The item is refunded at today's price, to store credit — or in cash with a "
                "manager's approval.",
                "muted",
            )
        )
        layout.addWidget(self.products, 1)
        layout.addLayout(row)
        return page

    def _show_loose(self) -> None:
        self.error.setText("")
        self.stack.setCurrentWidget(self.loose_page)
        self.products.refresh()
        self.products.box.setFocus()

    def _loose_product_page(self) -> QWidget:
        page = QWidget()
        self.product_title = label("", "subtitle")
        self.loose_quantity = QLineEdit("1")
        self.loose_quantity.setProperty("role", "amount")
        self.loose_quantity.setAccessibleName("Quantity to return")
        self.serial = QLineEdit(placeholderText="Serial number on the item")
        self.serial.setAccessibleName("Serial number")
        self.loose_quantity.returnPressed.connect(self.add_loose)
        self.serial.returnPressed.connect(self.add_loose)
        form = QFormLayout()
        form.addRow("Quantity", self.loose_quantity)
        form.addRow("Serial number", self.serial)
        self.serial_row_label = form.labelForField(self.serial)
        back = self.key_button("Other item", "F4", self._show_loose, None, page)
        cancel = self.key_button("Cancel", "Esc", self.reject, None, page)
        self.loose_button = self.key_button("Add to the sale", "Enter", self.add_loose, "primary")
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.loose_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.product_title)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    def _product_chosen(self, product: ProductRow) -> None:
        self.product = product
        self.product_title.setText(
            f"{product.name} ({product.sku}) — refunded at {format_money(product.price)} each"
        )
        serialized = product.is_serialized
        self.loose_quantity.setText("1")
        self.loose_quantity.setEnabled(not serialized)
        self.serial.clear()
        self.serial.setVisible(serialized)
        if self.serial_row_label is not None:
            self.serial_row_label.setVisible(serialized)
        self.stack.setCurrentWidget(self.loose_product_page)
        (self.serial if serialized else self.loose_quantity).setFocus()
        self.loose_quantity.selectAll()

    def add_loose(self) -> None:
        product = self.product
        if product is None or not self.loose_button.isEnabled():
            return
        text = self.loose_quantity.text().strip()
        if not (text.isascii() and text.isdigit()) or int(text) <= 0:
            self.fail("Type how many come back, for example 1.")
            return
        quantity, serial = int(text), self.serial.text().strip()
        if product.is_serialized and not serial:
            self.fail("Type or scan the serial number on the item.")
            return
        register, catalog = self.till.register(), self.till.catalog()
        actor, sale_id = self.till.actor, self.sale_id

        def run(approval: Approval | None) -> SaleView:
            unit_id = None
            if product.is_serialized:
                found = catalog.lookup(serial)
                if found is None or found.unit is None or found.product_id != product.id:
                    raise SaleError(f"No {product.name} has the serial number {serial[:40]}.")
                unit_id = found.unit.id
            return register.add_unreceipted_return(
                actor, product.id, quantity, unit_id, sale_id=sale_id, approval=approval
            )

        self._write(run)

    # -- plumbing --------------------------------------------------------------------------
    def _write(self, run: Callable[[Approval | None], SaleView]) -> None:
        for widget in (self.add_button, self.loose_button):
            widget.setEnabled(False)
        self.error.setText("Adding the return…")
        self.till.ops.write(run, self._added, self._refused)

    def _added(self, view: SaleView) -> None:
        self.changed.emit(view)
        if self.alive():
            self.accept()

    def _refused(self, error: BaseException) -> None:
        if self.alive():
            for widget in (self.add_button, self.loose_button):
                widget.setEnabled(True)
            self.fail(error)
            current = self.stack.currentWidget()
            self.refocus(self.quantity if current is self.lines_page else self.loose_quantity)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.quantity
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in MOVES
        ):
            move_selection(self.lines_table, MOVES[Qt.Key(event.key())])
            return True
        return super().eventFilter(watched, event)
