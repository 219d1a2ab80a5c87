"""One row of an old system's file read as a product or a customer, or every reason it can't be.

Pure. The catalog's and the customer rules' own validators do the checking, so an imported
product is held to exactly what the product form would accept. Every problem in a row is
collected (not just the first), so the manager can fix a row in one go. Fields the mapping
does not name are absent from `mapped`: the importer then leaves them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from core.catalog.products import (
    TAX_CLASSES,
    check_amount,
    check_barcodes,
    check_name,
    check_reorder_point,
    check_sku,
    check_tax_class,
    check_text,
)
from core.customers.rules import CustomerError, MemberDraft, check_member
from core.errors import DomainError, quoted
from core.imports.csv_source import SourceRow
from core.imports.mapping import (
    MEMBER_PARTS,
    ColumnMapping,
    FieldError,
    looks_scientific,
    member_field,
    parse_amount,
    parse_count,
    parse_flag,
)
from core.money import Money

__all__ = [
    "CustomerFields",
    "MemberFields",
    "ProductFields",
    "RowRejectedError",
    "read_customer",
    "read_product",
]

MAX_LEGACY_LENGTH = 100  # the legacy_id and legacy_source columns' size
MAX_ACCOUNT_NUMBER_LENGTH = 32
MAX_CATEGORY_LENGTH = 120  # the category and supplier name columns' sizes
MAX_SUPPLIER_LENGTH = 200
_BARCODE_SEPARATORS = re.compile(r"[|;]")
T = TypeVar("T")


class RowRejectedError(DomainError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True, slots=True)
class ProductFields:
    mapped: frozenset[str]
    legacy_id: str | None
    legacy_source: str | None
    sku: str
    name: str
    barcodes: tuple[str, ...]
    category: str | None
    supplier: str | None
    price: Money | None
    cost: Money
    tax_class: str
    serialized: bool
    reorder_point: int
    active: bool


@dataclass(frozen=True, slots=True)
class MemberFields:
    draft: MemberDraft
    parts: frozenset[str]  # the parts the file has columns for


@dataclass(frozen=True, slots=True)
class CustomerFields:
    mapped: frozenset[str]
    legacy_id: str | None
    legacy_source: str | None
    account_number: str | None
    name: str  # the file's, or "Last household" made from the first member's names
    email: str
    phone: str
    address: str
    tax_exempt: bool
    tax_exempt_certificate: str
    notes: str
    members: tuple[MemberFields, ...]


class _Cells:
    """A row's cells by field, collecting the reasons it cannot be imported."""

    def __init__(self, row: SourceRow, mapping: ColumnMapping) -> None:
        self.row = row
        self.mapping = mapping
        self.reasons = list(row.problems)

    def text(self, name: str) -> str:
        column = self.mapping.column(name)
        return self.row.get(column).strip() if column is not None else ""

    def read(self, parse: Callable[[str], T], name: str, default: T) -> T:
        try:
            return parse(self.text(name))
        except DomainError as exc:
            self.reasons.append(exc.message)
            return default

    def label(self, name: str, label: str, max_length: int) -> str | None:
        """A one-line label such as a category name; None when blank."""
        return self.read(lambda t: check_text(t, label, max_length) if t else None, name, None)

    def flag(self, name: str, *, blank: bool) -> bool:
        label = name.replace("_", " ")
        return self.read(lambda t: parse_flag(t, label, blank=blank), name, blank)

    def done(self) -> None:
        if self.reasons:
            raise RowRejectedError(self.reasons)


