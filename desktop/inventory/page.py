"""The inventory area: find a product, see its stock and history, act on it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.catalog.stock import AdjustmentReason
from core.imports.mapping import RecordKind
from core.money import format_money
from core.services.catalog import CatalogService
from core.services.catalog_rows import CategoryRow, ProductDetail, ProductRow, UnitRow
from core.services.exporting import ExportService
from core.services.importing import ImportService
from core.services.stock import StockService
from core.services.stock_rows import MovementRow
from desktop.import_dialog import ImportDialog, export_to_file
from desktop.inventory.detail import ProductDetailView
from desktop.inventory.dialogs import AdjustDialog, CountDialog, ReceiveDialog
from desktop.inventory.editor import ProductEditor
from desktop.inventory.moves import AddUnitDialog, TransferDialog
from desktop.operations import Operations
from desktop.search_panel import SearchPanel
from desktop.table_model import Column
from desktop.tasks import TaskRunner
from desktop.widgets import button, label, page_shortcut

COLUMNS: list[Column[ProductRow]] = [
    Column("SKU", lambda r: r.sku),
    Column("Name", lambda r: r.name if r.active else f"{r.name}  (inactive)"),
    Column("Category", lambda r: r.category or ""),
    Column("Price", lambda r: format_money(r.price), align_right=True),
    Column("On hand", lambda r: str(r.on_hand), align_right=True),
]


def _category_id(value: object) -> uuid.UUID | None:
    return uuid.UUID(value) if isinstance(value, str) else None


class InventoryPage(QWidget):
    def __init__(
        self,
        runner: TaskRunner,
        ops: Operations,
        catalog: Callable[[], CatalogService],
        stock: Callable[[], StockService],
        location_id: Callable[[], uuid.UUID],
        currency: Callable[[], str],
        imports: Callable[[], ImportService],
        exports: Callable[[], ExportService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._catalog = catalog
        self._stock = stock
        self._location_id = location_id
        self._currency = currency
        self._imports = imports
        self._exports = exports
        self._detail: ProductDetail | None = None

        self.category = QComboBox()
        self.category.addItem("All categories", None)
        self.low_stock = QCheckBox("Low stock only")
        self.inactive = QCheckBox("Show inactive")
        self.search = SearchPanel(
            runner, self._query, COLUMNS, "Search name or SKU, or scan a barcode  (Ctrl+F)"
        )
        self.new_button = button("New product  (Ctrl+N)")
        self.receive_button = button("Receive stock  (Ctrl+R)")
        self.count_button = button("Stock count")
        self.reorder_button = button("Reorder list")
        self.import_button = button("Import…")
        self.export_button = button("Export…")

        filters = QHBoxLayout()
        filters.addWidget(self.category)
        filters.addWidget(self.low_stock)
        filters.addWidget(self.inactive)
        filters.addStretch(1)
        actions = QHBoxLayout()
        for action in (
            self.new_button,
            self.receive_button,
            self.count_button,
            self.reorder_button,
            self.import_button,
            self.export_button,
        ):
            actions.addWidget(action)
        actions.addStretch(1)

        left = QWidget()
        left.setMinimumWidth(480)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addLayout(filters)
        left_box.addWidget(self.search, 1)
        self.detail = ProductDetailView()
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail_scroll.setWidget(self.detail)
        detail_scroll.setMinimumWidth(360)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(detail_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([620, 420])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(label("Inventory", "title"))
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        self.search.selected.connect(lambda row: self.show_product(row.id))
        self.search.activated.connect(lambda row: self.show_product(row.id))
        self.category.currentIndexChanged.connect(lambda _i: self.search.refresh())
        self.low_stock.toggled.connect(lambda _on: self.search.refresh())
        self.inactive.toggled.connect(lambda _on: self.search.refresh())
        self.new_button.clicked.connect(self.new_product)
        self.receive_button.clicked.connect(self.receive)
        self.count_button.clicked.connect(self.count)
        self.reorder_button.clicked.connect(self.show_reorder_list)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        self.detail.edit_requested.connect(self.edit_product)
        self.detail.adjust_requested.connect(self.adjust)
        self.detail.delete_requested.connect(self.delete_product)
        self.detail.add_unit_requested.connect(self.add_unit)
        self.detail.retire_unit_requested.connect(self.retire_unit)
        self.detail.transfer_requested.connect(self.transfer)
        page_shortcut("Ctrl+F", self, self.focus_search)
        page_shortcut("Ctrl+N", self, self.new_product)
        page_shortcut("Ctrl+R", self, self.receive)
        page_shortcut("F2", self, self.edit_product)
        page_shortcut("Ctrl+J", self, self.adjust)

    # -- loading ------------------------------------------------------------------------
    def activate(self) -> None:
        """Called when the area is shown: fill the filters, run the search, focus the box."""
        catalog = self._catalog()
        self._ops.read(catalog.categories, self._fill_categories)
        self.search.refresh()
        self.focus_search()

    def focus_search(self) -> None:
        self.search.box.setFocus()
        self.search.box.selectAll()

    def _fill_categories(self, categories: list[CategoryRow]) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem("All categories", None)
        for category in categories:
            self.category.addItem(category.name, str(category.id))  # str: see ProductEditor
        index = self.category.findData(current)
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)

    def _query(self, text: str) -> list[ProductRow]:
        return self._catalog().search(
            text,
            category_id=_category_id(self.category.currentData()),
            include_inactive=self.inactive.isChecked(),
            low_stock_only=self.low_stock.isChecked(),
            location_id=self._location_id(),
        )

    def show_product(self, product_id: uuid.UUID) -> None:
        location_id = self._location_id()

        def load() -> tuple[ProductDetail, list[MovementRow]]:
            detail = self._catalog().product_detail(product_id, location_id)
            history = list(self._stock().movements(product_id, location_id))
            return detail, history

        self._ops.read(load, self._shown)

    def _shown(self, loaded: tuple[ProductDetail, list[MovementRow]]) -> None:
        self._detail, history = loaded
        self.detail.show_detail(self._detail, history)

    def _reload(self, *_: object) -> None:
        self.search.refresh()
        if self._detail is not None:
            self.show_product(self._detail.id)

    # -- actions ------------------------------------------------------------------------
    def new_product(self) -> None:
        editor = ProductEditor(self._ops, self._catalog, None, self._currency(), self)
        if editor.exec():
            self.search.refresh()
            if editor.saved_id is not None:
                self.show_product(editor.saved_id)

    def edit_product(self) -> None:
        if self._detail is None:
            return
        editor = ProductEditor(self._ops, self._catalog, self._detail, self._currency(), self)
        if editor.exec():
            self._reload()

    def delete_product(self) -> None:
        detail = self._detail
        if detail is None:
            return
        catalog = self._catalog()
        self._ops.write(
            lambda approval: catalog.delete_product(self._ops.actor, detail.id, approval=approval),
            lambda _none: self._deleted(),
        )

    def _deleted(self) -> None:
        self._detail = None
        self.detail.clear()
        self.search.refresh()

    def adjust(self) -> None:
        if self._detail is None:
            return
        if AdjustDialog(self._ops, self._stock, self._detail, self._location_id(), self).exec():
            self._reload()

    def add_unit(self) -> None:
        if self._detail is None:
            return
        dialog = AddUnitDialog(self._ops, self._catalog, self._detail, self._location_id(), self)
        if dialog.exec():
            self._reload()

    def retire_unit(self, unit: UnitRow) -> None:
        reasons = [reason.label for reason in AdjustmentReason]
        choice, ok = QInputDialog.getItem(
            self, "Retire unit", f"Why is {unit.serial_number} leaving stock?", reasons, 0, False
        )
        if not ok:
            return
        reason = next(r for r in AdjustmentReason if r.label == choice)
        catalog, actor = self._catalog(), self._ops.actor
        self._ops.write(
            lambda approval: catalog.retire_unit(actor, unit.id, reason, approval=approval),
            self._reload,
        )

    def transfer(self) -> None:
        if self._detail is None:
            return
        dialog = TransferDialog(self._ops, self._stock, self._detail, self._location_id(), self)
        if dialog.exec():
            self._reload()

    def receive(self) -> None:
        if ReceiveDialog(
            self._ops, self._catalog, self._stock, self._location_id(), self._currency(), self
        ).exec():
            self._reload()

    def count(self) -> None:
        if CountDialog(self._ops, self._catalog, self._stock, self._location_id(), self).exec():
            self._reload()

    def import_csv(self) -> None:
        ImportDialog(self._ops, self._imports, RecordKind.PRODUCTS, self).exec()
        self.search.refresh()

    def export_csv(self) -> None:
        export_to_file(self._ops, self._exports, RecordKind.PRODUCTS, self)

    def show_reorder_list(self) -> None:
        self.low_stock.setChecked(True)
        self.search.box.clear()
        self.search.refresh()
