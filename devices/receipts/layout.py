"""What a receipt says, row by row, before any font, width or page is involved.

`receipt_items` turns a `ReceiptDocument` into rows (a label on the left, an amount on the
right), rules, a banner, a barcode and a QR code; `report_items` does the same for a register
report's `ReportDocument`. A renderer measures, wraps and draws them. Amounts that are None
(a gift receipt) leave their row out. Discount amounts are what was taken off (positive on a
sale, as in `core.sales.cart`) and are shown negated.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.drawer.report import ReportDocument, ReportSection
from core.money import Money, format_money
from core.sales.receipt import ReceiptAmount, ReceiptDocument, ReceiptLine

__all__ = [
    "BODY",
    "INDENT",
    "Banner",
    "Barcode",
    "Item",
    "QrCode",
    "Row",
    "Rule",
    "Space",
    "Style",
    "readable",
    "receipt_items",
    "report_items",
]


@dataclass(frozen=True, slots=True)
class Style:
    size: float  # points
    bold: bool = False

    @property
    def leading(self) -> float:
        return round(self.size * 1.3, 2)


BODY = Style(8.5)
BODY_BOLD = Style(8.5, bold=True)
STORE_NAME = Style(15, bold=True)
TITLE = Style(11, bold=True)
TOTAL = Style(12, bold=True)
CHANGE = Style(10, bold=True)
INDENT = 10.0  # points: a line's quantity, serial and discounts sit under its name


@dataclass(frozen=True, slots=True)
class Row:
    """Text on the left (wrapped to fit), an optional amount on the right of its first line."""

    left: str
    right: str = ""
    style: Style = BODY
    indent: float = 0.0
    centred: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """A dashed line between sections."""


@dataclass(frozen=True, slots=True)
class Space:
    height: float


@dataclass(frozen=True, slots=True)
class Banner:
    """White text on a black band, such as "REPRINT"."""

    text: str


@dataclass(frozen=True, slots=True)
class Barcode:
    """A Code 128 symbol with its text under it."""

    value: str


@dataclass(frozen=True, slots=True)
class QrCode:
    """A QR code, about 25 mm square, such as a link to the receipt online."""

    value: str


QR_MAX_LENGTH = 300  # a short link or reference; longer needs a denser symbol than paper holds

Item = Row | Rule | Space | Banner | Barcode | QrCode


def receipt_items(document: ReceiptDocument) -> list[Item]:
    """The receipt from top to bottom; sections that have nothing to show are left out."""
    sections = (
        _heading(document),
        _particulars(document),
        _lines(document.lines),
        [*_totals(document), *_payments(document)],
        _remarks(document),
        _closing(document),
    )
    items: list[Item] = []
    for section in sections:
        if section:
            if items:
                items.append(Rule())
            items.extend(section)
    return items


def _heading(document: ReceiptDocument) -> list[Item]:
    items: list[Item] = [Row(document.store_name, style=STORE_NAME, centred=True)]
    items += [Row(text, centred=True) for text in document.store_lines]
    items += [Space(6), Row(document.title, style=TITLE, centred=True)]
    if document.reprint:
        items += [Space(3), Banner("REPRINT")]
    return items


def _particulars(document: ReceiptDocument) -> list[Item]:
    pairs = [
        ("Receipt", document.receipt_number),
        ("Time", document.printed_time),
        ("Register", document.register),
        ("Cashier", document.cashier),
    ]
    customer = document.customer
    if customer is not None:
        pairs += [("Customer", customer.name), ("Account", customer.account_number)]
    items: list[Item] = [Row(label, value) for label, value in pairs if value.strip()]
    if customer is not None and customer.tax_exempt_certificate.strip():
        items.append(Row(f"Tax exempt — certificate {customer.tax_exempt_certificate}"))
    return items


def _lines(lines: Iterable[ReceiptLine]) -> list[Item]:
    items: list[Item] = []
    for line in lines:
        if items:
            items.append(Space(3))
        items.append(Row(line.name))
        returned = line.returned or line.quantity < 0
        if returned:
            items.append(Row("Returned", style=BODY_BOLD, indent=INDENT))
        quantity = abs(line.quantity) if returned else line.quantity
        price = "" if line.unit_price is None else format_money(line.unit_price)
        counted = f"{quantity} × {price}" if price else f"Qty {quantity}"
        items.append(Row(counted, _money(line.amount), indent=INDENT))
        if line.serial.strip():
            items.append(Row(f"S/N {line.serial}", indent=INDENT))
        items += _discounts(line.discounts, indent=INDENT)
    return items


def _discounts(discounts: Iterable[ReceiptAmount], *, indent: float = 0.0) -> list[Item]:
    return [Row(d.label, format_money(-d.amount), indent=indent) for d in discounts]


def _totals(document: ReceiptDocument) -> list[Item]:
    items: list[Item] = []
    if document.subtotal is not None:
        items.append(Row("Subtotal", format_money(document.subtotal)))
    items += _discounts(document.discounts)
    total_off = document.discount_total
    if total_off is not None and not total_off.is_zero:
        items.append(Row("Discount total", format_money(-total_off)))
    items += [Row(tax.label, format_money(tax.amount)) for tax in document.taxes]
    if document.tax_total is not None:
        items.append(Row("Tax total", format_money(document.tax_total)))
    if document.total is not None:
        items += [Space(2), Row("TOTAL", format_money(document.total), style=TOTAL)]
    return items


def _payments(document: ReceiptDocument) -> list[Item]:
    items: list[Item] = []
    for tender in document.tenders:
        items.append(Row(tender.label, format_money(tender.amount)))
        if tender.reference.strip():
            items.append(Row(tender.reference, indent=INDENT))
    if document.change is not None:
        items.append(Row("Change", format_money(document.change), style=CHANGE))
    return [Space(6), *items] if items else []


def _remarks(document: ReceiptDocument) -> list[Item]:
    items: list[Item] = []
    if document.notes.strip():
        items.append(Row(document.notes))
    items += [Row(reference) for reference in document.references if reference.strip()]
    return items


def _closing(document: ReceiptDocument) -> list[Item]:
    items: list[Item] = []
    if _encodable(document.barcode):
        items.append(Barcode(document.barcode))
    if _encodable(document.qr) and len(document.qr) <= QR_MAX_LENGTH:
        items.append(QrCode(document.qr))
    footer = [Row(text, centred=True) for text in document.footer if text.strip()]
    if items and footer:
        items.append(Space(4))
    return items + footer


def report_items(document: ReportDocument) -> list[Item]:
    """A register report: its title and heading centred, a banner if any, then each section
    (a bold title over label/value rows, the strong ones bold) after a rule."""
    items: list[Item] = [Row(document.title, style=TITLE, centred=True)]
    heading = [Row(text, centred=True) for text in document.heading if text.strip()]
    if heading:
        items += [Space(3), *heading]
    if document.banner.strip():
        items += [Space(3), Banner(document.banner)]
    for section in document.sections:
        items += [Rule(), *_report_section(section)]
    return items


def _report_section(section: ReportSection) -> list[Item]:
    items: list[Item] = [Row(section.title, style=BODY_BOLD)]
    items += [
        Row(row.label, row.value, style=BODY_BOLD if row.strong else BODY) for row in section.rows
    ]
    return items


def _encodable(value: str) -> bool:
    # Code 128 carries printable ASCII; anything else prints no barcode rather than a wrong one.
    # QR codes are held to the same, so every printer and reader agrees on what they say.
    return bool(value) and all(" " <= ch <= "~" for ch in value)


def _money(amount: Money | None) -> str:
    return "" if amount is None else format_money(amount)


# Readable stand-ins for characters a font cannot draw; currency signs become their codes so
# an amount is never left ambiguous.
_SUBSTITUTES = {
    "€": "EUR ",
    "£": "GBP ",
    "¥": "JPY ",
    "₩": "KRW ",
    "₹": "INR ",
    "₽": "RUB ",
    "₺": "TRY ",
    "₪": "ILS ",
    "₫": "VND ",
    "₱": "PHP ",
    "₴": "UAH ",
    "₦": "NGN ",
    "฿": "THB ",
    "¢": "c",
    "—": "-",
    "–": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "×": "x",
    "•": "*",
    "→": "->",
    "™": "(TM)",
    "©": "(C)",
    "®": "(R)",
    "№": "No.",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
}


def readable(text: str, can_draw: Callable[[str], bool]) -> str:
    """`text` with every character `can_draw` refuses replaced by a readable stand-in.

    Accents a font lacks are dropped ("ő" → "o"), currency signs become codes ("₩" → "KRW "),
    line breaks become "\\n", other control characters spaces, and anything else "?".
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", "\n".join(text.splitlines())):
        kind = unicodedata.category(ch)
        if ch == "\n":
            out.append(ch)
        elif kind == "Cc":
            out.append(" ")
        elif kind == "Cf":
            continue  # zero-width spaces, joiners, soft hyphens
        elif kind[0] != "C" and can_draw(ch):
            out.append(ch)
        else:
            out.append(_stand_in(ch, can_draw))
    return "".join(out)


def _stand_in(ch: str, can_draw: Callable[[str], bool]) -> str:
    if ch in _SUBSTITUTES:
        return _SUBSTITUTES[ch]
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and base != ch and all(can_draw(c) for c in base):
        return base
    return "?"
