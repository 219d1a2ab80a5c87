"""Completing a sale, and voiding a completed one, each as one unit of work.

Completing writes, in the caller's transaction: the recomputed lines, the receipt number
(the register's next, from `device_counter`), stock movements or unit status changes,
store-credit entries, the journal entry, the discount audit, an audit row and the outbox
event. Cash needs an open drawer session on the register; the sale records it. Either all of
it commits or none of it does, so after a crash the sale is wholly there or wholly open,
and the receipt number was taken only if the sale was.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.catalog.stock import MovementKind, UnitStatus
from core.clock import to_store_time
from core.ids import new_id
from core.money import Money
from core.sales.cart import CartLine, SaleTotals
from core.sales.errors import SaleError
from core.sales.numbers import format_receipt_number
from core.sales.tenders import TenderKind, check_fully_paid
from core.services import audit, journal, outbox
from core.services.counters import next_values
from core.services.guard import require
from core.services.register_cart import check_discount_approvals, check_unit_sellable
from core.services.register_returns import is_voided, refund_kinds, returned_quantities
from core.services.register_rows import CompletedSale
from core.services.sale_ledger import cash_moved, post_sale, post_void, require_drawer
from core.services.sale_payload import sale_payload
from core.services.sale_state import SaleState, save
from core.services.stock_ledger import Posting, post_movements
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.base import table
from db.models import (
    AuditEntry,
    Device,
    DiscountAudit,
    InventoryUnit,
    Location,
    Sale,
    SaleLine,
    SaleLineTax,
    SaleTender,
    StoreCreditEntry,
)
from db.uow import SqlUnitOfWork

__all__ = ["CASH_REFUND_APPROVED", "complete", "store_credit_balance", "void_completed"]

CASH_REFUND_APPROVED = "sale.cash_refund_approved"


def store_credit_balance(session: Session, account_id: uuid.UUID) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(StoreCreditEntry.amount_minor), 0)).where(
            StoreCreditEntry.account_id == account_id
        )
    )
    return int(total or 0)


def complete(
    uow: SqlUnitOfWork, state: SaleState, actor: Actor, now: datetime, approval: object | None
) -> CompletedSale:
    session = uow.session
    sale = state.row
    if sale.held_at is not None:
        raise SaleError("Resume the held sale before completing it.")
    if not state.lines:
        raise SaleError("Add an item before completing the sale.")
    check_discount_approvals(session, state, actor, approval)
    _check_returns_still_open(session, state)
    # One UPDATE of the sale row at the end, not one per statement that autoflushes.
    with session.no_autoflush:
        totals = save(session, state, now)
        check_fully_paid(totals.total, state.tenders)
        _check_refund_tenders(session, state, actor, approval)
        credit = _store_credit_change(session, state)
        _move_stock(session, state, actor, now)
        cash = cash_moved(state.tenders, sale.change_minor) != 0
        sale.drawer_session_id = require_drawer(session, actor.device_id, cash)
        sale.receipt_number, sale.receipt_seq, event_sequence = _next_receipt_number(session, actor)
        sale.business_date = journal.business_date(session, actor.location_id, now)
        sale.status = "completed"
        sale.completed_at = now
        sale.user_id = actor.user_id
        sale.device_id = actor.device_id
        sale.updated_at = now
    session.flush()
    post_sale(session, actor, now, state, totals, sale.business_date)
    _write_discount_audit(session, state, totals, actor, now)
    if credit:
        _add_credit(session, actor, sale, credit, now, "store credit on sale")
    audit.record(
        uow,
        actor,
        now,
        "sale.completed",
        "sale",
        sale.id,
        after={"receipt": sale.receipt_number, "kind": sale.kind, "total": totals.total},
        approved_by=sale.discount_approved_by_id,
    )
    payload = sale_payload(state, totals)
    outbox.emit(uow, actor.device_id, "sale.completed", payload, now, sequence=event_sequence)
    return CompletedSale(
        sale.id,
        sale.receipt_number,
        sale.kind,
        Money(totals.total, sale.currency),
        Money(sale.change_minor, sale.currency),
        opens_drawer=any(t.kind is TenderKind.CASH for t in state.tenders) or sale.change_minor > 0,
    )


def _check_returns_still_open(session: Session, state: SaleState) -> None:
    """Another register may have taken a return on the same receipt since it was rung up."""
    ours: dict[uuid.UUID, int] = {}
    for line in state.lines:
        if line.original_line_id is not None:
            ours[line.original_line_id] = ours.get(line.original_line_id, 0) - line.quantity
    if not ours:
        return
    done = returned_quantities(session, ours)
    sold = dict(
        session.execute(select(SaleLine.id, SaleLine.quantity).where(SaleLine.id.in_(ours))).all()
    )
    for line_id, quantity in ours.items():
        if done.get(line_id, 0) + quantity > sold[line_id]:
            raise SaleError(
                "Part of this return was already returned at another register; "
                "remove the returned line and look the receipt up again."
            )


def _check_refund_tenders(
    session: Session, state: SaleState, actor: Actor, approval: object | None
) -> None:
    payouts = [t for t in state.tenders if t.amount < 0]
    if not payouts:
        return
    kinds, loose = refund_kinds(session, state)
    for tender in payouts:
        if tender.kind not in kinds:
            raise SaleError(
                f"This refund cannot go back as {tender.kind.label.lower()}: "
                "refund the way the sale was paid, or as store credit."
            )
        if loose and tender.kind is TenderKind.CASH and not _cash_refund_approved(session, state):
            require(actor, Permission.REFUND_WITHOUT_RECEIPT, approval)


def _cash_refund_approved(session: Session, state: SaleState) -> bool:
    """A manager approved cash back on this sale when the payout was added."""
    found = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.entity_type == "sale",
            AuditEntry.entity_id == state.row.id,
            AuditEntry.action == CASH_REFUND_APPROVED,
            AuditEntry.approved_by_id.is_not(None),
        )
        .limit(1)
    )
    return found is not None


def _store_credit_change(session: Session, state: SaleState) -> int:
    """Store credit issued (positive) or spent (negative) by the tenders; checked."""
    change = -sum(t.amount for t in state.tenders if t.kind is TenderKind.STORE_CREDIT)
    if change == 0:
        return 0
    customer_id = state.row.customer_id
    if customer_id is None:
        raise SaleError("Attach the customer's account to use or give store credit.")
    if change < 0 and store_credit_balance(session, customer_id) + change < 0:
        raise SaleError("The customer does not have that much store credit.")
    return change


def _move_stock(session: Session, state: SaleState, actor: Actor, now: datetime) -> None:
    sale = state.row
    postings = []
    for line in state.lines:
        if line.product_id is None:
            continue
        if line.unit_id is not None:
            _move_unit(session, actor, line)
        postings.append(
            Posting(
                actor.location_id,
                line.product_id,
                MovementKind.RETURN if line.is_return else MovementKind.SALE,
                -line.quantity,
                reference_type="sale",
                reference_id=sale.id,
                unit_id=line.unit_id,
                unit_cost_minor=line.unit_cost,
            )
        )
    post_movements(session, actor, now, postings)


def _move_unit(session: Session, actor: Actor, line: CartLine) -> None:
    unit = session.get(InventoryUnit, line.unit_id)
    assert unit is not None
    if line.is_return:
        if unit.status != UnitStatus.SOLD.value:
            raise SaleError(f"S/N {unit.serial_number} is not sold, so it cannot come back.")
        unit.status = UnitStatus.AVAILABLE.value
        unit.location_id = actor.location_id
    else:
        check_unit_sellable(unit, actor)
        unit.status = UnitStatus.SOLD.value
    unit.version += 1


# A register's prefix never changes once it is set up, so it is read once per device.
_PREFIXES: dict[uuid.UUID, str] = {}


def _next_receipt_number(session: Session, actor: Actor) -> tuple[str, int, int]:
    """The register's next receipt number (text and number), and its next outbox sequence."""
    prefix = _PREFIXES.get(actor.device_id)
    if prefix is None:
        prefix = session.scalar(select(Device.prefix).where(Device.id == actor.device_id))
        if prefix is None:
            raise SaleError("This register is not set up.")
        _PREFIXES[actor.device_id] = prefix
    receipt, event = next_values(session, actor.device_id, "receipt", "outbox")
    return format_receipt_number(prefix, receipt), receipt, event


