"""Tenders: paying a sale, paying out a refund, and change only from cash."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import Money
from core.sales.errors import SaleError
from core.sales.payments import CardRequest, ExternalTerminal, idempotency_key
from core.sales.tenders import (
    MAX_TENDERS,
    Tender,
    TenderKind,
    balance_due,
    change_due,
    check_fully_paid,
    check_tender,
)

CASH, CARD, CREDIT = TenderKind.CASH, TenderKind.CARD, TenderKind.STORE_CREDIT


def tender(kind: TenderKind, amount: int) -> Tender:
    return Tender(uuid.uuid4(), kind, amount)


def test_split_payment_with_change() -> None:
    # Total $46.52: $20.00 card leaves 2,652 due; $30.00 cash overpays by 348 → $3.48 change.
    total = 4_652
    check_tender(total, [], CARD, 2_000)
    paid = [tender(CARD, 2_000)]
    assert balance_due(total, paid) == 2_652
    check_tender(total, paid, CASH, 3_000)
    paid.append(tender(CASH, 3_000))
    assert balance_due(total, paid) == -348
    assert change_due(total, paid) == 348
    check_fully_paid(total, paid)


def test_exact_payments_leave_no_change() -> None:
    paid = [tender(CREDIT, 1_000), tender(CARD, 3_652)]
    assert balance_due(4_652, paid) == 0
    assert change_due(4_652, paid) == 0
    check_fully_paid(4_652, paid)


def test_short_of_the_total() -> None:
    # $46.52 due, $46.51 paid: one cent short.
    with pytest.raises(SaleError) as caught:
        check_fully_paid(4_652, [tender(CASH, 4_651)])
    assert caught.value.message == "The sale is not fully paid yet."
    with pytest.raises(SaleError, match="not fully paid"):
        check_fully_paid(4_652, [])


def test_card_and_store_credit_cannot_exceed_what_is_due() -> None:
    with pytest.raises(SaleError) as caught:
        check_tender(4_652, [tender(CASH, 1_000)], CARD, 3_653)
    assert caught.value.message == (
        "Card cannot be more than what is still due; only cash gives change."
    )
    with pytest.raises(SaleError) as caught:
        check_tender(4_652, [], CREDIT, 4_653)
    assert caught.value.message == (
        "Store credit cannot be more than what is still due; only cash gives change."
    )
    check_tender(4_652, [tender(CASH, 1_000)], CARD, 3_652)  # exactly what is due is fine
    check_tender(4_652, [], CASH, 10_000)  # cash may be more


def test_change_comes_only_from_cash() -> None:
    # A card for $50.00 on a $46.52 sale would leave "change" of $3.48 that no cash covers.
    overpaid_by_card = [tender(CARD, 5_000)]
    assert change_due(4_652, overpaid_by_card) == 348
    with pytest.raises(SaleError) as caught:
        check_fully_paid(4_652, overpaid_by_card)
    assert caught.value.message == "Only cash can be paid above the total."
    # $2.00 cash + $50.00 card: change 548, but only 200 of it could come from the drawer.
    with pytest.raises(SaleError, match=r"^Only cash can be paid above the total\.$"):
        check_fully_paid(4_652, [tender(CASH, 200), tender(CARD, 5_000)])


@pytest.mark.parametrize(
    ("total", "paid", "kind", "amount", "message"),
    [
        (4_652, [], CASH, 0, "Type an amount above zero."),
        (4_652, [], CASH, -100, "The customer owes money on this sale; take a payment."),
        (4_652, [(CASH, 4_652)], CASH, 1, "Nothing is left to pay."),
        (4_652, [(CASH, 5_000)], CASH, 1, "Nothing is left to pay."),
        (0, [], CASH, 100, "Nothing is left to pay."),
        (-1_406, [], CASH, 100, "The store owes the customer on this sale; pay it back."),
        (-1_406, [], CASH, -1_407, "That is more than the customer is owed."),
        (-1_406, [(CARD, -1_000)], CARD, -407, "That is more than the customer is owed."),
        (-1_406, [(CASH, -1_406)], CASH, -1, "Nothing is left to pay."),
    ],
)
def test_tender_refusals(
    total: int, paid: list[tuple[TenderKind, int]], kind: TenderKind, amount: int, message: str
) -> None:
    with pytest.raises(SaleError) as caught:
        check_tender(total, [tender(k, a) for k, a in paid], kind, amount)
    assert caught.value.message == message


def test_amount_must_be_an_int() -> None:
    with pytest.raises(SaleError, match=r"^Type an amount above zero\.$"):
        check_tender(100, [], CASH, 1.5)  # type: ignore[arg-type]


def test_at_most_twenty_tenders() -> None:
    paid = [tender(CASH, 1)] * MAX_TENDERS
    with pytest.raises(SaleError) as caught:
        check_tender(10_000, paid, CASH, 1)
    assert caught.value.message == "A sale can be split across at most 20 payments."
    check_tender(10_000, paid[:-1], CASH, 1)


def test_refund_payout() -> None:
    # A refund of $14.06: $10.00 back to the card, $4.06 in cash; no change on a refund.
    total = -1_406
    check_tender(total, [], CARD, -1_000)
    paid = [tender(CARD, -1_000)]
    assert balance_due(total, paid) == -406
    with pytest.raises(SaleError) as caught:
        check_fully_paid(total, paid)
    assert caught.value.message == "Pay back what the customer is owed before completing."
    check_tender(total, paid, CASH, -406)
    paid.append(tender(CASH, -406))
    check_fully_paid(total, paid)
    assert change_due(total, paid) == 0


def test_refund_paid_out_beyond_what_is_owed_cannot_complete() -> None:
    with pytest.raises(SaleError, match="Pay back what the customer is owed"):
        check_fully_paid(-1_406, [tender(CASH, -1_500)])


def test_nothing_to_pay_is_complete() -> None:
    check_fully_paid(0, [])
    assert (balance_due(0, []), change_due(0, [])) == (0, 0)


def test_labels() -> None:
    assert [k.label for k in TenderKind] == ["Cash", "Card", "Store credit"]


def test_external_terminal_and_idempotency_key() -> None:
    sale = uuid.UUID(int=7)
    key = idempotency_key(sale, 2)
    assert key == f"sale-{sale}-2"
    assert idempotency_key(sale, 2) == key != idempotency_key(sale, 3)
    request = CardRequest(sale, Money(4_652, "USD"), key, reference="  approval   123456 ")
    result = ExternalTerminal().take(request)
    assert (result.approved, result.provider, result.reference) == (
        True,
        "external",
        "approval 123456",
    )
    with pytest.raises(SaleError) as caught:
        ExternalTerminal().take(CardRequest(sale, Money(1, "USD"), key, reference="x" * 61))
    assert caught.value.message == "A card reference can be at most 60 characters."


# --- property ---------------------------------------------------------------------------


@settings(max_examples=200)
@given(total=st.integers(min_value=-500_000, max_value=500_000), data=st.data())
def test_accepted_tenders_settle_exactly_when_the_balance_says_so(
    total: int, data: st.DataObject
) -> None:
    tenders: list[Tender] = []
    for _ in range(data.draw(st.integers(min_value=0, max_value=8), label="attempts")):
        due = balance_due(total, tenders)
        kind = data.draw(st.sampled_from(TenderKind), label="kind")
        # Mostly the right sign and near what is due, so most attempts are accepted.
        magnitude = data.draw(st.integers(min_value=0, max_value=abs(due) * 2 + 100))
        sign = data.draw(st.sampled_from([1, 1, 1, -1])) * (1 if due >= 0 else -1)
        try:
            check_tender(total, tenders, kind, sign * magnitude)
        except SaleError:
            continue  # refused: nothing changes
        tenders.append(tender(kind, sign * magnitude))
        after = balance_due(total, tenders)
        if total >= 0:
            assert after >= 0 or kind is CASH  # only cash overpays
        else:
            assert total <= after <= 0  # a refund never pays out more than is owed
    due = balance_due(total, tenders)
    settled = due <= 0 if total >= 0 else due == 0
    try:
        check_fully_paid(total, tenders)
    except SaleError:
        assert not settled
    else:
        assert settled
    cash = sum(t.amount for t in tenders if t.kind is CASH)
    assert 0 <= change_due(total, tenders) <= max(cash, 0)
    if total >= 0 and settled:
        assert change_due(total, tenders) == -due
