"""Discounts: per line or per sale, a percent or an amount, always with a reason.

A manual price change is a discount too: lowering a line's price by $5 is a $5-per-unit
discount with the reason "price change", so it counts against the cashier's limit and
lands in the discount audit like any other.

Percentages are held in basis points (1/100 of a percent, 10.5% = 1050) so they stay ints.
A percent discount's amount is rounded half up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from core.money import Rounding, round_to_int
from core.sales.errors import SaleError

__all__ = [
    "FULL_PERCENT_BP",
    "Discount",
    "DiscountKind",
    "DiscountReason",
    "discount_amount",
    "over_limit",
    "parse_percent",
]

FULL_PERCENT_BP = 10_000


class DiscountKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


class DiscountReason(StrEnum):
    """Reason codes; stored in the sale line and the discount audit."""

    PROMOTION = "promotion"
    PRICE_MATCH = "price_match"
    DAMAGED = "damaged"
    LOYALTY = "loyalty"
    EMPLOYEE = "employee"
    BUNDLE = "bundle"
    PRICE_CHANGE = "price_change"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Discount:
    """`value` is basis points for a percent discount, minor units for an amount."""

    kind: DiscountKind
    value: int
    reason: DiscountReason = DiscountReason.PROMOTION

    def __post_init__(self) -> None:
        if type(self.value) is not int:
            raise TypeError("a discount's value is an int")
        if self.value <= 0:
            raise SaleError("A discount must be more than zero.")
        if self.kind is DiscountKind.PERCENT and self.value > FULL_PERCENT_BP:
            raise SaleError("A discount cannot be more than 100%.")

    @classmethod
    def percent(
        cls, basis_points: int, reason: DiscountReason = DiscountReason.PROMOTION
    ) -> Discount:
        return cls(DiscountKind.PERCENT, basis_points, reason)

    @classmethod
    def amount(cls, minor: int, reason: DiscountReason = DiscountReason.PROMOTION) -> Discount:
        return cls(DiscountKind.AMOUNT, minor, reason)

    def describe(self) -> str:
        if self.kind is DiscountKind.PERCENT:
            whole, rest = divmod(self.value, 100)
            text = f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
            return f"{text}% off"
        return "amount off"


def discount_amount(discount: Discount, base: int, *, what: str = "line") -> int:
    """The discount in minor units on `base`; refused if it is more than `base`."""
    if base < 0:
        raise SaleError("A discount applies to items sold, not to returns.")
    if discount.kind is DiscountKind.PERCENT:
        return round_to_int(Fraction(base * discount.value, FULL_PERCENT_BP), Rounding.HALF_UP)
    if discount.value > base:
        raise SaleError(f"The discount is larger than the {what}.")
    return discount.value


def over_limit(amount: int, base: int, limit_bp: int) -> bool:
    """True when `amount` off `base` is more than `limit_bp` basis points of it.

    The limit is rounded like a percent discount is, so "10% off" is always within a 10%
    limit even when 10% of the price ends in half a cent.
    """
    if amount <= 0:
        return False
    if base <= 0:
        return True
    allowed = round_to_int(Fraction(base * limit_bp, FULL_PERCENT_BP), Rounding.HALF_UP)
    return amount > allowed


def parse_percent(text: str) -> int:
    """'10', '12.5', '12.5%' -> basis points; at most two decimals, more than 0, at most 100."""
    cleaned = text.strip().removesuffix("%").strip()
    whole, _, decimals = cleaned.partition(".")
    if not whole and not decimals:
        raise SaleError("Type a percentage, for example 10 or 12.5.")
    if (
        not cleaned.isascii()  # "²".isdigit() is True but int("²") fails
        or not (whole or "0").isdigit()
        or (decimals and not decimals.isdigit())
        or len(decimals) > 2
    ):
        raise SaleError(f"“{text.strip()[:20]}” is not a percentage; type for example 10 or 12.5.")
    basis_points = int(whole or "0") * 100 + int((decimals or "0").ljust(2, "0"))
    if basis_points <= 0:
        raise SaleError("A discount must be more than zero.")
    if basis_points > FULL_PERCENT_BP:
        raise SaleError("A discount cannot be more than 100%.")
    return basis_points