def _write_discount_audit(
    session: Session, state: SaleState, totals: SaleTotals, actor: Actor, now: datetime
) -> None:
    sale = state.row
    base = {
        "company_id": actor.company_id,
        "location_id": actor.location_id,
        "sale_id": sale.id,
        "user_id": actor.user_id,
        "created_at": now,
    }
    rows: list[dict[str, object]] = []
    for line, amounts in zip(state.lines, totals.lines, strict=True):
        if amounts.price_cut and line.price is not None:
            reason = str(line.price_reason or "price_change")
            rows.append(
                base
                | {"line_id": line.line_id, "scope": "price", "kind": "amount"}
                | {"value": line.price, "amount_minor": amounts.price_cut, "reason": reason}
                | {"approved_by_id": line.price_approved_by}
            )
        if amounts.line_discount and line.discount is not None and not line.is_return:
            rows.append(
                base
                | {"line_id": line.line_id, "scope": "line", "kind": str(line.discount.kind)}
                | {"value": line.discount.value, "amount_minor": amounts.line_discount}
                | {"reason": str(line.discount.reason)}
                | {"approved_by_id": line.discount_approved_by}
            )
    discount = state.sale_discount
    if totals.sale_discount and discount is not None:
        rows.append(
            base
            | {"line_id": None, "scope": "sale", "kind": str(discount.kind)}
            | {"value": discount.value, "amount_minor": totals.sale_discount}
            | {"reason": str(discount.reason), "approved_by_id": sale.discount_approved_by_id}
        )
    for row in rows:
        row["id"] = new_id()
    if rows:
        session.execute(insert(table(DiscountAudit)), rows)


