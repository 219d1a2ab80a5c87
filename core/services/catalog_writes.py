"""The row work behind the catalog service's writes, inside the caller's unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.products import (
    CatalogError,
    ProductDraft,
    barcode_variants,
    check_text,
    classify_barcode,
)
from core.errors import quoted
from core.ids import new_id
from core.money import Money
from core.services import audit
from core.services.catalog_reads import products_with_sku
from core.services.company_rows import check_category, company_currency
from core.services.outbox_bulk import delete_rows
from core.staff.actor import Actor
from db.models import (
    Category,
    InventoryUnit,
    Location,
    Product,
    ProductBarcode,
    StockLevel,
    Supplier,
)
from db.uow import SqlUnitOfWork

# Units still somewhere in the store's hands: a product with any of them is not finished with.
UNSETTLED_UNIT_STATUSES = ("available", "rented", "in_repair")


def apply_draft(product: Product, draft: ProductDraft) -> None:
    product.sku = draft.sku
    product.name = draft.name
    product.category_id = draft.category_id
    product.supplier_id = draft.supplier_id
    product.price_minor = draft.price.amount
    product.cost_minor = draft.cost.amount
    product.tax_class = draft.tax_class
    product.is_serialized = draft.is_serialized
    product.reorder_point = draft.reorder_point
    product.active = draft.active


def draft_of(session: Session, product: Product) -> ProductDraft:
    currency = company_currency(session, product.company_id)
    codes = session.scalars(
        select(ProductBarcode.code)
        .where(ProductBarcode.product_id == product.id)
        .order_by(ProductBarcode.code)
    ).all()
    return ProductDraft(
        sku=product.sku,
        name=product.name,
        category_id=product.category_id,
        supplier_id=product.supplier_id,
        price=Money(product.price_minor, currency),
        cost=Money(product.cost_minor, currency),
        tax_class=product.tax_class,
        is_serialized=product.is_serialized,
        reorder_point=product.reorder_point,
        active=product.active,
        barcodes=tuple(codes),
    )


def snapshot(draft: ProductDraft) -> dict[str, object]:
    """The audit log's view of a product: plain JSON values, amounts in minor units."""
    return {
        "sku": draft.sku,
        "name": draft.name,
        "category_id": None if draft.category_id is None else str(draft.category_id),
        "supplier_id": None if draft.supplier_id is None else str(draft.supplier_id),
        "price_minor": draft.price.amount,
        "cost_minor": draft.cost.amount,
        "tax_class": draft.tax_class,
        "is_serialized": draft.is_serialized,
        "reorder_point": draft.reorder_point,
        "active": draft.active,
        "barcodes": sorted(draft.barcodes),
    }


def replace_barcodes(
    session: Session, company_id: uuid.UUID, product_id: uuid.UUID, codes: tuple[str, ...]
) -> None:
    """Make the product's barcodes exactly `codes`; the audit entry keeps the old ones."""
    existing: dict[str, uuid.UUID] = {
        code: barcode_id
        for code, barcode_id in session.execute(
            select(ProductBarcode.code, ProductBarcode.id).where(
                ProductBarcode.product_id == product_id
            )
        )
    }
    gone = [existing[code] for code in sorted(set(existing) - set(codes))]
    # By id, through the outbox's bulk writer: each removed barcode travels as a delete.
    delete_rows(session, ProductBarcode, gone)
    for code in codes:
        if code not in existing:
            session.add(
                ProductBarcode(
                    id=new_id(),
                    company_id=company_id,
                    product_id=product_id,
                    code=code,
                    symbology=classify_barcode(code).value,
                )
            )


