"""Cash drawers, the X and Z reports and the books, against a real SQLite store.

The demo store opens the day with the drawer holding a $200.00 float, counted by the manager.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from core.drawer.errors import DrawerError
from core.ledger.errors import LedgerError
from core.ledger.export import COLUMNS, parse_amount
from core.ledger.journal import EntryKind, UnbalancedEntryError
from core.ledger.postings import SaleFigures
from core.sales.errors import SaleError
from core.sales.tenders import TenderKind
from core.services import sale_ledger
from core.services.drawer import PayOutOverCashError
from core.services.ledger import AlreadyExportedError
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import DrawerSession, JournalEntry, OutboxEvent, Sale, ZReport
from tests.db.register_support import (
    Till,
    account_balances,
    open_till,
    refund_cash,
    sell,
    unbalanced_entries,
    usd,
)

DEMO_FLOAT = 20_000
# $150.00 counted: five $20s, three $10s, two $5s and ten $1s.
FLOAT_150 = {2000: 5, 1000: 3, 500: 2, 100: 10}


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    opened = open_till(tmp_path)
    yield opened
    opened.store.close()


def close_even(till: Till) -> None:
    """Close the open drawer with exactly what is expected in it (as $1 bills and cents)."""
    status = till.drawer.status(till.manager)
    assert status.totals is not None
    dollars, cents = divmod(status.totals.expected, 100)
    till.drawer.close(till.manager, {100: dollars, 1: cents})


def test_the_days_walkthrough_agrees_in_the_z_report_the_history_and_the_books(
    till: Till, tmp_path: Path
) -> None:
    # The morning float is put away and a drawer opened with $150.00 counted by denomination.
    close_even(till)
    status = till.drawer.open(till.cashier, FLOAT_150)
    assert status.totals is not None
    assert status.totals.float_amount == 15_000  # 5×20 + 3×10 + 2×5 + 10×1 = 150.00
    cash_sale = sell(till, till.barcode(), till.barcode(n=1), cash=1_000)
    card_sale = sell(till, till.barcode(n=2), card=True)
    refund = refund_cash(till, cash_sale.receipt_number, index=1)
    till.drawer.pay_out(
        till.cashier,
        usd(1_200),
        "supplies",
        "printer paper",
        approval=till.approval(Permission.PAY_OUT),
    )
    status = till.drawer.status(till.cashier)
    assert status.totals is not None
    expected = 15_000 + cash_sale.total.amount + refund.total.amount - 1_200
    assert status.totals.expected == expected
    assert status.totals.cash_refunds == -refund.total.amount

    # Counted $1.35 short.
    short = expected - 135
    dollars, cents = divmod(short, 100)
    closed = till.drawer.close(till.manager, {100: dollars, 25: 0, 1: cents}, "end of day")
    z = closed.report
    assert z.kind == "Z"
    assert z.drawer is not None
    assert (z.drawer.expected, z.drawer.counted, z.drawer.over_short) == (expected, short, -135)
    assert z.drawer.pay_outs == 1_200
    assert z.sales_count == 2
    assert z.returns_count == 1
    assert z.net_sales == (
        cash_sale.total.amount + card_sale.total.amount + refund.total.amount - z.tax
    )
    tenders = {t.kind: t for t in z.tenders}
    assert tenders["cash"].net == cash_sale.total.amount + refund.total.amount
    assert tenders["card"].net == card_sale.total.amount

    # The over/short history says the same, for this register and this cashier.
    [latest, *_] = till.drawer.over_short_history(till.manager)
    assert (latest.over_short, latest.cashier) == (-135, till.cashier.display_name)
    assert latest.counted == short
    by_cashier = till.drawer.over_short_history(till.manager, cashier_id=till.cashier.user_id)
    assert [row.over_short for row in by_cashier] == [-135]

    # And the books: the drawer account is back to zero, the shortage is an expense, and
    # revenue less discounts and returns is the Z reports' net sales.
    balances = account_balances(till)
    assert unbalanced_entries(till) == []
    assert balances["cash_drawer"] == 0
    assert balances["cash_over_short"] == 135
    assert balances["supplies"] == 1_200
    revenue = -balances["sales"] - balances.get("discounts", 0) - balances.get("returns", 0)
    zs = till.drawer.z_reports(till.manager)
    assert revenue == sum(s.net_sales for s in zs)
    assert -balances["sales_tax"] == z.tax

    # A reprint says exactly what the Z said, however the day goes on.
    sell(till, till.barcode(n=3), card=True)
    assert till.drawer.z_report(till.manager, closed.z_report_id) == z

    # The export balances and lists every entry once.
    out = tmp_path / "journal.csv"
    result = till.ledger.export(till.manager, date(2026, 3, 1), date(2026, 3, 31), out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    numbers = {row[0] for row in rows[1:]}
    with till.store.read_sessions() as session:
        all_numbers = set(session.scalars(select(JournalEntry.number)))
    assert numbers == all_numbers
    assert result.entries == len(all_numbers)
    debits = sum(parse_amount(row[3], 2) for row in rows[1:] if row[3])
    credits = sum(parse_amount(row[4], 2) for row in rows[1:] if row[4])
    assert debits == credits


def test_the_x_report_closes_nothing(till: Till) -> None:
    sale = sell(till, till.barcode(), cash=0)
    x = till.drawer.x_report(till.cashier)
    assert (x.kind, x.number) == ("X", None)
    assert x.drawer is not None
    assert x.drawer.counted is None
    assert x.drawer.expected == DEMO_FLOAT + sale.total.amount
    assert till.drawer.status(till.cashier).is_open
    assert till.drawer.x_report(till.cashier) == x


def test_each_z_covers_the_receipts_after_the_last_one(till: Till) -> None:
    first = sell(till, till.barcode(), card=True)
    one = till.drawer.close(till.manager, {100: 200}).report
    assert (one.number, one.first_receipt, one.last_receipt) == (1, "R1-000001", "R1-000001")
    assert one.net_sales + one.tax == first.total.amount
    # A card-only register closes its day with no drawer to count.
    second = sell(till, till.barcode(n=1), card=True)
    z = till.drawer.close(till.manager, None).report
    assert (z.number, z.drawer) == (2, None)
    assert (z.first_receipt, z.last_receipt) == (second.receipt_number,) * 2
    assert z.net_sales + z.tax == second.total.amount
    empty = till.drawer.close(till.manager, None).report
    assert (empty.number, empty.sales_count, empty.first_receipt) == (3, 0, "")


# -- the rules of a drawer ------------------------------------------------------------


def test_cash_needs_an_open_drawer_but_a_card_does_not(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    # The drawer is closed (at another window of this register) after the cash was taken.
    with till.store.uow() as uow:
        uow.session.execute(text("UPDATE drawer_session SET status = 'closed'"))
        uow.commit()
    with pytest.raises(SaleError, match="drawer is not open"):
        till.register.complete(till.cashier, view.sale_id)
    with till.store.read_sessions() as session:
        sale = session.get(Sale, view.sale_id)
        assert sale is not None
        assert (sale.status, sale.receipt_number) == ("open", None)
    # Cash is refused as soon as it is tendered; paid by card instead, it completes.
    view = till.register.remove_tender(till.cashier, view.sale_id, view.tenders[0].tender_id)
    with pytest.raises(SaleError, match="drawer is not open"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, view.due)
    assert till.register.complete(till.cashier, view.sale_id).receipt_number == "R1-000001"


def test_two_open_sessions_on_one_register_are_refused(till: Till) -> None:
    with pytest.raises(DrawerError, match="already open"):
        till.drawer.open(till.cashier, FLOAT_150)
    # The database refuses it too, whatever the service thinks.
    with till.store.uow() as uow, pytest.raises(DatabaseError):
        uow.session.execute(
            text(
                "INSERT INTO drawer_session (id, company_id, location_id, device_id, currency,"
                " status, opened_by_id, opened_at, float_minor, float_counts, blind, note,"
                " version, created_at, updated_at) SELECT randomblob(16), company_id,"
                " location_id, device_id, currency, 'open', opened_by_id, opened_at, 0, '{}',"
                " 0, '', 1, created_at, updated_at FROM drawer_session"
            )
        )


def test_closing_a_drawer_that_is_not_open_is_refused(till: Till) -> None:
    close_even(till)
    with pytest.raises(DrawerError, match="not open"):
        till.drawer.close(till.manager, {100: 1})
    with pytest.raises(DrawerError, match="Open the drawer"):
        till.drawer.pay_in(till.manager, usd(500), "change_fund")
    with pytest.raises(DrawerError, match="Open the drawer"):
        till.drawer.pay_out(till.manager, usd(500), "supplies")


@pytest.mark.parametrize(
    ("pieces", "message"),
    [
        ({100: -1}, "cannot be negative"),
        ({2000: 100_001}, "more than a drawer holds"),
        ({3: 1}, "not one of this store's notes or coins"),
    ],
)
def test_bad_counts_are_refused_and_the_drawer_stays_open(
    till: Till, pieces: dict[int, int], message: str
) -> None:
    with pytest.raises(DrawerError, match=message):
        till.drawer.close(till.manager, pieces)
    assert till.drawer.status(till.manager).is_open
    with till.store.read_sessions() as session:
        assert session.scalar(select(func.count()).select_from(ZReport)) == 0


def test_a_pay_out_larger_than_the_drawer_is_warned_then_allowed(till: Till) -> None:
    approval = till.approval(Permission.PAY_OUT)
    with pytest.raises(PermissionDeniedError):
        till.drawer.pay_out(till.cashier, usd(500), "supplies")
    with pytest.raises(PayOutOverCashError, match=r"more than the \$200\.00"):
        till.drawer.pay_out(till.cashier, usd(25_000), "bank_deposit", approval=approval)
    status = till.drawer.pay_out(
        till.cashier, usd(25_000), "bank_deposit", approval=approval, confirmed=True
    )
    assert status.totals is not None
    assert status.totals.expected == DEMO_FLOAT - 25_000
    [entry] = till.audit("drawer.pay_out")
    assert entry.approved_by_id == till.manager.user_id


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        (0, "supplies", "above zero"),
        (-100, "supplies", "above zero"),
        (100, "lunch money", "reason"),
        (100, "change_fund", "reason"),  # a pay-in reason is not a pay-out reason
    ],
)
def test_bad_pay_outs_are_refused(till: Till, amount: int, reason: str, message: str) -> None:
    with pytest.raises((DrawerError, LedgerError), match=message):
        till.drawer.pay_out(till.manager, usd(amount), reason)


def test_a_difference_over_the_limit_needs_a_manager(till: Till) -> None:
    with pytest.raises(PermissionDeniedError) as denied:
        till.drawer.close(till.cashier, {100: 190})  # $10.00 short
    # Asked first, so one manager's PIN signs off the difference and approves the close.
    assert denied.value.permission is Permission.SIGN_OFF_OVER_SHORT
    close_only = till.approval(Permission.CLOSE_DRAWER)
    with pytest.raises(PermissionDeniedError):
        till.drawer.close(till.cashier, {100: 190}, approval=close_only)
    assert till.drawer.status(till.cashier).is_open
    closed = till.drawer.close(
        till.cashier, {100: 190}, approval=till.approval(Permission.SIGN_OFF_OVER_SHORT)
    )
    assert closed.report.drawer is not None
    assert closed.report.drawer.over_short == -1_000
    assert closed.report.drawer.signed_off_by == till.manager.display_name


def test_within_the_limit_closing_needs_only_the_permission_to_close(till: Till) -> None:
    with pytest.raises(PermissionDeniedError) as denied:
        till.drawer.close(till.cashier, {100: 196})  # $4.00 short: within $5.00
    assert denied.value.permission is Permission.CLOSE_DRAWER
    closed = till.drawer.close(
        till.cashier, {100: 196}, approval=till.approval(Permission.CLOSE_DRAWER)
    )
    assert closed.report.drawer is not None
    assert closed.report.drawer.over_short == -400
    assert closed.report.drawer.signed_off_by == ""
    [entry] = till.audit("drawer.close")
    assert entry.approved_by_id == till.manager.user_id


def test_a_manager_closing_over_the_limit_signs_it_off_themselves(till: Till) -> None:
    closed = till.drawer.close(till.manager, {100: 210})  # $10.00 over
    assert closed.report.drawer is not None
    assert closed.report.drawer.signed_off_by == till.manager.display_name
    [row] = till.drawer.over_short_history(till.manager)
    assert (row.over_short, row.signed_off_by) == (1_000, till.manager.display_name)


def test_a_z_report_is_refused_while_a_sale_is_open(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    with pytest.raises(DrawerError, match="still open"):
        till.drawer.close(till.manager, {100: 200})
    till.register.hold(till.cashier, view.sale_id)
    closed = till.drawer.close(till.manager, {100: 200})
    assert closed.report.held_sales == 1


def test_blind_close_hides_expected_from_a_cashier_only(till: Till) -> None:
    till.drawer.save_settings(till.manager, [2000, 1000, 500, 100, 25, 10, 5, 1], True, usd(500))
    close_even(till)
    till.drawer.open(till.cashier, FLOAT_150)
    assert till.drawer.status(till.cashier).blind
    assert not till.drawer.status(till.manager).blind
    assert till.drawer.settings(till.cashier).blind_close
    # Nor does the X report or a pay-out warning give the expected cash away.
    assert till.drawer.x_report(till.cashier).drawer is None
    assert till.drawer.x_report(till.manager).drawer is not None
    approval = till.approval(Permission.PAY_OUT)
    with pytest.raises(PayOutOverCashError) as warned:
        till.drawer.pay_out(till.cashier, usd(90_000), "safe_drop", approval=approval)
    assert "$150.00" not in warned.value.message
    assert "more than what the drawer should hold" in warned.value.message
    with pytest.raises(PermissionDeniedError) as denied:
        till.drawer.save_settings(till.cashier, [100], False, usd(0))
    assert denied.value.permission is Permission.DRAWER_SETTINGS


def test_no_sale_opens_are_logged_and_counted_by_cashier(till: Till) -> None:
    with pytest.raises(PermissionDeniedError):
        till.drawer.no_sale(till.cashier)
    till.drawer.no_sale(
        till.cashier, "change for a customer", approval=till.approval(Permission.NO_SALE)
    )
    till.drawer.no_sale(till.manager)
    z = till.drawer.close(till.manager, {100: 200}).report
    assert z.no_sales == 2
    assert {c.name: c.no_sales for c in z.cashiers} == {
        till.cashier.display_name: 1,
        till.manager.display_name: 1,
    }


def test_a_closed_session_and_a_z_report_are_never_changed(till: Till) -> None:
    till.drawer.close(till.manager, {100: 200})
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="never changed"):
        uow.session.execute(text("UPDATE drawer_session SET counted_minor = 0"))
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="append-only"):
        uow.session.execute(text("UPDATE z_report SET figures = '{}'"))
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="never changed"):
        uow.session.execute(text("DELETE FROM journal_entry"))


def test_drawer_events_go_to_the_outbox(till: Till) -> None:
    till.drawer.pay_in(till.manager, usd(1_000), "change_fund")
    till.drawer.close(till.manager, {100: 210})
    with till.store.read_sessions() as session:
        events = session.execute(
            select(OutboxEvent.sequence, OutboxEvent.type).order_by(OutboxEvent.sequence)
        ).all()
    # The demo store's own rows travel as records; the drawer's story in order after them.
    drawer = [(n, t) for n, t in events if t.startswith("drawer.")]
    last = len(events)
    assert [n for n, _ in events] == list(range(1, last + 1))
    assert drawer[1:] == [(last - 1, "drawer.pay_in"), (last, "drawer.closed")]
    assert drawer[0][1] == "drawer.opened"
    assert {t for n, t in events if n < drawer[0][0]} == {"record.saved"}


# -- the books ------------------------------------------------------------------------


def test_a_posting_rule_that_would_not_balance_is_refused_and_nothing_is_written(
    till: Till, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = SaleFigures

    def off_by_a_cent(reference: str, lines: object, tenders: object, change: int) -> SaleFigures:
        figures = real(reference, lines, tenders, change)  # type: ignore[arg-type]
        first = figures.tenders[0]
        bad = type(first)(first.kind, first.amount + 1)
        return real(reference, figures.lines, (bad, *figures.tenders[1:]), change)

    monkeypatch.setattr(sale_ledger, "SaleFigures", off_by_a_cent)
    view = till.register.scan(till.cashier, till.barcode())
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, view.due)
    with pytest.raises(UnbalancedEntryError, match="does not balance"):
        till.register.complete(till.cashier, view.sale_id)
    with till.store.read_sessions() as session:
        sale = session.get(Sale, view.sale_id)
        assert sale is not None
        assert sale.status == "open"
        assert (
            session.scalar(
                select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "sale")
            )
            == 0
        )


def test_a_retried_unit_of_work_posts_once(till: Till, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.services import outbox

    real = outbox.emit
    calls = {"n": 0}

    def fail_once(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk went away")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    view = till.register.scan(till.cashier, till.barcode())
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, view.due)
    monkeypatch.setattr(outbox, "emit", fail_once)
    with pytest.raises(OSError, match="disk went away"):
        till.register.complete(till.cashier, view.sale_id)
    done = till.register.complete(till.cashier, view.sale_id)
    with pytest.raises(SaleError):
        till.register.complete(till.cashier, view.sale_id)
    with till.store.read_sessions() as session:
        entries = session.scalars(
            select(JournalEntry.memo).where(JournalEntry.source_id == done.sale_id)
        ).all()
    assert entries == [f"Sale {done.receipt_number}"]


def test_a_void_posts_the_exact_reverse_linked_to_the_sale(till: Till) -> None:
    sale = sell(till, till.barcode(), till.barcode(n=1), cash=500)
    before = account_balances(till)
    void = till.register.void_completed(
        till.cashier, sale.sale_id, "rang up twice", till.approval(Permission.VOID)
    )
    rows = till.ledger.entries(till.manager, kind=EntryKind.VOID)
    [entry] = rows
    [original] = till.ledger.entries(till.manager, kind=EntryKind.SALE)
    assert entry.reverses == original.number
    assert entry.amount == original.amount
    assert {(x.code, x.debit, x.credit) for x in entry.lines} == {
        (x.code, x.credit, x.debit) for x in original.lines
    }
    after = account_balances(till)
    assert after["cash_drawer"] == before["cash_drawer"] - sale.total.amount
    assert void.total == -sale.total


def test_stock_received_and_adjusted_post_their_value(till: Till) -> None:
    from core.services.stock_rows import ReceiveLine

    product = till.product(till.barcode())
    till.stock.receive(
        till.manager,
        till.device.location_id,
        None,
        "PO-7",
        [ReceiveLine(product.id, 4, usd(1_250))],
    )
    till.stock.adjust(till.manager, till.device.location_id, product.id, -1, "damaged")
    balances = account_balances(till)
    assert balances["accounts_payable"] == -5_000  # 4 × 12.50 owed to the supplier
    assert balances["inventory_adjustments"] == product.cost_minor
    # Sold at cost: the sale's entry moves cost of goods out of inventory.
    sell(till, till.barcode(), card=True)
    balances = account_balances(till)
    assert balances["cost_of_goods"] == product.cost_minor
    assert balances["inventory"] == 5_000 - 2 * product.cost_minor


def test_exporting_again_needs_a_manager(till: Till, tmp_path: Path) -> None:
    sell(till, till.barcode(), card=True)
    day = date(2026, 3, 2)
    first = till.ledger.export(till.manager, day, day, tmp_path / "a.csv")
    with pytest.raises(AlreadyExportedError, match="exported before"):
        till.ledger.export(till.manager, day, day, tmp_path / "b.csv")
    assert not (tmp_path / "b.csv").exists()
    # New entries go out alone; the old ones are not sent twice.
    sell(till, till.barcode(n=1), card=True)
    second = till.ledger.export(till.manager, day, day, tmp_path / "c.csv")
    assert (second.entries, second.again) == (1, 0)
    # Everything again, with a manager's approval for anyone else.
    with pytest.raises(PermissionDeniedError) as denied:
        till.ledger.export(till.cashier, day, day, tmp_path / "d.csv", again=True)
    assert denied.value.permission is Permission.EXPORT_AGAIN
    with pytest.raises(PermissionDeniedError):
        # An approval to export is not an approval to send entries twice.
        till.ledger.export(
            till.cashier,
            day,
            day,
            tmp_path / "d.csv",
            again=True,
            approval=till.approval(Permission.EXPORT),
        )
    approval = till.approval(Permission.EXPORT_AGAIN)
    again = till.ledger.export(
        till.cashier, day, day, tmp_path / "d.csv", again=True, approval=approval
    )
    assert again.entries == first.entries + second.entries
    assert again.again == again.entries
    assert till.ledger.export_counts(till.manager, day, day) == (again.entries, again.entries)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2025, 1, 1), date(2025, 1, 31), "no journal entries"),
        (date(2026, 3, 3), date(2026, 3, 1), "before the start"),
    ],
)
def test_bad_export_ranges_write_nothing(
    till: Till, tmp_path: Path, start: date, end: date, message: str
) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(LedgerError, match=message):
        till.ledger.export(till.manager, start, end, out)
    assert not out.exists()
    assert till.ledger.entries(till.manager, exported=True) == []


def test_an_export_to_a_missing_folder_marks_nothing(till: Till, tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="does not exist"):
        till.ledger.export(
            till.manager, date(2026, 3, 2), date(2026, 3, 2), tmp_path / "no" / "x.csv"
        )
    assert till.ledger.entries(till.manager, exported=True) == []


def test_accounts_are_renamed_to_match_quickbooks(till: Till) -> None:
    accounts = {a.code: a for a in till.ledger.accounts(till.manager)}
    assert accounts["1000"].balance == DEMO_FLOAT
    till.ledger.rename_account(till.manager, accounts["1000"].account_id, "Register cash")
    with pytest.raises(LedgerError, match="already called"):
        till.ledger.rename_account(till.manager, accounts["1010"].account_id, "register CASH")
    with pytest.raises(LedgerError, match="needs a name"):
        till.ledger.rename_account(till.manager, accounts["1010"].account_id, "   ")
    renamed = {a.code: a.name for a in till.ledger.accounts(till.manager)}
    assert renamed["1000"] == "Register cash"
    assert renamed["1010"] == accounts["1010"].name


def test_sales_by_day_use_the_stores_business_day(till: Till) -> None:
    sell(till, till.barcode(), card=True)
    till.clock.advance(timedelta(days=1))
    sell(till, till.barcode(n=1), card=True)
    days = till.ledger.sales_by_day(till.manager, date(2026, 3, 1), date(2026, 3, 31))
    assert [(d.day, d.sales) for d in days] == [(date(2026, 3, 2), 1), (date(2026, 3, 3), 1)]
    with till.store.read_sessions() as session:
        sessions = session.scalar(select(func.count()).select_from(DrawerSession))
    assert sessions == 1
