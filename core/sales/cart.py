"""A sale's lines and what they come to: the one place totals are computed.

Sold lines (quantity > 0) are priced now: gross = quantity × unit price, less a price
change, less the line's discount, less its share of the sale discount (shared by net amount,
largest remainder), then taxed by `core.sales.tax`'s rule. Returned lines (quantity < 0)
carry fixed amounts mirrored from the original sale (`core.sales.returns`); a return without
a receipt is priced at today's price and taxed at today's rates.

Every amount on a line is in minor units and signed: negative on returned lines. The sale's
figures are sums of the lines', so lines and sale never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.catalog.products import MAX_AMOUNT_MINOR, MAX_QUANTITY
from core.money import Money
from core.sales.discounts import Discount, DiscountReason, discount_amount
from core.sales.errors import SaleError
from core.sales.returns import ReturnAmounts
from core.sales.tax import LineTax, TaxRate, share_tax

__all__ = [
    "MAX_LINES",
    "CartLine",
    "LineAmounts",
    "SaleTotals",
    "TaxTotal",
    "check_line_quantity",
    "check_price",
    "compute_totals",
    "price_cut",
]

MAX_LINES = 500


@dataclass(frozen=True, slots=True)
class CartLine:
    line_id: uuid.UUID
    product_id: uuid.UUID | None
    sku: str
    name: str
    tax_class: str
    quantity: int
    list_price: int
    price: int | None = None  # a manual unit price; None sells at the list price
    price_reason: DiscountReason | None = None
    price_approved_by: uuid.UUID | None = None
    discount: Discount | None = None
    discount_approved_by: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    serial: str = ""
    # Set on a line returned with its receipt: the original line and what it gives back.
    original_line_id: uuid.UUID | None = None
    returned: ReturnAmounts | None = None
    unit_cost: int = 0

    @property
    def is_return(self) -> bool:
        return self.quantity < 0

    @property
    def unit_price(self) -> int:
        return self.list_price if self.price is None else self.price


@dataclass(frozen=True, slots=True)
class LineAmounts:
    gross: int
    price_cut: int  # a price lowered by hand, as a discount
    line_discount: int
    sale_discount: int
    net: int
    taxes: tuple[LineTax, ...]

    @property
    def discount(self) -> int:
        return self.price_cut + self.line_discount + self.sale_discount

    @property
    def tax(self) -> int:
        return sum(t.tax for t in self.taxes)

    @property
    def total(self) -> int:
        return self.net + self.tax


@dataclass(frozen=True, slots=True)
class TaxTotal:
    rate_id: uuid.UUID
    name: str
    rate_ppm: int
    taxable: int
    tax: int


@dataclass(frozen=True, slots=True)
class SaleTotals:
    lines: tuple[LineAmounts, ...]
    subtotal: int
    discount: int
    tax: int
    total: int
    taxes: tuple[TaxTotal, ...]
    sale_discount: int
    # What the sale discount was taken from: the sold lines after their own discounts.
    sale_discount_base: int

    @property
    def item_count(self) -> int:
        return len(self.lines)


def check_line_quantity(quantity: int, *, returning: bool = False) -> None:
    if type(quantity) is not int:
        raise SaleError("A quantity is a whole number.")
    if quantity == 0:
        raise SaleError("The quantity cannot be zero; remove the line instead.")
    if quantity < 0 and not returning:
        raise SaleError("The quantity cannot be negative. To take an item back, use Return.")
    if abs(quantity) > MAX_QUANTITY:
        raise SaleError(f"The quantity can be at most {MAX_QUANTITY:,}.")


def check_price(price: int) -> None:
    if type(price) is not int or price < 0:
        raise SaleError("A price cannot be negative.")
    if price > MAX_AMOUNT_MINOR:
        raise SaleError("That price is too large.")


def price_cut(line: CartLine) -> int:
    """What a lowered manual price takes off the line (0 when raised or unchanged)."""
    if line.price is None or line.price >= line.list_price:
        return 0
    return (line.list_price - line.price) * line.quantity


def _sold_before_sale_discount(line: CartLine) -> tuple[int, int, int]:
    gross = max(line.list_price, line.unit_price) * line.quantity
    cut = price_cut(line)
    after_price = gross - cut
    own = 0 if line.discount is None else discount_amount(line.discount, after_price)
    return gross, cut, own


def compute_totals(
    lines: Sequence[CartLine],
    sale_discount: Discount | None,
    rates_by_class: Mapping[str, Sequence[TaxRate]],
    currency: str,
    *,
    tax_exempt: bool = False,
) -> SaleTotals:
    """Every line's amounts and the sale's totals; raises SaleError for impossible discounts."""
    sold = [i for i, line in enumerate(lines) if not line.is_return]
    priced = {i: _sold_before_sale_discount(lines[i]) for i in sold}
    before_sale = [priced[i][0] - priced[i][1] - priced[i][2] for i in sold]
    base = sum(before_sale)
    sale_cut = 0
    shares = [0] * len(sold)
    if sale_discount is not None:
        if base <= 0:
            raise SaleError("A sale discount needs items sold at a price above zero.")
        sale_cut = discount_amount(sale_discount, base, what="sale")
        shares = [m.amount for m in Money(sale_cut, currency).allocate(before_sale)]
    nets = {i: before_sale[k] - shares[k] for k, i in enumerate(sold)}
    sold_taxes = (
        [[] for _ in sold]
        if tax_exempt
        else share_tax(rates_by_class, [(lines[i].tax_class, nets[i]) for i in sold])
    )
    taxes_of: dict[int, tuple[LineTax, ...]] = {i: tuple(sold_taxes[k]) for k, i in enumerate(sold)}
    taxes_of.update(_unreceipted_return_taxes(lines, rates_by_class, currency, tax_exempt))
    amounts: list[LineAmounts] = []
    share_of = {i: shares[k] for k, i in enumerate(sold)}
    for i, line in enumerate(lines):
        if not line.is_return:
            gross, cut, own = priced[i]
            amounts.append(LineAmounts(gross, cut, own, share_of[i], nets[i], taxes_of[i]))
        elif line.returned is not None:
            r = line.returned
            negated = tuple(
                LineTax(t.rate_id, t.name, t.rate_ppm, -t.taxable, -t.tax) for t in r.taxes
            )
            amounts.append(LineAmounts(-r.gross, 0, -r.discount, 0, -r.net, negated))
        else:
            gross = line.unit_price * line.quantity
            amounts.append(LineAmounts(gross, 0, 0, 0, gross, taxes_of.get(i, ())))
    return _totals(tuple(amounts), sale_cut, base)


def _unreceipted_return_taxes(
    lines: Sequence[CartLine],
    rates_by_class: Mapping[str, Sequence[TaxRate]],
    currency: str,
    tax_exempt: bool,
) -> dict[int, tuple[LineTax, ...]]:
    """Returns without a receipt are taxed at today's rates, by the same rule, negated."""
    loose = [i for i, line in enumerate(lines) if line.is_return and line.returned is None]
    if tax_exempt or not loose:
        return {}
    positive = [(lines[i].tax_class, -lines[i].unit_price * lines[i].quantity) for i in loose]
    shared = share_tax(rates_by_class, positive)
    return {
        i: tuple(LineTax(t.rate_id, t.name, t.rate_ppm, -t.taxable, -t.tax) for t in taxes)
        for i, taxes in zip(loose, shared, strict=True)
    }


def _totals(amounts: tuple[LineAmounts, ...], sale_cut: int, base: int) -> SaleTotals:
    by_rate: dict[uuid.UUID, list[int]] = {}
    named: dict[uuid.UUID, LineTax] = {}
    for line in amounts:
        for t in line.taxes:
            sums = by_rate.setdefault(t.rate_id, [0, 0])
            sums[0] += t.taxable
            sums[1] += t.tax
            named.setdefault(t.rate_id, t)
    taxes = tuple(
        TaxTotal(rate_id, named[rate_id].name, named[rate_id].rate_ppm, taxable, tax)
        for rate_id, (taxable, tax) in by_rate.items()
    )
    net = sum(a.net for a in amounts)
    tax = sum(a.tax for a in amounts)
    return SaleTotals(
        lines=amounts,
        subtotal=sum(a.gross for a in amounts),
        discount=sum(a.discount for a in amounts),
        tax=tax,
        total=net + tax,
        taxes=taxes,
        sale_discount=sale_cut,
        sale_discount_base=base,
    )
