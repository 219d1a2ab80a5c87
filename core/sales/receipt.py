"""The receipt as a document: plain data that printers and PDFs are rendered from.

Built once from a completed sale (`core.services.receipts`); renderers never look anything
up. A gift receipt is the same document without prices (`gift_receipt`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.money import Money

__all__ = [
    "ReceiptAmount",
    "ReceiptCustomer",
    "ReceiptDocument",
    "ReceiptLine",
    "ReceiptTender",
    "gift_receipt",
]


@dataclass(frozen=True, slots=True)
class ReceiptAmount:
    """A labelled amount: a discount on a line, the sale discount, one tax rate.

    Discounts hold the amount taken off (positive on a sale, negative on a returned line,
    whose discount is not given back); renderers print them negated.
    """

    label: str
    amount: Money


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    sku: str
    quantity: int  # negative on a returned line
    unit_price: Money | None  # None on a gift receipt
    amount: Money | None  # the line's gross
    discounts: tuple[ReceiptAmount, ...] = ()
    serial: str = ""
    returned: bool = False


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    label: str
    amount: Money
    reference: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptCustomer:
    name: str
    account_number: str
    tax_exempt_certificate: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    store_name: str
    store_lines: tuple[str, ...]  # location, address, phone
    receipt_number: str
    title: str  # "Sale", "Return", "Exchange", "Void"
    printed_time: str  # the store's local time, formatted
    register: str
    cashier: str
    lines: tuple[ReceiptLine, ...]
    subtotal: Money | None
    discounts: tuple[ReceiptAmount, ...]  # the sale-level discount(s)
    discount_total: Money | None
    taxes: tuple[ReceiptAmount, ...]
    tax_total: Money | None
    total: Money | None
    tenders: tuple[ReceiptTender, ...]
    change: Money | None
    customer: ReceiptCustomer | None
    barcode: str  # the receipt number, encoded so a return can scan it
    footer: tuple[str, ...] = ()
    notes: str = ""
    references: tuple[str, ...] = field(default=())  # "Return of R1-000012", "Void of …"
    gift: bool = False
    reprint: bool = False
    qr: str = ""  # printed as a QR code under the barcode, e.g. a link to the receipt online


def gift_receipt(document: ReceiptDocument) -> ReceiptDocument:
    """The same receipt without prices, amounts or payments: for the gift's recipient."""
    lines = tuple(
        replace(line, unit_price=None, amount=None, discounts=()) for line in document.lines
    )
    return replace(
        document,
        title=f"Gift receipt — {document.title.lower()}",
        lines=lines,
        subtotal=None,
        discounts=(),
        discount_total=None,
        taxes=(),
        tax_total=None,
        total=None,
        tenders=(),
        change=None,
        gift=True,
    )