def _add_credit(
    session: Session, actor: Actor, sale: Sale, amount: int, now: datetime, reason: str
) -> None:
    assert sale.customer_id is not None
    session.add(
        StoreCreditEntry(
            id=new_id(),
            company_id=actor.company_id,
            account_id=sale.customer_id,
            amount_minor=amount,
            sale_id=sale.id,
            user_id=actor.user_id,
            reason=reason,
            created_at=now,
        )
    )


def void_completed(
    uow: SqlUnitOfWork,
    actor: Actor,
    original: Sale,
    reason: str,
    now: datetime,
    approval: object | None,
) -> CompletedSale:
    """A same-day void: a new completed sale of kind 'void' that reverses every row."""
    session = uow.session
    approved_by = require(actor, Permission.VOID, approval)
    _check_voidable(session, actor, original, now)
    lines = session.scalars(
        select(SaleLine).where(SaleLine.sale_id == original.id).order_by(SaleLine.position)
    ).all()
    if any(returned_quantities(session, [line.id for line in lines]).values()):
        raise SaleError("Items on this sale were returned; return the rest instead of voiding.")
    receipt_number, receipt_seq, event_sequence = _next_receipt_number(session, actor)
    day = journal.business_date(session, actor.location_id, now)
    # The cash goes back out of this register's drawer, which must be open.
    cash = session.scalar(
        select(func.coalesce(func.sum(SaleTender.amount_minor), 0)).where(
            SaleTender.sale_id == original.id, SaleTender.kind == TenderKind.CASH.value
        )
    )
    drawer = require_drawer(session, actor.device_id, (cash or 0) - original.change_minor != 0)
    void = Sale(
        id=new_id(),
        company_id=original.company_id,
        location_id=actor.location_id,
        device_id=actor.device_id,
        status="completed",
        kind="void",
        currency=original.currency,
        receipt_number=receipt_number,
        user_id=actor.user_id,
        customer_id=original.customer_id,
        tax_exempt_certificate=original.tax_exempt_certificate,
        subtotal_minor=-original.subtotal_minor,
        discount_minor=-original.discount_minor,
        tax_minor=-original.tax_minor,
        total_minor=-original.total_minor,
        change_minor=0,
        completed_at=now,
        receipt_seq=receipt_seq,
        business_date=day,
        drawer_session_id=drawer,
        void_reason=reason,
        reverses_sale_id=original.id,
        approved_by_id=approved_by,
        created_at=now,
        updated_at=now,
    )
    session.add(void)
    session.flush()
    _reverse_lines(session, actor, void, lines, now)
    _reverse_tenders(session, actor, original, void, now)
    post_void(session, actor, now, original, void, day)
    audit.record(
        uow,
        actor,
        now,
        "sale.voided",
        "sale",
        original.id,
        before={"receipt": original.receipt_number, "total": original.total_minor},
        after={"void_receipt": void.receipt_number},
        reason=reason,
        approved_by=approved_by,
    )
    payload = {
        "sale_id": str(void.id),
        "reverses_sale_id": str(original.id),
        "receipt_number": void.receipt_number,
        "reason": reason,
        "user_id": str(actor.user_id),
    }
    outbox.emit(uow, actor.device_id, "sale.voided", payload, now, sequence=event_sequence)
    assert void.receipt_number is not None
    return CompletedSale(
        void.id,
        void.receipt_number,
        "void",
        Money(void.total_minor, void.currency),
        Money(0, void.currency),
    )


