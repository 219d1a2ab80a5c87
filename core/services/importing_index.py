"""What the store already has, loaded once per import into dictionaries by every key a row
is matched on, so planning thousands of rows asks the database nothing more."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from core.catalog.products import barcode_variants
from core.customers.rules import CustomerDraft, email_key
from core.errors import quoted
from core.imports.csv_source import SourceRow
from core.imports.mapping import ColumnMapping
from db.base import Base
from db.models import (
    Category,
    CustomerAccount,
    CustomerMember,
    InventoryUnit,
    Product,
    ProductBarcode,
    StockLevel,
    Supplier,
)

# Mapping field -> product column, for the fields compared and written as they are.
PRODUCT_COLUMNS = {
    "sku": "sku",
    "name": "name",
    "category": "category_id",
    "supplier": "supplier_id",
    "price": "price_minor",
    "cost": "cost_minor",
    "tax_class": "tax_class",
    "serialized": "is_serialized",
    "reorder_point": "reorder_point",
    "active": "active",
}
ACCOUNT_COLUMNS = (
    *CustomerDraft.__dataclass_fields__,
    "email_key",
    "phone_key",
    "account_number",
    "member_names",
)
MEMBER_COLUMNS = ("first_name", "last_name", "relationship", "email", "phone")
_GENERATED_NUMBER = re.compile(r"A([0-9]+)")

Legacy = tuple[str, str]  # (source, legacy ID)


def cell(row: SourceRow, mapping: ColumnMapping, name: str) -> str:
    """The row's trimmed text for a field, "" if the mapping has no column for it."""
    column = mapping.column(name)
    return row.get(column).strip() if column is not None else ""


class FileKeys:
    """Keys the file has used so far (SKUs, legacy IDs …) and the first line that had each."""

    def __init__(self) -> None:
        self._lines: dict[tuple[str, object], int] = {}

    def claim(self, row: SourceRow, what: str, key: object, text: str) -> list[str]:
        """Take `key` for this row, or say which earlier line has it."""
        if not text:
            return []
        line = self._lines.setdefault((what, key), row.line)
        return [] if line == row.line else [f"The {what} {quoted(text)} is also on line {line}."]


def table_of(model: type[Base]) -> Table:
    """The model's table, for Core INSERTs (about a second faster per 100,000 rows than the
    ORM's bulk insert, which does per-row bookkeeping an import does not need)."""
    return model.metadata.tables[model.__tablename__]


def barcode_key(code: str) -> str:
    """One key for the forms of a barcode (a UPC-A code and its EAN-13 form are one code)."""
    return max(barcode_variants(code), key=len)


def generated_number(account_number: str) -> int:
    """The number in an "A000123" account number LunarFront makes, or 0 for other shapes."""
    match = _GENERATED_NUMBER.fullmatch(account_number)
    return int(match[1]) if match else 0


@dataclass(slots=True)
class Known:
    """A product or account the store has, or that this import will create."""

    id: uuid.UUID
    values: dict[str, object]
    version: int = 1
    legacy: Legacy | None = None
    deleted: bool = False
    barcodes: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)  # key -> id, code
    members: list[Known] = field(default_factory=list)  # live members, oldest first

    def describe(self) -> str:
        deleted = ", deleted" if self.deleted else ""
        name = quoted(str(self.values["name"]), 40)
        if "sku" in self.values:
            return f"{name} (SKU {self.values['sku']}{deleted})"
        return f"{name} ({self.values['account_number']}{deleted})"


class Names:
    """Categories or suppliers by name in any case; `new` holds the rows an import adds."""

    def __init__(
        self, session: Session, model: type[Category] | type[Supplier], company_id: uuid.UUID
    ) -> None:
        self.live: dict[str, uuid.UUID] = {}
        self.deleted: dict[str, uuid.UUID] = {}
        self.new: dict[str, dict[str, object]] = {}
        query = select(model.id, model.name, model.deleted_at)
        for id_, name, deleted_at in session.execute(query.where(model.company_id == company_id)):
            if deleted_at is None:
                self.live[name.casefold()] = id_
            else:
                self.deleted[name.casefold()] = id_


