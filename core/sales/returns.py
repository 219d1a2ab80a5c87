"""Returning part of a sold line: never more than was sold, and mirroring what was charged.

A return gives back the original line's amounts (gross, discount, net and each rate's tax)
in proportion to the quantity returned. The proration is cumulative: returning `q` units
after `r` were already returned gives back `f(r + q) - f(r)`, where `f(k)` is the amount for
`k` of the `Q` units rounded half up. Returning every unit, in any number of returns, gives
back exactly what was charged, to the cent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from fractions import Fraction

from core.money import Rounding, round_to_int
from core.sales.errors import SaleError
from core.sales.tax import LineTax

__all__ = ["ReturnAmounts", "SoldLine", "check_return_quantity", "prorate", "return_amounts"]


@dataclass(frozen=True, slots=True)
class SoldLine:
    """What a completed sale charged for one line, and how much of it came back since."""

    line_id: uuid.UUID
    quantity: int
    gross: int
    discount: int
    net: int
    taxes: tuple[LineTax, ...]
    returned: int = 0


@dataclass(frozen=True, slots=True)
class ReturnAmounts:
    """Positive amounts given back for a returned quantity (stored negated on the line)."""

    gross: int
    discount: int
    net: int
    taxes: tuple[LineTax, ...]

    @property
    def tax(self) -> int:
        return sum(t.tax for t in self.taxes)


def prorate(amount: int, done: int, more: int, whole: int) -> int:
    """The share of `amount` for units `done+1 … done+more` of `whole`, cumulatively rounded."""

    def upto(k: int) -> int:
        return round_to_int(Fraction(amount * k, whole), Rounding.HALF_UP)

    return upto(done + more) - upto(done)


def check_return_quantity(sold: SoldLine, quantity: int, pending: int = 0) -> None:
    """`pending`: units of this line already on the return being rung up."""
    if type(quantity) is not int or quantity <= 0:
        raise SaleError("Return at least one.")
    left = sold.quantity - sold.returned - pending
    if left <= 0:
        raise SaleError("Everything on that line has already been returned.")
    if quantity > left:
        unit = "one is" if left == 1 else f"{left} are"
        raise SaleError(f"Only {unit} left to return on that line.")


def return_amounts(sold: SoldLine, quantity: int, pending: int = 0) -> ReturnAmounts:
    check_return_quantity(sold, quantity, pending)
    done = sold.returned + pending

    def share(amount: int) -> int:
        return prorate(amount, done, quantity, sold.quantity)

    gross = share(sold.gross)
    net = share(sold.net)
    taxes = tuple(
        LineTax(t.rate_id, t.name, t.rate_ppm, share(t.taxable), share(t.tax)) for t in sold.taxes
    )
    return ReturnAmounts(gross=gross, discount=gross - net, net=net, taxes=taxes)
