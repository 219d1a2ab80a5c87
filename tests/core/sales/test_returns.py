"""Returns: cumulative proration, so every unit back gives back exactly what was charged."""

from __future__ import annotations

import itertools
import uuid
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sales.errors import SaleError
from core.sales.returns import (
    ReturnAmounts,
    SoldLine,
    check_return_quantity,
    prorate,
    return_amounts,
)
from core.sales.tax import LineTax

STATE = uuid.UUID(int=1)
CITY = uuid.UUID(int=2)


def sold_line(returned: int = 0) -> SoldLine:
    # 3 × $12.99 = 3,897, less 10% (389.7 → 390) = 3,507 net.
    # State 6.25%: 3,507 × 0.0625 = 219.1875 → 219. City 2%: 70.14 → 70.
    taxes = (
        LineTax(STATE, "State", 62_500, 3_507, 219),
        LineTax(CITY, "City", 20_000, 3_507, 70),
    )
    return SoldLine(uuid.uuid4(), 3, 3_897, 390, 3_507, taxes, returned=returned)


def test_prorate_is_cumulative() -> None:
    # 100 over 3 units: f(1) = 33.33 → 33, f(2) = 66.67 → 67, f(3) = 100.
    # One at a time gives back 33, 67 - 33 = 34, 100 - 67 = 33: exactly 100.
    assert [prorate(100, done, 1, 3) for done in range(3)] == [33, 34, 33]
    assert prorate(100, 0, 2, 3) == 67
    assert prorate(100, 2, 1, 3) == 33
    assert prorate(100, 0, 3, 3) == 100


def test_prorate_rounds_half_up() -> None:
    # 5 over 2 units: f(1) = 2.5 → 3, then 5 - 3 = 2.
    assert [prorate(5, 0, 1, 2), prorate(5, 1, 1, 2)] == [3, 2]


def test_return_one_of_three() -> None:
    # gross 3,897/3 = 1,299; net 3,507/3 = 1,169; discount 1,299 - 1,169 = 130;
    # state 219/3 = 73; city 70/3 = 23.33 → 23; taxable 1,169 for both.
    back = return_amounts(sold_line(), 1)
    assert (back.gross, back.discount, back.net, back.tax) == (1_299, 130, 1_169, 96)
    assert [(t.rate_id, t.taxable, t.tax) for t in back.taxes] == [
        (STATE, 1_169, 73),
        (CITY, 1_169, 23),
    ]


def test_return_the_rest_after_one() -> None:
    # Units 2-3 of 3: gross 3,897 - 1,299 = 2,598; net 3,507 - 1,169 = 2,338;
    # state f(3) - f(1) = 219 - 73 = 146; city 70 - 23 = 47 (f(1) = 23.33 → 23).
    back = return_amounts(sold_line(returned=1), 2)
    assert (back.gross, back.discount, back.net) == (2_598, 1_299 * 2 - 2_338, 2_338)
    assert [t.tax for t in back.taxes] == [146, 47]
    first = return_amounts(sold_line(), 1)
    assert first.gross + back.gross == 3_897
    assert first.discount + back.discount == 390
    assert first.tax + back.tax == 219 + 70


def test_pending_units_count_as_returned() -> None:
    # Unit 2 of 3 while unit 1 is already on this return: state f(2) - f(1) = 146 - 73 = 73;
    # city f(2) = 46.67 → 47, less f(1) = 23 → 24.
    back = return_amounts(sold_line(), 1, pending=1)
    assert [t.tax for t in back.taxes] == [146 - 73, 24]
    assert back == return_amounts(sold_line(returned=1), 1)


def test_return_amounts_tax_property() -> None:
    amounts = ReturnAmounts(10, 0, 10, (LineTax(STATE, "State", 62_500, 10, 1),))
    assert amounts.tax == 1
    assert ReturnAmounts(10, 0, 10, ()).tax == 0


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("returned", "quantity", "pending", "message"),
    [
        (0, 4, 0, "Only 3 are left to return on that line."),
        (1, 3, 0, "Only 2 are left to return on that line."),
        (2, 2, 0, "Only one is left to return on that line."),
        (3, 1, 0, "Everything on that line has already been returned."),
        # The same line twice on one return: the first two units are pending.
        (0, 2, 2, "Only one is left to return on that line."),
        (0, 1, 3, "Everything on that line has already been returned."),
        (1, 1, 2, "Everything on that line has already been returned."),
        (0, 0, 0, "Return at least one."),
        (0, -1, 0, "Return at least one."),
    ],
)
def test_return_refusals(returned: int, quantity: int, pending: int, message: str) -> None:
    sold = sold_line(returned=returned)
    with pytest.raises(SaleError) as caught:
        check_return_quantity(sold, quantity, pending)
    assert caught.value.message == message
    with pytest.raises(SaleError) as caught:
        return_amounts(sold, quantity, pending)
    assert caught.value.message == message


@pytest.mark.parametrize("quantity", [1.0, True, "1", None])
def test_return_quantity_is_an_int(quantity: object) -> None:
    with pytest.raises(SaleError, match=r"^Return at least one\.$"):
        check_return_quantity(sold_line(), quantity)  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------


@settings(max_examples=300)
@given(
    amount=st.integers(min_value=-(10**9), max_value=10**9),
    whole=st.integers(min_value=1, max_value=50),
    data=st.data(),
)
def test_prorate_pieces_add_up_and_stay_near_the_exact_share(
    amount: int, whole: int, data: st.DataObject
) -> None:
    cuts = data.draw(st.lists(st.integers(min_value=1, max_value=whole - 1 or 1), unique=True))
    bounds = sorted({0, whole, *(c for c in cuts if c < whole)})
    pieces = [prorate(amount, a, b - a, whole) for a, b in itertools.pairwise(bounds)]
    assert sum(pieces) == amount
    for (a, b), piece in zip(itertools.pairwise(bounds), pieces, strict=True):
        assert abs(piece - Fraction(amount * (b - a), whole)) < 1
