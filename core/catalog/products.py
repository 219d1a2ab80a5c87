"""What a product must look like before it is saved, and reading quantities a person typed.

Every check returns the cleaned value (trimmed) or raises `CatalogError` with a message the
person at the counter can act on. The service calls `validate_draft` before touching the
database, so a refused product leaves nothing half-written.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace

from core.catalog.barcodes import Symbology, gs1_symbology, has_valid_check_digit
from core.errors import DomainError, quoted
from core.money import Money

__all__ = [
    "MAX_AMOUNT_MINOR",
    "MAX_BARCODES",
    "MAX_BARCODE_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_QUANTITY",
    "MAX_SKU_LENGTH",
    "TAX_CLASSES",
    "CatalogError",
    "ConcurrentEditError",
    "InvalidQuantityError",
    "ProductDraft",
    "barcode_variants",
    "check_amount",
    "check_barcode",
    "check_barcodes",
    "check_name",
    "check_reorder_point",
    "check_sku",
    "check_tax_class",
    "check_text",
    "classify_barcode",
    "parse_quantity",
    "validate_draft",
]

MAX_SKU_LENGTH = 64
MAX_NAME_LENGTH = 300
MAX_BARCODE_LENGTH = 64
MAX_BARCODES = 20
# One million of anything is more than a music store ever holds; a bigger number is a typo
# (or a barcode scanned into the quantity box), not stock.
MAX_QUANTITY = 1_000_000
# Ten billion minor units ($100,000,000.00): far above any instrument, far below int64.
MAX_AMOUNT_MINOR = 10_000_000_000
TAX_CLASSES = frozenset({"standard", "reduced", "exempt"})


class CatalogError(DomainError):
    """A product, category, supplier or stock change that cannot be saved as given."""


class InvalidQuantityError(CatalogError):
    """Typed-in text that is not a whole number of items."""


class ConcurrentEditError(DomainError):
    """The record changed since it was read; saving would silently undo someone's change."""

    def __init__(self, what: str = "product") -> None:
        super().__init__(f"Someone else changed this {what}; reload it.")


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """A product as the edit form holds it, before or after `validate_draft`."""

    sku: str
    name: str
    category_id: uuid.UUID | None
    supplier_id: uuid.UUID | None
    price: Money
    cost: Money
    tax_class: str = "standard"
    is_serialized: bool = False
    reorder_point: int = 0
    active: bool = True
    barcodes: tuple[str, ...] = ()


def validate_draft(draft: ProductDraft, currency: str | None = None) -> ProductDraft:
    """The draft with its text trimmed, or a `CatalogError` naming the first problem.

    `currency` is the company's; a price in another currency is refused rather than
    silently stored as if it were in the company's minor units.
    """
    for amount in (draft.price, draft.cost):
        if currency is not None and amount.currency != currency:
            raise CatalogError(f"Prices are in {currency}, not {amount.currency}.")
    return replace(
        draft,
        sku=check_sku(draft.sku),
        name=check_name(draft.name),
        price=check_amount(draft.price, "price"),
        cost=check_amount(draft.cost, "cost"),
        tax_class=check_tax_class(draft.tax_class),
        reorder_point=check_reorder_point(draft.reorder_point),
        barcodes=check_barcodes(draft.barcodes),
    )


def check_sku(text: str) -> str:
    sku = text.strip()
    if not sku:
        raise CatalogError("A product needs a SKU.")
    if len(sku) > MAX_SKU_LENGTH:
        raise CatalogError(f"A SKU can have at most {MAX_SKU_LENGTH} characters.")
    if any(ch.isspace() for ch in sku):
        raise CatalogError(f"The SKU {quoted(sku)} has a space in it; SKUs cannot have spaces.")
    if not sku.isprintable():
        raise CatalogError("The SKU has a character that cannot be printed; type it again.")
    return sku


