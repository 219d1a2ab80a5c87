"""The chart of accounts: the accounts posting rules post to, and where their numbers fall.

Rules:

- An account number is four ASCII digits inside one type's range: assets 1000–1320,
  liabilities 2000–2400, revenue 4000–4500, contra-revenue 4900–4920, cost of goods
  5000–5100, expenses 6000–6300. The type follows from the number and nothing else, so a
  store cannot file "Cash in drawers" under expenses by mistake.
- Posting rules name an `AccountRole`, never a number or a name: the store may rename an
  account (to match its QuickBooks accounts) without changing what is posted where.
- A name is one line of 1–100 characters once surrounding spaces are trimmed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from core.errors import quoted
from core.ledger.errors import LedgerError

__all__ = [
    "CODE_RANGES",
    "DEFAULT_CHART",
    "MAX_ACCOUNT_NAME",
    "AccountRole",
    "AccountType",
    "ChartAccount",
    "check_account_name",
    "type_for_code",
]

MAX_ACCOUNT_NAME = 100


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    REVENUE = "revenue"
    CONTRA_REVENUE = "contra_revenue"
    COST_OF_GOODS = "cost_of_goods"
    EXPENSE = "expense"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    AccountType.ASSET: "Asset",
    AccountType.LIABILITY: "Liability",
    AccountType.REVENUE: "Revenue",
    AccountType.CONTRA_REVENUE: "Contra-revenue",
    AccountType.COST_OF_GOODS: "Cost of goods",
    AccountType.EXPENSE: "Expense",
}

# (first, last, type), inclusive, in number order.
CODE_RANGES: tuple[tuple[int, int, AccountType], ...] = (
    (1000, 1320, AccountType.ASSET),
    (2000, 2400, AccountType.LIABILITY),
    (4000, 4500, AccountType.REVENUE),
    (4900, 4920, AccountType.CONTRA_REVENUE),
    (5000, 5100, AccountType.COST_OF_GOODS),
    (6000, 6300, AccountType.EXPENSE),
)


def type_for_code(code: str) -> AccountType:
    """The account type a number belongs to; a number outside every range is refused."""
    if isinstance(code, str) and len(code) == 4 and code.isascii() and code.isdigit():
        number = int(code)
        for first, last, account_type in CODE_RANGES:
            if first <= number <= last:
                return account_type
    ranges = ", ".join(f"{t.label.lower()} {first}–{last}" for first, last, t in CODE_RANGES)
    shown = quoted(code) if isinstance(code, str) else "That"
    raise LedgerError(f"{shown} is not an account number the books use. Use one of: {ranges}.")


class AccountRole(StrEnum):
    """What an account is for; the posting rules post to roles."""

    CASH_DRAWER = "cash_drawer"
    SAFE = "safe"
    CARD_CLEARING = "card_clearing"
    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    INVENTORY = "inventory"
    RENTAL_FLEET = "rental_fleet"
    RENTAL_DEPRECIATION = "rental_depreciation"
    ACCOUNTS_PAYABLE = "accounts_payable"
    SALES_TAX = "sales_tax"
    STORE_CREDIT = "store_credit"
    CUSTOMER_DEPOSITS = "customer_deposits"
    RENT_TO_OWN_EQUITY = "rent_to_own_equity"
    SALES = "sales"
    RENTAL_INCOME = "rental_income"
    REPAIR_LABOR = "repair_labor"
    REPAIR_PARTS = "repair_parts"
    LESSONS = "lessons"
    OTHER_INCOME = "other_income"
    DISCOUNTS = "discounts"
    RETURNS = "returns"
    RENT_TO_OWN_CREDITS = "rent_to_own_credits"
    COST_OF_GOODS = "cost_of_goods"
    INVENTORY_ADJUSTMENTS = "inventory_adjustments"
    SUPPLIES = "supplies"
    CARD_FEES = "card_fees"
    CASH_OVER_SHORT = "cash_over_short"
    MISCELLANEOUS = "miscellaneous"

    @property
    def default_code(self) -> str:
        return _DEFAULTS[self][0]

    @property
    def default_name(self) -> str:
        return _DEFAULTS[self][1]


_DEFAULTS: dict[AccountRole, tuple[str, str]] = {
    AccountRole.CASH_DRAWER: ("1000", "Cash in drawers"),
    AccountRole.SAFE: ("1010", "Safe and undeposited funds"),
    AccountRole.CARD_CLEARING: ("1100", "Card payments clearing"),
    AccountRole.ACCOUNTS_RECEIVABLE: ("1200", "Accounts receivable"),
    AccountRole.INVENTORY: ("1300", "Inventory"),
    AccountRole.RENTAL_FLEET: ("1310", "Rental instruments"),
    AccountRole.RENTAL_DEPRECIATION: ("1320", "Accumulated depreciation, rental instruments"),
    AccountRole.ACCOUNTS_PAYABLE: ("2000", "Accounts payable"),
    AccountRole.SALES_TAX: ("2100", "Sales tax payable"),
    AccountRole.STORE_CREDIT: ("2200", "Store credit owed"),
    AccountRole.CUSTOMER_DEPOSITS: ("2300", "Customer deposits"),
    AccountRole.RENT_TO_OWN_EQUITY: ("2400", "Rent-to-own equity held"),
    AccountRole.SALES: ("4000", "Merchandise sales"),
    AccountRole.RENTAL_INCOME: ("4100", "Rental income"),
    AccountRole.REPAIR_LABOR: ("4200", "Repair labor"),
    AccountRole.REPAIR_PARTS: ("4300", "Repair parts"),
    AccountRole.LESSONS: ("4400", "Lessons"),
    AccountRole.OTHER_INCOME: ("4500", "Other income"),
    AccountRole.DISCOUNTS: ("4900", "Sales discounts"),
    AccountRole.RETURNS: ("4910", "Sales returns"),
    AccountRole.RENT_TO_OWN_CREDITS: ("4920", "Rent-to-own credits"),
    AccountRole.COST_OF_GOODS: ("5000", "Cost of goods sold"),
    AccountRole.INVENTORY_ADJUSTMENTS: ("5100", "Inventory shrinkage and adjustments"),
    AccountRole.SUPPLIES: ("6000", "Store supplies"),
    AccountRole.CARD_FEES: ("6100", "Card processing fees"),
    AccountRole.CASH_OVER_SHORT: ("6200", "Cash over and short"),
    AccountRole.MISCELLANEOUS: ("6300", "Miscellaneous expense"),
}


@dataclass(frozen=True, slots=True)
class ChartAccount:
    code: str
    name: str
    type: AccountType
    role: AccountRole


DEFAULT_CHART: tuple[ChartAccount, ...] = tuple(
    ChartAccount(code, name, type_for_code(code), role)
    for role, (code, name) in sorted(_DEFAULTS.items(), key=lambda item: item[1][0])
)

# Control characters, invisible format characters and line/paragraph separators: none of
# them belongs in a one-line name that ends up in a CSV cell and on a report.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def check_account_name(name: str) -> str:
    """The name as it will be stored (trimmed), or a `LedgerError` saying what is wrong."""
    cleaned = name.strip()
    if not cleaned:
        raise LedgerError("An account needs a name.")
    if len(cleaned) > MAX_ACCOUNT_NAME:
        raise LedgerError(
            f"{quoted(cleaned)} is too long: an account name is at most "
            f"{MAX_ACCOUNT_NAME} characters."
        )
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in cleaned):
        raise LedgerError(
            "An account name is a single line of text, without tabs or other control characters."
        )
    return cleaned
