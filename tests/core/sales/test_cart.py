"""Cart totals: hand-worked sales, each figure checked against arithmetic in the comments."""

from __future__ import annotations

import uuid

import pytest

from core.catalog.products import MAX_AMOUNT_MINOR, MAX_QUANTITY
from core.sales.cart import (
    CartLine,
    SaleTotals,
    check_line_quantity,
    check_price,
    compute_totals,
    price_cut,
)
from core.sales.discounts import Discount, DiscountReason
from core.sales.errors import SaleError
from core.sales.returns import SoldLine, return_amounts
from core.sales.tax import TaxRate

STATE = TaxRate(uuid.UUID(int=1), "State", 62_500, "standard")  # 6.25%
CITY = TaxRate(uuid.UUID(int=2), "City", 20_000, "standard")  # 2%
REDUCED = TaxRate(uuid.UUID(int=3), "State reduced", 40_000, "reduced")  # 4%
RATES = {"standard": [STATE, CITY], "reduced": [REDUCED], "exempt": []}


def line(
    list_price: int,
    quantity: int = 1,
    tax_class: str = "standard",
    *,
    price: int | None = None,
    discount: Discount | None = None,
) -> CartLine:
    return CartLine(
        line_id=uuid.uuid4(),
        product_id=uuid.uuid4(),
        sku="SKU",
        name="Item",
        tax_class=tax_class,
        quantity=quantity,
        list_price=list_price,
        price=price,
        discount=discount,
    )


def totals(
    lines: list[CartLine], sale_discount: Discount | None = None, *, tax_exempt: bool = False
) -> SaleTotals:
    return compute_totals(lines, sale_discount, RATES, "USD", tax_exempt=tax_exempt)


def by_rate(result: SaleTotals) -> dict[str, tuple[int, int]]:
    return {t.name: (t.taxable, t.tax) for t in result.taxes}


def test_three_items_two_rates_sale_level_rounding() -> None:
    # $12.99 + $4.99 + $24.99 = $42.97. State 6.25%: 4,297 × 0.0625 = 268.5625 → 269
    # (line by line it would be 81 + 31 + 156 = 268). City 2%: 85.94 → 86. Tax 355.
    # Total 4,297 + 355 = 4,652.
    result = totals([line(1_299), line(499), line(2_499)])
    assert (result.subtotal, result.discount, result.tax, result.total) == (4_297, 0, 355, 4_652)
    assert by_rate(result) == {"State": (4_297, 269), "City": (4_297, 86)}
    # Each rate shared by the lines' exact taxes (see test_tax): state 82, 31, 156; city 26, 10, 50.
    assert [a.tax for a in result.lines] == [82 + 26, 31 + 10, 156 + 50]
    assert result.item_count == 3


def test_ten_percent_line_discount_on_499() -> None:
    # $499.00 less 10%: 49,900 × 0.10 = 4,990 off → net 44,910.
    # State 44,910 × 0.0625 = 2,806.875 → 2,807; city 44,910 × 0.02 = 898.2 → 898.
    # Total 44,910 + 2,807 + 898 = 48,615.
    result = totals([line(49_900, discount=Discount.percent(1000))])
    (amounts,) = result.lines
    assert (amounts.gross, amounts.line_discount, amounts.net) == (49_900, 4_990, 44_910)
    assert (amounts.price_cut, amounts.sale_discount, amounts.discount) == (0, 0, 4_990)
    assert by_rate(result) == {"State": (44_910, 2_807), "City": (44_910, 898)}
    assert (result.subtotal, result.discount, result.tax, result.total) == (
        49_900,
        4_990,
        3_705,
        48_615,
    )


def test_five_dollar_sale_discount_shared_across_lines() -> None:
    # Line 1: 3 × $7.99 = $23.97. Line 2: $499.00 less 10% = $449.10.
    # Sale discount $5.00 on a base of 2,397 + 44,910 = 47,307, shared by largest remainder:
    #   500 × 2,397/47,307 = 25.33 and 500 × 44,910/47,307 = 474.67 → 25 + 474 = 499,
    #   the 1 left goes to .67 → 25 and 475. Nets: 2,372 and 44,435, together 46,807.
    # State 46,807 × 0.0625 = 2,925.44 → 2,925, shared 148.23 / 2,776.77 → 148 + 2,777.
    # City 46,807 × 0.02 = 936.14 → 936, shared 47.43 / 888.57 → 47 + 889.
    result = totals(
        [line(799, 3), line(49_900, discount=Discount.percent(1000))], Discount.amount(500)
    )
    first, second = result.lines
    assert (first.gross, first.sale_discount, first.net) == (2_397, 25, 2_372)
    assert (second.line_discount, second.sale_discount, second.net) == (4_990, 475, 44_435)
    assert [t.tax for t in first.taxes] == [148, 47]
    assert [t.tax for t in second.taxes] == [2_777, 889]
    assert (result.sale_discount, result.sale_discount_base) == (500, 47_307)
    assert by_rate(result) == {"State": (46_807, 2_925), "City": (46_807, 936)}
    # Subtotal 2,397 + 49,900 = 52,297; discount 4,990 + 500 = 5,490; tax 2,925 + 936 = 3,861.
    assert (result.subtotal, result.discount, result.tax, result.total) == (
        52_297,
        5_490,
        3_861,
        46_807 + 3_861,
    )


