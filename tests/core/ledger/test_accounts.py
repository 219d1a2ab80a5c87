from __future__ import annotations

import pytest

from core.errors import DomainError
from core.ledger.accounts import (
    DEFAULT_CHART,
    AccountRole,
    AccountType,
    check_account_name,
    type_for_code,
)
from core.ledger.errors import LedgerError


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("1000", AccountType.ASSET),
        ("1320", AccountType.ASSET),
        ("2000", AccountType.LIABILITY),
        ("2400", AccountType.LIABILITY),
        ("4000", AccountType.REVENUE),
        ("4500", AccountType.REVENUE),
        ("4900", AccountType.CONTRA_REVENUE),
        ("4920", AccountType.CONTRA_REVENUE),
        ("5000", AccountType.COST_OF_GOODS),
        ("5100", AccountType.COST_OF_GOODS),
        ("6000", AccountType.EXPENSE),
        ("6300", AccountType.EXPENSE),
    ],
)
def test_code_ranges_include_both_ends(code: str, expected: AccountType) -> None:
    assert type_for_code(code) is expected


@pytest.mark.parametrize(
    "code",
    [
        "0999",
        "1321",  # just past the assets
        "3000",  # equity is not in the chart
        "4501",
        "4899",
        "4921",
        "5101",
        "6301",
        "7000",
        "100",
        "10000",
        "",
        " 1000",
        "1O00",  # a letter O
        "１０００",  # full-width digits are digits to str.isdigit, not to the books
        "-100",
    ],
)
def test_codes_outside_the_ranges_are_refused(code: str) -> None:
    with pytest.raises(LedgerError, match="is not an account number the books use"):
        type_for_code(code)


def test_bad_code_message_lists_the_ranges() -> None:
    with pytest.raises(LedgerError) as caught:
        type_for_code("7000")
    assert caught.value.message == (
        "“7000” is not an account number the books use. Use one of: asset 1000–1320, "
        "liability 2000–2400, revenue 4000–4500, contra-revenue 4900–4920, "
        "cost of goods 5000–5100, expense 6000–6300."
    )
    assert isinstance(caught.value, DomainError)


def test_type_labels() -> None:
    assert [t.label for t in AccountType] == [
        "Asset",
        "Liability",
        "Revenue",
        "Contra-revenue",
        "Cost of goods",
        "Expense",
    ]


def test_default_chart_covers_every_role_once_in_code_order() -> None:
    codes = [a.code for a in DEFAULT_CHART]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert [a.role for a in DEFAULT_CHART] == list(AccountRole)
    for account in DEFAULT_CHART:
        assert account.type is type_for_code(account.code)
        assert account.code == account.role.default_code
        assert account.name == account.role.default_name
        assert check_account_name(account.name) == account.name


def test_default_chart_spot_checks() -> None:
    by_role = {a.role: a for a in DEFAULT_CHART}
    cash = by_role[AccountRole.CASH_DRAWER]
    assert (cash.code, cash.name, cash.type) == ("1000", "Cash in drawers", AccountType.ASSET)
    returns = by_role[AccountRole.RETURNS]
    assert (returns.code, returns.name, returns.type) == (
        "4910",
        "Sales returns",
        AccountType.CONTRA_REVENUE,
    )
    assert by_role[AccountRole.RENTAL_DEPRECIATION].code == "1320"
    assert by_role[AccountRole.MISCELLANEOUS].type is AccountType.EXPENSE
    assert AccountRole.RENT_TO_OWN_EQUITY.value == "rent_to_own_equity"


def test_account_name_is_trimmed() -> None:
    assert check_account_name("  Checking:Undeposited Funds \n") == "Checking:Undeposited Funds"
    assert check_account_name("x" * 100) == "x" * 100
    assert check_account_name("Café sales – vinyl") == "Café sales – vinyl"


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_account_name_cannot_be_empty(name: str) -> None:
    with pytest.raises(LedgerError, match=r"^An account needs a name\.$"):
        check_account_name(name)


def test_account_name_cannot_be_overlong() -> None:
    with pytest.raises(LedgerError, match="at most 100 characters"):
        check_account_name("x" * 101)


@pytest.mark.parametrize(
    "name", ["Cash\nin drawers", "Cash\tin drawers", "Cash\x00", "Cash\u2028drawer", "A\u200bB"]
)
def test_account_name_is_one_plain_line(name: str) -> None:
    with pytest.raises(LedgerError, match="single line of text"):
        check_account_name(name)
