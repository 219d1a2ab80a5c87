"""Returns: finding the original sale, what is left to return on it, and refund tenders.

A line is returned against the original sale's line (scanned from the receipt's barcode or
found by search), never for more than was sold and not yet returned, counting what is
already on the return being rung up. Without a receipt, an item is refunded at today's price
to store credit, or in cash with a manager's approval.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.stock import UnitStatus
from core.ids import new_id
from core.money import Money
from core.sales.cart import CartLine, check_line_quantity
from core.sales.errors import SaleError
from core.sales.numbers import normalise_receipt_number
from core.sales.returns import SoldLine, return_amounts
from core.sales.tax import LineTax
from core.sales.tenders import TenderKind
from core.services.guard import require
from core.services.register_cart import live_product, product_line
from core.services.register_rows import ReturnableLine, ReturnableSale
from core.services.sale_state import SaleState
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import (
    CustomerAccount,
    InventoryUnit,
    Sale,
    SaleLine,
    SaleLineTax,
    SaleTender,
)

__all__ = [
    "add_return",
    "add_unreceipted_return",
    "card_refundable",
    "find_by_receipt",
    "refund_kinds",
    "returnable",
]

SELLING_KINDS = ("sale", "exchange")


def find_by_receipt(session: Session, company_id: uuid.UUID, text: str) -> Sale | None:
    number = normalise_receipt_number(text)
    if number is None:
        return None
    return session.scalar(
        select(Sale).where(Sale.company_id == company_id, Sale.receipt_number == number)
    )


def returned_quantities(session: Session, line_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Units already returned per original line: by completed returns that were not voided."""
    ids = list(line_ids)
    if not ids:
        return {}
    voided = select(Sale.reverses_sale_id).where(Sale.reverses_sale_id.is_not(None))
    rows = session.execute(
        select(SaleLine.original_line_id, func.sum(-SaleLine.quantity))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.original_line_id.in_(ids),
            Sale.status == "completed",
            Sale.kind != "void",
            Sale.id.not_in(voided),
        )
        .group_by(SaleLine.original_line_id)
    )
    return {line_id: int(total) for line_id, total in rows if line_id is not None}


def is_voided(session: Session, sale_id: uuid.UUID) -> bool:
    return session.scalar(select(Sale.id).where(Sale.reverses_sale_id == sale_id)) is not None


