"""How a sale is paid (or a refund paid out): cash, card, store credit, split across several.

Amounts are signed: a payment taken is positive, money given back is negative. A sale is
complete when what was taken covers the total; only cash can exceed what is due, and the
excess is the change. A refund pays out exactly what is owed, never more.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.sales.errors import SaleError

__all__ = [
    "MAX_TENDERS",
    "Tender",
    "TenderKind",
    "balance_due",
    "change_due",
    "check_fully_paid",
    "check_tender",
]

MAX_TENDERS = 20


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"
    STORE_CREDIT = "store_credit"

    @property
    def label(self) -> str:
        return {"cash": "Cash", "card": "Card", "store_credit": "Store credit"}[self.value]


@dataclass(frozen=True, slots=True)
class Tender:
    tender_id: uuid.UUID
    kind: TenderKind
    amount: int
    # Which payment provider took a card ("external" for a standalone terminal) and its
    # reference (approval code, last four digits, the provider's payment id).
    provider: str = ""
    reference: str = ""


def balance_due(total: int, tenders: Sequence[Tender]) -> int:
    """Positive: the customer still owes it. Negative: the store still owes it back."""
    return total - sum(t.amount for t in tenders)


def change_due(total: int, tenders: Sequence[Tender]) -> int:
    """Cash handed back on a sale paid with more cash than was due."""
    if total < 0:
        return 0
    return max(0, -balance_due(total, tenders))


def check_tender(total: int, tenders: Sequence[Tender], kind: TenderKind, amount: int) -> None:
    """May this payment (or payout) be added to the sale as it stands?"""
    if type(amount) is not int or amount == 0:
        raise SaleError("Type an amount above zero.")
    if len(tenders) >= MAX_TENDERS:
        raise SaleError(f"A sale can be split across at most {MAX_TENDERS} payments.")
    due = balance_due(total, tenders)
    if due == 0 or (total >= 0 > due):
        raise SaleError("Nothing is left to pay.")
    if due > 0:
        if amount < 0:
            raise SaleError("The customer owes money on this sale; take a payment.")
        if kind is not TenderKind.CASH and amount > due:
            raise SaleError(
                f"{kind.label} cannot be more than what is still due; only cash gives change."
            )
        return
    if amount > 0:
        raise SaleError("The store owes the customer on this sale; pay it back.")
    if -amount > -due:
        raise SaleError("That is more than the customer is owed.")


def check_fully_paid(total: int, tenders: Sequence[Tender]) -> None:
    due = balance_due(total, tenders)
    if total >= 0 and due > 0:
        raise SaleError("The sale is not fully paid yet.")
    if total < 0 and due != 0:
        raise SaleError("Pay back what the customer is owed before completing.")
    cash = sum(t.amount for t in tenders if t.kind is TenderKind.CASH)
    if change_due(total, tenders) > max(cash, 0):
        raise SaleError("Only cash can be paid above the total.")
