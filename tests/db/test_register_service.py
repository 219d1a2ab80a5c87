"""The register service against a real SQLite store: a sale from first scan to receipt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from core.sales.discounts import Discount, DiscountReason
from core.sales.errors import SaleError
from core.sales.tenders import TenderKind
from core.services.register import NotInCatalogError, UnitNeededError
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import (
    DiscountAudit,
    OutboxEvent,
    Sale,
    SaleLine,
    SaleLineTax,
    StockMovement,
    StoreCreditEntry,
)
from db.models.sales import SALE_KINDS, TENDER_KINDS
from tests.db.register_support import Till, open_till, usd


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    opened = open_till(tmp_path)
    yield opened
    opened.store.close()


def test_enums_match_the_database_check_constraints() -> None:
    assert tuple(TenderKind) == TENDER_KINDS
    assert {"sale", "return", "exchange", "void"} == set(SALE_KINDS)


def pay_cash(till: Till, sale_id: object, extra: int = 0) -> None:
    view = till.register.view(sale_id)  # type: ignore[arg-type]
    till.register.add_tender(
        till.cashier, view.sale_id, TenderKind.CASH, usd(view.due.amount + extra)
    )


# -- ringing up ---------------------------------------------------------------------------


def test_scanning_adds_lines_and_scanning_again_adds_one(till: Till) -> None:
    code = till.barcode()
    first = till.register.scan(till.cashier, code)
    again = till.register.scan(till.cashier, code, sale_id=first.sale_id)
    assert again.sale_id == first.sale_id
    [line] = again.lines
    assert line.quantity == 2
    product = till.product(code)
    assert line.gross == usd(2 * product.price_minor)
    # The sale is on disk as the screen shows it: a crash loses nothing rung up.
    assert till.register.current(till.cashier) == again


def test_totals_use_every_rate_and_lines_add_up_to_the_sale(till: Till) -> None:
    r = till.register
    view = r.scan(till.cashier, till.barcode())
    view = r.scan(till.cashier, till.barcode(n=1), quantity=3, sale_id=view.sale_id)
    view = r.scan(till.cashier, till.barcode(tax_class="reduced"), sale_id=view.sale_id)
    assert {t.name for t in view.taxes} == {
        "State sales tax",
        "City sales tax",
        "State sales tax (reduced)",
    }
    assert view.subtotal == sum((line.gross for line in view.lines), usd(0))
    assert view.tax == sum((line.tax for line in view.lines), usd(0))
    assert view.total == view.subtotal - view.discount + view.tax
    with till.store.read_sessions() as session:
        stored = session.get(Sale, view.sale_id)
        assert stored is not None
        line_tax = session.scalar(
            select(func.sum(SaleLineTax.tax_minor)).where(SaleLineTax.sale_id == view.sale_id)
        )
    assert (stored.total_minor, line_tax) == (view.total.amount, view.tax.amount)


def test_unknown_codes_and_bad_quantities_are_refused_with_nothing_written(till: Till) -> None:
    with pytest.raises(NotInCatalogError, match="Search for the item by name"):
        till.register.scan(till.cashier, "0000000000000")
    assert till.register.current(till.cashier) is None
    for quantity, message in ((0, "cannot be zero"), (-2, "use Return")):
        with pytest.raises(SaleError, match=message):
            till.register.scan(till.cashier, till.barcode(), quantity=quantity)
    view = till.register.scan(till.cashier, till.barcode())
    with pytest.raises(SaleError, match="cannot be zero"):
        till.register.set_quantity(till.cashier, view.sale_id, view.lines[0].line_id, 0)
    assert till.register.view(view.sale_id) == view


def test_a_serialized_item_needs_its_unit_and_a_sold_unit_cannot_be_sold(till: Till) -> None:
    code = till.barcode(serialized=True)
    with pytest.raises(UnitNeededError) as needed:
        till.register.scan(till.cashier, code)
    unit = needed.value.units[0]
    view = till.register.add_product(till.cashier, needed.value.product_id, 1, unit.unit_id)
    assert view.lines[0].serial == unit.serial_number
    with pytest.raises(SaleError, match="already on this sale"):
        till.register.scan(till.cashier, unit.serial_number, sale_id=view.sale_id)
    with pytest.raises(SaleError, match="one unit at a time"):
        till.register.set_quantity(till.cashier, view.sale_id, view.lines[0].line_id, 2)
    pay_cash(till, view.sale_id)
    till.register.complete(till.cashier, view.sale_id)
    assert till.units(needed.value.product_id, "sold")[0].id == unit.unit_id
    with pytest.raises(SaleError, match="cannot be sold: it is already sold"):
        till.register.scan(till.cashier, unit.serial_number)


def test_an_inactive_product_is_refused(till: Till) -> None:
    code = till.barcode()
    with till.store.uow() as uow:
        uow.session.execute(text("UPDATE product SET active = 0"))
        uow.commit()
    with pytest.raises(SaleError, match="inactive and cannot be sold"):
        till.register.scan(till.cashier, code)


# -- discounts ----------------------------------------------------------------------------


def test_discounts_within_the_limit_need_no_manager(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    line = view.lines[0]
    view = till.register.set_line_discount(
        till.cashier, view.sale_id, line.line_id, Discount.percent(1000)
    )
    # 10% of the line, rounded half up to the cent.
    assert view.lines[0].discount_total == usd((line.gross.amount * 1000 + 5000) // 10000)
    assert till.audit("approval.granted") == []


def test_discounts_over_the_limit_need_a_manager_and_are_audited(till: Till) -> None:
    r = till.register
    view = r.scan(till.cashier, till.barcode())
    view = r.scan(till.cashier, till.barcode(n=1), sale_id=view.sale_id)
    with pytest.raises(PermissionDeniedError):
        r.set_sale_discount(till.cashier, view.sale_id, Discount.percent(2000))
    approval = till.approval(Permission.DISCOUNT_OVER_THRESHOLD)
    view = r.set_sale_discount(
        till.cashier,
        view.sale_id,
        Discount.percent(2000, DiscountReason.LOYALTY),
        approval=approval,
    )
    # An approval for something else does not cover a price change.
    with pytest.raises(PermissionDeniedError):
        r.set_price(
            till.cashier,
            view.sale_id,
            view.lines[0].line_id,
            usd(1),
            approval=till.approval(Permission.VOID),
        )
    pay_cash(till, view.sale_id)
    r.complete(till.cashier, view.sale_id)
    with till.store.read_sessions() as session:
        [row] = session.scalars(select(DiscountAudit)).all()
    assert (row.scope, row.kind, row.value, row.reason) == ("sale", "percent", 2000, "loyalty")
    assert row.approved_by_id == till.manager.user_id
    assert row.user_id == till.cashier.user_id
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="append-only"):
        uow.session.execute(text("UPDATE discount_audit SET amount_minor = 0"))


def test_a_lowered_price_is_a_discount_with_a_reason(till: Till) -> None:
    code = till.barcode()
    price = till.product(code).price_minor
    view = till.register.scan(till.cashier, code, quantity=2)
    view = till.register.set_price(
        till.cashier,
        view.sale_id,
        view.lines[0].line_id,
        usd(price - 50),
        DiscountReason.PRICE_MATCH,
    )
    line = view.lines[0]
    assert (line.gross, line.discount_total, line.net) == (
        usd(2 * price),
        usd(100),
        usd(2 * price - 100),
    )
    # Raising a price is not a discount: it needs the price-override permission.
    with pytest.raises(PermissionDeniedError):
        till.register.set_price(till.cashier, view.sale_id, line.line_id, usd(price + 100))
    pay_cash(till, view.sale_id)
    till.register.complete(till.cashier, view.sale_id)
    with till.store.read_sessions() as session:
        [row] = session.scalars(select(DiscountAudit)).all()
    assert (row.scope, row.amount_minor, row.reason) == ("price", 100, "price_match")


def test_impossible_discounts_are_refused(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    line = view.lines[0]
    with pytest.raises(SaleError, match="more than 100%"):
        Discount.percent(10_001)
    with pytest.raises(SaleError, match="larger than the line"):
        till.register.set_line_discount(
            till.cashier,
            view.sale_id,
            line.line_id,
            Discount.amount(line.gross.amount + 1),
            approval=till.approval(Permission.DISCOUNT_OVER_THRESHOLD),
        )
    with pytest.raises(SaleError, match="larger than the sale"):
        till.register.set_sale_discount(
            till.cashier,
            view.sale_id,
            Discount.amount(line.gross.amount + 1),
            approval=till.approval(Permission.DISCOUNT_OVER_THRESHOLD),
        )
    assert till.register.view(view.sale_id) == view


def test_a_discount_that_grows_over_the_limit_is_checked_again_at_completion(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode(), quantity=10)
    line = view.lines[0]
    small = line.gross.amount // 20  # 5% of ten: within the 10% limit
    view = till.register.set_line_discount(
        till.cashier, view.sale_id, line.line_id, Discount.amount(small)
    )
    view = till.register.set_quantity(till.cashier, view.sale_id, line.line_id, 1)  # now 50%
    pay_cash(till, view.sale_id)
    with pytest.raises(PermissionDeniedError):
        till.register.complete(till.cashier, view.sale_id)
    done = till.register.complete(
        till.cashier, view.sale_id, approval=till.approval(Permission.DISCOUNT_OVER_THRESHOLD)
    )
    assert done.receipt_number == "R1-000001"


# -- customers and tax exemption ----------------------------------------------------------


def test_a_tax_exempt_customer_pays_no_tax_and_the_receipt_shows_the_certificate(
    till: Till,
) -> None:
    account = till.customer(tax_exempt=True)
    view = till.register.scan(till.cashier, till.barcode())
    assert view.tax.amount > 0
    view = till.register.attach_customer(till.cashier, account, sale_id=view.sale_id)
    assert view.tax == usd(0)
    assert view.customer is not None
    assert view.customer.certificate == "TX-EXEMPT-0042"
    pay_cash(till, view.sale_id)
    done = till.register.complete(till.cashier, view.sale_id)
    receipt = till.register.receipt(done.sale_id)
    assert receipt.customer is not None
    assert receipt.customer.tax_exempt_certificate == "TX-EXEMPT-0042"
    assert receipt.taxes == ()


# -- tenders and completion ---------------------------------------------------------------


def test_split_tender_gives_change_only_from_cash(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode(), quantity=3)
    total = view.total.amount
    with pytest.raises(SaleError, match="only cash gives change"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, usd(total + 1))
    view = till.register.add_tender(
        till.cashier, view.sale_id, TenderKind.CARD, usd(total - 1000), provider="external"
    )
    with pytest.raises(SaleError, match="not fully paid"):
        till.register.complete(till.cashier, view.sale_id)
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, usd(2000))
    assert (view.due, view.change) == (usd(0), usd(1000))
    with pytest.raises(SaleError, match="Nothing is left to pay"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, usd(100))
    done = till.register.complete(till.cashier, view.sale_id)
    assert done.change == usd(1000)
    receipt = till.register.receipt(done.sale_id)
    assert [(t.label, t.amount) for t in receipt.tenders] == [
        ("Card", usd(total - 1000)),
        ("Cash", usd(2000)),
    ]
    assert receipt.change == usd(1000)


def test_completing_writes_everything_in_one_unit_of_work(till: Till) -> None:
    code = till.barcode()
    product = till.product(code)
    before = till.stock.on_hand(product.id, till.device.location_id)
    view = till.register.scan(till.cashier, code, quantity=2)
    pay_cash(till, view.sale_id)
    done = till.register.complete(till.cashier, view.sale_id)
    assert till.stock.on_hand(product.id, till.device.location_id) == before - 2
    with till.store.read_sessions() as session:
        [movement] = session.scalars(
            select(StockMovement).where(StockMovement.reference_id == done.sale_id)
        ).all()
        [event] = session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "sale.completed")
        ).all()
    assert (movement.kind, movement.quantity) == ("sale", -2)
    payload = json.loads(event.payload)
    assert payload["receipt_number"] == "R1-000001"
    assert payload["total"] == view.total.amount
    assert [a.action for a in till.audit("sale.completed")] == ["sale.completed"]
    # A completed sale is never edited: the database refuses, and so does the service.
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="never changed"):
        uow.session.execute(text("UPDATE sale SET total_minor = 1"))
    with till.store.uow() as uow, pytest.raises(DatabaseError, match="never changed"):
        uow.session.execute(text("DELETE FROM sale_line"))
    with pytest.raises(SaleError, match="already completed"):
        till.register.add_tender(till.cashier, done.sale_id, TenderKind.CASH, usd(1))


def test_receipt_numbers_follow_on_per_register(till: Till) -> None:
    numbers = []
    for _ in range(3):
        view = till.register.scan(till.cashier, till.barcode())
        pay_cash(till, view.sale_id)
        numbers.append(till.register.complete(till.cashier, view.sale_id).receipt_number)
    assert numbers == ["R1-000001", "R1-000002", "R1-000003"]
    # A sale that fails to complete takes no number.
    view = till.register.scan(till.cashier, till.barcode())
    with pytest.raises(SaleError):
        till.register.complete(till.cashier, view.sale_id)
    pay_cash(till, view.sale_id)
    assert till.register.complete(till.cashier, view.sale_id).receipt_number == "R1-000004"


def test_an_empty_sale_cannot_be_completed(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    view = till.register.remove_line(till.cashier, view.sale_id, view.lines[0].line_id)
    with pytest.raises(SaleError, match="Add an item"):
        till.register.complete(till.cashier, view.sale_id)


# -- store credit -------------------------------------------------------------------------


def test_store_credit_is_issued_on_a_refund_and_spent_on_a_sale(till: Till) -> None:
    account = till.customer()
    view = till.register.attach_customer(till.cashier, account)
    view = till.register.scan(till.cashier, till.barcode(), sale_id=view.sale_id)
    pay_cash(till, view.sale_id)
    sold = till.register.complete(till.cashier, view.sale_id)
    receipt = till.register.find_receipt(sold.receipt_number)
    assert receipt is not None
    view = till.register.add_return(till.cashier, receipt.lines[0].line_id, 1)
    with pytest.raises(SaleError, match="more than the customer is owed"):
        till.register.add_tender(
            till.cashier, view.sale_id, TenderKind.STORE_CREDIT, usd(view.due.amount - 1)
        )
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.STORE_CREDIT, view.due)
    till.register.complete(till.cashier, view.sale_id)
    credit = till.register.store_credit(account)
    assert credit == sold.total
    # Spend it: no more than the balance.
    view = till.register.attach_customer(till.cashier, account)
    view = till.register.scan(till.cashier, till.barcode(n=2), quantity=5, sale_id=view.sale_id)
    with pytest.raises(SaleError, match="does not have that much store credit"):
        till.register.add_tender(
            till.cashier, view.sale_id, TenderKind.STORE_CREDIT, usd(credit.amount + 1)
        )
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.STORE_CREDIT, credit)
    pay_cash(till, view.sale_id)
    till.register.complete(till.cashier, view.sale_id)
    assert till.register.store_credit(account) == usd(0)
    with till.store.read_sessions() as session:
        amounts = session.scalars(
            select(StoreCreditEntry.amount_minor).order_by(StoreCreditEntry.created_at)
        ).all()
    assert list(amounts) == [credit.amount, -credit.amount]


def test_store_credit_needs_a_customer(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    with pytest.raises(SaleError, match="Attach the customer"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.STORE_CREDIT, usd(100))


# -- hold, resume, void -------------------------------------------------------------------


def test_hold_and_resume(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    till.register.hold(till.cashier, view.sale_id)
    assert till.register.current(till.cashier) is None
    [held] = till.register.held(till.manager)
    assert (held.sale_id, held.held_by, held.lines) == (view.sale_id, "Jamie Chen", 1)
    with pytest.raises(SaleError, match="on hold"):
        till.register.scan(till.cashier, till.barcode(), sale_id=view.sale_id)
    other = till.register.scan(till.manager, till.barcode(n=1))
    with pytest.raises(SaleError, match="Finish or hold"):
        till.register.resume(till.manager, view.sale_id)
    till.register.hold(till.manager, other.sale_id)
    resumed = till.register.resume(till.manager, view.sale_id)
    assert resumed.lines == view.lines
    with pytest.raises(SaleError, match="no longer held"):
        till.register.resume(till.manager, view.sale_id)
    assert [h.sale_id for h in till.register.held(till.manager)] == [other.sale_id]


def test_a_sale_with_payments_cannot_be_held_or_voided_open(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, usd(100))
    with pytest.raises(SaleError, match="Payments are taken"):
        till.register.hold(till.cashier, view.sale_id)
    with pytest.raises(SaleError, match="Payments are taken"):
        till.register.void_open(till.cashier, view.sale_id, "customer left")
    view = till.register.remove_tender(till.cashier, view.sale_id, view.tenders[0].tender_id)
    till.register.void_open(till.cashier, view.sale_id, "customer left")
    with till.store.read_sessions() as session:
        sale = session.get(Sale, view.sale_id)
        assert sale is not None
    assert (sale.status, sale.void_reason, sale.receipt_number) == (
        "voided",
        "customer left",
        None,
    )
    assert till.register.current(till.cashier) is None


def test_voiding_an_open_sale_needs_a_reason(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    with pytest.raises(SaleError, match="Give a reason"):
        till.register.void_open(till.cashier, view.sale_id, "  ")


def test_a_completed_sale_is_voided_the_same_day_with_a_manager(till: Till) -> None:
    code = till.barcode()
    product = till.product(code)
    before = till.stock.on_hand(product.id, till.device.location_id)
    with till.store.read_sessions() as session:
        # What setting up the demo store sent: its rows, and the morning float's drawer.
        demo = session.execute(
            select(OutboxEvent.sequence, OutboxEvent.type).order_by(OutboxEvent.sequence)
        ).all()
    view = till.register.scan(till.cashier, code, quantity=2)
    pay_cash(till, view.sale_id, extra=500)
    done = till.register.complete(till.cashier, view.sale_id)
    with pytest.raises(PermissionDeniedError):
        till.register.void_completed(till.cashier, done.sale_id, "rang up twice")
    approval = till.approval(Permission.VOID)
    void = till.register.void_completed(till.cashier, done.sale_id, "rang up twice", approval)
    assert (void.receipt_number, void.total) == ("R1-000002", -done.total)
    assert till.stock.on_hand(product.id, till.device.location_id) == before
    receipt = till.register.receipt(void.sale_id)
    assert receipt.references == ("Void of R1-000001 — rang up twice",)
    # Cash back is what was kept, not what was handed over before the change.
    assert [t.amount for t in receipt.tenders] == [-done.total]
    with pytest.raises(SaleError, match="already voided"):
        till.register.void_completed(till.cashier, done.sale_id, "again", approval)
    [entry] = till.audit("sale.voided")
    assert entry.approved_by_id == till.manager.user_id
    with till.store.read_sessions() as session:
        events = session.execute(
            select(OutboxEvent.sequence, OutboxEvent.type, OutboxEvent.payload).order_by(
                OutboxEvent.sequence
            )
        ).all()
    # One gapless sequence for the register's events, whatever took the numbers (the demo's
    # morning float opened the drawer first, after the rows of the set-up).
    assert [t for _, t in demo if not t.startswith("record.")] == ["drawer.opened", "stock.moved"]
    last = len(demo)
    assert [(n, t) for n, t, _ in events] == [
        *((n, t) for n, t in demo),
        (last + 1, "sale.completed"),
        (last + 2, "sale.voided"),
    ]
    # Each carries the stock it moved, and nothing else moved stock or changed a record.
    moved = [json.loads(p)["stock_movements"] for _, _, p in events[-2:]]
    assert [[(m["product_id"], m["quantity"]) for m in ms] for ms in moved] == [
        [(str(product.id), -2)],
        [(str(product.id), 2)],
    ]
    with pytest.raises(SaleError, match="was voided"):
        till.register.add_return(till.cashier, receipt_line(till, "R1-000001"), 1)


def receipt_line(till: Till, number: str, index: int = 0) -> object:
    found = till.register.find_receipt(number)
    assert found is not None
    return found.lines[index].line_id


def test_yesterdays_sale_cannot_be_voided(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    pay_cash(till, view.sale_id)
    done = till.register.complete(till.cashier, view.sale_id)
    till.clock.advance(timedelta(days=1))
    with pytest.raises(SaleError, match="not made today"):
        till.register.void_completed(
            till.manager, done.sale_id, "late", till.approval(Permission.VOID)
        )


# -- returns and exchanges ----------------------------------------------------------------


def sell(till: Till, *codes: str, quantity: int = 1) -> str:
    view = till.register.scan(till.cashier, codes[0], quantity=quantity)
    for code in codes[1:]:
        view = till.register.scan(till.cashier, code, quantity=quantity, sale_id=view.sale_id)
    pay_cash(till, view.sale_id)
    return till.register.complete(till.cashier, view.sale_id).receipt_number


def test_a_return_gives_back_what_was_paid_and_restocks(till: Till) -> None:
    code = till.barcode()
    product = till.product(code)
    number = sell(till, code, quantity=3)
    sold = till.register.view(till.register.find_receipt(number).sale_id)  # type: ignore[union-attr]
    on_hand = till.stock.on_hand(product.id, till.device.location_id)
    view = till.register.add_return(till.cashier, receipt_line(till, number), 2)
    assert view.kind == "return"
    assert view.total.amount < 0
    with pytest.raises(SaleError, match="Only one is left"):
        till.register.add_return(till.cashier, receipt_line(till, number), 2, sale_id=view.sale_id)
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    done = till.register.complete(till.cashier, view.sale_id)
    assert till.stock.on_hand(product.id, till.device.location_id) == on_hand + 2
    # The last unit gives back exactly what is left of the original, to the cent.
    view = till.register.add_return(till.cashier, receipt_line(till, number), 1)
    assert done.total + view.total == -sold.total
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    till.register.complete(till.cashier, view.sale_id)
    with pytest.raises(SaleError, match="already been returned"):
        till.register.add_return(till.cashier, receipt_line(till, number), 1)
    receipt = till.register.receipt(done.sale_id)
    assert receipt.references == (f"Return of {number}",)
    assert receipt.title == "Return"


def test_returning_the_same_line_twice_on_one_return_is_refused(till: Till) -> None:
    number = sell(till, till.barcode())
    view = till.register.add_return(till.cashier, receipt_line(till, number), 1)
    with pytest.raises(SaleError, match="already been returned"):
        till.register.add_return(till.cashier, receipt_line(till, number), 1, sale_id=view.sale_id)


def test_a_return_rung_up_twice_at_once_completes_only_once(till: Till) -> None:
    number = sell(till, till.barcode())
    line = receipt_line(till, number)
    first = till.register.add_return(till.cashier, line, 1)
    till.register.hold(till.cashier, first.sale_id)
    second = till.register.add_return(till.cashier, line, 1)
    till.register.add_tender(till.cashier, second.sale_id, TenderKind.CASH, second.due)
    till.register.complete(till.cashier, second.sale_id)
    resumed = till.register.resume(till.cashier, first.sale_id)
    till.register.add_tender(till.cashier, resumed.sale_id, TenderKind.CASH, resumed.due)
    with pytest.raises(SaleError, match="already returned at another register"):
        till.register.complete(till.cashier, resumed.sale_id)


def test_a_refund_goes_back_the_way_it_was_paid_or_as_store_credit(till: Till) -> None:
    number = sell(till, till.barcode())
    view = till.register.add_return(till.cashier, receipt_line(till, number), 1)
    with pytest.raises(SaleError, match="cannot go back as card"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, view.due)
    with pytest.raises(SaleError, match="The store owes the customer"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, -view.due)


def test_a_return_without_a_receipt_is_store_credit_or_cash_with_a_manager(till: Till) -> None:
    code = till.barcode()
    product = till.product(code)
    view = till.register.add_unreceipted_return(till.cashier, product.id, 1)
    assert view.total.amount < 0
    with pytest.raises(PermissionDeniedError):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    view = till.register.add_tender(
        till.cashier,
        view.sale_id,
        TenderKind.CASH,
        view.due,
        approval=till.approval(Permission.REFUND_WITHOUT_RECEIPT),
    )
    # The manager approved the cash back once, at the payout: completing does not ask again.
    done = till.register.complete(till.cashier, view.sale_id)
    assert done.kind == "return"
    [approved] = till.audit("sale.cash_refund_approved")
    assert approved.approved_by_id == till.manager.user_id


def test_an_exchange_is_a_return_and_a_sale_completed_together(till: Till) -> None:
    number = sell(till, till.barcode())
    view = till.register.add_return(till.cashier, receipt_line(till, number), 1)
    view = till.register.scan(till.cashier, till.barcode(n=1), quantity=2, sale_id=view.sale_id)
    assert view.kind == "exchange"
    returned, bought = view.lines
    assert view.total == returned.net + returned.tax + bought.net + bought.tax
    if not view.due.is_zero:  # the customer pays the difference, or gets it back
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    done = till.register.complete(till.cashier, view.sale_id)
    assert done.kind == "exchange"
    with till.store.read_sessions() as session:
        kinds = session.scalars(
            select(StockMovement.kind)
            .where(StockMovement.reference_id == done.sale_id)
            .order_by(StockMovement.kind)
        ).all()
    assert list(kinds) == ["return", "sale"]


def test_a_returned_serialized_unit_is_available_again(till: Till) -> None:
    code = till.barcode(serialized=True)
    product = till.product(code)
    unit = till.units(product.id)[0]
    view = till.register.add_product(till.cashier, product.id, 1, unit.id)
    pay_cash(till, view.sale_id)
    number = till.register.complete(till.cashier, view.sale_id).receipt_number
    view = till.register.add_return(till.cashier, receipt_line(till, number), 1)
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    till.register.complete(till.cashier, view.sale_id)
    assert unit.id in {u.id for u in till.units(product.id)}


def test_a_receipt_is_found_by_its_number_in_any_case(till: Till) -> None:
    number = sell(till, till.barcode())
    assert till.register.find_receipt(number.lower()) is not None
    assert till.register.find_receipt(" r1-1 ") is not None
    assert till.register.find_receipt("R1-999999") is None
    assert till.register.find_receipt("not a receipt") is None
    [summary] = till.register.recent("R1-000001")
    assert summary.receipt_number == number


def test_lines_of_an_open_sale_are_rewritten_but_never_left_orphaned(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    for n in range(1, 6):
        view = till.register.scan(till.cashier, till.barcode(n=n), sale_id=view.sale_id)
    with till.store.read_sessions() as session:
        lines = session.scalar(
            select(func.count()).select_from(SaleLine).where(SaleLine.sale_id == view.sale_id)
        )
    assert lines == 6


def test_a_card_refund_is_capped_at_what_the_card_paid(till: Till) -> None:
    view = till.register.scan(till.cashier, till.barcode(), quantity=2)
    card = view.total.amount // 2
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, usd(card))
    pay_cash(till, view.sale_id)
    number = till.register.complete(till.cashier, view.sale_id).receipt_number
    view = till.register.add_return(till.cashier, receipt_line(till, number), 2)
    with pytest.raises(SaleError, match="more than was paid by card"):
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, usd(-card - 1))
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, usd(-card))
    view = till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
    done = till.register.complete(till.cashier, view.sale_id)
    assert [t.label for t in till.register.receipt(done.sale_id).tenders] == [
        "Refund to card",
        "Refund to cash",
    ]