class ProductIndex:
    def __init__(self, session: Session, company_id: uuid.UUID) -> None:
        self.by_id: dict[uuid.UUID, Known] = {}
        self.by_sku: dict[str, Known] = {}  # case-folded, deleted products too
        self.by_legacy: dict[Legacy, Known] = {}
        self.barcode_owner: dict[str, Known] = {}
        self.categories = Names(session, Category, company_id)
        self.suppliers = Names(session, Supplier, company_id)
        columns = [getattr(Product, c) for c in PRODUCT_COLUMNS.values()]
        query = select(
            Product.id,
            Product.version,
            Product.legacy_source,
            Product.legacy_id,
            Product.deleted_at,
            *columns,
        )
        for id_, version, source, legacy_id, deleted_at, *values in session.execute(
            query.where(Product.company_id == company_id)
        ):
            legacy = (source, legacy_id) if source is not None and legacy_id is not None else None
            current = dict(zip(PRODUCT_COLUMNS.values(), values, strict=True))
            self.remember(Known(id_, current, version, legacy, deleted_at is not None))
        codes = select(ProductBarcode.id, ProductBarcode.code, ProductBarcode.product_id)
        for id_, code, product_id in session.execute(
            codes.where(ProductBarcode.company_id == company_id)
        ):
            known = self.by_id[product_id]
            known.barcodes[barcode_key(code)] = (id_, code)
            self.barcode_owner[barcode_key(code)] = known
        stock = select(StockLevel.product_id).where(
            StockLevel.company_id == company_id, StockLevel.on_hand != 0
        )
        units = select(InventoryUnit.product_id).where(InventoryUnit.company_id == company_id)
        self.stocked = set(session.scalars(stock)) | set(session.scalars(units))

    def remember(self, known: Known) -> None:
        self.by_id[known.id] = known
        self.by_sku.setdefault(str(known.values["sku"]).casefold(), known)
        if known.legacy is not None:
            self.by_legacy[known.legacy] = known


class AccountIndex:
    def __init__(self, session: Session, company_id: uuid.UUID) -> None:
        self.by_legacy: dict[Legacy, Known] = {}
        self.by_number: dict[str, Known] = {}  # deleted accounts too: numbers stay taken
        self.by_email: dict[str, list[Known]] = {}  # live accounts only
        self.top_number = 0
        by_id: dict[uuid.UUID, Known] = {}
        columns = [getattr(CustomerAccount, c) for c in ACCOUNT_COLUMNS]
        query = select(
            CustomerAccount.id,
            CustomerAccount.version,
            CustomerAccount.legacy_source,
            CustomerAccount.legacy_id,
            CustomerAccount.deleted_at,
            *columns,
        )
        for id_, version, source, legacy_id, deleted_at, *values in session.execute(
            query.where(CustomerAccount.company_id == company_id)
        ):
            legacy = (source, legacy_id) if source is not None and legacy_id is not None else None
            current = dict(zip(ACCOUNT_COLUMNS, values, strict=True))
            known = Known(id_, current, version, legacy, deleted_at is not None)
            by_id[id_] = known
            self.remember(known)
        members = select(
            CustomerMember.account_id,
            CustomerMember.id,
            *(getattr(CustomerMember, c) for c in MEMBER_COLUMNS),
        )
        for account_id, id_, *values in session.execute(
            members.where(
                CustomerMember.company_id == company_id, CustomerMember.deleted_at.is_(None)
            ).order_by(CustomerMember.created_at, CustomerMember.id)
        ):
            by_id[account_id].members.append(
                Known(id_, dict(zip(MEMBER_COLUMNS, values, strict=True)))
            )

    def remember(self, known: Known) -> None:
        number = str(known.values["account_number"])
        self.by_number.setdefault(number.upper(), known)
        self.top_number = max(self.top_number, generated_number(number))
        if known.legacy is not None:
            self.by_legacy[known.legacy] = known
        email = email_key(str(known.values["email"]))
        if email and not known.deleted:
            self.by_email.setdefault(email, []).append(known)
