"""The right-hand panel: one product, its stock by location, units and movement history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.money import format_money
from core.services.catalog_rows import ProductDetail
from desktop.table_model import Column, RowsModel
from desktop.widgets import button, card, label, plain_table

MOVEMENT_COLUMNS: list[Column[Any]] = [
    Column("When (UTC)", lambda m: m.at.strftime("%Y-%m-%d %H:%M")),
    Column("What", lambda m: m.kind.value.replace("_", " ")),
    Column("Qty", lambda m: f"{m.quantity:+d}", align_right=True),
    Column("Balance", lambda m: str(m.balance), align_right=True),
    Column("Why", lambda m: m.reason or m.reference_type.replace("_", " ")),
    Column("By", lambda m: m.user_name),
]
UNIT_COLUMNS: list[Column[Any]] = [
    Column("Serial", lambda u: u.serial_number),
    Column("Condition", lambda u: u.condition.value),
    Column("Status", lambda u: u.status.value.replace("_", " ")),
]
STOCK_COLUMNS: list[Column[Any]] = [
    Column("Location", lambda s: s.location_name),
    Column("On hand", lambda s: str(s.on_hand), align_right=True),
]


class ProductDetailView(QWidget):
    edit_requested = Signal()
    adjust_requested = Signal()
    delete_requested = Signal()
    add_unit_requested = Signal()
    transfer_requested = Signal()
    retire_unit_requested = Signal(object)  # UnitRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, box = card()
        self.name = label("Choose a product", "subtitle")
        self.facts: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for index, key in enumerate(
            ("SKU", "Price", "Cost", "Category", "Supplier", "Tax", "Barcodes", "Reorder at")
        ):
            grid.addWidget(label(key, "muted"), index, 0)
            value = label("")
            self.facts[key] = value
            grid.addWidget(value, index, 1)
        grid.setColumnStretch(1, 1)
        self.on_hand = label("", "subtitle")
        self.stock_model: RowsModel[Any] = RowsModel(STOCK_COLUMNS)
        self.unit_model: RowsModel[Any] = RowsModel(UNIT_COLUMNS)
        self.movement_model: RowsModel[Any] = RowsModel(MOVEMENT_COLUMNS)
        self.units_title = label("Units", "muted")
        self.units = plain_table(self.unit_model)
        buttons = QHBoxLayout()
        self.edit_button = button("Edit  (F2)")
        self.adjust_button = button("Adjust stock  (Ctrl+J)")
        self.delete_button = button("Delete")
        self.add_unit_button = button("Add unit")
        self.retire_unit_button = button("Retire unit")
        self.transfer_button = button("Transfer…")
        for widget in (
            self.edit_button,
            self.adjust_button,
            self.add_unit_button,
            self.retire_unit_button,
            self.transfer_button,
            self.delete_button,
        ):
            buttons.addWidget(widget)
        self.transfer_button.clicked.connect(self.transfer_requested)
        self.add_unit_button.clicked.connect(self.add_unit_requested)
        self.retire_unit_button.clicked.connect(self._retire_selected)
        self.edit_button.clicked.connect(self.edit_requested)
        self.adjust_button.clicked.connect(self.adjust_requested)
        self.delete_button.clicked.connect(self.delete_requested)

        box.addWidget(self.name)
        box.addLayout(grid)
        box.addWidget(self.on_hand)
        box.addWidget(label("Stock by location", "muted"))
        stock_table = plain_table(self.stock_model)
        stock_table.setMaximumHeight(90)
        box.addWidget(stock_table)
        box.addWidget(self.units_title)
        self.units.setMaximumHeight(120)
        box.addWidget(self.units)
        box.addWidget(label("Movement history", "muted"))
        box.addWidget(plain_table(self.movement_model), 1)
        box.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)
        self.clear()

    def clear(self) -> None:
        self.name.setText("Choose a product")
        for value in self.facts.values():
            value.setText("")
        self.on_hand.setText("")
        for model in (self.stock_model, self.unit_model, self.movement_model):
            model.set_rows([])
        for widget in (
            self.edit_button,
            self.adjust_button,
            self.delete_button,
            self.add_unit_button,
        ):
            widget.setEnabled(False)
        self.add_unit_button.hide()
        self.retire_unit_button.hide()
        self.transfer_button.setEnabled(False)

    def _retire_selected(self) -> None:
        index = self.units.currentIndex()
        if index.isValid():
            self.retire_unit_requested.emit(self.unit_model.row(index.row()))

    def show_detail(self, detail: ProductDetail, history: list[Any]) -> None:
        self.name.setText(detail.name + ("" if detail.active else "  (inactive)"))
        self.facts["SKU"].setText(detail.sku)
        self.facts["Price"].setText(format_money(detail.price))
        self.facts["Cost"].setText(format_money(detail.cost))
        self.facts["Category"].setText(detail.category_name or "—")
        self.facts["Supplier"].setText(detail.supplier_name or "—")
        self.facts["Tax"].setText(detail.tax_class)
        self.facts["Barcodes"].setText(", ".join(b.code for b in detail.barcodes) or "—")
        self.facts["Reorder at"].setText(str(detail.reorder_point))
        self.on_hand.setText(f"{detail.on_hand} on hand here")
        self.stock_model.set_rows(detail.stock)
        self.unit_model.set_rows(detail.units)
        self.units.setVisible(detail.is_serialized)
        self.units_title.setVisible(detail.is_serialized)
        self.movement_model.set_rows(history)
        for widget in (self.edit_button, self.adjust_button, self.delete_button):
            widget.setEnabled(True)
        # Serialized stock moves a unit at a time: add one, or sell, rent or retire it.
        self.adjust_button.setVisible(not detail.is_serialized)
        self.add_unit_button.setVisible(detail.is_serialized)
        self.add_unit_button.setEnabled(detail.is_serialized)
        self.retire_unit_button.setVisible(detail.is_serialized)
        self.transfer_button.setVisible(not detail.is_serialized)
        self.transfer_button.setEnabled(not detail.is_serialized and detail.on_hand > 0)
        self.retire_unit_button.setEnabled(detail.is_serialized and bool(detail.units))
