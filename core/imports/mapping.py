"""Which column of a store's old file feeds which LunarFront field, and reading its cells.

Pure. `guess_mapping` proposes a mapping from the header (the import screen lets the manager
correct it); `ColumnMapping.check` refuses a mapping the file cannot satisfy before anything
is read. The cell readers turn spreadsheet text ("Y", "$1,299.00", "12.9900") into values or
raise `FieldError` with a message for the import report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.catalog.products import InvalidQuantityError, parse_quantity
from core.currency import get_currency
from core.errors import DomainError, quoted
from core.money import InvalidAmountError, Money, parse_money

__all__ = [
    "CUSTOMER_FIELDS",
    "MAX_MEMBERS",
    "MEMBER_PARTS",
    "PRODUCT_FIELDS",
    "ColumnMapping",
    "FieldError",
    "MappingError",
    "RecordKind",
    "guess_mapping",
    "looks_scientific",
    "member_field",
    "parse_amount",
    "parse_count",
    "parse_flag",
]


class RecordKind(StrEnum):
    PRODUCTS = "products"
    CUSTOMERS = "customers"


class MappingError(DomainError):
    """The chosen columns cannot import this file (a required field has no column …)."""


class FieldError(DomainError):
    """One cell cannot be read as what its field needs."""


# Field -> the names old systems give its column, best first, compared as `_norm` does.
PRODUCT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "legacy_id": ("legacy id", "id", "item id", "product id", "record id", "old id"),
    "legacy_source": ("legacy source",),
    "sku": (
        "sku",
        "item number",
        "item no",
        "item code",
        "item lookup code",
        "product code",
        "part number",
        "part no",
        "stock number",
        "stock code",
    ),
    "name": ("name", "item name", "product name", "description", "item description", "title"),
    "barcode": ("barcodes", "barcode", "upc", "ean", "upc code", "gtin", "alternate lookup"),
    "category": ("category", "department", "dept", "category name", "product category"),
    "supplier": ("supplier", "vendor", "supplier name", "vendor name", "primary vendor"),
    "price": ("price", "retail", "retail price", "sell price", "selling price", "unit price"),
    "cost": ("cost", "unit cost", "cost price", "last cost", "average cost", "default cost"),
    "tax_class": ("tax class", "tax", "taxable", "tax code"),
    "serialized": ("serialized", "is serialized", "serialised", "serial tracked"),
    "reorder_point": ("reorder point", "reorder level", "reorder", "min stock", "minimum"),
    "active": ("active", "is active", "enabled"),
}
CUSTOMER_FIELDS: Mapping[str, tuple[str, ...]] = {
    "legacy_id": ("legacy id", "id", "customer id", "cust id", "record id", "old id"),
    "legacy_source": ("legacy source",),
    "account_number": (
        "account number",
        "account no",
        "account",
        "acct",
        "acct no",
        "customer number",
    ),
    "name": (
        "name",
        "account name",
        "customer name",
        "household",
        "full name",
        "company",
        "company name",
        "business name",
    ),
    "email": ("email", "email address", "e mail"),
    "phone": (
        "phone",
        "phone number",
        "telephone",
        "tel",
        "home phone",
        "primary phone",
        "mobile",
        "cell",
    ),
    "address": ("address", "street address", "address 1", "mailing address", "street"),
    "tax_exempt": ("tax exempt", "exempt", "is tax exempt"),
    "tax_exempt_certificate": (
        "tax exempt certificate",
        "exemption certificate",
        "certificate",
        "certificate number",
        "resale certificate",
        "tax exempt number",
    ),
    "notes": ("notes", "note", "comments", "comment", "memo", "remarks"),
}
# A customer row may name several people of the household, "Member 2 first name" …; the
# first member's names also come from plain "First name" / "Last name" columns.
MEMBER_PARTS = ("first_name", "last_name", "relationship", "email", "phone")
MAX_MEMBERS = 100  # a school's account lists its students
_MEMBER_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "first_name": ("first name", "first", "given name", "fname"),
    "last_name": ("last name", "last", "surname", "family name", "lname"),
}
_MEMBER_COLUMN = re.compile(r"member(\d+)(firstname|lastname|relationship|email|phone)")
_MEMBER_PART_NAMES = {"firstname": "first_name", "lastname": "last_name"}
_REQUIRED = {
    RecordKind.PRODUCTS: (("sku",), ("name",)),
    RecordKind.CUSTOMERS: (
        ("name", "last_name", "first_name"),
        ("legacy_id", "account_number", "email"),
    ),
}
_TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "on", "active", "enabled"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "off", "inactive", "disabled"})
_TRAILING_ZEROS = re.compile(r"(\.\d*?)0+$")
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+")


def member_field(n: int, part: str) -> str:
    """The mapping key of member `n`'s (1-based) `part`: "first_name", "member2_email" …"""
    if part not in MEMBER_PARTS or not 1 <= n <= MAX_MEMBERS:
        raise ValueError(f"no member field {n} {part}")
    return part if n == 1 and part in ("first_name", "last_name") else f"member{n}_{part}"


