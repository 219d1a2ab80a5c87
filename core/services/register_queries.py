"""Reading sales for the register screen: the sale as shown, held sales, recent receipts."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.money import Money
from core.sales.cart import SaleTotals
from core.sales.numbers import normalise_receipt_number
from core.sales.tenders import balance_due, change_due
from core.services.catalog_reads import like_escape
from core.services.register_complete import store_credit_balance
from core.services.register_rows import (
    CustomerOnSale,
    HeldSale,
    LineView,
    SaleSummary,
    SaleView,
    TenderView,
)
from core.services.sale_state import SaleState
from db.models import CustomerAccount, Sale, SaleLine, User

__all__ = ["held_sales", "recent_sales", "to_view"]


def to_view(session: Session, state: SaleState, totals: SaleTotals) -> SaleView:
    sale = state.row
    currency = sale.currency

    def money(amount: int) -> Money:
        return Money(amount, currency)

    lines = tuple(
        LineView(
            line_id=line.line_id,
            product_id=line.product_id,
            sku=line.sku,
            name=line.name,
            serial=line.serial,
            quantity=line.quantity,
            unit_price=money(line.unit_price),
            list_price=money(line.list_price),
            price_changed=line.price is not None,
            discount=line.discount,
            gross=money(a.gross),
            discount_total=money(a.discount),
            net=money(a.net),
            tax=money(a.tax),
            is_return=line.is_return,
            original_line_id=line.original_line_id,
        )
        for line, a in zip(state.lines, totals.lines, strict=True)
    )
    paid = sum(t.amount for t in state.tenders)
    return SaleView(
        sale_id=sale.id,
        status=sale.status,
        kind=sale.kind,
        lines=lines,
        customer=_customer(session, sale.customer_id, currency),
        sale_discount=state.sale_discount,
        subtotal=money(totals.subtotal),
        discount=money(totals.discount),
        tax=money(totals.tax),
        total=money(totals.total),
        taxes=totals.taxes,
        tenders=tuple(
            TenderView(t.tender_id, t.kind, money(t.amount), t.provider, t.reference)
            for t in state.tenders
        ),
        paid=money(paid),
        due=money(_due(totals.total, state)),
        change=money(change_due(totals.total, state.tenders)),
        notes=sale.notes,
        version=sale.version,
    )


def _due(total: int, state: SaleState) -> int:
    """What is left to take (positive) or to pay back (negative); 0 once settled."""
    due = balance_due(total, state.tenders)
    return max(due, 0) if total >= 0 else min(due, 0)


def _customer(
    session: Session, account_id: uuid.UUID | None, currency: str
) -> CustomerOnSale | None:
    if account_id is None:
        return None
    account = session.get(CustomerAccount, account_id)
    if account is None:
        return None
    return CustomerOnSale(
        account_id=account.id,
        name=account.name,
        account_number=account.account_number,
        tax_exempt=account.tax_exempt,
        certificate=account.tax_exempt_certificate,
        store_credit=Money(store_credit_balance(session, account.id), currency),
    )


def held_sales(session: Session, location_id: uuid.UUID) -> list[HeldSale]:
    line_count = (
        select(func.count()).where(SaleLine.sale_id == Sale.id).correlate(Sale).scalar_subquery()
    )
    rows = session.execute(
        select(Sale, User.display_name, CustomerAccount.name, line_count)
        .join(User, User.id == Sale.held_by_id)
        .outerjoin(CustomerAccount, CustomerAccount.id == Sale.customer_id)
        .where(Sale.location_id == location_id, Sale.status == "open", Sale.held_at.is_not(None))
        .order_by(Sale.held_at)
        .limit(200)
    )
    held = []
    for sale, held_by, customer, lines in rows:
        assert sale.held_at is not None
        held.append(
            HeldSale(
                sale_id=sale.id,
                held_at=sale.held_at,
                held_by=held_by,
                customer=customer or "",
                lines=int(lines),
                total=Money(sale.total_minor, sale.currency),
            )
        )
    return held


def recent_sales(
    session: Session, company_id: uuid.UUID, text: str, limit: int
) -> list[SaleSummary]:
    voids = aliased(Sale)
    voided = select(voids.id).where(voids.reverses_sale_id == Sale.id).exists()
    query = (
        select(Sale, User.display_name, CustomerAccount.name, voided)
        .join(User, User.id == Sale.user_id)
        .outerjoin(CustomerAccount, CustomerAccount.id == Sale.customer_id)
        .where(Sale.company_id == company_id, Sale.status == "completed")
    )
    text = " ".join(text.split())
    if text:
        number = normalise_receipt_number(text)
        pattern = f"%{like_escape(text)}%"
        conditions: list[ColumnElement[bool]] = [CustomerAccount.name.ilike(pattern, escape="\\")]
        conditions.append(Sale.receipt_number.ilike(pattern, escape="\\"))
        if number is not None:
            conditions.append(Sale.receipt_number == number)
        query = query.where(or_(*conditions))
    rows = session.execute(query.order_by(Sale.completed_at.desc()).limit(max(1, min(limit, 500))))
    summaries = []
    for sale, cashier, customer, is_voided in rows:
        assert sale.completed_at is not None
        assert sale.receipt_number is not None
        summaries.append(
            SaleSummary(
                sale_id=sale.id,
                receipt_number=sale.receipt_number,
                kind=sale.kind,
                completed_at=sale.completed_at,
                cashier=cashier,
                customer=customer or "",
                total=Money(sale.total_minor, sale.currency),
                voided=bool(is_voided),
            )
        )
    return summaries
