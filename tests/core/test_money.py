from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.currency import CURRENCIES, UnknownCurrencyError, get_currency
from core.errors import DomainError
from core.money import (
    MAX_INPUT_LENGTH,
    CurrencyMismatchError,
    InvalidAmountError,
    Money,
    Rounding,
    format_money,
    parse_money,
    round_to_int,
)

currencies = st.sampled_from(sorted(CURRENCIES))
amounts = st.integers(min_value=-(10**15), max_value=10**15)


def usd(cents: int) -> Money:
    return Money(cents, "USD")


# --- construction -----------------------------------------------------------------------


def test_constructors() -> None:
    assert Money.zero("EUR") == Money(0, "EUR")
    assert Money.of(1250, "USD") == usd(1250)


@pytest.mark.parametrize("amount", [1.5, 1.0, Decimal(1), Fraction(1), True, False, "1", None])
def test_amount_must_be_int(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["usd", "US", "USDD", "XXX", "", "U$D", "BTC"])
def test_unknown_currency(code: str) -> None:
    with pytest.raises(UnknownCurrencyError) as caught:
        Money(1, code)
    assert isinstance(caught.value, DomainError)
    assert "not a currency" in str(caught.value)


def test_currency_table() -> None:
    assert get_currency("JPY").exponent == 0
    assert get_currency("BHD").exponent == 3
    assert Money(1, "KWD").exponent == 3
    assert all(len(c) == 3 and c.isupper() for c in CURRENCIES)
    with pytest.raises(TypeError):
        get_currency(None)  # type: ignore[arg-type]


def test_predicates() -> None:
    assert usd(0).is_zero
    assert not usd(0).is_positive
    assert not usd(0).is_negative
    assert usd(1).is_positive
    assert usd(-1).is_negative


def test_is_hashable_and_frozen() -> None:
    assert {usd(1), usd(1), Money(1, "EUR")} == {usd(1), Money(1, "EUR")}
    with pytest.raises(AttributeError):
        usd(1).amount = 2  # type: ignore[misc]


# --- arithmetic ---------------------------------------------------------------------------


def test_arithmetic() -> None:
    assert usd(150) + usd(25) == usd(175)
    assert usd(150) - usd(200) == usd(-50)
    assert -usd(5) == usd(-5)
    assert abs(usd(-5)) == usd(5)
    assert usd(5) * 3 == 3 * usd(5) == usd(15)


def test_sum() -> None:
    moneys = [usd(1), usd(2), usd(3)]
    assert sum(moneys) == usd(6)
    assert sum(moneys, Money.zero("USD")) == usd(6)
    with pytest.raises(TypeError):
        1 + usd(1)  # only the 0 that sum() starts from is welcome


@pytest.mark.parametrize("factor", [1.5, Decimal("1.5"), Fraction(3, 2), True, usd(2)])
def test_star_takes_only_int(factor: object) -> None:
    with pytest.raises(TypeError):
        usd(10) * factor  # type: ignore[operator]


def test_no_division() -> None:
    with pytest.raises(TypeError):
        usd(10) / 2  # type: ignore[operator]


def test_currency_mismatch() -> None:
    eur = Money(5, "EUR")
    for combine in (
        lambda: usd(5) + eur,
        lambda: usd(5) - eur,
        lambda: usd(5) < eur,
        lambda: usd(5) <= eur,
        lambda: usd(5) > eur,
        lambda: usd(5) >= eur,
        lambda: sum([usd(5), eur]),
    ):
        with pytest.raises(CurrencyMismatchError, match="USD and EUR"):
            combine()


def test_equality_across_currencies_is_false_not_an_error() -> None:
    assert usd(5) != Money(5, "EUR")
    assert Money(5, "EUR") not in [usd(5)]
    plain_five: object = 5
    assert usd(5) != plain_five