def check_unique(
    session: Session, company_id: uuid.UUID, draft: ProductDraft, product_id: uuid.UUID | None
) -> None:
    """Refuse a SKU or barcode another product (deleted ones too) already has, naming it.

    Deleted products keep their SKU and barcodes: the database's unique constraints cover
    them, and a barcode silently moving to a new product would rewrite what old sales meant.
    """
    for other in products_with_sku(session, company_id, draft.sku, include_deleted=True):
        if other.id != product_id:
            raise CatalogError(f"The SKU {quoted(draft.sku)} is already used by {_name(other)}.")
    wanted = {v: code for code in draft.barcodes for v in barcode_variants(code)}
    if not wanted:
        return
    query = (
        select(ProductBarcode.code, Product)
        .join(Product, Product.id == ProductBarcode.product_id)
        .where(ProductBarcode.company_id == company_id, ProductBarcode.code.in_(list(wanted)))
    )
    if product_id is not None:
        query = query.where(ProductBarcode.product_id != product_id)
    clash = session.execute(query.limit(1)).first()
    if clash is not None:
        code, other = clash
        raise CatalogError(
            f"The barcode {quoted(wanted[code])} is already on {_name(other)}. "
            "A barcode can belong to only one product."
        )


def _name(product: Product) -> str:
    deleted = ", deleted" if product.deleted_at is not None else ""
    return f"{quoted(product.name, 40)} (SKU {product.sku}{deleted})"


def has_stock_or_units(session: Session, product_id: uuid.UUID) -> bool:
    level = session.scalar(
        select(StockLevel.product_id)
        .where(StockLevel.product_id == product_id, StockLevel.on_hand != 0)
        .limit(1)
    )
    unit = session.scalar(
        select(InventoryUnit.id).where(InventoryUnit.product_id == product_id).limit(1)
    )
    return level is not None or unit is not None


def check_deletable(session: Session, product: Product) -> None:
    """A product with stock or units in the store's hands cannot go: the ledger would then
    count items of a product nobody can find, sell or adjust any more."""
    stock = session.execute(
        select(Location.name, StockLevel.on_hand)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.product_id == product.id, StockLevel.on_hand != 0)
        .order_by(Location.name)
    ).all()
    if stock:
        where = ", ".join(f"{qty} at {name}" for name, qty in stock)
        raise CatalogError(
            f"{product.name} still has stock ({where}). Adjust or transfer it to zero "
            "before deleting the product."
        )
    units = session.scalar(
        select(func.count()).where(
            InventoryUnit.product_id == product.id,
            InventoryUnit.status.in_(UNSETTLED_UNIT_STATUSES),
        )
    )
    if units:
        raise CatalogError(
            f"{product.name} has {units} serialized unit(s) not sold or retired. "
            "Retire them before deleting the product."
        )


def add_category(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    name: str,
    parent_id: uuid.UUID | None,
    approved_by: uuid.UUID | None,
) -> uuid.UUID:
    session = uow.session
    name = check_text(name, "category name", 120)
    check_category(session, actor.company_id, parent_id)
    # Deleted categories count too: the unique constraint covers them.
    names = session.scalars(select(Category.name).where(Category.company_id == actor.company_id))
    if any(n.casefold() == name.casefold() for n in names):
        raise CatalogError(f"There is already a category named {quoted(name)}.")
    category = Category(
        id=new_id(),
        company_id=actor.company_id,
        name=name,
        parent_id=parent_id,
        created_at=at,
        updated_at=at,
    )
    session.add(category)
    audit.record(
        uow,
        actor,
        at,
        "category.create",
        "category",
        category.id,
        after={"name": name},
        approved_by=approved_by,
    )
    return category.id


def add_supplier(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    name: str,
    email: str,
    phone: str,
    approved_by: uuid.UUID | None,
) -> uuid.UUID:
    session = uow.session
    name = check_text(name, "supplier name", 200)
    email = check_text(email, "email address", 200, required=False)
    phone = check_text(phone, "phone number", 40, required=False)
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        raise CatalogError(f"{quoted(email)} is not an email address.")
    names = session.scalars(select(Supplier.name).where(Supplier.company_id == actor.company_id))
    if any(n.casefold() == name.casefold() for n in names):
        raise CatalogError(f"There is already a supplier named {quoted(name)}.")
    supplier = Supplier(
        id=new_id(),
        company_id=actor.company_id,
        name=name,
        email=email,
        phone=phone,
        created_at=at,
        updated_at=at,
    )
    session.add(supplier)
    audit.record(
        uow,
        actor,
        at,
        "supplier.create",
        "supplier",
        supplier.id,
        after={"name": name, "email": email, "phone": phone},
        approved_by=approved_by,
    )
    return supplier.id
