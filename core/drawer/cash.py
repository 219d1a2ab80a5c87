"""The drawer arithmetic, as PRODUCT states it.

    expected  = float + cash sales - cash refunds + pay-ins - pay-outs
    over/short = counted - expected      (negative: short)

Cash sales are the cash kept on sales (tendered minus change); cash refunds the cash paid
back. A difference larger than the company's limit either way needs a manager's sign-off.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DrawerTotals", "needs_sign_off"]


@dataclass(frozen=True, slots=True)
class DrawerTotals:
    float_amount: int
    cash_sales: int
    cash_refunds: int  # positive: the cash paid back
    pay_ins: int
    pay_outs: int

    @property
    def expected(self) -> int:
        return (
            self.float_amount + self.cash_sales - self.cash_refunds + self.pay_ins - self.pay_outs
        )

    def over_short(self, counted: int) -> int:
        return counted - self.expected


def needs_sign_off(over_short: int, limit: int) -> bool:
    """A limit of 0 means every difference needs a manager."""
    return abs(over_short) > limit