def test_ordering() -> None:
    assert usd(1) < usd(2) <= usd(2) < usd(3)
    assert usd(3) > usd(2) >= usd(2)
    assert max(usd(1), usd(7), usd(3)) == usd(7)
    with pytest.raises(TypeError):
        usd(1) < 2  # type: ignore[operator]  # noqa: B015


@given(currencies, amounts, amounts)
def test_add_then_subtract_is_identity(code: str, a: int, b: int) -> None:
    x, y = Money(a, code), Money(b, code)
    assert x + y - y == x
    assert x + y == y + x
    negated = -x
    assert -negated == x


# --- rounding and multiply ----------------------------------------------------------------

# value, HALF_UP, HALF_EVEN, DOWN, UP, FLOOR, CEILING
ROUNDING_TABLE = [
    (Fraction(5, 2), 3, 2, 2, 3, 2, 3),
    (Fraction(7, 2), 4, 4, 3, 4, 3, 4),
    (Fraction(-5, 2), -3, -2, -2, -3, -3, -2),
    (Fraction(-7, 2), -4, -4, -3, -4, -4, -3),
    (Fraction(13, 10), 1, 1, 1, 2, 1, 2),
    (Fraction(-13, 10), -1, -1, -1, -2, -2, -1),
    (Fraction(17, 10), 2, 2, 1, 2, 1, 2),
    (Fraction(-17, 10), -2, -2, -1, -2, -2, -1),
    (Fraction(4), 4, 4, 4, 4, 4, 4),
    (Fraction(0), 0, 0, 0, 0, 0, 0),
]
MODES = [
    Rounding.HALF_UP,
    Rounding.HALF_EVEN,
    Rounding.DOWN,
    Rounding.UP,
    Rounding.FLOOR,
    Rounding.CEILING,
]


@pytest.mark.parametrize("row", ROUNDING_TABLE, ids=lambda row: str(row[0]))
def test_round_to_int_table(row: tuple[Fraction, ...]) -> None:
    value, *expected = row
    assert [round_to_int(value, mode) for mode in MODES] == expected


# The classic 1.005 trap: 100.5 cents is exactly half; float arithmetic would see 100.49999.
@pytest.mark.parametrize(
    ("cents", "factor", "mode", "expected"),
    [
        (100, Decimal("1.005"), Rounding.HALF_UP, 101),
        (100, Decimal("1.005"), Rounding.HALF_EVEN, 100),
        (100, Decimal("1.015"), Rounding.HALF_EVEN, 102),
        (100, Decimal("1.005"), Rounding.DOWN, 100),
        (100, Decimal("1.005"), Rounding.UP, 101),
        (-100, Decimal("1.005"), Rounding.HALF_UP, -101),
        (-100, Decimal("1.005"), Rounding.HALF_EVEN, -100),
        (-100, Decimal("1.005"), Rounding.DOWN, -100),
        (-100, Decimal("1.005"), Rounding.UP, -101),
        (-100, Decimal("1.005"), Rounding.FLOOR, -101),
        (-100, Decimal("1.005"), Rounding.CEILING, -100),
        (1999, Decimal("0.0825"), Rounding.HALF_UP, 165),  # 164.9175: 8.25% tax on $19.99
        (1000, Fraction(1, 3), Rounding.HALF_UP, 333),
        (1000, Fraction(2, 3), Rounding.DOWN, 666),
        (1000, Fraction(2, 3), Rounding.CEILING, 667),
        (250, 3, Rounding.HALF_UP, 750),
    ],
)
def test_multiply_examples(
    cents: int, factor: Decimal | Fraction | int, mode: Rounding, expected: int
) -> None:
    assert usd(cents).multiply(factor, mode) == usd(expected)


def test_multiply_default_is_half_up() -> None:
    assert usd(1).multiply(Decimal("0.5")) == usd(1)
    assert usd(-1).multiply(Decimal("0.5")) == usd(-1)


