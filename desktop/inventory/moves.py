"""Moving serialized units and transferring stock between stores."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from core.catalog.products import parse_quantity
from core.catalog.stock import UnitCondition
from core.errors import DomainError
from core.money import parse_money
from core.services.catalog import CatalogService
from core.services.catalog_rows import ProductDetail
from core.services.stock import StockService
from desktop.inventory.dialogs import StockDialog, amount_text, buttons_row
from desktop.operations import Operations
from desktop.widgets import label


class AddUnitDialog(StockDialog):
    """Receive one serialized item: its serial number (scan it), condition and cost."""

    def __init__(
        self,
        ops: Operations,
        catalog: Callable[[], CatalogService],
        detail: ProductDetail,
        location_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle(f"Add a unit — {detail.name}")
        self._ops, self._catalog, self._detail, self._location = ops, catalog, detail, location_id
        self.serial = QLineEdit(placeholderText="Scan or type the serial number")
        self.condition = QComboBox()
        for condition in UnitCondition:
            self.condition.addItem(condition.value.capitalize(), condition)
        self.cost = QLineEdit(amount_text(detail.cost))
        form = QFormLayout()
        form.addRow("Serial number", self.serial)
        form.addRow("Condition", self.condition)
        form.addRow("Cost", self.cost)
        self.error = label("", "error")
        row, self.ok = buttons_row("Add unit", self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.ok.clicked.connect(self.submit)
        self.serial.returnPressed.connect(self.submit)
        self.serial.setFocus()

    def submit(self) -> None:
        try:
            cost = parse_money(self.cost.text() or "0", self._detail.cost.currency)
        except DomainError as exc:
            self.error.setText(f"Cost: {exc.message}")
            return
        catalog, actor = self._catalog(), self._ops.actor
        serial, condition = self.serial.text(), self.condition.currentData()
        self.write_and_close(
            lambda approval: catalog.add_unit(
                actor,
                self._detail.id,
                serial,
                condition,
                cost,
                location_id=self._location,
                approval=approval,
            ),
        )


class TransferDialog(StockDialog):
    """Send stock of one product from this store to another of the company's stores."""

    def __init__(
        self,
        ops: Operations,
        stock: Callable[[], StockService],
        detail: ProductDetail,
        location_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, parent)
        self.setWindowTitle(f"Transfer — {detail.name}")
        self._ops, self._stock, self._detail, self._location = ops, stock, detail, location_id
        self.to_location = QComboBox()
        self.quantity = QLineEdit(placeholderText="How many")
        form = QFormLayout()
        form.addRow("On hand here", label(str(detail.on_hand)))
        form.addRow("Send to", self.to_location)
        form.addRow("Quantity", self.quantity)
        self.error = label("", "error")
        row, self.ok = buttons_row("Transfer", self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.ok.clicked.connect(self.submit)
        self.quantity.returnPressed.connect(self.submit)
        self.ok.setEnabled(False)
        service = stock()
        ops.read(service.locations, self._fill)

    def _fill(self, locations: list[tuple[uuid.UUID, str]]) -> None:
        others = [(lid, name) for lid, name in locations if lid != self._location]
        for location_id, name in others:
            self.to_location.addItem(name, str(location_id))  # str: see ProductEditor
        if not others:
            self.error.setText("This company has no other store to send stock to.")
            return
        self.ok.setEnabled(True)
        self.quantity.setFocus()

    def submit(self) -> None:
        try:
            quantity = parse_quantity(self.quantity.text())
        except DomainError as exc:
            self.error.setText(exc.message)
            return
        target = uuid.UUID(self.to_location.currentData())
        stock, actor = self._stock(), self._ops.actor
        self.write_and_close(
            lambda approval: stock.transfer(
                actor, self._location, target, self._detail.id, quantity, approval=approval
            ),
        )
