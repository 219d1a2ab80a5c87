"""Receiving stock, adjusting it, and counting it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.catalog.products import parse_quantity
from core.catalog.stock import AdjustmentReason
from core.errors import DomainError
from core.money import Money, format_money, parse_money
from core.services.catalog import CatalogService
from core.services.catalog_rows import ProductDetail
from core.services.stock import ReceiveLine, StockService
from desktop.operations import Operations, plain_message
from desktop.table_model import Column, RowsModel
from desktop.widgets import button, label, plain_table


def parse_signed_quantity(text: str) -> int:
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    return sign * parse_quantity(text.lstrip("+-").strip())


def buttons_row(ok_text: str, dialog: QDialog) -> tuple[QHBoxLayout, Any]:
    ok = button(ok_text, "primary")
    cancel = button("Cancel")
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(ok)
    return row, ok


class StockDialog(QDialog):
    """A form whose OK runs one service write: closed when it succeeds, and the reason shown
    in plain words (OK usable again) when it does not. Subclasses set `ok` and `error`."""

    ok: QPushButton
    error: QLabel

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops

    def write_and_close(self, fn: Callable[[Any], object]) -> None:
        self.ok.setEnabled(False)
        self._ops.write(fn, lambda _result: self.accept(), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        self.error.setText(plain_message(error))


class AdjustDialog(StockDialog):
    def __init__(
        self,
        ops: Operations,
        stock: Callable[[], StockService],
        detail: ProductDetail,
        location_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle(f"Adjust stock — {detail.name}")
        self._ops, self._stock, self._detail, self._location = ops, stock, detail, location_id
        self.quantity = QLineEdit(placeholderText="e.g. -2 or +3")
        self.reason = QComboBox()
        for reason in AdjustmentReason:
            self.reason.addItem(reason.label, reason)
        self.note = QLineEdit(placeholderText="What happened (optional)")
        form = QFormLayout()
        form.addRow("On hand now", label(str(detail.on_hand)))
        form.addRow("Change by", self.quantity)
        form.addRow("Reason", self.reason)
        form.addRow("Note", self.note)
        self.error = label("", "error")
        row, self.ok = buttons_row("Adjust", self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.ok.clicked.connect(self.submit)
        self.quantity.returnPressed.connect(self.submit)
        self.quantity.setFocus()

    def submit(self) -> None:
        try:
            delta = parse_signed_quantity(self.quantity.text())
        except DomainError as exc:
            self.error.setText(exc.message)
            return
        stock, actor = self._stock(), self._ops.actor
        reason, note = self.reason.currentData(), self.note.text()
        self.write_and_close(
            lambda approval: stock.adjust(
                actor, self._location, self._detail.id, delta, reason, note, approval=approval
            ),
        )


@dataclass(frozen=True, slots=True)
class _PendingLine:
    product_id: uuid.UUID
    name: str
    quantity: int
    unit_cost: Money


class ReceiveDialog(StockDialog):
    """Scan or type each product, its quantity and cost; receive them all at once."""

    def __init__(
        self,
        ops: Operations,
        catalog: Callable[[], CatalogService],
        stock: Callable[[], StockService],
        location_id: uuid.UUID,
        currency: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle("Receive stock")
        self.setMinimumSize(760, 520)
        self._ops, self._catalog, self._stock = ops, catalog, stock
        self._location, self._currency = location_id, currency
        self.supplier = QComboBox()
        self.reference = QLineEdit(placeholderText="Supplier invoice or packing slip number")
        self.code = QLineEdit(placeholderText="Scan or type a barcode or SKU")
        self.quantity = QLineEdit("1")
        self.cost = QLineEdit(placeholderText="Unit cost")
        self.lines: RowsModel[_PendingLine] = RowsModel(
            [
                Column("Product", lambda line: line.name),
                Column("Qty", lambda line: str(line.quantity), align_right=True),
                Column("Unit cost", lambda line: format_money(line.unit_cost), align_right=True),
            ]
        )
        form = QFormLayout()
        form.addRow("Supplier", self.supplier)
        form.addRow("Reference", self.reference)
        entry = QHBoxLayout()
        entry.addWidget(self.code, 3)
        entry.addWidget(self.quantity, 1)
        entry.addWidget(self.cost, 1)
        add = button("Add line")
        entry.addWidget(add)
        self.error = label("", "error")
        row, self.ok = buttons_row("Receive", self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(plain_table(self.lines), 1)
        layout.addLayout(row)
        add.clicked.connect(self.add_line)
        self.code.returnPressed.connect(self.quantity.setFocus)
        self.quantity.returnPressed.connect(self.cost.setFocus)
        self.cost.returnPressed.connect(self.add_line)
        self.ok.clicked.connect(self.submit)
        service = catalog()
        ops.read(lambda: [(s.id, s.name) for s in service.suppliers()], self._fill_suppliers)
        self.code.setFocus()

    def _fill_suppliers(self, suppliers: list[tuple[uuid.UUID, str]]) -> None:
        self.supplier.addItem("—", None)
        for supplier_id, name in suppliers:
            self.supplier.addItem(name, str(supplier_id))  # str: see ProductEditor

    def add_line(self) -> None:
        code = self.code.text().strip()
        try:
            quantity = parse_quantity(self.quantity.text())
            cost = parse_money(self.cost.text() or "0", self._currency)
        except DomainError as exc:
            self.error.setText(exc.message)
            return
        if not code:
            self.error.setText("Scan or type a barcode or SKU first.")
            return
        catalog = self._catalog()

        def found(result: Any) -> None:
            if result is None:
                self.error.setText(f"No product has the barcode or SKU “{code[:30]}”.")
                self.code.selectAll()
                self.code.setFocus()
                return
            self.lines.set_rows(
                [*self.lines.rows, _PendingLine(result.product_id, result.name, quantity, cost)]
            )
            self.error.setText("")
            self.code.clear()
            self.quantity.setText("1")
            self.cost.clear()
            self.code.setFocus()

        self._ops.read(lambda: catalog.lookup(code), found)

    def submit(self) -> None:
        if not self.lines.rows:
            self.error.setText("Add at least one line.")
            return
        stock, actor = self._stock(), self._ops.actor
        lines = [ReceiveLine(p.product_id, p.quantity, p.unit_cost) for p in self.lines.rows]
        chosen = self.supplier.currentData()
        supplier_id = uuid.UUID(chosen) if isinstance(chosen, str) else None
        reference = self.reference.text()
        self.write_and_close(
            lambda _approval: stock.receive(actor, self._location, supplier_id, reference, lines),
        )


class CountDialog(StockDialog):
    """A stock count: each product scanned and counted; completing posts the differences."""

    def __init__(
        self,
        ops: Operations,
        catalog: Callable[[], CatalogService],
        stock: Callable[[], StockService],
        location_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle("Stock count")
        self.setMinimumSize(720, 520)
        self._ops, self._catalog, self._stock, self._location = ops, catalog, stock, location_id
        self._count_id: uuid.UUID | None = None
        self._counted: dict[uuid.UUID, tuple[str, int, int]] = {}
        self.code = QLineEdit(placeholderText="Scan or type a barcode or SKU")
        self.counted = QLineEdit(placeholderText="Counted")
        self.lines: RowsModel[tuple[str, int, int]] = RowsModel(
            [
                Column("Product", lambda line: line[0]),
                Column("Expected", lambda line: str(line[1]), align_right=True),
                Column("Counted", lambda line: str(line[2]), align_right=True),
                Column("Difference", lambda line: f"{line[2] - line[1]:+d}", align_right=True),
            ]
        )
        entry = QHBoxLayout()
        entry.addWidget(self.code, 3)
        entry.addWidget(self.counted, 1)
        record = button("Record")
        entry.addWidget(record)
        self.error = label("", "error")
        row, self.ok = buttons_row("Complete count", self)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Count what is on the shelf; differences post when you complete."))
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(plain_table(self.lines), 1)
        layout.addLayout(row)
        self.code.returnPressed.connect(self.counted.setFocus)
        self.counted.returnPressed.connect(self.record)
        record.clicked.connect(self.record)
        self.ok.clicked.connect(self.complete)
        self.ok.setEnabled(False)
        self.code.setFocus()

    def record(self) -> None:
        # The count starts with its first line, so opening and cancelling leaves nothing open.
        code, count_id = self.code.text().strip(), self._count_id
        try:
            counted = parse_quantity(self.counted.text())
        except DomainError as exc:
            self.error.setText(exc.message)
            return
        catalog, stock, actor = self._catalog(), self._stock(), self._ops.actor

        location = self._location

        def work() -> tuple[uuid.UUID, uuid.UUID, str, int] | None:
            result = catalog.lookup(code)
            if result is None:
                return None
            expected = stock.on_hand(result.product_id, location)
            started = count_id or stock.start_count(actor, location)
            stock.record_count(actor, started, result.product_id, counted)
            return started, result.product_id, result.name, expected

        def done(result: tuple[uuid.UUID, uuid.UUID, str, int] | None) -> None:
            if result is None:
                self.error.setText(f"No product has the barcode or SKU “{code[:30]}”.")
                return
            self._count_id, product_id, name, expected = result
            self._counted[product_id] = (name, expected, counted)
            self.lines.set_rows(list(self._counted.values()))
            self.error.setText("")
            self.code.clear()
            self.counted.clear()
            self.code.setFocus()
            self.ok.setEnabled(True)

        self._ops.write(lambda _approval: work(), done, self._failed)

    def complete(self) -> None:
        count_id = self._count_id
        if count_id is None:
            return
        stock, actor = self._stock(), self._ops.actor
        self.write_and_close(
            lambda approval: stock.complete_count(actor, count_id, approval=approval),
        )

    def _failed(self, error: BaseException) -> None:
        self.ok.setEnabled(bool(self._counted))
        self.error.setText(plain_message(error))


def amount_text(money: Money) -> str:
    """An amount as a cashier would type it back (no symbol, no separators)."""
    scale = 10**money.exponent
    whole, part = divmod(abs(money.amount), scale)
    sign = "-" if money.amount < 0 else ""
    return f"{sign}{whole}.{part:0{money.exponent}d}" if money.exponent else f"{sign}{whole}"
