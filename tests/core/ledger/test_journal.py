from __future__ import annotations

from decimal import Decimal

import pytest

from core.ledger.accounts import AccountRole
from core.ledger.journal import (
    EntryDraft,
    EntryKind,
    JournalLine,
    LedgerError,
    UnbalancedEntryError,
    amount_text,
    build_entry,
    check_balanced,
    reverse,
)

CASH = AccountRole.CASH_DRAWER
SALES = AccountRole.SALES
TAX = AccountRole.SALES_TAX


def test_line_sides() -> None:
    assert (JournalLine(CASH, 500).debit, JournalLine(CASH, 500).credit) == (500, 0)
    assert (JournalLine(CASH, -500).debit, JournalLine(CASH, -500).credit) == (0, 500)
    assert (JournalLine(CASH, 0).debit, JournalLine(CASH, 0).credit) == (0, 0)


def test_build_entry_merges_drops_zeros_and_keeps_first_seen_order() -> None:
    draft = build_entry(
        EntryKind.SALE,
        "Sale 1001",
        [
            JournalLine(SALES, -1000),
            JournalLine(TAX, -50, "State"),
            JournalLine(CASH, 700),
            JournalLine(SALES, -200),  # merges into the first SALES line: -1200
            JournalLine(TAX, -30, "County"),  # another memo: a line of its own
            JournalLine(AccountRole.DISCOUNTS, 100),
            JournalLine(AccountRole.DISCOUNTS, -100),  # nets to zero: dropped
            JournalLine(CASH, 580),  # 700 + 580 = 1280 = 1200 + 50 + 30
        ],
    )
    assert draft.lines == (
        JournalLine(SALES, -1200),
        JournalLine(TAX, -50, "State"),
        JournalLine(CASH, 1280),
        JournalLine(TAX, -30, "County"),
    )
    assert (draft.debits, draft.credits) == (1280, 1280)
    assert not draft.is_empty
    assert (draft.kind, draft.memo) == (EntryKind.SALE, "Sale 1001")


def test_an_entry_that_comes_to_nothing_is_empty() -> None:
    draft = build_entry(EntryKind.SALE, "Sale 1", [JournalLine(CASH, 0), JournalLine(SALES, 0)])
    assert draft.is_empty
    assert (draft.debits, draft.credits) == (0, 0)
    assert build_entry(EntryKind.SALE, "Sale 2", []).is_empty


def test_unbalanced_entry_is_refused_with_both_totals() -> None:
    lines = [JournalLine(CASH, 1200), JournalLine(SALES, -1150)]
    with pytest.raises(UnbalancedEntryError) as caught:
        build_entry(EntryKind.SALE, "Sale 1", lines)
    assert caught.value.message == (
        "This entry does not balance: debits 12.00, credits 11.50. Nothing was posted."
    )
    assert (caught.value.debits, caught.value.credits) == (1200, 1150)
    assert isinstance(caught.value, LedgerError)


def test_unbalanced_message_in_a_currency_without_decimals() -> None:
    with pytest.raises(UnbalancedEntryError, match=r"debits 1200, credits 1199"):
        build_entry(
            EntryKind.SALE,
            "Sale 1",
            [JournalLine(CASH, 1200), JournalLine(SALES, -1199)],
            exponent=0,
        )


def test_unbalanced_after_merging_counts_the_merged_lines() -> None:
    # CASH 300 + 200 = 500 debits; SALES -450 credits.
    with pytest.raises(UnbalancedEntryError, match=r"debits 5\.00, credits 4\.50"):
        build_entry(
            EntryKind.SALE,
            "x",
            [JournalLine(CASH, 300), JournalLine(SALES, -450), JournalLine(CASH, 200)],
        )


@pytest.mark.parametrize("amount", [1.5, 2.0, Decimal("1.00"), True, False, "100", None])
def test_non_int_amounts_are_refused(amount: object) -> None:
    with pytest.raises(LedgerError, match="whole number of cents"):
        JournalLine(CASH, amount)  # type: ignore[arg-type]


def test_build_entry_refuses_a_line_smuggled_past_the_constructor() -> None:
    line = JournalLine(CASH, 100)
    object.__setattr__(line, "amount", 1.0)
    with pytest.raises(LedgerError, match="whole number of cents"):
        build_entry(EntryKind.SALE, "x", [line, JournalLine(SALES, -100)])


def test_an_entry_built_by_hand_must_balance() -> None:
    with pytest.raises(UnbalancedEntryError, match=r"debits 1\.00, credits 0\.00"):
        EntryDraft(EntryKind.SALE, "x", (JournalLine(CASH, 100),))


def test_check_balanced() -> None:
    check_balanced([JournalLine(CASH, 5), JournalLine(SALES, -5)])
    check_balanced([])
    with pytest.raises(UnbalancedEntryError, match=r"debits 0\.00, credits 0\.05"):
        check_balanced([JournalLine(SALES, -5)])


def test_reverse_negates_every_line_in_order() -> None:
    draft = build_entry(
        EntryKind.SALE,
        "Sale 7",
        [JournalLine(CASH, 1080), JournalLine(SALES, -1000), JournalLine(TAX, -80, "State")],
    )
    undone = reverse(draft)
    assert undone.kind is EntryKind.REVERSAL
    assert undone.memo == "Reversal of Sale 7"
    assert undone.lines == (
        JournalLine(CASH, -1080),
        JournalLine(SALES, 1000),
        JournalLine(TAX, 80, "State"),
    )
    assert (undone.debits, undone.credits) == (draft.credits, draft.debits)
    assert reverse(draft, EntryKind.VOID, "Void it").memo == "Void it"
    assert reverse(undone).lines == draft.lines


def test_kind_labels() -> None:
    assert [k.label for k in EntryKind] == [
        "Sale",
        "Void",
        "Drawer opened",
        "Pay-in",
        "Pay-out",
        "Drawer closed",
        "Stock received",
        "Stock adjusted",
        "Reversal",
    ]


@pytest.mark.parametrize(
    ("amount", "exponent", "text"),
    [
        (123450, 2, "1234.50"),
        (5, 2, "0.05"),
        (0, 2, "0.00"),
        (-1205, 2, "-12.05"),
        (1200, 0, "1200"),
        (1234, 3, "1.234"),
        (7, 3, "0.007"),
    ],
)
def test_amount_text(amount: int, exponent: int, text: str) -> None:
    assert amount_text(amount, exponent) == text


def test_amount_text_refuses_a_nonsense_exponent() -> None:
    with pytest.raises(ValueError, match="exponent"):
        amount_text(100, -1)
