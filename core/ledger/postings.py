"""Posting rules: what each event at the register does to the books.

Every rule is a pure function returning an entry made by `build_entry`, so no rule can
post an unbalanced entry: figures that do not add up are refused with
`UnbalancedEntryError` and nothing is posted.

- A sale credits merchandise sales with each sold line's gross, debits sales discounts
  with what was taken off it and credits sales tax payable per tax (one line per tax name).
  A returned line debits sales returns with its net and gives its tax back. Stocked lines
  move their cost between inventory and cost of goods sold. Payments debit the account the
  money went to: cash in drawers (cash taken less change given), card payments clearing,
  and store credit owed (spending credit lowers what the store owes; issuing it raises it).
- A void is the sale's entry reversed.
- Cash moves between the drawer and the safe (float, safe drops, change fund) or into an
  income or expense account (pay-ins and pay-outs, each with its reason).
- Closing a drawer books the difference between the count and the expected cash as over or
  short, then moves the counted cash to the safe, so the drawer account returns to zero.
- Stock received is owed to the supplier at cost; a stock adjustment books the value found
  (or lost) against shrinkage and adjustments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from core.errors import quoted
from core.ledger.accounts import AccountRole
from core.ledger.errors import LedgerError
from core.ledger.journal import (
    EntryDraft,
    EntryKind,
    JournalLine,
    build_entry,
    check_amount,
    reverse,
)

__all__ = [
    "PAY_IN_REASONS",
    "PAY_OUT_REASONS",
    "TENDER_ACCOUNTS",
    "CashReason",
    "SaleFigures",
    "SaleLineFigures",
    "TaxFigure",
    "TenderFigure",
    "account_movement",
    "check_cash_reason",
    "drawer_close_entry",
    "drawer_open_entry",
    "inventory_adjustment_entry",
    "inventory_receipt_entry",
    "pay_in_entry",
    "pay_out_entry",
    "sale_entry",
    "void_entry",
]

# Tender kinds are the values of `core.sales.tenders.TenderKind`; plain strings keep the
# books independent of the register's modules.
TENDER_ACCOUNTS: Mapping[str, AccountRole] = MappingProxyType(
    {
        "cash": AccountRole.CASH_DRAWER,
        "card": AccountRole.CARD_CLEARING,
        "store_credit": AccountRole.STORE_CREDIT,
    }
)

_SALE_FIGURES_WRONG = "The sale's figures do not add up, so it was not posted to the books."


def _check_quantity(quantity: int) -> None:
    if type(quantity) is not int:
        raise LedgerError("A quantity must be a whole number; nothing was posted.")


@dataclass(frozen=True, slots=True)
class TaxFigure:
    name: str
    amount: int

    def __post_init__(self) -> None:
        check_amount(self.amount, "A tax amount")


@dataclass(frozen=True, slots=True)
class SaleLineFigures:
    """One line as the register stored it; every amount is negative on a returned line."""

    quantity: int
    gross: int
    price_cut: int
    line_discount: int
    sale_discount: int
    net: int
    taxes: tuple[TaxFigure, ...]
    unit_cost: int
    stocked: bool

    def __post_init__(self) -> None:
        amounts = (self.gross, self.price_cut, self.line_discount, self.sale_discount, self.net)
        _check_quantity(self.quantity)
        for value in (*amounts, self.unit_cost):
            check_amount(value, "A sale line's figure")
        if self.quantity == 0 or self.unit_cost < 0 or type(self.stocked) is not bool:
            raise LedgerError(_SALE_FIGURES_WRONG)
        sign = 1 if self.quantity > 0 else -1
        signed = (*amounts, *(t.amount for t in self.taxes))
        if any(sign * value < 0 for value in signed) or self.net != (
            self.gross - self.price_cut - self.line_discount - self.sale_discount
        ):
            raise LedgerError(_SALE_FIGURES_WRONG)

    @property
    def cost(self) -> int:
        """Signed cost of the units: positive leaves the shelf, negative comes back."""
        return self.quantity * self.unit_cost if self.stocked else 0


@dataclass(frozen=True, slots=True)
class TenderFigure:
    kind: str
    amount: int

    def __post_init__(self) -> None:
        check_amount(self.amount, "A payment")
        if self.kind not in TENDER_ACCOUNTS:
            raise LedgerError(
                f"{quoted(str(self.kind))} is not a way of paying the books know: "
                "cash, card or store credit."
            )


@dataclass(frozen=True, slots=True)
class SaleFigures:
    reference: str
    lines: tuple[SaleLineFigures, ...]
    tenders: tuple[TenderFigure, ...]
    change: int

    def __post_init__(self) -> None:
        check_amount(self.change, "The change")
        cash = sum(t.amount for t in self.tenders if t.kind == "cash")
        if self.change < 0 or self.change > max(cash, 0):
            raise LedgerError("Change can only be given out of the cash taken.")


def sale_entry(figures: SaleFigures) -> EntryDraft:
    lines: list[JournalLine] = []
    for item in figures.lines:
        if item.quantity > 0:
            lines.append(JournalLine(AccountRole.SALES, -item.gross))
            discount = item.price_cut + item.line_discount + item.sale_discount
            lines.append(JournalLine(AccountRole.DISCOUNTS, discount))
        else:
            lines.append(JournalLine(AccountRole.RETURNS, -item.net))
        # Tax charged is a credit (owed to the state); tax given back on a return, a debit.
        lines.extend(JournalLine(AccountRole.SALES_TAX, -t.amount, t.name) for t in item.taxes)
        lines.append(JournalLine(AccountRole.COST_OF_GOODS, item.cost))
        lines.append(JournalLine(AccountRole.INVENTORY, -item.cost))
    for tender in figures.tenders:
        lines.append(JournalLine(TENDER_ACCOUNTS[tender.kind], tender.amount))
    lines.append(JournalLine(AccountRole.CASH_DRAWER, -figures.change))
    return build_entry(EntryKind.SALE, f"Sale {figures.reference}", lines)


def void_entry(original: EntryDraft, reference: str, original_reference: str) -> EntryDraft:
    return reverse(original, EntryKind.VOID, f"Void {reference} of {original_reference}")


class CashReason(StrEnum):
    """Why cash went into or out of a drawer, and the account on the other side."""

    SUPPLIES = "supplies"
    POSTAGE = "postage"
    SAFE_DROP = "safe_drop"
    BANK_DEPOSIT = "bank_deposit"
    OTHER = "other"
    CHANGE_FUND = "change_fund"
    OTHER_INCOME = "other_income"

    @property
    def label(self) -> str:
        return _REASONS[self][0]

    @property
    def account(self) -> AccountRole:
        return _REASONS[self][1]


_REASONS: dict[CashReason, tuple[str, AccountRole]] = {
    CashReason.SUPPLIES: ("Store supplies", AccountRole.SUPPLIES),
    CashReason.POSTAGE: ("Postage", AccountRole.MISCELLANEOUS),
    CashReason.SAFE_DROP: ("Safe drop", AccountRole.SAFE),
    CashReason.BANK_DEPOSIT: ("Bank deposit", AccountRole.SAFE),
    CashReason.OTHER: ("Other", AccountRole.MISCELLANEOUS),
    CashReason.CHANGE_FUND: ("Change fund from the safe", AccountRole.SAFE),
    CashReason.OTHER_INCOME: ("Other income", AccountRole.OTHER_INCOME),
}

PAY_OUT_REASONS: tuple[CashReason, ...] = (
    CashReason.SUPPLIES,
    CashReason.POSTAGE,
    CashReason.SAFE_DROP,
    CashReason.BANK_DEPOSIT,
    CashReason.OTHER,
)
PAY_IN_REASONS: tuple[CashReason, ...] = (CashReason.CHANGE_FUND, CashReason.OTHER_INCOME)


def check_cash_reason(value: str, allowed: tuple[CashReason, ...]) -> CashReason:
    """The reason `value` names, if it is one of `allowed`."""
    choices = ", ".join(r.label for r in allowed)
    try:
        reason = CashReason(value)
    except ValueError:
        raise LedgerError(
            f"{quoted(str(value))} is not a reason for moving cash. Choose one of: {choices}."
        ) from None
    if reason not in allowed:
        what = {PAY_IN_REASONS: "a pay-in", PAY_OUT_REASONS: "a pay-out"}.get(allowed, "this")
        raise LedgerError(f"{reason.label} is not a reason for {what}. Choose one of: {choices}.")
    return reason


def _positive(amount: int, what: str) -> int:
    if check_amount(amount, what) <= 0:
        raise LedgerError(f"{what} must be more than zero.")
    return amount


def _not_negative(amount: int, what: str) -> int:
    if check_amount(amount, what) < 0:
        raise LedgerError(f"{what} cannot be below zero.")
    return amount


def _memo(reason: CashReason, note: str) -> str:
    note = note.strip()
    return f"{reason.label}: {note}" if note else reason.label


def drawer_open_entry(float_amount: int, register: str) -> EntryDraft:
    amount = _not_negative(float_amount, "The opening float")
    return build_entry(
        EntryKind.DRAWER_OPEN,
        f"Float for {register}",
        [JournalLine(AccountRole.CASH_DRAWER, amount), JournalLine(AccountRole.SAFE, -amount)],
    )


def pay_in_entry(amount: int, reason: CashReason, note: str) -> EntryDraft:
    amount = _positive(amount, "A pay-in")
    reason = check_cash_reason(reason, PAY_IN_REASONS)
    return build_entry(
        EntryKind.PAY_IN,
        _memo(reason, note),
        [JournalLine(AccountRole.CASH_DRAWER, amount), JournalLine(reason.account, -amount)],
    )


def pay_out_entry(amount: int, reason: CashReason, note: str) -> EntryDraft:
    amount = _positive(amount, "A pay-out")
    reason = check_cash_reason(reason, PAY_OUT_REASONS)
    return build_entry(
        EntryKind.PAY_OUT,
        _memo(reason, note),
        [JournalLine(reason.account, amount), JournalLine(AccountRole.CASH_DRAWER, -amount)],
    )


def drawer_close_entry(expected: int, counted: int, register: str) -> EntryDraft:
    """Book the over/short, then move the counted cash to the safe."""
    check_amount(expected, "The expected cash")
    counted = _not_negative(counted, "The counted cash")
    over_short = counted - expected  # positive: more cash than expected
    to_safe = "Counted cash to the safe"
    return build_entry(
        EntryKind.DRAWER_CLOSE,
        f"Close of {register}",
        [
            JournalLine(AccountRole.CASH_DRAWER, over_short, "Over/short"),
            JournalLine(AccountRole.CASH_OVER_SHORT, -over_short, "Over/short"),
            JournalLine(AccountRole.SAFE, counted, to_safe),
            JournalLine(AccountRole.CASH_DRAWER, -counted, to_safe),
        ],
    )


def _stock_value(lines: Iterable[tuple[int, int]], *, received: bool) -> int:
    value = 0
    for quantity, unit_cost in lines:
        _check_quantity(quantity)
        _not_negative(unit_cost, "A unit cost")
        if received and quantity <= 0:
            raise LedgerError("A quantity received must be more than zero.")
        value += quantity * unit_cost
    return value


def inventory_receipt_entry(lines: Iterable[tuple[int, int]], reference: str) -> EntryDraft:
    value = _stock_value(lines, received=True)
    return build_entry(
        EntryKind.INVENTORY_RECEIPT,
        f"Stock received {reference}",
        [
            JournalLine(AccountRole.INVENTORY, value),
            JournalLine(AccountRole.ACCOUNTS_PAYABLE, -value),
        ],
    )


def inventory_adjustment_entry(lines: Iterable[tuple[int, int]], reason: str) -> EntryDraft:
    """Signed quantities: stock found raises inventory, stock lost lowers it."""
    value = _stock_value(lines, received=False)
    return build_entry(
        EntryKind.INVENTORY_ADJUSTMENT,
        f"Stock adjusted: {reason}",
        [
            JournalLine(AccountRole.INVENTORY, value),
            JournalLine(AccountRole.INVENTORY_ADJUSTMENTS, -value),
        ],
    )


def account_movement(entries: Iterable[EntryDraft], role: AccountRole) -> int:
    """Signed total posted to one account: positive is a net debit."""
    return sum(line.amount for entry in entries for line in entry.lines if line.role == role)