def test_price_lowered_by_hand_is_a_price_cut() -> None:
    # $49.99 lowered to $45.00, quantity 2: gross 2 × 4,999 = 9,998, cut 2 × 499 = 998,
    # net 9,000. State 9,000 × 0.0625 = 562.5 → 563 (half up); city 180. Total 9,743.
    lowered = line(4_999, 2, price=4_500)
    assert price_cut(lowered) == 998
    assert lowered.unit_price == 4_500
    result = totals([lowered])
    (amounts,) = result.lines
    assert (amounts.gross, amounts.price_cut, amounts.net, amounts.discount) == (
        9_998,
        998,
        9_000,
        998,
    )
    assert (result.subtotal, result.discount, result.tax, result.total) == (9_998, 998, 743, 9_743)


def test_price_cut_then_a_percent_discount_on_what_is_left() -> None:
    # $49.99 → $45.00 × 2 = 9,000, then 10% of 9,000 = 900 → net 8,100.
    result = totals([line(4_999, 2, price=4_500, discount=Discount.percent(1000))])
    (amounts,) = result.lines
    assert (amounts.price_cut, amounts.line_discount, amounts.net) == (998, 900, 8_100)


def test_price_raised_by_hand_sells_at_the_higher_price() -> None:
    # $45.00 raised to $49.99: no price cut, gross 4,999, net 4,999.
    raised = line(4_500, price=4_999)
    assert price_cut(raised) == 0
    (amounts,) = totals([raised]).lines
    assert (amounts.gross, amounts.price_cut, amounts.net) == (4_999, 0, 4_999)


def test_tax_exempt_sale() -> None:
    # Exempt customer: 2 × $12.99 = 2,598 and a $20.00 book; no tax on either. Total 4,598.
    result = totals([line(1_299, 2), line(2_000, tax_class="reduced")], tax_exempt=True)
    assert (result.subtotal, result.tax, result.total, result.taxes) == (4_598, 0, 4_598, ())
    assert all(a.taxes == () for a in result.lines)


def test_reduced_rate_line_next_to_a_standard_line() -> None:
    # Guitar $499.00 standard: state 3,118.75 → 3,119, city 998. Book $20.00 reduced 4%: 80.
    # Tax 3,119 + 998 + 80 = 4,197; total 49,900 + 2,000 + 4,197 = 56,097.
    result = totals([line(49_900), line(2_000, tax_class="reduced")])
    assert [a.tax for a in result.lines] == [4_117, 80]
    assert by_rate(result) == {
        "State": (49_900, 3_119),
        "City": (49_900, 998),
        "State reduced": (2_000, 80),
    }
    assert (result.tax, result.total) == (4_197, 56_097)


def test_half_cent_rounds_up_at_sale_level() -> None:
    # $1.00 + $1.00 at 6.25%: each 6.25 → 6 by itself, but the sale's 12.5 → 13 (half up),
    # shared 6.5 / 6.5 → 6 + 6, the 1 left to the earlier tie → 7, 6.
    one_rate = {"standard": [STATE]}
    result = compute_totals([line(100), line(100)], None, one_rate, "USD")
    assert [a.tax for a in result.lines] == [7, 6]
    assert result.tax == 13


def test_new_york_rate() -> None:
    # 8.875% on $49.99 × 2 = 9,998: 887.3225 → 887.  Total 10,885.
    ny = {"standard": [TaxRate(uuid.UUID(int=4), "New York", 88_750, "standard")]}
    result = compute_totals([line(4_999, 2)], None, ny, "USD")
    assert (result.tax, result.total) == (887, 10_885)


def test_percent_sale_discount() -> None:
    # 15% off the sale: base 1,299 + 499 = 1,798 → 269.7 → 270, shared by 1,299 : 499:
    # 195.07 / 74.93 → 195 + 74, the 1 left to .93 → 195, 75.
    result = totals([line(1_299), line(499)], Discount.percent(1_500, DiscountReason.LOYALTY))
    assert [a.sale_discount for a in result.lines] == [195, 75]
    assert [a.net for a in result.lines] == [1_104, 424]
    assert result.sale_discount == 270


def test_sale_discount_is_taken_after_line_discounts() -> None:
    # $100.00 less a $100.00 line discount leaves 0 for the sale discount to share with $10.00;
    # 50% of (0 + 1,000) = 500, all of it from the second line.
    result = totals(
        [line(10_000, discount=Discount.amount(10_000)), line(1_000)], Discount.percent(5_000)
    )
    assert [a.sale_discount for a in result.lines] == [0, 500]
    assert [a.net for a in result.lines] == [0, 500]
    assert result.sale_discount_base == 1_000


