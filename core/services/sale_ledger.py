"""The register's side of the books: a completed sale's journal entry and its drawer.

Completing a sale (or a same-day void) posts its entry in the same unit of work, from the
same figures the receipt shows (`core.ledger.postings.sale_entry`). Cash only moves through
an open drawer session on the register that takes it, and the sale records that session,
so the drawer's expected cash is the sum of its own sales' cash.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.ledger.journal import EntryKind
from core.ledger.postings import (
    SaleFigures,
    SaleLineFigures,
    TaxFigure,
    TenderFigure,
    sale_entry,
    void_entry,
)
from core.sales.cart import SaleTotals
from core.sales.errors import SaleError
from core.sales.tenders import Tender, TenderKind
from core.services import journal
from core.services.sale_state import SaleState
from core.staff.actor import Actor
from db.models import Sale

__all__ = ["NO_DRAWER", "cash_moved", "open_drawer_id", "post_sale", "post_void", "require_drawer"]

NO_DRAWER = (
    "The cash drawer is not open on this register. Open it with a counted float "
    "(Drawer, Open drawer) before taking or paying back cash."
)


# Plain SQL: this runs on every cash tender and every completion, where the ORM's
# statement and result handling cost more than the indexed lookup itself.
_OPEN_DRAWER = text("SELECT id FROM drawer_session WHERE device_id = :device AND status = 'open'")


def open_drawer_id(session: Session, device_id: uuid.UUID) -> uuid.UUID | None:
    found = session.execute(_OPEN_DRAWER, {"device": device_id.bytes}).scalar()
    return uuid.UUID(bytes=found) if found is not None else None


def cash_moved(tenders: list[Tender] | tuple[Tender, ...], change: int) -> int:
    return sum(t.amount for t in tenders if t.kind is TenderKind.CASH) - change


def require_drawer(session: Session, device_id: uuid.UUID, cash: bool) -> uuid.UUID | None:
    """The open session to record on the sale; an error if cash moves and none is open."""
    drawer = open_drawer_id(session, device_id)
    if cash and drawer is None:
        raise SaleError(NO_DRAWER)
    return drawer


def post_sale(
    session: Session,
    actor: Actor,
    at: datetime,
    state: SaleState,
    totals: SaleTotals,
    day: date,
) -> None:
    sale = state.row
    lines = tuple(
        SaleLineFigures(
            quantity=line.quantity,
            gross=amounts.gross,
            price_cut=amounts.price_cut,
            line_discount=amounts.line_discount,
            sale_discount=amounts.sale_discount,
            net=amounts.net,
            taxes=tuple(TaxFigure(t.name, t.tax) for t in amounts.taxes),
            unit_cost=line.unit_cost or 0,
            stocked=line.product_id is not None,
        )
        for line, amounts in zip(state.lines, totals.lines, strict=True)
    )
    tenders = tuple(TenderFigure(str(t.kind), t.amount) for t in state.tenders)
    assert sale.receipt_number is not None
    figures = SaleFigures(sale.receipt_number, lines, tenders, sale.change_minor)
    journal.post(
        session,
        actor,
        at,
        sale_entry(figures),
        source_type="sale",
        source_id=sale.id,
        currency=sale.currency,
        day=day,
    )


def post_void(
    session: Session, actor: Actor, at: datetime, original: Sale, void: Sale, day: date
) -> None:
    """The exact reverse of the original's entry, linked to it."""
    found = journal.entry_draft(session, "sale", original.id, EntryKind.SALE)
    if found is None:
        # Sold before the books were kept: there is nothing to reverse.
        return
    entry_id, draft = found
    assert void.receipt_number is not None
    assert original.receipt_number is not None
    journal.post(
        session,
        actor,
        at,
        void_entry(draft, void.receipt_number, original.receipt_number),
        source_type="sale",
        source_id=void.id,
        currency=void.currency,
        day=day,
        reverses=entry_id,
    )
