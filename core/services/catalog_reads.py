"""Finding products: the register's scan lookup and type-ahead search.

User text only ever reaches SQL as a bound parameter. For full-text search it is also
quoted as an FTS5 string literal, so `*`, `OR`, `NEAR`, `"` or `'; DROP TABLE …` are
searched for as the characters they are; for LIKE, `%`, `_` and the escape are escaped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from itertools import product

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from core.catalog.products import MAX_BARCODE_LENGTH, MAX_NAME_LENGTH, barcode_variants
from core.catalog.stock import UnitCondition, UnitStatus
from core.money import Money
from core.services.catalog_rows import LookupResult, MatchedBy, ProductRow, UnitRow
from db.models import Category, InventoryUnit, Product, ProductBarcode, StockLevel

MAX_SEARCH_RESULTS = 500
# The trigram index matches substrings of three characters or more.
MIN_FTS_LENGTH = 3

_product_search = table("product_search", column("rowid"))
_product_rowid = literal_column("product.rowid", Integer)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    category_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    include_inactive: bool = False
    low_stock_only: bool = False
    location_id: uuid.UUID | None = None
    limit: int = 50


def fts_phrase(text: str) -> str:
    """`text` as an FTS5 string literal: searched for as written, never parsed as syntax."""
    return '"' + text.replace('"', '""') + '"'


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _of_company(company_id: uuid.UUID) -> ColumnElement[bool]:
    """The company condition for a trigram search, written so SQLite will not use it.

    Without table statistics SQLite takes `company_id = ?` for selective and walks every
    product of the company through that index, testing each against the trigram hits. The
    unary plus (SQLite's documented way to disqualify a term from indexing) makes it
    fetch the hits by rowid instead; one company per store makes the term a formality.
    """
    unindexed = literal_column("+product.company_id", Product.company_id.type)
    return unindexed == company_id


def _fts_rowids(match: str) -> Select[tuple[int]]:
    return select(_product_search.c.rowid).where(
        literal_column("product_search").op("MATCH")(match)
    )


def products_with_sku(
    session: Session, company_id: uuid.UUID, sku: str, *, include_deleted: bool = False
) -> list[Product]:
    """Products whose SKU equals `sku` ignoring case, an exact-case match first.

    The unique index is case-sensitive, so the exact, upper- and lower-case forms are tried
    through it; mixed-case SKUs are found through the trigram index, which folds case.
    Both are index lookups, never a scan of the product table.
    """
    # Two queries, not one with OR: SQLite would answer an OR by walking every product.
    exact = Product.sku.in_(list(dict.fromkeys((sku, sku.upper(), sku.lower()))))
    conditions: list[ColumnElement[bool]] = [exact]
    if len(sku) >= MIN_FTS_LENGTH and sku.isprintable():
        conditions.append(_product_rowid.in_(_fts_rowids("sku : " + fts_phrase(sku))))
    key = sku.casefold()
    found: dict[uuid.UUID, Product] = {}
    for condition, company in zip(
        conditions, (Product.company_id == company_id, _of_company(company_id)), strict=False
    ):
        query = select(Product).where(company, condition)
        if not include_deleted:
            query = query.where(Product.deleted_at.is_(None))
        found.update((p.id, p) for p in session.scalars(query) if p.sku.casefold() == key)
    return sorted(found.values(), key=lambda p: (p.sku != sku, p.deleted_at is not None, p.sku))


def lookup(
    session: Session, company_id: uuid.UUID, currency: str, code: str
) -> LookupResult | None:
    """A scanned or typed code as a barcode, then a SKU, then a serial number."""
    code = code.strip()
    # No barcode, SKU or serial number holds a control character (they are refused on
    # entry), and SQLite would cut a bound string short at a NUL.
    if not code or len(code) > MAX_BARCODE_LENGTH or not code.isprintable():
        return None
    # Scanners send codes exactly, but people type them in any case; each form is one more
    # probe of an index, never a scan.
    cases = list(dict.fromkeys((code, code.upper(), code.lower())))
    product = session.scalars(
        select(Product)
        .join(ProductBarcode, ProductBarcode.product_id == Product.id)
        .where(
            ProductBarcode.company_id == company_id,
            ProductBarcode.code.in_([v for c in cases for v in barcode_variants(c)]),
            Product.deleted_at.is_(None),
        )
        .order_by(ProductBarcode.code != code)
        .limit(1)
    ).first()
    if product is not None:
        return _result(product, currency, "barcode")
    by_sku = products_with_sku(session, company_id, code)
    if by_sku:
        return _result(by_sku[0], currency, "sku")
    row = session.execute(
        select(InventoryUnit, Product)
        .join(Product, Product.id == InventoryUnit.product_id)
        .where(
            InventoryUnit.company_id == company_id,
            InventoryUnit.serial_number.in_(cases),
            Product.deleted_at.is_(None),
        )
        # The unit in stock first: that is the one being sold when two products share a serial.
        .order_by(
            case((InventoryUnit.status == UnitStatus.AVAILABLE.value, 0), else_=1),
            InventoryUnit.serial_number != code,
        )
        .limit(1)
    ).first()
    if row is None:
        return None
    unit, product = row
    return _result(product, currency, "serial", unit_row(unit, currency))


def _result(
    product: Product, currency: str, matched_by: MatchedBy, unit: UnitRow | None = None
) -> LookupResult:
    return LookupResult(
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        price=Money(product.price_minor, currency),
        tax_class=product.tax_class,
        is_serialized=product.is_serialized,
        active=product.active,
        matched_by=matched_by,
        unit=unit,
    )


def unit_row(unit: InventoryUnit, currency: str) -> UnitRow:
    return UnitRow(
        id=unit.id,
        product_id=unit.product_id,
        serial_number=unit.serial_number,
        condition=UnitCondition(unit.condition),
        status=UnitStatus(unit.status),
        location_id=unit.location_id,
        cost=Money(unit.cost_minor, currency),
    )


def search(
    session: Session, company_id: uuid.UUID, currency: str, text: str, filters: SearchFilters
) -> list[ProductRow]:
    """Type-ahead over name and SKU; an exact barcode puts its product first."""
    text = text.strip()
    if len(text) > MAX_NAME_LENGTH or not text.isprintable():
        # Longer than any name, or holding a control character no name may have (SQLite
        # would also cut the pattern short at a NUL and match everything).
        return []
    limit = max(1, min(filters.limit, MAX_SEARCH_RESULTS))
    on_hand = _on_hand_expression(filters.location_id)
    query = (
        select(
            Product.id,
            Product.sku,
            Product.name,
            Category.name,
            Product.price_minor,
            on_hand,
            Product.active,
            Product.is_serialized,
        )
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.deleted_at.is_(None))
    )
    if len(text) >= MIN_FTS_LENGTH:
        query = query.where(_of_company(company_id))
    else:
        query = query.where(Product.company_id == company_id)
    if not filters.include_inactive:
        query = query.where(Product.active.is_(True))
    if filters.category_id is not None:
        query = query.where(Product.category_id == filters.category_id)
    if filters.supplier_id is not None:
        query = query.where(Product.supplier_id == filters.supplier_id)
    if filters.low_stock_only:
        query = query.where(Product.reorder_point > 0, on_hand <= Product.reorder_point)
    if text and len(text) < MIN_FTS_LENGTH:
        return _starting_with(session, query, text, limit, currency)
    order: list[ColumnElement[object]] = []
    if text:
        barcode_product = _barcode_product(session, company_id, text)
        matches = _text_condition(text)
        if barcode_product is not None:
            matches = or_(matches, Product.id == barcode_product)
            order.append(case((Product.id == barcode_product, 0), else_=1))
        prefix = like_escape(text) + "%"
        order += [
            case((func.lower(Product.sku) == text.lower(), 0), else_=1),
            case((Product.name.like(prefix, escape="\\"), 0), else_=1),
        ]
        query = query.where(matches)
    query = query.order_by(*order, Product.name.collate("NOCASE"), Product.sku).limit(limit)
    return [
        ProductRow(pid, sku, name, category, Money(price, currency), int(qty), active, serial)
        for pid, sku, name, category, price, qty, active, serial in session.execute(query)
    ]


def _text_condition(text: str) -> ColumnElement[bool]:
    return _product_rowid.in_(_fts_rowids(fts_phrase(text)))


_RowQuery = Select[uuid.UUID, str, str, str | None, int, int, bool, bool]


def _starting_with(
    session: Session, query: _RowQuery, text: str, limit: int, currency: str
) -> list[ProductRow]:
    """One or two characters: names and SKUs that start with them, in any case.

    Too short for trigrams, and a LIKE '%x%' over 100,000 names must read and sort them all
    (about 150 ms a keystroke). Each case form of the prefix is instead a range on the
    (company, name) and (company, sku) indexes, read in index order and stopped at `limit`.
    """
    found: dict[uuid.UUID, Row[uuid.UUID, str, str, str | None, int, int, bool, bool]] = {}
    for column_ in (Product.name, Product.sku):
        for prefix in _case_forms(text):
            ranged = query.where(column_ >= prefix, column_ < prefix + "\U0010ffff")
            for row in session.execute(ranged.order_by(column_).limit(limit)):
                found.setdefault(row[0], row)
    ordered = sorted(found.values(), key=lambda r: (str(r[2]).casefold(), str(r[1])))
    return [
        ProductRow(pid, sku, name, category, Money(price, currency), int(qty), active, serial)
        for pid, sku, name, category, price, qty, active, serial in ordered[:limit]
    ]


def _case_forms(text: str) -> list[str]:
    """Every upper/lower-case spelling of a short prefix ("fe": fe, fE, Fe, FE)."""
    options = [sorted({ch.lower(), ch.upper()}) for ch in text]
    return sorted({"".join(chars) for chars in product(*options)})


def _barcode_product(session: Session, company_id: uuid.UUID, text: str) -> uuid.UUID | None:
    if len(text) > MAX_BARCODE_LENGTH:
        return None
    return session.scalar(
        select(ProductBarcode.product_id)
        .where(
            ProductBarcode.company_id == company_id,
            ProductBarcode.code.in_(barcode_variants(text)),
        )
        .limit(1)
    )


def _on_hand_expression(location_id: uuid.UUID | None) -> ColumnElement[int]:
    """On hand at one location, or across all of them when no location is given."""
    levels = select(func.sum(StockLevel.on_hand)).where(StockLevel.product_id == Product.id)
    if location_id is not None:
        levels = levels.where(StockLevel.location_id == location_id)
    return func.coalesce(levels.scalar_subquery(), 0)
