"""What the catalog service hands to the screens: plain frozen rows with `Money` amounts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from core.catalog.barcodes import Symbology
from core.catalog.products import ProductDraft
from core.catalog.stock import UnitCondition, UnitStatus
from core.money import Money

MatchedBy = Literal["barcode", "sku", "serial"]


@dataclass(frozen=True, slots=True)
class ProductRow:
    """One line of a product list or search result."""

    id: uuid.UUID
    sku: str
    name: str
    category: str | None
    price: Money
    on_hand: int
    active: bool
    is_serialized: bool


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: uuid.UUID
    product_id: uuid.UUID
    serial_number: str
    condition: UnitCondition
    status: UnitStatus
    location_id: uuid.UUID
    cost: Money


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What a scan or a typed code resolved to; `unit` is set when a serial number matched."""

    product_id: uuid.UUID
    sku: str
    name: str
    price: Money
    tax_class: str
    is_serialized: bool
    active: bool
    matched_by: MatchedBy
    unit: UnitRow | None = None


@dataclass(frozen=True, slots=True)
class BarcodeRow:
    code: str
    symbology: Symbology


@dataclass(frozen=True, slots=True)
class StockAtLocation:
    location_id: uuid.UUID
    location_name: str
    on_hand: int


@dataclass(frozen=True, slots=True)
class ProductDetail:
    """Everything the product screen shows; `version` goes back with the update."""

    id: uuid.UUID
    sku: str
    name: str
    category_id: uuid.UUID | None
    category_name: str | None
    supplier_id: uuid.UUID | None
    supplier_name: str | None
    price: Money
    cost: Money
    tax_class: str
    is_serialized: bool
    reorder_point: int
    active: bool
    version: int
    deleted: bool
    barcodes: tuple[BarcodeRow, ...]
    units: tuple[UnitRow, ...]
    stock: tuple[StockAtLocation, ...]
    on_hand: int

    def draft(self) -> ProductDraft:
        """The product as an edit form starts from it."""
        return ProductDraft(
            sku=self.sku,
            name=self.name,
            category_id=self.category_id,
            supplier_id=self.supplier_id,
            price=self.price,
            cost=self.cost,
            tax_class=self.tax_class,
            is_serialized=self.is_serialized,
            reorder_point=self.reorder_point,
            active=self.active,
            barcodes=tuple(b.code for b in self.barcodes),
        )


@dataclass(frozen=True, slots=True)
class CategoryRow:
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class SupplierRow:
    id: uuid.UUID
    name: str
    email: str
    phone: str
