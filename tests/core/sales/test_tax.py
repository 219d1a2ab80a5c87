"""The tax rule: per rate, on the sale's combined net, half up, shared back by largest remainder."""

from __future__ import annotations

import uuid
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sales.errors import SaleError
from core.sales.tax import (
    MAX_RATE_PPM,
    PPM,
    TaxRate,
    parse_rate,
    rate_text,
    share_tax,
    tax_for_base,
)

STATE = TaxRate(uuid.UUID(int=1), "State", 62_500, "standard")  # 6.25%
CITY = TaxRate(uuid.UUID(int=2), "City", 20_000, "standard")  # 2%
REDUCED = TaxRate(uuid.UUID(int=3), "State reduced", 40_000, "reduced")  # 4%
RATES = {"standard": [STATE, CITY], "reduced": [REDUCED], "exempt": []}


def taxes_of(lines: list[tuple[str, int]]) -> list[list[int]]:
    return [[t.tax for t in line] for line in share_tax(RATES, lines)]


# --- tax_for_base -----------------------------------------------------------------------


def test_half_a_cent_rounds_up() -> None:
    # $10.00 at 6.25% = 62.5 cents → 63.
    assert tax_for_base(1_000, 62_500) == 63
    # 8 cents at 6.25% = 0.5 → 1; 7 cents = 0.4375 → 0.
    assert tax_for_base(8, 62_500) == 1
    assert tax_for_base(7, 62_500) == 0
    # Half away from zero on a negative base too: -62.5 → -63.
    assert tax_for_base(-1_000, 62_500) == -63


def test_eight_point_eight_seven_five_percent() -> None:
    # 8.875% = 88,750 ppm. $100.00: 10,000 × 0.08875 = 887.5 → 888.
    assert tax_for_base(10_000, 88_750) == 888
    # $49.99: 4,999 × 0.08875 = 443.66… → 444.  $1.00: 8.875 → 9.
    assert tax_for_base(4_999, 88_750) == 444
    assert tax_for_base(100, 88_750) == 9
    assert rate_text(88_750) == "8.875%"
    assert parse_rate("8.875") == 88_750


def test_zero_rate_and_zero_base() -> None:
    assert tax_for_base(123_456, 0) == 0
    assert tax_for_base(0, 88_750) == 0


# --- share_tax: the rule ----------------------------------------------------------------


def test_sale_level_rounding_differs_from_per_line_rounding() -> None:
    # Three items, $12.99 + $4.99 + $24.99 = $42.97, each at 6.25% state + 2% city.
    # State, per line: 81.1875 → 81, 31.1875 → 31, 156.1875 → 156, which adds up to 268.
    # State, the rule: 4,297 × 0.0625 = 268.5625 → 269, one cent more than per line.
    # Shared by each line's exact tax: 81.1875, 31.1875, 156.1875 → floors 81 + 31 + 156 = 268;
    # the 1 left goes to the largest fraction, a three-way tie won by the first line → 82.
    # City: 4,297 × 0.02 = 85.94 → 86 (per line 25.98 + 9.98 + 49.98 → 26 + 10 + 50 = 86 too).
    # Shared: floors 25 + 9 + 49 = 83; the 3 left go one each (.98 each) → 26, 10, 50.
    lines = [("standard", 1_299), ("standard", 499), ("standard", 2_499)]
    per_line_state = sum(tax_for_base(net, STATE.rate_ppm) for _, net in lines)
    assert per_line_state == 268
    assert tax_for_base(4_297, STATE.rate_ppm) == 269
    assert taxes_of(lines) == [[82, 26], [31, 10], [156, 50]]
    shared = share_tax(RATES, lines)
    assert [t.taxable for t in shared[0]] == [1_299, 1_299]
    assert [(t.rate_id, t.name, t.rate_ppm) for t in shared[2]] == [
        (STATE.id, "State", 62_500),
        (CITY.id, "City", 20_000),
    ]


def test_reduced_rate_line_next_to_a_standard_line() -> None:
    # A $499.00 guitar (standard: 6.25% state + 2% city) and a $20.00 method book (reduced: 4%).
    # State 49,900 × 0.0625 = 3,118.75 → 3,119; city 49,900 × 0.02 = 998; reduced 2,000 × 0.04 = 80.
    # Each rate has only one line here, so each line keeps its rate's whole tax.
    assert taxes_of([("standard", 49_900), ("reduced", 2_000)]) == [[3_119, 998], [80]]


