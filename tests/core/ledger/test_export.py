from __future__ import annotations

import csv
import datetime
import io

import pytest

from core.ledger.errors import LedgerError
from core.ledger.export import COLUMNS, ExportEntry, ExportLine, parse_amount, quickbooks_csv
from core.ledger.journal import UnbalancedEntryError

DAY = datetime.date(2024, 3, 7)


def entry(
    lines: tuple[ExportLine, ...],
    *,
    number: str = "S-1001",
    memo: str = "Sale 1001",
    currency: str = "USD",
    exponent: int = 2,
    location: str = "Main St",
) -> ExportEntry:
    return ExportEntry(number, DAY, memo, location, currency, exponent, lines)


SALE = entry(
    (
        ExportLine("Cash in drawers", 123450, 0, ""),
        ExportLine("Merchandise sales", 0, 115000, ""),
        ExportLine("Sales tax payable", 0, 8450, "State"),
    )
)


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_sale_exports_one_row_per_line() -> None:
    text = quickbooks_csv([SALE])
    assert text.split("\r\n")[0] == ",".join(COLUMNS)
    assert text.endswith("\r\n")
    head, tail = ["S-1001", "03/07/2024"], ["", "Main St", "USD"]
    assert read(text) == [
        list(COLUMNS),
        [*head, "Cash in drawers", "1234.50", "", "Sale 1001", *tail],
        [*head, "Merchandise sales", "", "1150.00", "Sale 1001", *tail],
        [*head, "Sales tax payable", "", "84.50", "State", *tail],
    ]


def test_round_trip_reads_back_every_amount_exactly() -> None:
    second = entry(
        (
            ExportLine("Safe and undeposited funds", 15000, 0, ""),
            ExportLine("Cash in drawers", 0, 15000, ""),
            ExportLine("Nothing", 0, 0, "a zero line has no side and is left out"),
        ),
        number="D-7",
        memo="Float for Register 1",
    )
    rows = read(quickbooks_csv([SALE, second]))[1:]
    assert len(rows) == 5
    by_number: dict[str, list[tuple[str, int, int]]] = {}
    for row in rows:
        record = dict(zip(COLUMNS, row, strict=True))
        debit = parse_amount(record["Debits"] or "0", 2)
        credit = parse_amount(record["Credits"] or "0", 2)
        assert (debit == 0) != (credit == 0)
        by_number.setdefault(record["Journal No"], []).append((record["Account"], debit, credit))
    for exported in (SALE, second):
        kept = [(x.account_name, x.debit, x.credit) for x in exported.lines if x.debit or x.credit]
        assert by_number[exported.number] == kept
        assert sum(d for _, d, _ in kept) == sum(c for _, _, c in kept)


def test_currency_without_decimals() -> None:
    yen = entry(
        (ExportLine("Cash in drawers", 1200, 0, ""), ExportLine("Merchandise sales", 0, 1200, "")),
        currency="JPY",
        exponent=0,
    )
    rows = read(quickbooks_csv([yen]))
    assert [(r[3], r[4], r[8]) for r in rows[1:]] == [("1200", "", "JPY"), ("", "1200", "JPY")]
    assert parse_amount("1200", 0) == 1200


def test_currency_with_three_decimals() -> None:
    dinar = entry(
        (ExportLine("Cash in drawers", 1234, 0, ""), ExportLine("Merchandise sales", 0, 1234, "")),
        currency="BHD",
        exponent=3,
    )
    rows = read(quickbooks_csv([dinar]))
    assert rows[1][3] == "1.234"
    assert parse_amount("1.234", 3) == 1234


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_injection_is_escaped(start: str) -> None:
    evil = start + 'HYPERLINK("http://x")'
    lines = (ExportLine(evil, 100, 0, evil), ExportLine("Merchandise sales", 0, 100, ""))
    rows = read(quickbooks_csv([entry(lines, number=evil, memo=evil, location=evil)]))
    first, second = rows[1], rows[2]
    for cell in (first[0], first[2], first[5], first[7], second[0], second[5]):
        assert cell == "'" + evil
    assert (first[3], second[4]) == ("1.00", "1.00")  # amounts are never escaped


def test_harmless_text_is_left_alone_and_quoted_by_csv() -> None:
    lines = (
        ExportLine("Sales, vinyl", 100, 0, 'a "quoted"\nmemo'),
        ExportLine("Merchandise sales", 0, 100, "'already'"),
    )
    rows = read(quickbooks_csv([entry(lines)]))
    assert (rows[1][2], rows[1][5]) == ("Sales, vinyl", 'a "quoted"\nmemo')
    assert rows[2][5] == "'already'"


def test_unbalanced_entry_is_refused() -> None:
    lines = (ExportLine("Cash", 1200, 0, ""), ExportLine("Sales", 0, 1150, ""))
    with pytest.raises(UnbalancedEntryError, match=r"debits 12\.00, credits 11\.50"):
        quickbooks_csv([SALE, entry(lines)])


@pytest.mark.parametrize(
    ("debit", "credit"), [(100, 100), (-100, 0), (0, -100)], ids=["both", "neg debit", "neg credit"]
)
def test_a_line_is_one_side_above_zero(debit: int, credit: int) -> None:
    lines = (ExportLine("Cash", debit, credit, ""),)
    with pytest.raises(LedgerError, match="either a debit or a credit above zero"):
        quickbooks_csv([entry(lines)])


def test_non_int_amounts_are_refused() -> None:
    lines = (ExportLine("Cash", 1.5, 0, ""),)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="whole number of cents"):
        quickbooks_csv([entry(lines)])


def test_no_entries_is_just_the_header() -> None:
    assert quickbooks_csv([]) == ",".join(COLUMNS) + "\r\n"


@pytest.mark.parametrize(
    ("text", "exponent", "amount"),
    [("1234.50", 2, 123450), ("0.05", 2, 5), ("12", 2, 1200), ("1.5", 2, 150), ("-3.25", 2, -325)],
)
def test_parse_amount(text: str, exponent: int, amount: int) -> None:
    assert parse_amount(text, exponent) == amount


@pytest.mark.parametrize(
    ("text", "exponent"),
    [("", 2), ("1.234", 2), ("1.5", 0), ("1,234.50", 2), ("$5", 2), ("1e3", 2)],
)
def test_parse_amount_refuses_what_the_export_never_writes(text: str, exponent: int) -> None:
    with pytest.raises(LedgerError, match="is not an amount"):
        parse_amount(text, exponent)
