from __future__ import annotations

import pytest

from core.ledger.accounts import AccountRole as R
from core.ledger.journal import EntryKind, JournalLine, LedgerError, UnbalancedEntryError
from core.ledger.postings import (
    PAY_IN_REASONS,
    PAY_OUT_REASONS,
    CashReason,
    SaleFigures,
    SaleLineFigures,
    TaxFigure,
    TenderFigure,
    account_movement,
    check_cash_reason,
    drawer_close_entry,
    drawer_open_entry,
    inventory_adjustment_entry,
    inventory_receipt_entry,
    pay_in_entry,
    pay_out_entry,
    sale_entry,
    void_entry,
)

# Two strings sets: 2 × $10.00 = $20.00, $2.00 off the line, $1.00 of the sale discount:
# net 20.00 - 2.00 - 1.00 = 17.00; state 6.25% = 1.0625 -> 1.06, county 2% = 0.34.
# Cost $4.50 each, so $9.00 leaves inventory.
STRINGS = SaleLineFigures(
    quantity=2,
    gross=2000,
    price_cut=0,
    line_discount=200,
    sale_discount=100,
    net=1700,
    taxes=(TaxFigure("State", 106), TaxFigure("County", 34)),
    unit_cost=450,
    stocked=True,
)
# A lesson, $30.00 cut by hand to $25.00 and $1.25 of the sale discount: net 23.75;
# state 6.25% = 1.484375 -> 1.48. Not stocked: no cost of goods.
LESSON = SaleLineFigures(1, 3000, 500, 0, 125, 2375, (TaxFigure("State", 148),), 0, False)
# A tuner returned: $30.00 less the $3.00 taken off it, state tax 1.69 given back; cost $12.00.
TUNER_BACK = SaleLineFigures(-1, -3000, 0, -300, 0, -2700, (TaxFigure("State", -169),), 1200, True)


def test_sale_with_discounts_two_taxes_cost_and_change() -> None:
    # Total: nets 17.00 + 23.75 = 40.75, tax 1.06 + 0.34 + 1.48 = 2.88, so 43.63.
    # Paid $24.00 cash (change 0.37 -> 23.63 stays in the drawer) and $20.00 card.
    figures = SaleFigures(
        "1001", (STRINGS, LESSON), (TenderFigure("cash", 2400), TenderFigure("card", 2000)), 37
    )
    entry = sale_entry(figures)
    assert (entry.kind, entry.memo) == (EntryKind.SALE, "Sale 1001")
    assert entry.lines == (
        JournalLine(R.SALES, -5000),  # 20.00 + 30.00 gross
        JournalLine(R.DISCOUNTS, 925),  # 2.00 + 1.00 + 5.00 + 1.25
        JournalLine(R.SALES_TAX, -254, "State"),  # 1.06 + 1.48
        JournalLine(R.SALES_TAX, -34, "County"),
        JournalLine(R.COST_OF_GOODS, 900),
        JournalLine(R.INVENTORY, -900),
        JournalLine(R.CASH_DRAWER, 2363),
        JournalLine(R.CARD_CLEARING, 2000),
    )
    # Debits 9.25 + 9.00 + 23.63 + 20.00 = 61.88 = credits 50.00 + 2.54 + 0.34 + 9.00.
    assert entry.debits == entry.credits == 6188


def test_refund_to_store_credit() -> None:
    # 27.00 + 1.69 = 28.69 owed back, issued as store credit (a credit to the liability).
    entry = sale_entry(
        SaleFigures("1002", (TUNER_BACK,), (TenderFigure("store_credit", -2869),), 0)
    )
    assert entry.lines == (
        JournalLine(R.RETURNS, 2700),
        JournalLine(R.SALES_TAX, 169, "State"),
        JournalLine(R.COST_OF_GOODS, -1200),
        JournalLine(R.INVENTORY, 1200),
        JournalLine(R.STORE_CREDIT, -2869),
    )


def test_exchange_paid_partly_with_store_credit() -> None:
    # Strings 18.40 in, tuner 28.69 back: the customer is owed 10.29, paid back in cash;
    # they also spend 5.00 of old store credit, so 15.29 comes out of the drawer.
    figures = SaleFigures(
        "1003",
        (STRINGS, TUNER_BACK),
        (TenderFigure("store_credit", 500), TenderFigure("cash", -1529)),
        0,
    )
    entry = sale_entry(figures)
    assert entry.lines == (
        JournalLine(R.SALES, -2000),
        JournalLine(R.DISCOUNTS, 300),
        JournalLine(R.SALES_TAX, 63, "State"),  # -1.06 charged + 1.69 given back
        JournalLine(R.SALES_TAX, -34, "County"),
        JournalLine(R.COST_OF_GOODS, -300),  # 9.00 out, 12.00 back
        JournalLine(R.INVENTORY, 300),
        JournalLine(R.RETURNS, 2700),
        JournalLine(R.STORE_CREDIT, 500),
        JournalLine(R.CASH_DRAWER, -1529),
    )


