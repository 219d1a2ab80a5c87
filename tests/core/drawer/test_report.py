"""The X/Z register report: its figures stored as JSON, and the document it lays out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.drawer.report import (
    CashierFigures,
    DrawerFigures,
    RegisterReport,
    ReportDocument,
    ReportRow,
    TaxFigures,
    TenderFigures,
    report_document,
)
from tests.core.drawer.samples import DRAWER, TOTALS, empty_report, x_report, z_report


def rows(document: ReportDocument, section: str) -> dict[str, str]:
    (found,) = [s for s in document.sections if s.title == section]
    return {row.label: row.value for row in found.rows}


def titles(document: ReportDocument) -> list[str]:
    return [section.title for section in document.sections]


# --- the figures ----------------------------------------------------------------------------


def test_the_example_figures_add_up() -> None:
    report = z_report()
    assert report.net_sales == report.gross_sales - report.discounts - report.returns - report.voids
    assert report.tax == sum(t.tax for t in report.taxes)
    assert report.total_taken == 1_287_979
    assert sum(t.net for t in report.tenders) == report.total_taken
    assert [t.net for t in report.tenders] == [404_909, 868_070, 15_000]
    assert sum(c.net_sales for c in report.cashiers) == report.net_sales
    assert DRAWER.expected == 423_409
    assert DRAWER.over_short == -135


@pytest.mark.parametrize("make", [z_report, x_report, empty_report])
def test_a_report_read_back_from_json_is_equal(make: Callable[[], RegisterReport]) -> None:
    report = make()
    stored = report.to_json()

    assert RegisterReport.from_json(stored) == report
    assert RegisterReport.from_json(stored).to_json() == stored


def test_the_stored_json_keeps_names_as_written_and_keys_in_order() -> None:
    stored = z_report().to_json()
    assert "Müller Music" in stored
    assert '"Zoë"' in stored
    assert stored.index('"business_date"') < stored.index('"cashiers"') < stored.index('"currency"')


def test_an_x_report_stores_no_count() -> None:
    back = RegisterReport.from_json(x_report().to_json())
    assert back.drawer is not None
    assert back.drawer.counted is None
    assert back.drawer.over_short is None
    assert back.number is None


def test_a_report_of_a_register_without_a_drawer_round_trips() -> None:
    report = replace(z_report(), drawer=None)
    assert RegisterReport.from_json(report.to_json()) == report


texts = st.text(max_size=30)
ints = st.integers(min_value=-(10**15), max_value=10**15)
drawers = st.builds(
    DrawerFigures,
    texts,
    texts,
    ints,
    ints,
    ints,
    ints,
    ints,
    ints,
    st.none() | ints,
    st.none() | ints,
    texts,
    texts,
)
reports = st.builds(
    RegisterReport,
    kind=st.sampled_from(["X", "Z"]),
    number=st.none() | st.integers(min_value=1, max_value=10**9),
    currency=st.sampled_from(["USD", "EUR", "JPY", "BHD"]),
    store=texts,
    location=texts,
    register=texts,
    business_date=texts,
    printed_time=texts,
    printed_by=texts,
    first_receipt=texts,
    last_receipt=texts,
    sales_count=ints,
    gross_sales=ints,
    discounts=ints,
    returns_count=ints,
    returns=ints,
    voids_count=ints,
    voids=ints,
    net_sales=ints,
    tax=ints,
    taxes=st.lists(st.builds(TaxFigures, texts, ints, ints, ints), max_size=4).map(tuple),
    tenders=st.lists(
        st.builds(
            TenderFigures, st.sampled_from(["cash", "card", "store_credit"]), texts, ints, ints
        ),
        max_size=4,
    ).map(tuple),
    drawer=st.none() | drawers,
    no_sales=ints,
    held_sales=ints,
    cashiers=st.lists(
        st.builds(CashierFigures, texts, ints, ints, ints, ints, ints, ints), max_size=4
    ).map(tuple),
)


@given(reports)
def test_any_figures_round_trip_exactly(report: RegisterReport) -> None:
    assert RegisterReport.from_json(report.to_json()) == report


# --- the document ---------------------------------------------------------------------------


def test_a_z_report_is_titled_with_its_number() -> None:
    document = report_document(z_report())
    assert document.title == "Z report #57"
    assert document.heading == (
        "Müller Music",
        "Downtown",
        "Register R1",
        "Business day 2025-03-14",
        "Printed 2025-03-14 21:05 by Marcus",
    )
    assert titles(document) == [
        "Sales",
        "Tax by rate",
        "Tenders",
        "Drawer",
        "Drawer opens",
        "Cashier: Zoë",
        "Cashier: Marcus",
    ]
    assert document.banner == ""


def test_the_sales_section_shows_every_figure_with_takings_negative() -> None:
    assert rows(report_document(z_report()), "Sales") == {
        "Receipts": "R1-000101 to R1-000187",
        "Gross sales (84)": "$12,345.67",
        "Discounts": "-$45.90",
        "Returns (2)": "-$139.98",
        "Voids (1)": "-$25.00",
        "Net sales": "$12,134.79",
        "Tax": "$745.00",
        "Total taken": "$12,879.79",  # 1,213,479 + 74,500
    }


def test_net_sales_and_total_taken_are_the_strong_rows_of_sales() -> None:
    (sales,) = [s for s in report_document(z_report()).sections if s.title == "Sales"]
    assert [row.label for row in sales.rows if row.strong] == ["Net sales", "Total taken"]


def test_tax_is_shown_by_rate_with_what_it_was_charged_on() -> None:
    assert rows(report_document(z_report()), "Tax by rate") == {
        "State tax 6.25% on $10,000.00": "$625.00",
        "City tax 1.5% on $8,000.00": "$120.00",
    }


@pytest.mark.parametrize(
    ("ppm", "shown"),
    [(62_500, "6.25%"), (15_000, "1.5%"), (88_750, "8.875%"), (100_000, "10%"), (0, "0%"),
     (1, "0.0001%"), (1_000_000, "100%")],
)  # fmt: skip
def test_a_rate_in_parts_per_million_is_shown_as_a_short_percentage(ppm: int, shown: str) -> None:
    report = replace(z_report(), taxes=(TaxFigures("VAT", ppm, 10_000, 0),))
    (label,) = rows(report_document(report), "Tax by rate")
    assert label == f"VAT {shown} on $100.00"


def test_tenders_show_taken_paid_back_and_net_leaving_out_nothing_paid_back() -> None:
    (tenders,) = [s for s in report_document(z_report()).sections if s.title == "Tenders"]
    assert tenders.rows == (
        ReportRow("Cash taken", "$4,123.45"),
        ReportRow("Cash paid back", "-$74.36"),
        ReportRow("Cash net", "$4,049.09", strong=True),  # 412,345 - 7,436
        ReportRow("Card taken", "$8,755.07"),
        ReportRow("Card paid back", "-$74.37"),
        ReportRow("Card net", "$8,680.70", strong=True),  # 875,507 - 7,437
        ReportRow("Store credit taken", "$150.00"),
        ReportRow("Store credit net", "$150.00", strong=True),
    )


def test_a_z_report_shows_the_drawer_counted_and_short() -> None:
    assert rows(report_document(z_report()), "Drawer") == {
        "Opened": "2025-03-14 08:55 by Zoë",
        "Float": "$200.00",
        "Cash sales": "$4,123.45",
        "Cash refunds": "-$74.36",
        "Pay-ins": "$10.00",
        "Pay-outs": "-$25.00",
        "Expected in drawer": "$4,234.09",
        "Counted": "$4,232.74",
        "Over/short (short)": "-$1.35",
        "Closed by": "Marcus",
        "Difference signed off by": "Priya (manager)",
    }


@pytest.mark.parametrize(
    ("counted", "label", "value"),
    [
        (423_274, "Over/short (short)", "-$1.35"),  # 423,274 - 423,409
        (423_409, "Over/short (even)", "$0.00"),
        (423_659, "Over/short (over)", "$2.50"),  # 423,659 - 423,409
        (423_408, "Over/short (short)", "-$0.01"),
        (423_410, "Over/short (over)", "$0.01"),
    ],
)
def test_the_over_short_row_names_the_direction(counted: int, label: str, value: str) -> None:
    drawer = replace(DRAWER, counted=counted, over_short=TOTALS.over_short(counted))
    shown = rows(report_document(replace(z_report(), drawer=drawer)), "Drawer")
    assert shown[label] == value
    assert [key for key in shown if key.startswith("Over/short")] == [label]


def test_no_sign_off_row_when_nobody_signed_off() -> None:
    drawer = replace(DRAWER, signed_off_by="")
    shown = rows(report_document(replace(z_report(), drawer=drawer)), "Drawer")
    assert "Difference signed off by" not in shown
    assert shown["Closed by"] == "Marcus"


def test_an_x_report_has_no_number_and_no_counted_rows() -> None:
    document = report_document(x_report())
    assert document.title == "X report (shift so far)"
    assert "#" not in document.title
    drawer = rows(document, "Drawer")
    assert drawer["Expected in drawer"] == "$4,234.09"
    assert list(drawer)[-1] == "Expected in drawer"
    for gone in ("Counted", "Closed by", "Difference signed off by"):
        assert gone not in drawer
    assert not any(label.startswith("Over/short") for label in drawer)


def test_a_report_with_no_receipts_says_so() -> None:
    document = report_document(empty_report())
    assert document.title == "Z report #58"
    sales = rows(document, "Sales")
    assert sales["Receipts"] == "No receipts"
    assert sales["Gross sales (0)"] == "$0.00"
    assert sales["Discounts"] == "$0.00"  # nothing taken off is not "-$0.00"
    assert sales["Total taken"] == "$0.00"
    assert rows(document, "Tax by rate") == {"No tax": ""}
    assert rows(document, "Tenders") == {"No payments": ""}
    drawer = rows(document, "Drawer")
    assert drawer["Expected in drawer"] == "$150.00"
    assert drawer["Over/short (even)"] == "$0.00"
    assert rows(document, "Drawer opens") == {"No-sale opens": "0", "Sales on hold": "0"}
    assert not any(title.startswith("Cashier") for title in titles(document))


def test_a_register_without_a_drawer_has_no_drawer_section() -> None:
    document = report_document(replace(z_report(), drawer=None))
    assert "Drawer" not in titles(document)
    assert "Drawer opens" in titles(document)


def test_each_cashier_gets_a_section() -> None:
    document = report_document(z_report())
    assert rows(document, "Cashier: Zoë") == {
        "Sales (50)": "$7,000.00",
        "Discounts": "-$20.00",
        "Returns": "-$139.98",
        "Voids": "$0.00",
        "No-sale opens": "2",
    }
    assert rows(document, "Cashier: Marcus") == {
        "Sales (34)": "$5,134.79",
        "Discounts": "-$25.90",
        "Returns": "$0.00",
        "Voids": "-$25.00",
        "No-sale opens": "1",
    }


def test_a_reprint_is_marked() -> None:
    first = report_document(z_report())
    again = report_document(RegisterReport.from_json(z_report().to_json()), reprint=True)
    assert again.banner == "REPRINT"
    assert replace(again, banner="") == first


def test_amounts_are_in_the_report_currency() -> None:
    report = replace(
        empty_report(),
        currency="JPY",
        sales_count=1,
        gross_sales=1_200,
        net_sales=1_200,
        tax=120,
        taxes=(TaxFigures("Consumption tax", 100_000, 1_200, 120),),
    )
    document = report_document(report)
    assert rows(document, "Sales")["Gross sales (1)"] == "¥1,200"
    assert rows(document, "Sales")["Total taken"] == "¥1,320"
    assert rows(document, "Tax by rate") == {"Consumption tax 10% on ¥1,200": "¥120"}
