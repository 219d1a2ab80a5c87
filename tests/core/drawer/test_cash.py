"""The drawer arithmetic: expected cash, over/short, and when a manager must sign off."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.drawer.cash import DrawerTotals, needs_sign_off

# A day at register 1, in cents.
DAY = DrawerTotals(
    float_amount=20_000,  # $200.00 float
    cash_sales=412_345,  # $4,123.45 kept on cash sales (tendered minus change)
    cash_refunds=7_436,  # $74.36 paid back on a return
    pay_ins=1_000,  # $10.00 put in
    pay_outs=2_500,  # $25.00 taken out for milk
)


def test_expected_is_float_plus_sales_less_refunds_plus_ins_less_outs() -> None:
    # 20,000 + 412,345 = 432,345; - 7,436 = 424,909; + 1,000 = 425,909; - 2,500 = 423,409.
    assert DAY.expected == 423_409


@pytest.mark.parametrize(
    ("counted", "over_short"),
    [
        (423_274, -135),  # $4,232.74 counted: $1.35 short
        (423_409, 0),  # exactly as expected
        (423_659, 250),  # $4,236.59 counted: $2.50 over
        (0, -423_409),  # an empty drawer is short by everything
    ],
)
def test_over_short_is_counted_less_expected(counted: int, over_short: int) -> None:
    assert DAY.over_short(counted) == over_short


def test_a_drawer_with_nothing_but_its_float() -> None:
    quiet = DrawerTotals(float_amount=15_000, cash_sales=0, cash_refunds=0, pay_ins=0, pay_outs=0)
    assert quiet.expected == 15_000
    assert quiet.over_short(15_000) == 0


def test_refunds_and_pay_outs_can_take_more_than_the_float() -> None:
    # 5,000 + 0 - 4,000 + 0 - 3,000 = -2,000: more went out than could have been in the drawer.
    odd = DrawerTotals(
        float_amount=5_000, cash_sales=0, cash_refunds=4_000, pay_ins=0, pay_outs=3_000
    )
    assert odd.expected == -2_000
    assert odd.over_short(0) == 2_000


@pytest.mark.parametrize(
    ("over_short", "limit", "needed"),
    [
        (500, 500, False),  # exactly the limit is allowed
        (501, 500, True),  # one cent over the limit
        (-500, 500, False),  # short by exactly the limit
        (-501, 500, True),  # short by one cent more
        (-135, 500, False),
        (0, 500, False),
        (0, 0, False),  # a limit of 0: an even drawer needs nobody
        (1, 0, True),  # ... but any difference does
        (-1, 0, True),
    ],
)
def test_a_difference_beyond_the_limit_either_way_needs_a_manager(
    over_short: int, limit: int, needed: bool
) -> None:
    assert needs_sign_off(over_short, limit) is needed


amounts = st.integers(min_value=0, max_value=10**9)


@given(amounts, amounts, amounts, amounts, amounts, st.integers(-(10**9), 10**9))
def test_counting_expected_plus_a_difference_gives_that_difference(
    float_amount: int, sales: int, refunds: int, pay_ins: int, pay_outs: int, difference: int
) -> None:
    totals = DrawerTotals(float_amount, sales, refunds, pay_ins, pay_outs)
    assert totals.expected == float_amount + sales - refunds + pay_ins - pay_outs
    assert totals.over_short(totals.expected + difference) == difference
    assert needs_sign_off(difference, abs(difference)) is False
    if difference:
        assert needs_sign_off(difference, abs(difference) - 1) is True