def returnable(session: Session, company_id: uuid.UUID, sale: Sale) -> ReturnableSale:
    if sale.company_id != company_id or sale.status != "completed" or sale.receipt_number is None:
        raise SaleError("That receipt is not a completed sale.")
    lines = session.scalars(
        select(SaleLine)
        .where(SaleLine.sale_id == sale.id, SaleLine.quantity > 0)
        .order_by(SaleLine.position)
    ).all()
    returned = returned_quantities(session, [line.id for line in lines])
    customer = ""
    if sale.customer_id is not None:
        customer = (
            session.scalar(
                select(CustomerAccount.name).where(CustomerAccount.id == sale.customer_id)
            )
            or ""
        )
    assert sale.completed_at is not None
    return ReturnableSale(
        sale_id=sale.id,
        receipt_number=sale.receipt_number,
        completed_at=sale.completed_at,
        customer=customer,
        lines=tuple(
            ReturnableLine(
                line_id=line.id,
                name=line.name,
                sku=line.sku,
                serial=line.serial_number,
                sold=line.quantity,
                returned=returned.get(line.id, 0),
                unit_net=Money(line.net_minor // line.quantity, sale.currency),
            )
            for line in lines
        ),
        voided=is_voided(session, sale.id),
    )


def _sold_line(
    session: Session, actor: Actor, original_line_id: uuid.UUID
) -> tuple[SoldLine, SaleLine, Sale]:
    line = session.get(SaleLine, original_line_id)
    sale = None if line is None else session.get(Sale, line.sale_id)
    if line is None or sale is None or sale.company_id != actor.company_id:
        raise SaleError("That sale line does not exist.")
    if sale.status != "completed" or sale.kind not in SELLING_KINDS or line.quantity <= 0:
        raise SaleError("Only items sold on a completed sale can be returned against it.")
    if is_voided(session, sale.id):
        raise SaleError(f"Sale {sale.receipt_number} was voided; there is nothing to return.")
    taxes = tuple(
        LineTax(t.tax_rate_id, t.name, t.rate_ppm, t.taxable_minor, t.tax_minor)
        for t in session.scalars(select(SaleLineTax).where(SaleLineTax.line_id == line.id))
    )
    sold = SoldLine(
        line_id=line.id,
        quantity=line.quantity,
        gross=line.gross_minor,
        discount=line.gross_minor - line.net_minor,
        net=line.net_minor,
        taxes=taxes,
        returned=returned_quantities(session, [line.id]).get(line.id, 0),
    )
    return sold, line, sale


def add_return(
    session: Session,
    state: SaleState,
    actor: Actor,
    original_line_id: uuid.UUID,
    quantity: int,
    approval: object | None,
) -> uuid.UUID:
    require(actor, Permission.REFUND, approval)
    sold, line, original = _sold_line(session, actor, original_line_id)
    pending = sum(-x.quantity for x in state.lines if x.original_line_id == line.id)
    amounts = return_amounts(sold, quantity, pending)
    if state.row.customer_id is None and original.customer_id is not None:
        # The refund goes to the customer who bought it (store credit needs an account).
        state.row.customer_id = original.customer_id
        state.row.tax_exempt_certificate = original.tax_exempt_certificate
        state.tax_exempt = bool(original.tax_exempt_certificate)
    returned = CartLine(
        line_id=new_id(),
        product_id=line.product_id,
        sku=line.sku,
        name=line.name,
        tax_class=line.tax_class,
        quantity=-quantity,
        list_price=line.list_price_minor,
        unit_id=line.unit_id,
        serial=line.serial_number,
        original_line_id=line.id,
        returned=amounts,
        unit_cost=line.unit_cost_minor,
    )
    state.lines.append(returned)
    return returned.line_id


def add_unreceipted_return(
    session: Session,
    state: SaleState,
    actor: Actor,
    product_id: uuid.UUID,
    quantity: int,
    unit_id: uuid.UUID | None,
    approval: object | None,
) -> uuid.UUID:
    require(actor, Permission.REFUND, approval)
    check_line_quantity(quantity)
    product = live_product(session, actor, product_id)
    unit = None
    if product.is_serialized:
        if unit_id is None or quantity != 1:
            raise SaleError(f"{product.name} is serialized: return one unit, by its serial number.")
        unit = session.get(InventoryUnit, unit_id)
        if unit is None or unit.product_id != product.id:
            raise SaleError(f"That unit is not a {product.name}.")
        if unit.status != UnitStatus.SOLD.value:
            raise SaleError(f"S/N {unit.serial_number} was not sold, so it cannot be returned.")
        if any(x.unit_id == unit.id and x.is_return for x in state.lines):
            raise SaleError(f"S/N {unit.serial_number} is already on this return.")
    elif unit_id is not None:
        raise SaleError(f"{product.name} is not serialized.")
    line = product_line(product, -quantity, unit)
    state.lines.append(line)
    return line.line_id


def refund_kinds(session: Session, state: SaleState) -> tuple[set[TenderKind], bool]:
    """How the customer may be paid back, and whether a line has no receipt.

    Returned with a receipt: the way the original was paid, or store credit. Without one:
    store credit, or cash with a manager's approval.
    """
    originals = {x.original_line_id for x in state.lines if x.is_return and x.original_line_id}
    loose = any(x.is_return and x.original_line_id is None for x in state.lines)
    kinds = {TenderKind.STORE_CREDIT}
    if loose:
        kinds.add(TenderKind.CASH)
    if originals:
        sale_ids = select(SaleLine.sale_id).where(SaleLine.id.in_(originals))
        paid = session.scalars(
            select(SaleTender.kind)
            .where(SaleTender.sale_id.in_(sale_ids), SaleTender.amount_minor > 0)
            .distinct()
        )
        kinds.update(TenderKind(kind) for kind in paid)
    return kinds, loose


def card_refundable(session: Session, state: SaleState) -> int:
    """How much may go back to cards: what the original sales took by card, less what
    earlier returns already paid back to cards."""
    originals = {x.original_line_id for x in state.lines if x.is_return and x.original_line_id}
    if not originals:
        return 0
    sale_ids = list(
        session.scalars(select(SaleLine.sale_id).where(SaleLine.id.in_(originals)).distinct())
    )
    taken = session.scalar(
        select(func.coalesce(func.sum(SaleTender.amount_minor), 0)).where(
            SaleTender.sale_id.in_(sale_ids), SaleTender.kind == TenderKind.CARD.value
        )
    )
    earlier_returns = (
        select(SaleLine.sale_id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.original_line_id.in_(
                select(SaleLine.id).where(SaleLine.sale_id.in_(sale_ids))
            ),
            Sale.status == "completed",
        )
        .distinct()
    )
    refunded = session.scalar(
        select(func.coalesce(func.sum(SaleTender.amount_minor), 0)).where(
            SaleTender.sale_id.in_(earlier_returns),
            SaleTender.kind == TenderKind.CARD.value,
            SaleTender.amount_minor < 0,
        )
    )
    return int(taken or 0) + int(refunded or 0)