def _fields(kind: RecordKind) -> frozenset[str]:
    if kind is RecordKind.PRODUCTS:
        return frozenset(PRODUCT_FIELDS)
    members = {member_field(n, p) for n in range(1, MAX_MEMBERS + 1) for p in MEMBER_PARTS}
    return frozenset(CUSTOMER_FIELDS) | members


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """LunarFront field -> the file's column header; fields not named are left alone."""

    kind: RecordKind
    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - _fields(self.kind))
        if unknown:
            raise MappingError(f"{', '.join(unknown)} is not a field of {self.kind}.")

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    def has(self, name: str) -> bool:
        return name in self.columns

    def member_slots(self) -> list[int]:
        """The members (1-based) a row can name, in order."""
        return [
            n
            for n in range(1, MAX_MEMBERS + 1)
            if any(self.has(member_field(n, p)) for p in MEMBER_PARTS)
        ]

    def check(self, headers: Sequence[str]) -> None:
        """Refuse, before anything is read, a mapping this file's header cannot feed."""
        missing = sorted({c for c in self.columns.values() if c not in headers})
        if missing:
            names = ", ".join(quoted(c) for c in missing)
            raise MappingError(f"The file has no column {names}; check the column choices.")
        for alternatives in _REQUIRED[self.kind]:
            if not any(self.has(f) for f in alternatives):
                raise MappingError(_missing_message(self.kind, alternatives))


def _missing_message(kind: RecordKind, alternatives: tuple[str, ...]) -> str:
    if alternatives == ("legacy_id", "account_number", "email"):
        return (
            "Choose the column with the old system's customer ID, the account number or the "
            "email address, so that importing the file again finds the same accounts."
        )
    labels = " or ".join(a.replace("_", " ") for a in alternatives)
    return f"Choose which column holds the {labels}: {kind} cannot be imported without it."


def guess_mapping(headers: Sequence[str], kind: RecordKind) -> ColumnMapping:
    """The mapping the header suggests ("Item Name", "UPC", "Retail", "Vendor" …)."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(_norm(header), header)
    columns: dict[str, str] = {}
    taken: set[str] = set()
    if kind is RecordKind.CUSTOMERS:
        for norm, header in by_norm.items():
            match = _MEMBER_COLUMN.fullmatch(norm)
            if match is not None and 1 <= int(match[1]) <= MAX_MEMBERS:
                part = _MEMBER_PART_NAMES.get(match[2], match[2])
                columns[member_field(int(match[1]), part)] = header
                taken.add(header)
    synonyms = dict(PRODUCT_FIELDS if kind is RecordKind.PRODUCTS else CUSTOMER_FIELDS)
    if kind is RecordKind.CUSTOMERS:
        synonyms.update(_MEMBER_SYNONYMS)
    for name, names in synonyms.items():
        for candidate in names:
            found = by_norm.get(_norm(candidate))
            if name not in columns and found is not None and found not in taken:
                columns[name] = found
                taken.add(found)
    return ColumnMapping(kind, columns)


def _norm(header: str) -> str:
    """ "Item Name", "item_name", "ITEM-NAME:" and "Item #name" all compare as "itemname"."""
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def parse_flag(text: str, what: str, *, blank: bool) -> bool:
    """Yes/no as spreadsheets write it: yes/no, y/n, true/false, 1/0, x; blank -> `blank`."""
    value = text.strip().casefold()
    if not value:
        return blank
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FieldError(f"{what.capitalize()}: {quoted(text.strip())} is not yes or no.")


def parse_amount(text: str, currency: str, what: str) -> Money:
    """An amount with or without "$" and thousands separators, "1,299.00" or "12.9900"."""
    value = text.strip()
    exponent = get_currency(currency).exponent
    # Old systems keep four decimal places ("12.9900"); zeros beyond the currency's are exact.
    _, point, frac = value.partition(".")
    if point and len(frac) > exponent and not frac[exponent:].rstrip("0"):
        value = _TRAILING_ZEROS.sub(lambda m: m[1], value).rstrip(".")
    try:
        return parse_money(value, currency)
    except InvalidAmountError as exc:
        raise FieldError(f"{what.capitalize()}: {exc.message}") from None


def parse_count(text: str, what: str) -> int:
    """A whole number of items; blank is 0."""
    if not text.strip():
        return 0
    try:
        return parse_quantity(text)
    except InvalidQuantityError as exc:
        raise FieldError(f"{what.capitalize()}: {exc.message}") from None


def looks_scientific(text: str) -> bool:
    """A barcode a spreadsheet turned into a number, like "1.23457E+11"."""
    return _SCIENTIFIC.fullmatch(text.strip()) is not None