def test_free_line_only_cart() -> None:
    result = totals([line(0, 3)])
    assert (result.subtotal, result.tax, result.total) == (0, 0, 0)
    assert by_rate(result) == {"State": (0, 0), "City": (0, 0)}


# --- returns in the cart ----------------------------------------------------------------


def test_receipted_return_line_carries_the_original_amounts_negated() -> None:
    # Sold: 3 × $12.99 = 3,897; state 243.5625 → 244, city 77.94 → 78.
    # Returning 1 of 3: gross 1,299; state 244/3 = 81.33 → 81; city 78/3 = 26.
    original = totals([line(1_299, 3)])
    (amounts,) = original.lines
    sold = SoldLine(uuid.uuid4(), 3, amounts.gross, amounts.discount, amounts.net, amounts.taxes)
    back = return_amounts(sold, 1)
    returning = CartLine(uuid.uuid4(), None, "SKU", "Item", "standard", -1, 1_299, returned=back)
    assert returning.is_return
    result = totals([returning])
    assert (result.subtotal, result.discount, result.tax, result.total) == (
        -1_299,
        0,
        -107,
        -1_406,
    )
    assert by_rate(result) == {"State": (-1_299, -81), "City": (-1_299, -26)}


def test_return_without_receipt_is_taxed_at_todays_rates() -> None:
    # Two $12.99 items back without a receipt: -2,598, state 162.375 → 162, city 51.96 → 52.
    loose = line(1_299, -2)
    result = totals([loose, line(499)])
    returned, sold = result.lines
    assert (returned.gross, returned.net, returned.tax) == (-2_598, -2_598, -214)
    # The sale's $4.99 is taxed on its own: 31.1875 → 31 and 9.98 → 10.
    assert sold.tax == 41
    assert result.total == -2_598 - 214 + 499 + 41
    assert totals([loose], tax_exempt=True).tax == 0


def test_exchange_sale_discount_applies_to_the_sold_lines_only() -> None:
    # Return -$12.99 (no receipt) and buy $49.99 with $5.00 off the sale: the discount's base
    # is the sold line only.
    result = totals([line(1_299, -1), line(4_999)], Discount.amount(500))
    assert result.sale_discount_base == 4_999
    assert [a.sale_discount for a in result.lines] == [0, 500]


# --- refusals ---------------------------------------------------------------------------


def test_sale_discount_larger_than_the_sale() -> None:
    with pytest.raises(SaleError) as caught:
        totals([line(1_299), line(499)], Discount.amount(1_799))
    assert caught.value.message == "The discount is larger than the sale."


def test_line_discount_larger_than_the_line() -> None:
    # 2 × $4.99 = 998; $10.00 off is too much. After a price cut to $4.00: 800 left.
    with pytest.raises(SaleError) as caught:
        totals([line(499, 2, discount=Discount.amount(1_000))])
    assert caught.value.message == "The discount is larger than the line."
    with pytest.raises(SaleError, match="larger than the line"):
        totals([line(499, 2, price=400, discount=Discount.amount(801))])


def test_sale_discount_without_anything_sold() -> None:
    for lines in ([line(1_299, -1)], [line(0)], []):
        with pytest.raises(SaleError) as caught:
            totals(lines, Discount.percent(1000))
        assert caught.value.message == "A sale discount needs items sold at a price above zero."


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "The quantity cannot be zero; remove the line instead."),
        (-1, "The quantity cannot be negative. To take an item back, use Return."),
        (-20, "The quantity cannot be negative. To take an item back, use Return."),
        (MAX_QUANTITY + 1, "The quantity can be at most 1,000,000."),
        (1.0, "A quantity is a whole number."),
        (True, "A quantity is a whole number."),
    ],
)
def test_bad_quantities(quantity: object, message: str) -> None:
    with pytest.raises(SaleError) as caught:
        check_line_quantity(quantity)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_negative_quantity_is_fine_on_a_return() -> None:
    check_line_quantity(-3, returning=True)
    check_line_quantity(MAX_QUANTITY)
    with pytest.raises(SaleError, match="cannot be zero"):
        check_line_quantity(0, returning=True)
    with pytest.raises(SaleError, match="at most 1,000,000"):
        check_line_quantity(-MAX_QUANTITY - 1, returning=True)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (-1, "A price cannot be negative."),
        (10.0, "A price cannot be negative."),
        (MAX_AMOUNT_MINOR + 1, "That price is too large."),
    ],
)
def test_bad_prices(price: object, message: str) -> None:
    with pytest.raises(SaleError) as caught:
        check_price(price)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_good_prices() -> None:
    for price in (0, 1, MAX_AMOUNT_MINOR):
        check_price(price)
    assert line(100, price=0).unit_price == 0
    assert line(100).unit_price == 100