def test_a_sale_of_nothing_posts_nothing() -> None:
    free = SaleLineFigures(1, 0, 0, 0, 0, 0, (), 0, False)
    assert sale_entry(SaleFigures("1004", (free,), (), 0)).is_empty


def test_figures_off_by_a_cent_are_refused() -> None:
    # 17.00 + 1.06 + 0.34 = 18.40 due, 18.39 paid.
    figures = SaleFigures("1005", (STRINGS,), (TenderFigure("card", 1839),), 0)
    with pytest.raises(UnbalancedEntryError) as caught:
        sale_entry(figures)
    # Debits: discounts 3.00 + cost 9.00 + card 18.39 = 30.39;
    # credits: sales 20.00 + tax 1.40 + inventory 9.00 = 30.40.
    assert caught.value.message == (
        "This entry does not balance: debits 30.39, credits 30.40. Nothing was posted."
    )


def test_unknown_tender_kind_is_refused() -> None:
    with pytest.raises(LedgerError, match="“cheque” is not a way of paying"):
        TenderFigure("cheque", 1840)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param((2, 2000, 0, 200, 100, 1701), id="net does not follow from gross"),
        pytest.param((0, 0, 0, 0, 0, 0), id="zero quantity"),
        pytest.param((1, -100, 0, 0, 0, -100), id="negative gross on a sold line"),
        pytest.param((-1, 100, 0, 0, 0, 100), id="positive gross on a returned line"),
        pytest.param((1, 100, -10, 0, 0, 110), id="negative discount on a sold line"),
    ],
)
def test_inconsistent_line_figures_are_refused(line: tuple[int, int, int, int, int, int]) -> None:
    quantity, gross, cut, own, shared, net = line
    with pytest.raises(LedgerError, match="figures do not add up"):
        SaleLineFigures(quantity, gross, cut, own, shared, net, (), 0, False)


def test_tax_sign_and_cost_are_checked() -> None:
    with pytest.raises(LedgerError, match="figures do not add up"):
        SaleLineFigures(1, 100, 0, 0, 0, 100, (TaxFigure("State", -6),), 0, False)
    with pytest.raises(LedgerError, match="figures do not add up"):
        SaleLineFigures(1, 100, 0, 0, 0, 100, (), -1, True)
    with pytest.raises(LedgerError, match="whole number of cents"):
        SaleLineFigures(1, 100, 0, 0, 0, 100.0, (), 0, False)  # type: ignore[arg-type]


def test_change_only_comes_out_of_cash() -> None:
    with pytest.raises(LedgerError, match="Change can only be given out of the cash taken"):
        SaleFigures("1006", (STRINGS,), (TenderFigure("card", 1900),), 60)
    with pytest.raises(LedgerError, match="Change can only"):
        SaleFigures("1006", (STRINGS,), (TenderFigure("cash", 1840),), -1)


def test_void_reverses_the_sale() -> None:
    sale = sale_entry(SaleFigures("1007", (STRINGS,), (TenderFigure("cash", 2000),), 160))
    void = void_entry(sale, "V-12", "1007")
    assert (void.kind, void.memo) == (EntryKind.VOID, "Void V-12 of 1007")
    for role in R:
        assert account_movement([sale, void], role) == 0
    assert account_movement([void], R.CASH_DRAWER) == -1840  # 20.00 taken - 1.60 change


def test_drawer_open() -> None:
    entry = drawer_open_entry(15000, "Register 1")
    assert (entry.kind, entry.memo) == (EntryKind.DRAWER_OPEN, "Float for Register 1")
    assert entry.lines == (JournalLine(R.CASH_DRAWER, 15000), JournalLine(R.SAFE, -15000))
    assert drawer_open_entry(0, "Register 1").is_empty
    with pytest.raises(LedgerError, match="The opening float cannot be below zero"):
        drawer_open_entry(-1, "Register 1")
    with pytest.raises(LedgerError, match="whole number of cents"):
        drawer_open_entry(150.0, "Register 1")  # type: ignore[arg-type]


def test_pay_in_and_pay_out() -> None:
    pay_in = pay_in_entry(2000, CashReason.CHANGE_FUND, "  rolls of quarters ")
    assert (pay_in.kind, pay_in.memo) == (
        EntryKind.PAY_IN,
        "Change fund from the safe: rolls of quarters",
    )
    assert pay_in.lines == (JournalLine(R.CASH_DRAWER, 2000), JournalLine(R.SAFE, -2000))
    income = pay_in_entry(500, CashReason.OTHER_INCOME, "")
    assert income.memo == "Other income"
    assert income.lines[1] == JournalLine(R.OTHER_INCOME, -500)

    tape = pay_out_entry(1299, CashReason.SUPPLIES, "Packing tape")
    assert (tape.kind, tape.memo) == (EntryKind.PAY_OUT, "Store supplies: Packing tape")
    assert tape.lines == (JournalLine(R.SUPPLIES, 1299), JournalLine(R.CASH_DRAWER, -1299))
    stamps = pay_out_entry(680, CashReason.POSTAGE, "")
    assert stamps.lines[0] == JournalLine(R.MISCELLANEOUS, 680)
    assert pay_out_entry(50000, CashReason.SAFE_DROP, "").lines[0].role is R.SAFE