def _check_voidable(session: Session, actor: Actor, original: Sale, now: datetime) -> None:
    if original.company_id != actor.company_id or original.status != "completed":
        raise SaleError("Only a completed sale can be voided this way.")
    if original.kind == "void":
        raise SaleError("A void cannot itself be voided.")
    if is_voided(session, original.id):
        raise SaleError(f"Sale {original.receipt_number} is already voided.")
    timezone = session.scalar(select(Location.timezone).where(Location.id == original.location_id))
    assert original.completed_at is not None
    assert timezone is not None
    if to_store_time(original.completed_at, timezone).date() != to_store_time(now, timezone).date():
        raise SaleError(
            f"Sale {original.receipt_number} was not made today; take a return instead of a void."
        )


def _reverse_lines(
    session: Session, actor: Actor, void: Sale, originals: Sequence[SaleLine], now: datetime
) -> None:
    taxes = session.scalars(
        select(SaleLineTax).where(SaleLineTax.line_id.in_([line.id for line in originals]))
    ).all()
    ids = {line.id: new_id() for line in originals}
    line_rows = [
        {
            "id": ids[line.id],
            "sale_id": void.id,
            "position": line.position,
            "product_id": line.product_id,
            "unit_id": line.unit_id,
            "sku": line.sku,
            "name": line.name,
            "serial_number": line.serial_number,
            "tax_class": line.tax_class,
            "quantity": -line.quantity,
            "list_price_minor": line.list_price_minor,
            "price_minor": line.price_minor,
            "original_line_id": line.id,
            "gross_minor": -line.gross_minor,
            "price_cut_minor": -line.price_cut_minor,
            "line_discount_minor": -line.line_discount_minor,
            "sale_discount_minor": -line.sale_discount_minor,
            "net_minor": -line.net_minor,
            "tax_minor": -line.tax_minor,
            "unit_cost_minor": line.unit_cost_minor,
        }
        for line in originals
    ]
    session.execute(insert(table(SaleLine)), line_rows)
    tax_rows = [
        {
            "line_id": ids[t.line_id],
            "tax_rate_id": t.tax_rate_id,
            "sale_id": void.id,
            "name": t.name,
            "rate_ppm": t.rate_ppm,
            "taxable_minor": -t.taxable_minor,
            "tax_minor": -t.tax_minor,
        }
        for t in taxes
    ]
    if tax_rows:
        session.execute(insert(table(SaleLineTax)), tax_rows)
    postings = []
    for line in originals:
        if line.product_id is None:
            continue
        if line.unit_id is not None:
            unit = session.get(InventoryUnit, line.unit_id)
            assert unit is not None
            unit.status = (UnitStatus.AVAILABLE if line.quantity > 0 else UnitStatus.SOLD).value
            unit.version += 1
        postings.append(
            Posting(
                void.location_id,
                line.product_id,
                MovementKind.RETURN if line.quantity > 0 else MovementKind.SALE,
                line.quantity,
                reason="void",
                reference_type="sale",
                reference_id=void.id,
                unit_id=line.unit_id,
                unit_cost_minor=line.unit_cost_minor,
            )
        )
    post_movements(session, actor, now, postings)


def _reverse_tenders(
    session: Session, actor: Actor, original: Sale, void: Sale, now: datetime
) -> None:
    tenders = session.scalars(select(SaleTender).where(SaleTender.sale_id == original.id)).all()
    change = original.change_minor
    credit = 0
    for tender in tenders:
        amount = -tender.amount_minor
        if tender.kind == TenderKind.CASH and change and amount < 0:
            # The change already went back to the customer: reverse only the cash kept.
            taken_back = min(change, -amount)
            amount += taken_back
            change -= taken_back
        if amount == 0:
            continue
        if tender.kind == TenderKind.STORE_CREDIT:
            credit -= amount  # a payout in store credit gives the credit back
        session.add(
            SaleTender(
                id=new_id(),
                sale_id=void.id,
                kind=tender.kind,
                amount_minor=amount,
                provider=tender.provider,
                reference=tender.reference,
                user_id=actor.user_id,
                created_at=now,
            )
        )
    if credit:
        _add_credit(session, actor, void, credit, now, f"void of {original.receipt_number}")
