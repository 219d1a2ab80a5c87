"""Properties of the register's arithmetic over random carts.

Random carts: 1-30 sold lines at $0-$5,000, quantities 1-20, sometimes a manual price
(lowered or raised), sometimes a valid line discount of either kind, sometimes a sale
discount, tax classes standard/reduced/exempt with 0-3 rates each, sometimes tax exempt.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from core.sales.cart import CartLine, LineAmounts, SaleTotals, compute_totals
from core.sales.discounts import FULL_PERCENT_BP, Discount
from core.sales.returns import ReturnAmounts, SoldLine, return_amounts
from core.sales.tax import MAX_RATE_PPM, PPM, TaxRate, tax_for_base

CURRENCY = "USD"
CLASSES = ("standard", "reduced", "exempt")
MAX_PRICE = 500_000  # $5,000.00
COMMON_RATES = [62_500, 20_000, 88_750, 40_000, 10_000, 0]


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...]
    sale_discount: Discount | None
    rates: Mapping[str, Sequence[TaxRate]]
    tax_exempt: bool

    def compute(self) -> SaleTotals:
        return compute_totals(
            self.lines, self.sale_discount, self.rates, CURRENCY, tax_exempt=self.tax_exempt
        )


@st.composite
def rate_tables(draw: st.DrawFn) -> dict[str, list[TaxRate]]:
    table: dict[str, list[TaxRate]] = {}
    ppm = st.sampled_from(COMMON_RATES) | st.integers(min_value=0, max_value=MAX_RATE_PPM)
    for k, tax_class in enumerate(CLASSES):
        table[tax_class] = [
            TaxRate(uuid.UUID(int=10 * k + n + 1), f"{tax_class} {n}", draw(ppm), tax_class)
            for n in range(draw(st.integers(min_value=0, max_value=3)))
        ]
    return table


def percent_off() -> st.SearchStrategy[Discount]:
    return st.integers(min_value=1, max_value=FULL_PERCENT_BP).map(Discount.percent)


def amount_off(base: int) -> st.SearchStrategy[Discount | None]:
    """A valid amount discount on `base`, or none when there is nothing to take it from."""
    if base <= 0:
        return st.none()
    return st.integers(min_value=1, max_value=base).map(Discount.amount)


@st.composite
def cart_lines(draw: st.DrawFn) -> CartLine:
    list_price = draw(st.integers(min_value=0, max_value=MAX_PRICE))
    quantity = draw(st.integers(min_value=1, max_value=20))
    price = draw(st.none() | st.none() | st.integers(min_value=0, max_value=MAX_PRICE))
    line = CartLine(
        line_id=uuid.uuid4(),
        product_id=uuid.uuid4(),
        sku="SKU",
        name="Item",
        tax_class=draw(st.sampled_from(CLASSES)),
        quantity=quantity,
        list_price=list_price,
        price=price,
    )
    # Whether the price went down (a price cut) or up, the line's own discount comes off
    # the unit price actually charged × quantity.
    after_price = line.unit_price * quantity
    discount = draw(st.none() | percent_off() | amount_off(after_price))
    return replace(line, discount=discount)


@st.composite
def carts(draw: st.DrawFn) -> Cart:
    lines = tuple(draw(st.lists(cart_lines(), min_size=1, max_size=30)))
    rates = draw(rate_tables())
    tax_exempt = draw(st.integers(min_value=0, max_value=5)) == 0
    base = sum(a.net for a in compute_totals(lines, None, rates, CURRENCY).lines)
    sale_discount = draw(st.none() | percent_off() | amount_off(base)) if base > 0 else None
    return Cart(lines, sale_discount, rates, tax_exempt)


def sold_line(line: CartLine, amounts: LineAmounts, returned: int = 0) -> SoldLine:
    return SoldLine(
        line_id=line.line_id,
        quantity=line.quantity,
        gross=amounts.gross,
        discount=amounts.discount,
        net=amounts.net,
        taxes=amounts.taxes,
        returned=returned,
    )


def taxes_by_rate(amounts: Sequence[LineAmounts]) -> dict[uuid.UUID, tuple[int, int]]:
    sums: dict[uuid.UUID, tuple[int, int]] = {}
    for a in amounts:
        for t in a.taxes:
            taxable, tax = sums.get(t.rate_id, (0, 0))
            sums[t.rate_id] = (taxable + t.taxable, tax + t.tax)
    return sums


def split(data: st.DataObject, quantity: int) -> list[int]:
    """A random split of `quantity` into positive parts, in order."""
    cuts = data.draw(
        st.sets(st.integers(min_value=1, max_value=max(1, quantity - 1)), max_size=quantity - 1)
    )
    bounds = sorted({0, quantity, *(c for c in cuts if c < quantity)})
    return [b - a for a, b in itertools.pairwise(bounds)]


# --- (a) the sale is the sum of its lines -----------------------------------------------


@settings(max_examples=80, deadline=None)
@given(carts())
def test_sale_figures_are_sums_of_line_figures(cart: Cart) -> None:
    result = cart.compute()
    lines = result.lines
    assert len(lines) == len(cart.lines) == result.item_count
    assert result.subtotal == sum(a.gross for a in lines)
    assert result.discount == sum(a.discount for a in lines)
    assert result.tax == sum(a.tax for a in lines)
    assert result.total == sum(a.net for a in lines) + sum(a.tax for a in lines)
    assert result.total == result.subtotal - result.discount + result.tax
    assert result.sale_discount == sum(a.sale_discount for a in lines)
    assert result.sale_discount_base == sum(a.net + a.sale_discount for a in lines)
    assert {t.rate_id: (t.taxable, t.tax) for t in result.taxes} == taxes_by_rate(lines)
    assert result.tax == sum(t.tax for t in result.taxes)
    for a in lines:
        assert a.total == a.net + a.tax
        assert a.gross - a.discount == a.net


# --- (b) each rate is charged once, on the combined base --------------------------------


@settings(max_examples=80, deadline=None)
@given(carts())
def test_each_rate_is_taxed_on_the_combined_base(cart: Cart) -> None:
    result = cart.compute()
    charged = {t.rate_id: t for t in result.taxes}
    if cart.tax_exempt:
        assert charged == {}
        assert result.tax == 0
        return
    present = {line.tax_class for line in cart.lines}
    expected_ids = {r.id for c in present for r in cart.rates[c]}
    assert set(charged) == expected_ids
    for tax_class in present:
        base = sum(
            a.net
            for line, a in zip(cart.lines, result.lines, strict=True)
            if line.tax_class == tax_class
        )
        for rate in cart.rates[tax_class]:
            total = charged[rate.id]
            assert (total.taxable, total.tax) == (base, tax_for_base(base, rate.rate_ppm))
            assert (total.name, total.rate_ppm) == (rate.name, rate.rate_ppm)


# --- (c) each line's share is near its exact tax ----------------------------------------


@settings(max_examples=80, deadline=None)
@given(carts())
def test_line_tax_shares_stay_near_the_exact_tax(cart: Cart) -> None:
    # The rounded sale tax is shared by largest remainder of each line's exact tax, so every
    # line gets its exact tax rounded down or up: never a cent or more away from it.
    result = cart.compute()
    for a in result.lines:
        for t in a.taxes:
            assert abs(t.tax - Fraction(t.taxable * t.rate_ppm, PPM)) < 1


# --- (d) nothing sold below zero --------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(carts())
def test_sold_lines_never_go_below_zero(cart: Cart) -> None:
    result = cart.compute()
    for line, a in zip(cart.lines, result.lines, strict=True):
        assert a.net >= 0
        assert 0 <= a.discount <= a.gross
        assert min(a.price_cut, a.line_discount, a.sale_discount) >= 0
        assert a.gross == max(line.list_price, line.unit_price) * line.quantity
        assert all(t.tax >= 0 and t.taxable == a.net for t in a.taxes)


# --- (e) returning everything, bit by bit, gives back exactly what was charged ----------


@settings(max_examples=50, deadline=None)
@given(cart=carts(), data=st.data())
def test_partial_returns_add_up_to_the_original(cart: Cart, data: st.DataObject) -> None:
    result = cart.compute()
    for line, a in zip(cart.lines, result.lines, strict=True):
        done = 0
        back: list[ReturnAmounts] = []
        for quantity in split(data, line.quantity):
            # Some of what is done may still be on this return (pending) rather than returned.
            pending = data.draw(st.integers(min_value=0, max_value=done))
            sold = sold_line(line, a, returned=done - pending)
            back.append(return_amounts(sold, quantity, pending))
            done += quantity
        assert done == line.quantity
        assert sum(r.gross for r in back) == a.gross
        assert sum(r.discount for r in back) == a.discount
        assert sum(r.net for r in back) == a.net
        assert sum(r.tax for r in back) == a.tax
        for k, t in enumerate(a.taxes):
            assert [r.taxes[k].rate_id for r in back] == [t.rate_id] * len(back)
            assert sum(r.taxes[k].tax for r in back) == t.tax
            assert sum(r.taxes[k].taxable for r in back) == t.taxable


# --- (f) a partial refund's tax mirrors the original's ----------------------------------


@settings(max_examples=50, deadline=None)
@given(cart=carts(), data=st.data())
def test_partial_refund_tax_is_prorated(cart: Cart, data: st.DataObject) -> None:
    result = cart.compute()
    for line, a in zip(cart.lines, result.lines, strict=True):
        whole = line.quantity
        already = data.draw(st.integers(min_value=0, max_value=whole - 1))
        quantity = data.draw(st.integers(min_value=1, max_value=whole - already))
        back = return_amounts(sold_line(line, a, returned=already), quantity)
        assert abs(back.gross - Fraction(a.gross * quantity, whole)) < 1
        assert abs(back.net - Fraction(a.net * quantity, whole)) < 1
        assert 0 <= back.net <= back.gross
        for original, refunded in zip(a.taxes, back.taxes, strict=True):
            assert refunded.rate_id == original.rate_id
            assert abs(refunded.tax - Fraction(original.tax * quantity, whole)) < 1
            assert 0 <= refunded.tax <= original.tax


# --- (g) a cart returning the whole sale is its exact negation --------------------------


@settings(max_examples=50, deadline=None)
@given(carts())
def test_returning_the_whole_sale_negates_it(cart: Cart) -> None:
    original = cart.compute()
    returning = tuple(
        replace(
            line,
            line_id=uuid.uuid4(),
            quantity=-line.quantity,
            discount=None,
            original_line_id=line.line_id,
            returned=return_amounts(sold_line(line, a), line.quantity),
        )
        for line, a in zip(cart.lines, original.lines, strict=True)
    )
    # Today's rates do not matter to a receipted return: use none at all.
    back = compute_totals(returning, None, {}, CURRENCY)
    assert (back.subtotal, back.discount, back.tax, back.total) == (
        -original.subtotal,
        -original.discount,
        -original.tax,
        -original.total,
    )
    assert {t.rate_id: (t.taxable, t.tax) for t in back.taxes} == {
        t.rate_id: (-t.taxable, -t.tax) for t in original.taxes
    }
    for sold, returned in zip(original.lines, back.lines, strict=True):
        assert (returned.gross, returned.discount, returned.net, returned.tax) == (
            -sold.gross,
            -sold.discount,
            -sold.net,
            -sold.tax,
        )