def test_multiply_ignores_decimal_context_precision() -> None:
    big = Money(10**30 + 1, "USD")
    assert big.multiply(Decimal("1.5"), Rounding.HALF_EVEN).amount == 15 * 10**29 + 2


@pytest.mark.parametrize("factor", [1.5, True, "2", Decimal("NaN"), Decimal("Infinity")])
def test_multiply_rejects(factor: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        usd(100).multiply(factor)  # type: ignore[arg-type]


@given(amounts, st.decimals(min_value=-1000, max_value=1000, places=4), st.sampled_from(MODES))
def test_multiply_is_within_one_unit_of_exact(a: int, factor: Decimal, mode: Rounding) -> None:
    exact = Fraction(a) * Fraction(factor)
    assert abs(usd(a).multiply(factor, mode).amount - exact) < 1


# --- allocate and split -------------------------------------------------------------------


def test_allocate_examples() -> None:
    assert usd(100).allocate([1, 1, 1]) == [usd(34), usd(33), usd(33)]
    assert usd(-100).allocate([1, 1, 1]) == [usd(-34), usd(-33), usd(-33)]
    assert usd(5).allocate([3, 7]) == [usd(2), usd(3)]  # 1.5 / 3.5: tie goes to the first
    assert usd(1000).allocate([0, 1, 0]) == [usd(0), usd(1000), usd(0)]
    assert usd(0).allocate([1, 2]) == [usd(0), usd(0)]
    assert usd(10).split(3) == [usd(4), usd(3), usd(3)]
    assert Money(7, "JPY").split(2) == [Money(4, "JPY"), Money(3, "JPY")]


@pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1]])
def test_allocate_rejects_bad_ratios(ratios: list[int]) -> None:
    with pytest.raises(ValueError, match="ratios"):
        usd(100).allocate(ratios)


@pytest.mark.parametrize("ratios", [[1.5, 1], [True, 1]])
def test_allocate_rejects_non_int_ratios(ratios: list[object]) -> None:
    with pytest.raises(TypeError):
        usd(100).allocate(ratios)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, -1, 2.0])
def test_split_rejects(n: object) -> None:
    with pytest.raises(ValueError, match="positive int"):
        usd(100).split(n)  # type: ignore[arg-type]


ratio_lists = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20).filter(
    lambda rs: sum(rs) > 0
)


@given(amounts, ratio_lists)
def test_allocate_sums_and_stays_within_one_unit(a: int, ratios: list[int]) -> None:
    parts = usd(a).allocate(ratios)
    assert len(parts) == len(ratios)
    assert sum(parts, Money.zero("USD")) == usd(a)
    total = sum(ratios)
    for part, ratio in zip(parts, ratios, strict=True):
        assert abs(part.amount - Fraction(a * ratio, total)) < 1


@given(amounts, ratio_lists)
def test_allocate_is_deterministic_and_symmetric(a: int, ratios: list[int]) -> None:
    assert usd(a).allocate(ratios) == usd(a).allocate(list(ratios))
    assert [-p for p in usd(a).allocate(ratios)] == usd(-a).allocate(ratios)


@given(amounts, st.integers(min_value=1, max_value=50))
def test_split_parts_differ_by_at_most_one(a: int, n: int) -> None:
    amounts_ = [p.amount for p in usd(a).split(n)]
    assert sum(amounts_) == a
    assert max(amounts_) - min(amounts_) <= 1


# --- display and input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (usd(123456), "$1,234.56"),
        (usd(-350), "-$3.50"),
        (usd(5), "$0.05"),
        (usd(0), "$0.00"),
        (Money(1200, "EUR"), "€12.00"),
        (Money(99, "GBP"), "£0.99"),
        (Money(1200, "CHF"), "CHF 12.00"),
        (Money(-1200, "CHF"), "-CHF 12.00"),
        (Money(123456, "JPY"), "¥123,456"),
        (Money(1500, "BHD"), "BHD 1.500"),
        (Money(123456789, "CAD"), "CA$1,234,567.89"),
    ],
)
def test_format_money(money: Money, text: str) -> None:
    assert format_money(money) == text