def read_product(row: SourceRow, mapping: ColumnMapping, currency: str) -> ProductFields:
    cells = _Cells(row, mapping)
    zero = Money.zero(currency)

    def price() -> Money | None:  # no column: existing products keep theirs, new ones refused
        if not mapping.has("price"):
            return None
        return cells.read(lambda t: _amount(t, currency, "price"), "price", zero)

    fields = ProductFields(
        mapped=frozenset(mapping.columns),
        legacy_id=cells.label("legacy_id", "legacy ID", MAX_LEGACY_LENGTH),
        legacy_source=cells.label("legacy_source", "legacy source", MAX_LEGACY_LENGTH),
        sku=cells.read(check_sku, "sku", ""),
        name=cells.read(check_name, "name", ""),
        barcodes=cells.read(_barcodes, "barcode", ()),
        category=cells.label("category", "category", MAX_CATEGORY_LENGTH),
        supplier=cells.label("supplier", "supplier", MAX_SUPPLIER_LENGTH),
        price=price(),
        cost=cells.read(lambda t: _amount(t, currency, "cost") if t else zero, "cost", zero),
        tax_class=cells.read(_tax_class, "tax_class", "standard"),
        serialized=cells.flag("serialized", blank=False),
        reorder_point=cells.read(_reorder_point, "reorder_point", 0),
        active=cells.flag("active", blank=True),
    )
    cells.done()
    return fields


def _amount(text: str, currency: str, what: str) -> Money:
    if not text:
        raise FieldError(f"The {what} is empty.")
    return check_amount(parse_amount(text, currency, what), what)


def _reorder_point(text: str) -> int:
    return check_reorder_point(parse_count(text, "reorder point"))


def _barcodes(text: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in _BARCODE_SEPARATORS.split(text) if c.strip())
    for code in codes:
        if looks_scientific(code):
            raise FieldError(
                f"The barcode {quoted(code)} was turned into a number by a spreadsheet; "
                "export the file again with the barcode column formatted as text."
            )
    return check_barcodes(codes)


def _tax_class(text: str) -> str:
    """A tax class by name, or a "Taxable" yes/no column: yes is standard, no is exempt."""
    if not text:
        return "standard"
    if text.strip().lower() in TAX_CLASSES:
        return check_tax_class(text)
    try:
        return "standard" if parse_flag(text, "tax class", blank=True) else "exempt"
    except FieldError:
        return check_tax_class(text)  # says which tax classes there are


def read_customer(row: SourceRow, mapping: ColumnMapping) -> CustomerFields:
    cells = _Cells(row, mapping)
    members = _members(cells)
    name = cells.text("name")
    if not name:
        first, last = cells.text("first_name"), cells.text("last_name")
        name = f"{last or first} household" if last or first else ""
    fields = CustomerFields(
        mapped=frozenset(mapping.columns),
        legacy_id=cells.label("legacy_id", "legacy ID", MAX_LEGACY_LENGTH),
        legacy_source=cells.label("legacy_source", "legacy source", MAX_LEGACY_LENGTH),
        account_number=cells.read(_account_number, "account_number", None),
        name=name,
        email=cells.text("email"),
        phone=cells.text("phone"),
        address=cells.text("address"),
        tax_exempt=cells.flag("tax_exempt", blank=False),
        tax_exempt_certificate=cells.text("tax_exempt_certificate"),
        notes=cells.text("notes"),
        members=members,
    )
    cells.done()
    return fields


def _account_number(text: str) -> str | None:
    # Stored in capitals: the register's exact account-number search compares in capitals.
    return check_text(text, "account number", MAX_ACCOUNT_NUMBER_LENGTH).upper() if text else None


def _members(cells: _Cells) -> tuple[MemberFields, ...]:
    members: list[MemberFields] = []
    for n in cells.mapping.member_slots():
        keys = {part: member_field(n, part) for part in MEMBER_PARTS}
        parts = frozenset(p for p, key in keys.items() if cells.mapping.has(key))
        values = {part: cells.text(key) for part, key in keys.items()}
        if not any(values.values()):
            continue
        if not values["first_name"] and not any(v for p, v in values.items() if p != "last_name"):
            continue  # just a family name: it names the household, not a person in it
        try:
            draft = check_member(MemberDraft(**values))
        except CustomerError as exc:
            cells.reasons.append(exc.message if n == 1 else f"Member {n}: {exc.message}")
            continue
        members.append(MemberFields(draft, parts))
    return tuple(members)
