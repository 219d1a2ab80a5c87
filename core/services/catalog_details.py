"""The product screen's full picture, and the category and supplier pick lists."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.barcodes import Symbology
from core.money import Money
from core.services.catalog_reads import unit_row
from core.services.catalog_rows import (
    BarcodeRow,
    CategoryRow,
    ProductDetail,
    StockAtLocation,
    SupplierRow,
)
from core.services.company_rows import owned_product
from core.services.stock_ledger import levels_by_location
from db.models import Category, InventoryUnit, Location, ProductBarcode, Supplier


def product_detail(
    session: Session,
    company_id: uuid.UUID,
    currency: str,
    product_id: uuid.UUID,
    location_id: uuid.UUID,
) -> ProductDetail:
    """Everything about one product; a deleted product is still shown, marked deleted."""
    product = owned_product(session, company_id, product_id, deleted_ok=True)
    category = None if product.category_id is None else session.get(Category, product.category_id)
    supplier = None if product.supplier_id is None else session.get(Supplier, product.supplier_id)
    barcodes = session.execute(
        select(ProductBarcode.code, ProductBarcode.symbology)
        .where(ProductBarcode.product_id == product.id)
        .order_by(ProductBarcode.code)
    ).all()
    units = session.scalars(
        select(InventoryUnit)
        .where(InventoryUnit.product_id == product.id)
        .order_by(InventoryUnit.serial_number)
    ).all()
    levels = levels_by_location(session, product.id)
    locations = session.execute(
        select(Location.id, Location.name)
        .where(Location.company_id == company_id, Location.deleted_at.is_(None))
        .order_by(Location.name)
    ).all()
    return ProductDetail(
        id=product.id,
        sku=product.sku,
        name=product.name,
        category_id=product.category_id,
        category_name=None if category is None else category.name,
        supplier_id=product.supplier_id,
        supplier_name=None if supplier is None else supplier.name,
        price=Money(product.price_minor, currency),
        cost=Money(product.cost_minor, currency),
        tax_class=product.tax_class,
        is_serialized=product.is_serialized,
        reorder_point=product.reorder_point,
        active=product.active,
        version=product.version,
        deleted=product.deleted_at is not None,
        barcodes=tuple(BarcodeRow(code, Symbology(kind)) for code, kind in barcodes),
        units=tuple(unit_row(unit, currency) for unit in units),
        stock=tuple(StockAtLocation(lid, name, levels.get(lid, 0)) for lid, name in locations),
        on_hand=levels.get(location_id, 0),
    )


def categories(session: Session, company_id: uuid.UUID) -> list[CategoryRow]:
    rows = session.execute(
        select(Category.id, Category.name, Category.parent_id)
        .where(Category.company_id == company_id, Category.deleted_at.is_(None))
        .order_by(Category.name)
    ).all()
    return [CategoryRow(cid, name, parent) for cid, name, parent in rows]


def suppliers(session: Session, company_id: uuid.UUID) -> list[SupplierRow]:
    rows = session.execute(
        select(Supplier.id, Supplier.name, Supplier.email, Supplier.phone)
        .where(Supplier.company_id == company_id, Supplier.deleted_at.is_(None))
        .order_by(Supplier.name)
    ).all()
    return [SupplierRow(sid, name, email, phone) for sid, name, email, phone in rows]
