"""Creating and editing a product."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.catalog.products import ProductDraft, parse_quantity
from core.errors import DomainError
from core.money import parse_money
from core.services.catalog import CatalogService
from core.services.catalog_rows import ProductDetail
from desktop.inventory.dialogs import amount_text
from desktop.operations import Operations, plain_message
from desktop.widgets import button, label

TAX_CLASSES = ("standard", "reduced", "exempt")
_Choices = tuple[list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]


def _uuid_or_none(value: object) -> uuid.UUID | None:
    return uuid.UUID(value) if isinstance(value, str) else None


class ProductEditor(QDialog):
    def __init__(
        self,
        ops: Operations,
        catalog: Callable[[], CatalogService],
        detail: ProductDetail | None,
        currency: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New product" if detail is None else f"Edit {detail.name}")
        self.setMinimumWidth(620)
        self._ops = ops
        self._catalog = catalog
        self._detail = detail
        self._currency = currency
        self.saved_id: uuid.UUID | None = detail.id if detail else None

        self.sku = QLineEdit()
        self.name = QLineEdit()
        self.category = QComboBox()
        self.supplier = QComboBox()
        self.price = QLineEdit(placeholderText="0.00")
        self.cost = QLineEdit(placeholderText="0.00")
        self.tax_class = QComboBox()
        self.tax_class.addItems(TAX_CLASSES)
        self.reorder = QLineEdit("0")
        self.serialized = QCheckBox("Each item has a serial number")
        self.active = QCheckBox("Active (can be sold)")
        self.active.setChecked(True)
        self.barcodes = QPlainTextEdit()
        self.barcodes.setPlaceholderText("One barcode per line (scan them here)")
        self.barcodes.setMaximumHeight(90)
        form = QFormLayout()
        for caption, widget in (
            ("SKU", self.sku),
            ("Name", self.name),
            ("Category", self.category),
            ("Supplier", self.supplier),
            ("Price", self.price),
            ("Cost", self.cost),
            ("Tax class", self.tax_class),
            ("Reorder at", self.reorder),
            ("", self.serialized),
            ("", self.active),
            ("Barcodes", self.barcodes),
        ):
            form.addRow(caption, widget)
        self.error = label("", "error")
        save = button("Save  (Ctrl+S)", "primary")
        cancel = button("Cancel")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        save.clicked.connect(self.save)
        save.setShortcut("Ctrl+S")
        cancel.clicked.connect(self.reject)
        self._save_button = save
        service = catalog()
        ops.read(self._load_choices(service), self._fill)
        if detail is not None:
            self.sku.setText(detail.sku)
            self.name.setText(detail.name)
            self.price.setText(amount_text(detail.price))
            self.cost.setText(amount_text(detail.cost))
            self.tax_class.setCurrentText(detail.tax_class)
            self.reorder.setText(str(detail.reorder_point))
            self.serialized.setChecked(detail.is_serialized)
            self.active.setChecked(detail.active)
            self.barcodes.setPlainText("\n".join(b.code for b in detail.barcodes))
        self.sku.setFocus()

    @staticmethod
    def _load_choices(service: CatalogService) -> Callable[[], _Choices]:
        def load() -> _Choices:
            categories = [(c.id, c.name) for c in service.categories()]
            suppliers = [(s.id, s.name) for s in service.suppliers()]
            return categories, suppliers

        return load

    def _fill(self, loaded: _Choices) -> None:
        categories, suppliers = loaded
        for combo, items, current in (
            (self.category, categories, self._detail.category_id if self._detail else None),
            (self.supplier, suppliers, self._detail.supplier_id if self._detail else None),
        ):
            # Item data are UUID strings: QComboBox.findData compares Python objects by identity.
            combo.addItem("—", None)
            for item_id, name in items:
                combo.addItem(name, str(item_id))
            combo.setCurrentIndex(max(combo.findData(str(current)), 0) if current else 0)

    def draft(self) -> ProductDraft:
        """The form as a draft; raises DomainError naming the field that is wrong."""
        try:
            price = parse_money(self.price.text() or "0", self._currency)
        except DomainError as exc:
            raise DomainError(f"Price: {exc.message}") from exc
        try:
            cost = parse_money(self.cost.text() or "0", self._currency)
        except DomainError as exc:
            raise DomainError(f"Cost: {exc.message}") from exc
        codes = tuple(c.strip() for c in self.barcodes.toPlainText().splitlines() if c.strip())
        return ProductDraft(
            sku=self.sku.text().strip(),
            name=self.name.text().strip(),
            category_id=_uuid_or_none(self.category.currentData()),
            supplier_id=_uuid_or_none(self.supplier.currentData()),
            price=price,
            cost=cost,
            tax_class=self.tax_class.currentText(),
            is_serialized=self.serialized.isChecked(),
            reorder_point=parse_quantity(self.reorder.text() or "0"),
            active=self.active.isChecked(),
            barcodes=codes,
        )

    def save(self) -> None:
        try:
            draft = self.draft()
        except DomainError as exc:
            self.error.setText(exc.message)
            return
        catalog = self._catalog()
        actor = self._ops.actor
        detail = self._detail
        self._save_button.setEnabled(False)
        self.error.setText("Saving…")
        if detail is None:
            self._ops.write(
                lambda approval: catalog.create_product(actor, draft, approval=approval),
                self._saved,
                self._failed,
            )
        else:
            self._ops.write(
                lambda approval: catalog.update_product(
                    actor, detail.id, draft, detail.version, approval=approval
                ),
                self._saved,
                self._failed,
            )

    def _saved(self, result: object) -> None:
        if isinstance(result, uuid.UUID):
            self.saved_id = result
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._save_button.setEnabled(True)
        self.error.setText(plain_message(error))
