"""Discounts: basis points, half-up rounding, refusals with messages a cashier can read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.sales.discounts import (
    FULL_PERCENT_BP,
    Discount,
    DiscountKind,
    DiscountReason,
    discount_amount,
    over_limit,
    parse_percent,
)
from core.sales.errors import SaleError

# --- the discount itself ----------------------------------------------------------------


def test_ten_percent_off_a_499_guitar() -> None:
    # 10% = 1,000 bp; 49,900 × 1,000 / 10,000 = 4,990 exactly → $49.90 off, $449.10 left.
    ten = Discount.percent(1000)
    assert discount_amount(ten, 49_900) == 4_990
    assert 49_900 - discount_amount(ten, 49_900) == 44_910


def test_percent_rounds_half_up_to_the_cent() -> None:
    # 12.5% of $12.04: 1,204 × 1,250 / 10,000 = 150.5 → 151 (half up), not 150 (half even).
    assert discount_amount(Discount.percent(1250), 1_204) == 151
    # 10% of 5 cents is 0.5 → 1; 10% of 4 cents is 0.4 → 0.
    assert discount_amount(Discount.percent(1000), 5) == 1
    assert discount_amount(Discount.percent(1000), 4) == 0
    # 33.33% of $10.00: 1,000 × 3,333 / 10,000 = 333.3 → 333.
    assert discount_amount(Discount.percent(3333), 1_000) == 333


def test_full_percent_takes_everything_and_amount_up_to_the_base() -> None:
    assert discount_amount(Discount.percent(FULL_PERCENT_BP), 12_345) == 12_345
    assert discount_amount(Discount.amount(12_345), 12_345) == 12_345
    assert discount_amount(Discount.amount(500), 2_397) == 500
    # Nothing to take 10% of: no discount, and no error.
    assert discount_amount(Discount.percent(1000), 0) == 0


def test_amount_larger_than_the_line_or_the_sale() -> None:
    with pytest.raises(SaleError) as caught:
        discount_amount(Discount.amount(1_001), 1_000)
    assert caught.value.message == "The discount is larger than the line."
    with pytest.raises(SaleError) as caught:
        discount_amount(Discount.amount(1_001), 1_000, what="sale")
    assert caught.value.message == "The discount is larger than the sale."


def test_discount_on_a_return_is_refused() -> None:
    with pytest.raises(SaleError, match="applies to items sold, not to returns"):
        discount_amount(Discount.percent(1000), -100)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (DiscountKind.PERCENT, 10_001, "A discount cannot be more than 100%."),
        (DiscountKind.PERCENT, 0, "A discount must be more than zero."),
        (DiscountKind.AMOUNT, 0, "A discount must be more than zero."),
        (DiscountKind.AMOUNT, -500, "A discount must be more than zero."),
    ],
)
def test_impossible_discounts_are_refused(kind: DiscountKind, value: int, message: str) -> None:
    with pytest.raises(SaleError) as caught:
        Discount(kind, value)
    assert caught.value.message == message
    assert isinstance(caught.value, DomainError)


@pytest.mark.parametrize("value", [10.0, "10", True, None])
def test_discount_value_is_an_int(value: object) -> None:
    with pytest.raises(TypeError):
        Discount(DiscountKind.AMOUNT, value)  # type: ignore[arg-type]


def test_defaults_labels_and_description() -> None:
    assert Discount.amount(500).reason is DiscountReason.PROMOTION
    assert Discount.amount(499, DiscountReason.PRICE_CHANGE).reason.label == "Price change"
    assert DiscountReason.PRICE_MATCH.label == "Price match"
    assert Discount.percent(1000).describe() == "10% off"
    assert Discount.percent(1250).describe() == "12.5% off"
    assert Discount.percent(1205).describe() == "12.05% off"
    assert Discount.percent(5).describe() == "0.05% off"
    assert Discount.amount(500).describe() == "amount off"


# --- the cashier's limit ----------------------------------------------------------------


def test_over_limit() -> None:
    # Limit 15% of $100.00 = $15.00: exactly the limit is allowed, one cent more is not.
    assert not over_limit(1_500, 10_000, 1_500)
    assert over_limit(1_501, 10_000, 1_500)
    assert not over_limit(0, 10_000, 0)  # no discount is never over
    assert over_limit(1, 0, 10_000)  # anything off nothing is over any limit


# --- typed percentages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("10", 1_000),
        ("12.5", 1_250),
        ("12.5%", 1_250),
        (" 12.50 % ", 1_250),
        (".5", 50),
        ("5.", 500),
        ("0.01", 1),
        ("100", 10_000),
        ("100.00", 10_000),
    ],
)
def test_parse_percent(text: str, bp: int) -> None:
    assert parse_percent(text) == bp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "“abc” is not a percentage; type for example 10 or 12.5."),
        ("-1", "“-1” is not a percentage; type for example 10 or 12.5."),
        ("12.345", "“12.345” is not a percentage; type for example 10 or 12.5."),
        ("100.001", "“100.001” is not a percentage; type for example 10 or 12.5."),
        ("1,5", "“1,5” is not a percentage; type for example 10 or 12.5."),
        ("10%%", "“10%%” is not a percentage; type for example 10 or 12.5."),
        # Digits that str.isdigit() accepts but int() does not, and non-ASCII digits.
        ("²", "“²” is not a percentage; type for example 10 or 12.5."),
        ("10.²", "“10.²” is not a percentage; type for example 10 or 12.5."),
        ("１０", "“１０” is not a percentage; type for example 10 or 12.5."),
        ("", "Type a percentage, for example 10 or 12.5."),
        (" % ", "Type a percentage, for example 10 or 12.5."),
        (".", "Type a percentage, for example 10 or 12.5."),
        ("0", "A discount must be more than zero."),
        ("0.00", "A discount must be more than zero."),
        ("100.01", "A discount cannot be more than 100%."),
        ("101", "A discount cannot be more than 100%."),
    ],
)
def test_parse_percent_refusals(text: str, message: str) -> None:
    with pytest.raises(SaleError) as caught:
        parse_percent(text)
    assert caught.value.message == message


def test_parse_percent_quotes_at_most_twenty_characters() -> None:
    with pytest.raises(SaleError) as caught:
        parse_percent("x" * 50)
    assert caught.value.message == f"“{'x' * 20}” is not a percentage; type for example 10 or 12.5."


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=FULL_PERCENT_BP))
def test_describe_and_parse_round_trip(bp: int) -> None:
    text = Discount.percent(bp).describe().removesuffix(" off")
    assert parse_percent(text) == bp
    assert parse_percent(f"{bp // 100}.{bp % 100:02d}") == bp


@settings(max_examples=200)
@given(st.text(max_size=12))
def test_parse_percent_never_fails_with_anything_but_a_sale_error(text: str) -> None:
    try:
        bp: int | None = parse_percent(text)
    except SaleError as error:
        bp, message = None, error.message
    else:
        message = ""
    # Either a value in range and no message, or a message and no value: never a crash.
    assert (bp is None) == bool(message)
    assert bp is None or 1 <= bp <= FULL_PERCENT_BP
