"""Journal entries: signed lines that always balance.

Rules:

- A line's amount is an int of minor units, signed: positive is a debit, negative a credit.
  Floats, Decimals and bools are refused, so no rounding ever happens in the books.
- An entry's lines add up to zero. `build_entry` is the way to make one: it merges lines
  for the same account and memo (first-seen order), drops lines that come to zero, and
  refuses an entry that does not balance, naming both totals. Nothing is posted then.
- An entry may come out with no lines at all (a sale of nothing but a free item); callers
  skip posting it rather than store an empty entry.
- A posted entry is never edited: it is undone by its reverse, every line negated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.ledger.accounts import AccountRole
from core.ledger.errors import LedgerError

__all__ = [
    "EntryDraft",
    "EntryKind",
    "JournalLine",
    "LedgerError",
    "UnbalancedEntryError",
    "amount_text",
    "build_entry",
    "check_amount",
    "check_balanced",
    "reverse",
]


def amount_text(amount: int, exponent: int = 2) -> str:
    """Minor units as a plain decimal: 123450 -> "1234.50"; no symbol, no separators."""
    if type(exponent) is not int or not 0 <= exponent <= 6:
        raise ValueError(f"a currency exponent is an int from 0 to 6, not {exponent!r}")
    whole, minor = divmod(abs(amount), 10**exponent)
    text = f"{whole}.{minor:0{exponent}d}" if exponent else str(whole)
    return "-" + text if amount < 0 else text


def check_amount(amount: object, what: str = "An amount") -> int:
    """An int of minor units, or a `LedgerError`: the books never hold a float."""
    if type(amount) is not int:
        raise LedgerError(f"{what} must be a whole number of cents; nothing was posted.")
    return amount


class UnbalancedEntryError(LedgerError):
    """The debits and credits of an entry differ."""

    def __init__(self, debits: int, credits: int, exponent: int = 2) -> None:
        super().__init__(
            f"This entry does not balance: debits {amount_text(debits, exponent)}, "
            f"credits {amount_text(credits, exponent)}. Nothing was posted."
        )
        self.debits = debits
        self.credits = credits


class EntryKind(StrEnum):
    SALE = "sale"
    VOID = "void"
    DRAWER_OPEN = "drawer_open"
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    DRAWER_CLOSE = "drawer_close"
    INVENTORY_RECEIPT = "inventory_receipt"
    INVENTORY_ADJUSTMENT = "inventory_adjustment"
    REVERSAL = "reversal"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    EntryKind.SALE: "Sale",
    EntryKind.VOID: "Void",
    EntryKind.DRAWER_OPEN: "Drawer opened",
    EntryKind.PAY_IN: "Pay-in",
    EntryKind.PAY_OUT: "Pay-out",
    EntryKind.DRAWER_CLOSE: "Drawer closed",
    EntryKind.INVENTORY_RECEIPT: "Stock received",
    EntryKind.INVENTORY_ADJUSTMENT: "Stock adjusted",
    EntryKind.REVERSAL: "Reversal",
}


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One account's share of an entry: positive debits it, negative credits it."""

    role: AccountRole
    amount: int
    memo: str = ""

    def __post_init__(self) -> None:
        check_amount(self.amount, "A journal line's amount")

    @property
    def debit(self) -> int:
        return self.amount if self.amount > 0 else 0

    @property
    def credit(self) -> int:
        return -self.amount if self.amount < 0 else 0


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A balanced entry ready to post (or empty: nothing to post)."""

    kind: EntryKind
    memo: str
    lines: tuple[JournalLine, ...]

    def __post_init__(self) -> None:
        # Built by hand rather than by `build_entry`, it must still balance.
        check_balanced(self.lines)

    @property
    def debits(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def credits(self) -> int:
        return sum(line.credit for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


def check_balanced(lines: Iterable[JournalLine], *, exponent: int = 2) -> None:
    """Refuse lines whose debits and credits differ."""
    debits = credits = 0
    for line in lines:
        amount = check_amount(line.amount, "A journal line's amount")
        if amount > 0:
            debits += amount
        else:
            credits -= amount
    if debits != credits:
        raise UnbalancedEntryError(debits, credits, exponent)


def build_entry(
    kind: EntryKind, memo: str, lines: Iterable[JournalLine], *, exponent: int = 2
) -> EntryDraft:
    """Merge lines per (account, memo), drop zeros, and refuse an unbalanced result."""
    merged: dict[tuple[AccountRole, str], int] = {}
    for line in lines:
        amount = check_amount(line.amount, "A journal line's amount")
        key = (line.role, line.memo)
        merged[key] = merged.get(key, 0) + amount
    kept = tuple(
        JournalLine(role, amount, line_memo)
        for (role, line_memo), amount in merged.items()
        if amount != 0
    )
    check_balanced(kept, exponent=exponent)
    return EntryDraft(kind, memo, kept)


def reverse(
    draft: EntryDraft, kind: EntryKind = EntryKind.REVERSAL, memo: str | None = None
) -> EntryDraft:
    """The entry that undoes `draft`: every line negated, in the same order."""
    lines = tuple(JournalLine(line.role, -line.amount, line.memo) for line in draft.lines)
    return EntryDraft(kind, f"Reversal of {draft.memo}" if memo is None else memo, lines)