def test_cash_reasons() -> None:
    assert [(r.label, r.account) for r in PAY_OUT_REASONS] == [
        ("Store supplies", R.SUPPLIES),
        ("Postage", R.MISCELLANEOUS),
        ("Safe drop", R.SAFE),
        ("Bank deposit", R.SAFE),
        ("Other", R.MISCELLANEOUS),
    ]
    assert [(r.label, r.account) for r in PAY_IN_REASONS] == [
        ("Change fund from the safe", R.SAFE),
        ("Other income", R.OTHER_INCOME),
    ]
    assert set(PAY_IN_REASONS) | set(PAY_OUT_REASONS) == set(CashReason)
    assert check_cash_reason("postage", PAY_OUT_REASONS) is CashReason.POSTAGE


def test_bad_reasons_are_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        check_cash_reason("lunch", PAY_OUT_REASONS)
    assert caught.value.message == (
        "“lunch” is not a reason for moving cash. Choose one of: "
        "Store supplies, Postage, Safe drop, Bank deposit, Other."
    )
    with pytest.raises(LedgerError) as caught:
        pay_out_entry(100, CashReason.CHANGE_FUND, "")
    assert caught.value.message == (
        "Change fund from the safe is not a reason for a pay-out. Choose one of: "
        "Store supplies, Postage, Safe drop, Bank deposit, Other."
    )
    with pytest.raises(LedgerError, match="Postage is not a reason for a pay-in"):
        pay_in_entry(100, CashReason.POSTAGE, "")


@pytest.mark.parametrize("amount", [0, -100])
def test_pay_amounts_are_above_zero(amount: int) -> None:
    with pytest.raises(LedgerError, match="A pay-in must be more than zero"):
        pay_in_entry(amount, CashReason.OTHER_INCOME, "")
    with pytest.raises(LedgerError, match="A pay-out must be more than zero"):
        pay_out_entry(amount, CashReason.OTHER, "")


def test_drawer_close_short() -> None:
    # Expected $250.00, counted $248.75: $1.25 short.
    entry = drawer_close_entry(25000, 24875, "Register 1")
    assert (entry.kind, entry.memo) == (EntryKind.DRAWER_CLOSE, "Close of Register 1")
    assert entry.lines == (
        JournalLine(R.CASH_DRAWER, -125, "Over/short"),
        JournalLine(R.CASH_OVER_SHORT, 125, "Over/short"),
        JournalLine(R.SAFE, 24875, "Counted cash to the safe"),
        JournalLine(R.CASH_DRAWER, -24875, "Counted cash to the safe"),
    )
    # -1.25 - 248.75 = -250.00: the drawer account gives back exactly what it expected.
    assert account_movement([entry], R.CASH_DRAWER) == -25000


def test_drawer_close_over_and_exact() -> None:
    over = drawer_close_entry(10000, 10020, "Register 2")
    assert over.lines[:2] == (
        JournalLine(R.CASH_DRAWER, 20, "Over/short"),
        JournalLine(R.CASH_OVER_SHORT, -20, "Over/short"),
    )
    exact = drawer_close_entry(10000, 10000, "Register 2")
    assert [line.memo for line in exact.lines] == ["Counted cash to the safe"] * 2
    with pytest.raises(LedgerError, match="The counted cash cannot be below zero"):
        drawer_close_entry(10000, -1, "Register 2")


def test_stock_received() -> None:
    # 10 × 4.50 + 2 × 125.00 = 45.00 + 250.00 = 295.00 owed to the supplier.
    entry = inventory_receipt_entry([(10, 450), (2, 12500)], "PO-88")
    assert (entry.kind, entry.memo) == (EntryKind.INVENTORY_RECEIPT, "Stock received PO-88")
    assert entry.lines == (
        JournalLine(R.INVENTORY, 29500),
        JournalLine(R.ACCOUNTS_PAYABLE, -29500),
    )
    with pytest.raises(LedgerError, match="quantity received must be more than zero"):
        inventory_receipt_entry([(0, 450)], "PO-89")
    with pytest.raises(LedgerError, match="A unit cost cannot be below zero"):
        inventory_receipt_entry([(1, -450)], "PO-89")


def test_stock_adjusted() -> None:
    # 2 × 4.50 lost and 1 × 12.00 found: -9.00 + 12.00 = +3.00 of stock.
    found = inventory_adjustment_entry([(-2, 450), (1, 1200)], "count")
    assert (found.kind, found.memo) == (EntryKind.INVENTORY_ADJUSTMENT, "Stock adjusted: count")
    assert found.lines == (
        JournalLine(R.INVENTORY, 300),
        JournalLine(R.INVENTORY_ADJUSTMENTS, -300),
    )
    lost = inventory_adjustment_entry([(-3, 450)], "damaged")
    assert lost.lines == (
        JournalLine(R.INVENTORY, -1350),
        JournalLine(R.INVENTORY_ADJUSTMENTS, 1350),
    )
    with pytest.raises(LedgerError, match="A quantity must be a whole number"):
        inventory_adjustment_entry([(1.5, 450)], "count")  # type: ignore[list-item]
