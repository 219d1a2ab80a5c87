"""A worked exchange receipt and the two paper widths, shared by the ESC/POS tests."""

from __future__ import annotations

from dataclasses import replace

from core.hardware.settings import PrinterProfile
from core.money import Money
from core.sales.receipt import (
    ReceiptAmount,
    ReceiptCustomer,
    ReceiptDocument,
    ReceiptLine,
    ReceiptTender,
)

WIDE = PrinterProfile(paper_mm=80, columns=48)
NARROW = PrinterProfile(paper_mm=58, columns=32)
PROFILES = (WIDE, NARROW)

STRINGS = "Ernie Ball Regular Slinky 10-46"
PICKS = "Dunlop Tortex picks .73 mm, 12-pack"
STICKS = "Vic Firth 5A drumsticks"
TUNER = "Snark SN-5 clip-on tuner"
CAPO = "Kyser KG6 capo"


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def worked_receipt() -> ReceiptDocument:
    """An exchange: four lines sold, one returned, a line and a sale discount, two taxes.

    Gross 23.97 + 10.98 + 12.49 - 19.99 + 19.95 = 47.40; less 2.00 and 0.54 = 44.86 net.
    Tax 6.25 % of 44.86 = 2.80, 1.5 % = 0.67; total 44.86 + 3.47 = 48.33.
    Card 30.00 and cash 20.00 = 50.00: change 1.67.
    """
    lines = (
        ReceiptLine(
            STRINGS,
            "EB-2221",
            3,
            usd(799),
            usd(2397),
            discounts=(ReceiptAmount("Bundle price", usd(200)),),
        ),
        ReceiptLine(PICKS, "DT-418", 2, usd(549), usd(1098)),
        ReceiptLine(STICKS, "VF-5A", 1, usd(1249), usd(1249)),
        ReceiptLine(TUNER, "SN-5", -1, usd(1999), usd(-1999), serial="SN5-00981", returned=True),
        ReceiptLine(CAPO, "KG6", 1, usd(1995), usd(1995)),
    )
    return ReceiptDocument(
        store_name="Müller Music",
        store_lines=("Downtown", "12 Rue de la Gaîté, Springfield", "(555) 010-2000"),
        receipt_number="R1-000457",
        title="Exchange",
        printed_time="2025-03-14 15:42",
        register="Register 1",
        cashier="Zoë",
        lines=lines,
        subtotal=usd(4740),
        discounts=(ReceiptAmount("Loyalty points", usd(54)),),
        discount_total=usd(254),
        taxes=(ReceiptAmount("State tax 6.25%", usd(280)), ReceiptAmount("City tax 1.5%", usd(67))),
        tax_total=usd(347),
        total=usd(4833),
        tenders=(
            ReceiptTender("Card", usd(3000), "Visa ****4242 auth 0A1B2C"),
            ReceiptTender("Cash", usd(2000)),
        ),
        change=usd(167),
        customer=ReceiptCustomer("Amélie Dubois", "C-004211"),
        barcode="R1-000457",
        footer=("Returns within 30 days with this receipt.", "Thank you for playing!"),
        references=("Return of R1-000398",),
    )


def lines_receipt(count: int) -> ReceiptDocument:
    """The worked receipt with `count` plain sale lines instead of its own."""
    lines = tuple(
        ReceiptLine(f"Pick pack no. {i:03d}", f"PK-{i:03d}", 2, usd(399), usd(798))
        for i in range(1, count + 1)
    )
    total = usd(798 * count)
    return replace(
        worked_receipt(),
        lines=lines,
        subtotal=total,
        discounts=(),
        discount_total=None,
        taxes=(),
        tax_total=None,
        total=total,
        tenders=(ReceiptTender("Cash", total),),
        change=None,
    )
