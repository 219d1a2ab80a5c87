"""Properties of the drawer and the books over random days at one register.

Whatever sequence of sales, cash refunds, voids, pay-ins, pay-outs and drawer closes a
register goes through (with units of work that fail once and are retried):
- every journal entry balances;
- each drawer's movements on the cash account come to the drawer arithmetic (float + cash
  sales - cash refunds + pay-ins - pay-outs) before the close, to the count with its
  over/short line, and to zero once the counted cash goes to the safe;
- revenue less discounts and returns in the ledger is the net sales of the Z reports (and
  of the X report for what no Z has closed yet);
- nothing is posted twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, or_, select

from core.drawer.report import RegisterReport
from core.sales.errors import SaleError
from core.sales.tenders import TenderKind
from core.services import outbox
from core.staff.permissions import Permission
from db.models import (
    DrawerEvent,
    DrawerSession,
    JournalEntry,
    JournalLine,
    LedgerAccount,
    Sale,
    SaleTender,
    ZReport,
)
from tests.db.register_support import (
    Till,
    account_balances,
    open_till,
    refund_cash,
    sell,
    unbalanced_entries,
    usd,
)


@pytest.fixture(scope="module")
def till(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Till]:
    opened = open_till(tmp_path_factory.mktemp("books"), products=30, customers=3)
    yield opened
    opened.store.close()


Op = tuple[str, int, int]
ops = st.lists(
    st.tuples(
        st.sampled_from(
            ["cash_sale", "card_sale", "refund", "void", "pay_in", "pay_out", "close", "retry"]
        ),
        st.integers(min_value=0, max_value=29),
        st.integers(min_value=-400, max_value=5_000),
    ),
    min_size=1,
    max_size=14,
)


def _ensure_open(till: Till) -> None:
    if not till.drawer.status(till.manager).is_open:
        till.drawer.open(till.manager, {2000: 5, 100: 7, 1: 13})


def _code(till: Till, n: int) -> str:
    return till.barcode(n=n % 5)


def _apply(till: Till, op: Op) -> None:
    kind, n, amount = op
    if kind in {"cash_sale", "refund", "void", "pay_in", "pay_out", "retry"}:
        _ensure_open(till)
    if kind == "cash_sale":
        sell(till, _code(till, n), cash=max(amount, 0) % 2_000)
    elif kind == "card_sale":
        sell(till, _code(till, n), _code(till, n + 1), card=True)
    elif kind == "retry":
        # The unit of work fails once (after writing everything but its outbox event) and
        # the cashier presses Pay again.
        view = till.register.scan(till.cashier, _code(till, n))
        view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
        with (
            mock.patch.object(outbox, "emit", side_effect=OSError("disk went away")),
            pytest.raises(OSError, match="disk went away"),
        ):
            till.register.complete(till.cashier, view.sale_id)
        till.register.complete(till.cashier, view.sale_id)
    elif kind in {"refund", "void"}:
        _reverse_one(till, kind, n)
    elif kind == "pay_in":
        till.drawer.pay_in(till.manager, usd(abs(amount) + 1), "change_fund")
    elif kind == "pay_out":
        till.drawer.pay_out(till.manager, usd(abs(amount) + 1), "supplies", confirmed=True)
    elif kind == "close":
        status = till.drawer.status(till.manager)
        if status.totals is None:
            till.drawer.close(till.manager, None)
            return
        counted = max(status.totals.expected + amount % 801 - 400, 0)
        dollars, cents = divmod(counted, 100)
        till.drawer.close(till.manager, {100: dollars, 1: cents})


def _reverse_one(till: Till, kind: str, n: int) -> None:
    with till.store.read_sessions() as session:
        query = (
            select(Sale.id, Sale.receipt_number)
            .where(Sale.status == "completed", Sale.kind == "sale")
            .order_by(Sale.receipt_seq)
        )
        if kind == "refund":
            # A cash refund goes back only on a sale paid in cash.
            paid_cash = select(SaleTender.sale_id).where(SaleTender.kind == "cash")
            query = query.where(Sale.id.in_(paid_cash))
        candidates = session.execute(query).all()
    if not candidates:
        return
    sale_id, receipt = candidates[n % len(candidates)]
    assert receipt is not None
    found = till.register.find_receipt(receipt)
    assert found is not None
    if found.voided:
        return
    returned = any(line.returned for line in found.lines)
    if kind == "void" and returned:
        # A sale with returns cannot be voided; the rule refuses it and writes nothing.
        with pytest.raises(SaleError, match="returned"):
            till.register.void_completed(
                till.cashier, sale_id, "property", till.approval(Permission.VOID)
            )
    elif kind == "void":
        till.register.void_completed(
            till.cashier, sale_id, "property", till.approval(Permission.VOID)
        )
    elif any(line.left for line in found.lines):
        index = next(i for i, line in enumerate(found.lines) if line.left)
        refund_cash(till, receipt, index=index)


def _cash_movement(till: Till, drawer_id: object, *, with_close: bool) -> int:
    with till.store.read_sessions() as session:
        sources = or_(
            JournalEntry.source_id == drawer_id,
            JournalEntry.source_id.in_(
                select(DrawerEvent.id).where(DrawerEvent.session_id == drawer_id)
            ),
            JournalEntry.source_id.in_(select(Sale.id).where(Sale.drawer_session_id == drawer_id)),
        )
        query = (
            select(func.coalesce(func.sum(JournalLine.debit_minor - JournalLine.credit_minor), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .join(LedgerAccount, LedgerAccount.id == JournalLine.account_id)
            .where(LedgerAccount.role == "cash_drawer", sources)
        )
        if not with_close:
            query = query.where(JournalEntry.kind != "drawer_close")
        return int(session.scalar(query) or 0)


def _drawer_arithmetic(till: Till, drawer: DrawerSession) -> int:
    """float + cash sales - cash refunds + pay-ins - pay-outs, from the raw rows."""
    with till.store.read_sessions() as session:
        cash = session.scalar(
            select(func.coalesce(func.sum(SaleTender.amount_minor), 0))
            .join(Sale, Sale.id == SaleTender.sale_id)
            .where(Sale.drawer_session_id == drawer.id, SaleTender.kind == "cash")
        )
        change = session.scalar(
            select(func.coalesce(func.sum(Sale.change_minor), 0)).where(
                Sale.drawer_session_id == drawer.id
            )
        )
        paid = dict(
            session.execute(
                select(DrawerEvent.kind, func.sum(DrawerEvent.amount_minor))
                .where(DrawerEvent.session_id == drawer.id)
                .group_by(DrawerEvent.kind)
            ).all()
        )
    return (
        drawer.float_minor
        + int(cash or 0)
        - int(change or 0)
        + int(paid.get("pay_in") or 0)
        - int(paid.get("pay_out") or 0)
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=ops)
def test_the_books_agree_with_the_drawers_and_the_reports(till: Till, sequence: list[Op]) -> None:
    for op in sequence:
        _apply(till, op)

    assert unbalanced_entries(till) == []
    with till.store.read_sessions() as session:
        drawers = list(session.scalars(select(DrawerSession)))
        doubles = session.execute(
            select(JournalEntry.source_id, JournalEntry.kind)
            .group_by(JournalEntry.source_id, JournalEntry.kind)
            .having(func.count() > 1)
        ).all()
        completed = session.scalar(
            select(func.count()).select_from(Sale).where(Sale.status == "completed")
        )
        sale_entries = session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.kind.in_(("sale", "void")))
        )
        z_figures = list(session.scalars(select(ZReport.figures)))
    assert doubles == []
    # Every completed sale posted exactly one entry (demo prices are never zero).
    assert sale_entries == completed

    for drawer in drawers:
        expected = _drawer_arithmetic(till, drawer)
        assert _cash_movement(till, drawer.id, with_close=False) == expected
        if drawer.status == "closed":
            assert drawer.expected_minor == expected
            assert drawer.over_short_minor == (drawer.counted_minor or 0) - expected
            assert _cash_movement(till, drawer.id, with_close=True) == 0

    balances = account_balances(till)
    revenue = -balances.get("sales", 0) - balances.get("discounts", 0) - balances.get("returns", 0)
    reported = sum(RegisterReport.from_json(f).net_sales for f in z_figures)
    reported += till.drawer.x_report(till.manager).net_sales
    assert revenue == reported