def test_reduced_rate_is_computed_on_its_own_lines_only() -> None:
    # The reduced rate's base is only the two reduced lines: 1,010 + 1,010 = 2,020 × 0.04 = 80.8
    # → 81, shared 40.5/40.5 → 40 + 40, the 1 left to the earlier tie → 41, 40.
    # The standard line in between is not in that base.
    result = taxes_of([("reduced", 1_010), ("standard", 1_000), ("reduced", 1_010)])
    assert result == [[41], [63, 20], [40]]


def test_exempt_and_unknown_classes_have_no_tax() -> None:
    assert taxes_of([("exempt", 10_000), ("no-such-class", 500)]) == [[], []]


def test_lines_at_zero_get_zero_tax() -> None:
    # A line given away (net 0) is in the rate's base with 0, and gets 0 of the tax.
    assert taxes_of([("standard", 0), ("standard", 1_000)]) == [[0, 0], [63, 20]]
    assert taxes_of([("standard", 0)]) == [[0, 0]]


def test_each_line_is_within_a_cent_of_its_own_exact_tax() -> None:
    # 8.875% on a $1.02 item and two 8-cent items: base 118 × 0.08875 = 10.4725 → 10.
    # Exact per line: 9.0525, 0.71, 0.71 → floors 9 + 0 + 0 = 9; the 1 left goes to the
    # largest fraction (.71, the earlier of the tie) → 9, 1, 0. Sharing the rounded 10 by net
    # instead would give the $1.02 line 8, more than a cent from its exact 9.0525.
    ny = {"standard": [TaxRate(uuid.UUID(int=4), "New York", 88_750, "standard")]}
    shared = share_tax(ny, [("standard", 102), ("standard", 8), ("standard", 8)])
    assert [line[0].tax for line in shared] == [9, 1, 0]
    for line, net in zip(shared, (102, 8, 8), strict=True):
        assert abs(line[0].tax - Fraction(net * 88_750, PPM)) < 1


# --- rates as text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ppm", "text"),
    [
        (0, "0%"),
        (62_500, "6.25%"),
        (20_000, "2%"),
        (88_750, "8.875%"),
        (88_751, "8.8751%"),
        (100, "0.01%"),
        (1, "0.0001%"),
        (500_000, "50%"),
    ],
)
def test_rate_text(ppm: int, text: str) -> None:
    assert rate_text(ppm) == text
    assert parse_rate(text) == ppm


@pytest.mark.parametrize(
    ("text", "ppm"), [("8.25", 82_500), (" 8.25 % ", 82_500), (".5", 5_000), ("7.", 70_000)]
)
def test_parse_rate(text: str, ppm: int) -> None:
    assert parse_rate(text) == ppm


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "“abc” is not a tax rate; type for example 8.25."),
        ("-1", "“-1” is not a tax rate; type for example 8.25."),
        ("8.12345", "“8.12345” is not a tax rate; type for example 8.25."),
        ("", "“” is not a tax rate; type for example 8.25."),
        (".", "“.” is not a tax rate; type for example 8.25."),
        ("8,25", "“8,25” is not a tax rate; type for example 8.25."),
        ("²", "“²” is not a tax rate; type for example 8.25."),
        ("８", "“８” is not a tax rate; type for example 8.25."),
        ("60", "A tax rate is between 0% and 50%."),
        ("50.0001", "A tax rate is between 0% and 50%."),
        ("100.001", "A tax rate is between 0% and 50%."),
    ],
)
def test_parse_rate_refusals(text: str, message: str) -> None:
    with pytest.raises(SaleError) as caught:
        parse_rate(text)
    assert caught.value.message == message


@pytest.mark.parametrize("ppm", [-1, MAX_RATE_PPM + 1, 1.5])
def test_tax_rate_bounds(ppm: object) -> None:
    with pytest.raises(SaleError) as caught:
        TaxRate(uuid.uuid4(), "Bad", ppm, "standard")  # type: ignore[arg-type]
    assert caught.value.message == "A tax rate is between 0% and 50%."


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=MAX_RATE_PPM))
def test_rate_text_round_trip(ppm: int) -> None:
    assert parse_rate(rate_text(ppm)) == ppm
    assert parse_rate(rate_text(ppm).removesuffix("%")) == ppm


@settings(max_examples=200)
@given(st.text(max_size=12))
def test_parse_rate_accepts_or_refuses_plainly(text: str) -> None:
    try:
        ppm: int | None = parse_rate(text)
    except SaleError as error:
        ppm, message = None, error.message
    else:
        message = ""
    # Either a value in range and no message, or a message and no value: never a crash.
    assert (ppm is None) == bool(message)
    assert ppm is None or 0 <= ppm <= MAX_RATE_PPM
