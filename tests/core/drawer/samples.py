"""A worked register report (Z, X and an empty day) shared by the report's tests."""

from __future__ import annotations

from dataclasses import replace

from core.drawer.cash import DrawerTotals
from core.drawer.report import (
    CashierFigures,
    DrawerFigures,
    RegisterReport,
    TaxFigures,
    TenderFigures,
)

# The drawer, in cents: float 20,000 + cash sales 412,345 - cash refunds 7,436
# + pay-ins 1,000 - pay-outs 2,500 = 423,409 expected; 423,274 counted: 135 short.
TOTALS = DrawerTotals(20_000, 412_345, 7_436, 1_000, 2_500)
DRAWER = DrawerFigures(
    opened_by="Zoë",
    opened_time="2025-03-14 08:55",
    float_amount=20_000,
    cash_sales=412_345,
    cash_refunds=7_436,
    pay_ins=1_000,
    pay_outs=2_500,
    expected=TOTALS.expected,
    counted=423_274,
    over_short=TOTALS.over_short(423_274),
    closed_by="Marcus",
    signed_off_by="Priya (manager)",
)


def z_report() -> RegisterReport:
    # Net = gross 1,234,567 - discounts 4,590 - returns 13,998 - voids 2,500 = 1,213,479.
    # Tax = 62,500 (6.25% of 1,000,000) + 12,000 (1.5% of 800,000) = 74,500.
    # Total taken = 1,213,479 + 74,500 = 1,287,979 = the tenders' nets:
    #   cash 412,345 - 7,436 = 404,909; card 875,507 - 7,437 = 868,070; store credit 15,000.
    return RegisterReport(
        kind="Z",
        number=57,
        currency="USD",
        store="Müller Music",
        location="Downtown",
        register="R1",
        business_date="2025-03-14",
        printed_time="2025-03-14 21:05",
        printed_by="Marcus",
        first_receipt="R1-000101",
        last_receipt="R1-000187",
        sales_count=84,
        gross_sales=1_234_567,
        discounts=4_590,
        returns_count=2,
        returns=13_998,
        voids_count=1,
        voids=2_500,
        net_sales=1_213_479,
        tax=74_500,
        taxes=(
            TaxFigures("State tax", 62_500, 1_000_000, 62_500),
            TaxFigures("City tax", 15_000, 800_000, 12_000),
        ),
        tenders=(
            TenderFigures("cash", "Cash", 412_345, 7_436),
            TenderFigures("card", "Card", 875_507, 7_437),
            TenderFigures("store_credit", "Store credit", 15_000, 0),
        ),
        drawer=DRAWER,
        no_sales=3,
        held_sales=1,
        cashiers=(
            # Zoë 700,000 + Marcus 513,479 = 1,213,479 net; discounts 2,000 + 2,590 = 4,590.
            CashierFigures("Zoë", 50, 700_000, 13_998, 0, 2_000, 2),
            CashierFigures("Marcus", 34, 513_479, 0, 2_500, 2_590, 1),
        ),
    )


def x_report() -> RegisterReport:
    uncounted = replace(DRAWER, counted=None, over_short=None, closed_by="", signed_off_by="")
    return replace(z_report(), kind="X", number=None, drawer=uncounted)


def empty_report() -> RegisterReport:
    # Opened with a $150.00 float, nothing sold, counted back as $150.00: even.
    drawer = DrawerFigures("Zoë", "2025-03-15 08:50", 15_000, 0, 0, 0, 0, 15_000, 15_000, 0, "Zoë")
    return replace(
        z_report(),
        number=58,
        business_date="2025-03-15",
        first_receipt="",
        last_receipt="",
        sales_count=0,
        gross_sales=0,
        discounts=0,
        returns_count=0,
        returns=0,
        voids_count=0,
        voids=0,
        net_sales=0,
        tax=0,
        taxes=(),
        tenders=(),
        drawer=drawer,
        no_sales=0,
        held_sales=0,
        cashiers=(),
    )