def test_format_without_symbol_and_str() -> None:
    assert format_money(usd(-123456), symbol=False) == "-1,234.56"
    assert str(usd(1250)) == "USD 12.50"
    assert str(usd(-123456)) == "USD -1234.56"
    assert str(Money(5, "JPY")) == "JPY 5"
    assert str(Money(5, "KWD")) == "KWD 0.005"


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        ("12", "USD", 1200),
        ("12.5", "USD", 1250),
        ("12.50", "USD", 1250),
        ("1,234.56", "USD", 123456),
        ("$12.50", "USD", 1250),
        ("-$3.50", "USD", -350),
        ("$-3.50", "USD", -350),
        ("-12", "USD", -1200),
        ("  7.05  ", "USD", 705),
        (".5", "USD", 50),
        ("12.", "USD", 1200),
        ("-0", "USD", 0),
        ("usd 4", "USD", 400),
        ("$4", "CAD", 400),
        ("CA$4", "CAD", 400),
        ("€3.50", "EUR", 350),
        ("CHF 12.00", "CHF", 1200),
        ("1,200", "JPY", 1200),
        ("1.234", "BHD", 1234),
    ],
)
def test_parse_money_accepts(text: str, currency: str, cents: int) -> None:
    assert parse_money(text, currency) == Money(cents, currency)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12a",
        "1e3",
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "12.345",
        "12.500",
        "12,34",
        "1,23,456",
        "1.2.3",
        ".",
        "-",
        "--5",
        "+5",
        "€5",
        "5$",
        "1 000",
        "١٢",  # Arabic-Indic digits: Decimal would take them, a register should not
        "1" * 21,
        "123456789012345678901.5",
    ],
)
def test_parse_money_rejects(text: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        parse_money(text, "USD")
    assert isinstance(caught.value, DomainError)


def test_parse_money_messages_are_for_people() -> None:
    with pytest.raises(InvalidAmountError) as caught:
        parse_money("12.345", "USD")
    assert str(caught.value) == "“12.345” is not a valid amount: USD has at most 2 decimal places."
    with pytest.raises(InvalidAmountError, match="JPY has no decimal places"):
        parse_money("12.5", "JPY")
    with pytest.raises(InvalidAmountError, match=r"like 1,234\.50"):
        parse_money("twelve", "USD")
    with pytest.raises(InvalidAmountError, match="No amount"):
        parse_money("", "USD")
    with pytest.raises(InvalidAmountError, match="longer than 20"):
        parse_money("9" * 10_000, "USD")


def test_parse_money_unknown_currency() -> None:
    with pytest.raises(UnknownCurrencyError):
        parse_money("12", "XYZ")


@st.composite
def typeable_money(draw: st.DrawFn) -> Money:
    """Amounts under 100 million major units: their display form fits the input limit."""
    code = draw(currencies)
    bound = 10 ** (8 + get_currency(code).exponent) - 1
    return Money(draw(st.integers(min_value=-bound, max_value=bound)), code)


@given(typeable_money(), st.booleans())
def test_parse_round_trips_format(money: Money, symbol: bool) -> None:
    assert parse_money(format_money(money, symbol=symbol), money.currency) == money


@pytest.mark.parametrize("code", sorted(CURRENCIES))
def test_largest_typeable_amount_fits_the_input_limit(code: str) -> None:
    largest = Money(-(10 ** (8 + get_currency(code).exponent) - 1), code)
    assert len(format_money(largest)) <= MAX_INPUT_LENGTH
    assert parse_money(format_money(largest), code) == largest


def test_parse_money_ignores_a_narrowed_decimal_context() -> None:
    with localcontext(prec=3):
        assert parse_money("1,234,567.89", "USD") == usd(123456789)
