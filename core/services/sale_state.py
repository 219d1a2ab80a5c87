"""Loading an open sale into the register's rules and writing the result back.

Inside a unit of work: `load` reads the sale row, its lines and tenders into a `SaleState`
(core.sales values), the register service changes the state, and `save` recomputes every
amount with `core.sales.cart.compute_totals` and rewrites the lines. Lines of an open sale
are rewritten whole (a new line can move every other line's share of the sale discount and
of the tax); completed sales are never written here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from core.sales.cart import CartLine, LineAmounts, SaleTotals, compute_totals
from core.sales.discounts import Discount, DiscountKind, DiscountReason
from core.sales.errors import SaleError
from core.sales.returns import ReturnAmounts
from core.sales.tax import LineTax, TaxRate
from core.sales.tenders import Tender, TenderKind, change_due
from core.services.tax_rates import rates_for_location
from db.base import table
from db.models import CustomerAccount, Sale, SaleLine, SaleLineTax, SaleTender

__all__ = ["SaleState", "load", "save"]

_LINE = SaleLine.__table__
_TAX = SaleLineTax.__table__
_TENDER = SaleTender.__table__


@dataclass(slots=True)
class SaleState:
    row: Sale
    lines: list[CartLine]
    tenders: list[Tender]
    tender_users: dict[uuid.UUID, tuple[uuid.UUID, datetime]] = field(default_factory=dict)
    tax_exempt: bool = False
    rates: dict[str, list[TaxRate]] = field(default_factory=dict)
    # The lines and taxes as loaded, so `save` can skip rewriting what did not change.
    stored: tuple[object, ...] = ()

    @property
    def sale_discount(self) -> Discount | None:
        row = self.row
        if row.discount_kind is None or row.discount_value is None:
            return None
        return Discount(
            DiscountKind(row.discount_kind),
            row.discount_value,
            DiscountReason(row.discount_reason or DiscountReason.OTHER),
        )

    def totals(self) -> SaleTotals:
        return compute_totals(
            self.lines,
            self.sale_discount,
            self.rates,
            self.row.currency,
            tax_exempt=self.tax_exempt,
        )

    def line(self, line_id: uuid.UUID) -> tuple[int, CartLine]:
        for index, line in enumerate(self.lines):
            if line.line_id == line_id:
                return index, line
        raise SaleError("That line is no longer on the sale.")


def load(session: Session, sale: Sale) -> SaleState:
    lines = session.execute(
        select(_LINE).where(_LINE.c.sale_id == sale.id).order_by(_LINE.c.position)
    ).all()
    returned_ids = {r.id for r in lines if r.original_line_id is not None}
    taxes: dict[uuid.UUID, list[LineTax]] = {}
    tax_rows = session.execute(select(_TAX).where(_TAX.c.sale_id == sale.id)).all() if lines else []
    for t in tax_rows:
        if t.line_id in returned_ids:
            # Stored negated on the returned line; the rules hold them positive.
            taxes.setdefault(t.line_id, []).append(
                LineTax(t.tax_rate_id, t.name, t.rate_ppm, -t.taxable_minor, -t.tax_minor)
            )
    tender_rows = session.execute(
        select(_TENDER).where(_TENDER.c.sale_id == sale.id).order_by(_TENDER.c.created_at)
    ).all()
    state = SaleState(
        row=sale,
        lines=[_cart_line(r, taxes.get(r.id, [])) for r in lines],
        tenders=[
            Tender(t.id, TenderKind(t.kind), t.amount_minor, t.provider, t.reference)
            for t in tender_rows
        ],
        tender_users={t.id: (t.user_id, t.created_at) for t in tender_rows},
        rates=rates_for_location(session, sale.location_id),
        stored=_rows_key([dict(r._mapping) for r in lines], [dict(t._mapping) for t in tax_rows]),
    )
    state.tax_exempt = _exempt(session, sale.customer_id)
    return state


def _rows_key(
    line_rows: list[dict[str, object]], tax_rows: list[dict[str, object]]
) -> tuple[object, ...]:
    """What is on disk for the lines, comparable with what `save` would write."""
    taxes = sorted(tax_rows, key=lambda t: (str(t["line_id"]), str(t["tax_rate_id"])))
    return (
        tuple(tuple(sorted(row.items())) for row in line_rows),
        tuple(tuple(sorted(row.items())) for row in taxes),
    )


def _exempt(session: Session, customer_id: uuid.UUID | None) -> bool:
    if customer_id is None:
        return False
    return bool(
        session.scalar(select(CustomerAccount.tax_exempt).where(CustomerAccount.id == customer_id))
    )


def _cart_line(row: Row[Any], taxes: Sequence[LineTax]) -> CartLine:
    returned = None
    if row.original_line_id is not None:
        gross, net = -row.gross_minor, -row.net_minor
        returned = ReturnAmounts(gross=gross, discount=gross - net, net=net, taxes=tuple(taxes))
    discount = None
    if row.discount_kind is not None:
        discount = Discount(
            DiscountKind(row.discount_kind),
            row.discount_value,
            DiscountReason(row.discount_reason),
        )
    price_reason = row.price_reason
    return CartLine(
        line_id=row.id,
        product_id=row.product_id,
        sku=row.sku,
        name=row.name,
        tax_class=row.tax_class,
        quantity=row.quantity,
        list_price=row.list_price_minor,
        price=row.price_minor,
        price_reason=None if price_reason is None else DiscountReason(price_reason),
        price_approved_by=row.price_approved_by_id,
        discount=discount,
        discount_approved_by=row.discount_approved_by_id,
        unit_id=row.unit_id,
        serial=row.serial_number,
        original_line_id=row.original_line_id,
        returned=returned,
        unit_cost=row.unit_cost_minor,
    )


def save(session: Session, state: SaleState, now: datetime) -> SaleTotals:
    """Recompute and rewrite the open sale; raises SaleError (nothing written) if impossible."""
    totals = state.totals()
    sale = state.row
    line_rows: list[dict[str, object]] = []
    tax_rows: list[dict[str, object]] = []
    for position, (line, amounts) in enumerate(zip(state.lines, totals.lines, strict=True)):
        line_rows.append(_line_row(sale.id, position, line, amounts))
        tax_rows.extend(
            {
                "line_id": line.line_id,
                "tax_rate_id": t.rate_id,
                "sale_id": sale.id,
                "name": t.name,
                "rate_ppm": t.rate_ppm,
                "taxable_minor": t.taxable,
                "tax_minor": t.tax,
            }
            for t in amounts.taxes
        )
    key = _rows_key(line_rows, tax_rows)
    if key != state.stored:
        # Unchanged lines (completing right after the last payment) are not rewritten.
        session.execute(delete(SaleLineTax).where(SaleLineTax.sale_id == sale.id))
        session.execute(delete(SaleLine).where(SaleLine.sale_id == sale.id))
        if line_rows:
            session.execute(insert(table(SaleLine)), line_rows)
        if tax_rows:
            session.execute(insert(table(SaleLineTax)), tax_rows)
        state.stored = key
    sale.subtotal_minor = totals.subtotal
    sale.discount_minor = totals.discount
    sale.tax_minor = totals.tax
    sale.total_minor = totals.total
    sale.change_minor = change_due(totals.total, state.tenders)
    sale.kind = _kind(state.lines)
    sale.updated_at = now
    sale.version += 1
    return totals


def _kind(lines: Sequence[CartLine]) -> str:
    returns = sum(1 for line in lines if line.is_return)
    if returns == 0:
        return "sale"
    return "return" if returns == len(lines) else "exchange"


def _line_row(
    sale_id: uuid.UUID, position: int, line: CartLine, a: LineAmounts
) -> dict[str, object]:
    discount = line.discount
    return {
        "id": line.line_id,
        "sale_id": sale_id,
        "position": position,
        "product_id": line.product_id,
        "unit_id": line.unit_id,
        "sku": line.sku,
        "name": line.name,
        "serial_number": line.serial,
        "tax_class": line.tax_class,
        "quantity": line.quantity,
        "list_price_minor": line.list_price,
        "price_minor": line.price,
        "price_reason": None if line.price_reason is None else str(line.price_reason),
        "price_approved_by_id": line.price_approved_by,
        "discount_kind": None if discount is None else str(discount.kind),
        "discount_value": None if discount is None else discount.value,
        "discount_reason": None if discount is None else str(discount.reason),
        "discount_approved_by_id": line.discount_approved_by,
        "original_line_id": line.original_line_id,
        "gross_minor": a.gross,
        "price_cut_minor": a.price_cut,
        "line_discount_minor": a.line_discount,
        "sale_discount_minor": a.sale_discount,
        "net_minor": a.net,
        "tax_minor": a.tax,
        "unit_cost_minor": line.unit_cost,
    }