def check_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise CatalogError("A product needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise CatalogError(f"A product name can have at most {MAX_NAME_LENGTH} characters.")
    # Line breaks and control characters would break receipts and one-line lists.
    if not name.isprintable():
        raise CatalogError("The name has a line break or a hidden character; type it again.")
    return name


def check_text(text: str, what: str, max_length: int, *, required: bool = True) -> str:
    """A one-line label such as a category or supplier name, trimmed."""
    value = text.strip()
    if required and not value:
        raise CatalogError(f"The {what} cannot be empty.")
    if len(value) > max_length:
        raise CatalogError(f"The {what} can have at most {max_length} characters.")
    if not value.isprintable():
        raise CatalogError(f"The {what} has a line break or a hidden character; type it again.")
    return value


def check_amount(amount: Money, what: str) -> Money:
    if amount.is_negative:
        raise CatalogError(f"The {what} cannot be negative.")
    if amount.amount > MAX_AMOUNT_MINOR:
        raise CatalogError(f"The {what} is too large; check the amount.")
    return amount


def check_tax_class(text: str) -> str:
    tax_class = text.strip().lower()
    if tax_class not in TAX_CLASSES:
        known = ", ".join(sorted(TAX_CLASSES))
        raise CatalogError(f"{quoted(text)} is not a tax class. Choose one of: {known}.")
    return tax_class


def check_reorder_point(value: int) -> int:
    if type(value) is not int:
        raise CatalogError("The reorder point is a whole number of items.")
    if value < 0:
        raise CatalogError("The reorder point cannot be negative.")
    if value > MAX_QUANTITY:
        raise CatalogError(f"The reorder point can be at most {MAX_QUANTITY:,}.")
    return value


def check_barcode(text: str) -> str:
    code = text.strip()
    if not code:
        raise CatalogError("A barcode cannot be empty.")
    if len(code) > MAX_BARCODE_LENGTH:
        raise CatalogError(f"A barcode can have at most {MAX_BARCODE_LENGTH} characters.")
    if any(ch.isspace() for ch in code) or not code.isprintable():
        raise CatalogError(
            f"The barcode {quoted(code)} has a space or a hidden character; scan it again."
        )
    if gs1_symbology(code) is not None and not has_valid_check_digit(code):
        raise CatalogError(
            f"The barcode {quoted(code)} check digit is wrong; scan it again or type it carefully."
        )
    return code


def check_barcodes(codes: tuple[str, ...]) -> tuple[str, ...]:
    if len(codes) > MAX_BARCODES:
        raise CatalogError(f"A product can have at most {MAX_BARCODES} barcodes.")
    cleaned: list[str] = []
    seen: set[str] = set()
    for text in codes:
        code = check_barcode(text)
        # A UPC-A code and the same code as EAN-13 (leading 0) are one barcode.
        key = max(barcode_variants(code), key=len)
        if key in seen:
            raise CatalogError(f"The barcode {quoted(code)} is listed twice.")
        seen.add(key)
        cleaned.append(code)
    return tuple(cleaned)


def classify_barcode(code: str) -> Symbology:
    """UPC-A, EAN-13 or EAN-8 by length for all-digit codes; anything else is a store code."""
    return gs1_symbology(code) or Symbology.CUSTOM


def barcode_variants(code: str) -> tuple[str, ...]:
    """The forms a scanner may send for one GS1 code, the given form first.

    A UPC-A code is an EAN-13 code with a leading zero, and scanners are configured to send
    either; looking up both means a product labelled one way is found when scanned the other.
    """
    if code.isascii() and code.isdigit():
        if len(code) == 12:
            return (code, "0" + code)
        if len(code) == 13 and code.startswith("0"):
            return (code, code[1:])
    return (code,)


def parse_quantity(text: str, *, signed: bool = False) -> int:
    """A whole number of items someone typed: "3", " 12 ", "1,000".

    Negative ("-2") only when `signed`, for an adjustment that takes stock away.
    """
    s = text.strip()
    if not s:
        raise InvalidQuantityError("No quantity was entered.")
    match = _QUANTITY.fullmatch(s)
    if match is None:
        raise InvalidQuantityError(f"{quoted(s)} is not a quantity; type a number like 3.")
    if match["sign"] and not signed:
        raise InvalidQuantityError("A quantity cannot be negative.")
    if match["point"]:
        raise InvalidQuantityError(f"{quoted(s)} is not a whole number of items.")
    digits = match["whole"].replace(",", "").lstrip("0") or "0"
    # Length first: int() of a pasted million-digit string is slow, and refused anyway.
    if len(digits) > len(str(MAX_QUANTITY)) or int(digits) > MAX_QUANTITY:
        raise InvalidQuantityError(f"{quoted(s)} is too many; the most is {MAX_QUANTITY:,}.")
    return -int(digits) if match["sign"] else int(digits)


# ASCII digits only (int() would also take Arabic-Indic or full-width digits); thousands
# separators must form groups of three, so "1,5" (a comma for a decimal point) is refused.
_QUANTITY = re.compile(
    r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+|(?=\.))(?P<point>\.[0-9]*)?"
)
