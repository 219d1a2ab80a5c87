"""Denominations and counts: defaults per currency, a company's own list, typed-in counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.currency import UnknownCurrencyError
from core.drawer.counts import (
    MAX_PIECES,
    Count,
    check_denominations,
    default_denominations,
    denomination_label,
    parse_pieces,
)
from core.drawer.errors import DrawerError
from core.errors import DomainError

# --- default notes and coins ----------------------------------------------------------------


def test_us_dollars_are_the_usual_notes_and_coins_largest_first() -> None:
    # $100 $50 $20 $10 $5 $1, then quarter, dime, nickel, penny.
    assert default_denominations("USD") == (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1)


def test_yen_have_no_minor_unit_so_one_yen_is_1() -> None:
    # ¥10,000 ¥5,000 ¥2,000 ¥1,000 notes; ¥500 ¥100 ¥50 ¥10 ¥5 ¥1 coins.
    assert default_denominations("JPY") == (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1)


def test_a_supported_currency_without_a_list_gets_a_1_2_5_series_up_to_100() -> None:
    # NOK has 2 decimals: 1, 2, 5 × 10**k up to 100 kroner = 10,000 minor units.
    assert default_denominations("NOK") == (
        10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1,
    )  # fmt: skip
    # BHD has 3 decimals: 100 dinars = 100,000 fils.
    assert default_denominations("BHD") == (
        100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1,
    )  # fmt: skip


@pytest.mark.parametrize("code", ["XXX", "usd", ""])
def test_a_currency_we_do_not_support_is_refused(code: str) -> None:
    with pytest.raises(UnknownCurrencyError):
        default_denominations(code)


@pytest.mark.parametrize("code", ["USD", "CAD", "AUD", "NZD", "EUR", "GBP", "CHF", "SEK", "JPY"])
def test_every_default_list_passes_the_check_a_company_list_gets(code: str) -> None:
    defaults = default_denominations(code)
    assert check_denominations(defaults) == defaults


# --- a company's own list -------------------------------------------------------------------


def test_a_company_list_is_sorted_largest_first() -> None:
    assert check_denominations([25, 10000, 1, 2000]) == (10000, 2000, 25, 1)
    assert check_denominations(iter([500])) == (500,)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([2000, 0], "0 is not a note or coin value; use whole minor units."),
        ([-500], "-500 is not a note or coin value; use whole minor units."),
        ([2.5], "2.5 is not a note or coin value; use whole minor units."),
        ([True], "True is not a note or coin value; use whole minor units."),
        (["100"], "100 is not a note or coin value; use whole minor units."),
        ([None], "None is not a note or coin value; use whole minor units."),
        ([2000, 500, 2000], "2000 is listed twice among the notes and coins."),
        ([], "List at least one note or coin."),
    ],
    ids=["zero", "negative", "fraction", "bool", "text", "none", "duplicate", "empty"],
)
def test_a_bad_company_list_is_refused_saying_why(values: list[object], message: str) -> None:
    with pytest.raises(DrawerError) as caught:
        check_denominations(values)
    assert caught.value.message == message
    assert isinstance(caught.value, DomainError)


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "label"),
    [
        (10000, "USD", "$100"),
        (2000, "USD", "$20"),
        (100, "USD", "$1"),
        (25, "USD", "$0.25"),
        (1, "USD", "$0.01"),
        (10000, "JPY", "¥10,000"),
        (1, "JPY", "¥1"),
        (2000, "CHF", "CHF 20"),
        (5, "CHF", "CHF 0.05"),
        (5, "EUR", "€0.05"),
        (1000, "BHD", "BHD 1"),
        (500, "BHD", "BHD 0.500"),
    ],
)
def test_labels_drop_the_zeros_after_a_whole_amount(value: int, currency: str, label: str) -> None:
    assert denomination_label(value, currency) == label


# --- typed-in counts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pieces"),
    [("", 0), ("   ", 0), ("0", 0), ("12", 12), (" 7\t", 7), ("007", 7), ("100000", MAX_PIECES)],
)
def test_a_typed_count_is_read(text: str, pieces: int) -> None:
    assert parse_pieces(text, "$20") == pieces


def test_leading_zeros_do_not_count_against_the_limit() -> None:
    assert parse_pieces("0" * 40 + "5", "$20") == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "The count of $20 must be a whole number, not “abc”."),
        ("12a", "The count of $20 must be a whole number, not “12a”."),
        ("1.5", "The count of $20 must be a whole number, not “1.5”."),
        ("1,000", "The count of $20 must be a whole number, not “1,000”."),
        ("1e3", "The count of $20 must be a whole number, not “1e3”."),
        ("+3", "The count of $20 must be a whole number, not “+3”."),
        ("1 2", "The count of $20 must be a whole number, not “1 2”."),
        ("３", "The count of $20 must be a whole number, not “３”."),  # fullwidth 3
        ("١٢", "The count of $20 must be a whole number, not “١٢”."),  # Arabic-Indic 12
        ("²", "The count of $20 must be a whole number, not “²”."),  # superscript 2
        ("-3", "The count of $20 cannot be negative."),
        (" -0 ", "The count of $20 cannot be negative."),
        ("100001", "100,001 × $20 is more than a drawer holds; check the count."),
        ("9999999", "“9999999” × $20 is more than a drawer holds; check the count."),
    ],
)
def test_a_bad_typed_count_is_refused_saying_which(text: str, message: str) -> None:
    with pytest.raises(DrawerError) as caught:
        parse_pieces(text, "$20")
    assert caught.value.message == message


def test_a_pasted_page_of_digits_is_refused_not_a_crash() -> None:
    # Python will not int() 4,301 digits or more; the count is refused before that.
    with pytest.raises(DrawerError, match="more than a drawer holds") as caught:
        parse_pieces("9" * 5000, "$0.25")
    assert len(caught.value.message) < 100


# --- counts ---------------------------------------------------------------------------------


def test_a_count_totals_exactly() -> None:
    # 3 × $20 + 4 × $5 + 7 × $0.25 + 12 × $0.01 = 6,000 + 2,000 + 175 + 12 = 8,187 cents.
    count = Count.of("USD", {25: 7, 2000: 3, 1: 12, 500: 4})
    assert count.total == 8187
    assert count.pieces == ((2000, 3), (500, 4), (25, 7), (1, 12))  # largest first


def test_denominations_counted_as_none_are_dropped() -> None:
    # 0 × $100 + 2 × $10 + 0 × $0.05 = 2,000 cents.
    count = Count.of("USD", {10000: 0, 1000: 2, 5: 0})
    assert count.pieces == ((1000, 2),)
    assert count.total == 2000


def test_an_empty_count_is_zero() -> None:
    assert Count.of("USD", {}).total == 0
    assert Count.of("USD", {100: 0}).pieces == ()


def test_yen_count_in_whole_yen() -> None:
    # 2 × ¥10,000 + 3 × ¥1,000 + 9 × ¥100 + 4 × ¥1 = 20,000 + 3,000 + 900 + 4 = ¥23,904.
    assert Count.of("JPY", {10000: 2, 1000: 3, 100: 9, 1: 4}).total == 23904


def test_the_most_a_drawer_holds_is_accepted() -> None:
    # 100,000 quarters = $25,000.00.
    assert Count.of("USD", {25: MAX_PIECES}).total == 2_500_000


@pytest.mark.parametrize(
    ("pieces", "message"),
    [
        ({2000: -1}, "The count of $20 cannot be negative."),
        ({25: MAX_PIECES + 1}, "100,001 × $0.25 is more than a drawer holds."),
        ({2000: 1.5}, "A count must be a whole number."),
        ({2000: True}, "A count must be a whole number."),
        ({2000: "3"}, "A count must be a whole number."),
        ({0: 1}, "0 is not a note or coin value."),
        ({-500: 1}, "-500 is not a note or coin value."),
        ({2.5: 1}, "2.5 is not a note or coin value."),
        ({True: 1}, "True is not a note or coin value."),
    ],
    ids=[
        "negative",
        "too-many",
        "fraction",
        "bool",
        "text",
        "zero-value",
        "negative-value",
        "fractional-value",
        "bool-value",
    ],
)
def test_a_bad_count_is_refused(pieces: dict[object, object], message: str) -> None:
    with pytest.raises(DrawerError) as caught:
        Count.of("USD", pieces)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_a_count_is_stored_as_json_and_read_back() -> None:
    count = Count.of("USD", {2000: 3, 25: 7})
    stored = count.to_json()
    assert stored == '{"2000": 3, "25": 7}'
    assert Count.from_json("USD", stored) == count
    assert Count.from_json("USD", "{}") == Count.of("USD", {})


@pytest.mark.parametrize(
    "stored",
    [
        '{"2000": 1.5}',  # would have been truncated to 1 by int()
        '{"2000": true}',
        '{"2000": "3"}',
        '{"2000": -1}',
        '{"0": 1}',
        '{"twenty": 1}',
        '{"-5": 1}',
        "[[2000, 3]]",
        "null",
    ],
)
def test_a_damaged_stored_count_is_refused_not_guessed(stored: str) -> None:
    with pytest.raises(DrawerError):
        Count.from_json("USD", stored)


denominations = st.integers(min_value=1, max_value=100_000)
numbers = st.integers(min_value=0, max_value=MAX_PIECES)


@given(st.dictionaries(denominations, numbers, max_size=20))
def test_a_count_totals_value_times_pieces_and_round_trips(pieces: dict[int, int]) -> None:
    count = Count.of("USD", pieces)

    assert count.total == sum(value * number for value, number in pieces.items())
    assert dict(count.pieces) == {v: n for v, n in pieces.items() if n}
    assert [v for v, _ in count.pieces] == sorted((v for v, _ in count.pieces), reverse=True)
    assert Count.from_json("USD", count.to_json()) == count
