"""Changing an open sale's lines, discounts and customer, inside the caller's unit of work.

Every change is checked by the register's rules when the sale is saved
(`sale_state.save` recomputes it); what needs a manager is decided here, with
`core.services.guard.require`, and the approving manager is kept on the line so the
discount audit can name them when the sale completes.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.stock import UnitStatus
from core.errors import quoted
from core.ids import new_id
from core.sales.cart import MAX_LINES, CartLine, check_line_quantity, check_price, price_cut
from core.sales.discounts import Discount, DiscountReason, discount_amount, over_limit
from core.sales.errors import SaleError
from core.services.company_settings import (
    DEFAULT_DISCOUNT_LIMIT_BP,
    DISCOUNT_LIMIT_BP,
    read_int,
)
from core.services.guard import require
from core.services.register_rows import UnitChoice
from core.services.sale_state import SaleState
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import CustomerAccount, InventoryUnit, Product, Sale, SaleLine

__all__ = [
    "NotInCatalogError",
    "UnitNeededError",
    "add_product",
    "attach_customer",
    "check_discount_approvals",
    "live_product",
    "product_line",
    "remove_line",
    "set_line_discount",
    "set_price",
    "set_quantity",
    "set_sale_discount",
]


class NotInCatalogError(SaleError):
    """A scanned or typed code that is no product, SKU or serial number."""

    def __init__(self, code: str) -> None:
        super().__init__(
            f"Nothing in the catalog has the barcode, SKU or serial number {quoted(code)}. "
            "Search for the item by name instead."
        )
        self.code = code


class UnitNeededError(SaleError):
    """A serialized product scanned by its barcode: the cashier must pick the unit."""

    def __init__(self, product_id: uuid.UUID, name: str, units: list[UnitChoice]) -> None:
        if units:
            message = f"{name} is serialized: choose which one is being sold."
        else:
            message = f"{name} is serialized and none is in stock at this store."
        super().__init__(message)
        self.product_id = product_id
        self.product_name = name
        self.units = units


def discount_limit(session: Session, actor: Actor) -> int:
    return read_int(session, actor.company_id, DISCOUNT_LIMIT_BP, DEFAULT_DISCOUNT_LIMIT_BP)


def add_product(
    session: Session,
    state: SaleState,
    actor: Actor,
    product_id: uuid.UUID,
    quantity: int,
    unit_id: uuid.UUID | None,
) -> uuid.UUID:
    check_line_quantity(quantity)
    if len(state.lines) >= MAX_LINES:
        raise SaleError(f"A sale can have at most {MAX_LINES} lines; complete this one first.")
    product = live_product(session, actor, product_id)
    if not product.active:
        raise SaleError(f"{product.name} ({product.sku}) is inactive and cannot be sold.")
    unit = None
    if product.is_serialized:
        if unit_id is None:
            raise UnitNeededError(
                product.id, product.name, available_units(session, actor, product)
            )
        if quantity != 1:
            raise SaleError("A serialized item is sold one unit at a time.")
        unit = _sellable_unit(session, state, actor, product, unit_id)
    elif unit_id is not None:
        raise SaleError(f"{product.name} is not serialized.")
    else:
        merged = _merge_into_existing(state, product.id, quantity)
        if merged is not None:
            return merged
    line = product_line(product, quantity, unit)
    state.lines.append(line)
    return line.line_id


def live_product(session: Session, actor: Actor, product_id: uuid.UUID) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.company_id != actor.company_id or product.deleted_at:
        raise SaleError("That product is no longer in the catalog.")
    return product


def product_line(product: Product, quantity: int, unit: InventoryUnit | None) -> CartLine:
    """A new line for `product` at today's price (negative quantity: taken back)."""
    return CartLine(
        line_id=new_id(),
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        tax_class=product.tax_class,
        quantity=quantity,
        list_price=product.price_minor,
        unit_id=None if unit is None else unit.id,
        serial="" if unit is None else unit.serial_number,
        unit_cost=product.cost_minor if unit is None else unit.cost_minor,
    )


def _merge_into_existing(
    state: SaleState, product_id: uuid.UUID, quantity: int
) -> uuid.UUID | None:
    """Scanning the same item again adds one to its last line, if that line is plain."""
    if not state.lines:
        return None
    index, last = len(state.lines) - 1, state.lines[-1]
    if last.product_id != product_id or last.is_return or last.price is not None:
        return None
    new_quantity = last.quantity + quantity
    check_line_quantity(new_quantity)
    state.lines[index] = replace(last, quantity=new_quantity)
    return last.line_id


def available_units(session: Session, actor: Actor, product: Product) -> list[UnitChoice]:
    rows = session.execute(
        select(InventoryUnit.id, InventoryUnit.serial_number, InventoryUnit.condition)
        .where(
            InventoryUnit.product_id == product.id,
            InventoryUnit.location_id == actor.location_id,
            InventoryUnit.status == UnitStatus.AVAILABLE.value,
        )
        .order_by(InventoryUnit.serial_number)
        .limit(200)
    )
    return [UnitChoice(unit_id, serial, condition) for unit_id, serial, condition in rows]


def _sellable_unit(
    session: Session, state: SaleState, actor: Actor, product: Product, unit_id: uuid.UUID
) -> InventoryUnit:
    unit = session.get(InventoryUnit, unit_id)
    if unit is None or unit.product_id != product.id:
        raise SaleError(f"That unit is not a {product.name}.")
    check_unit_sellable(unit, actor)
    if any(line.unit_id == unit.id and not line.is_return for line in state.lines):
        raise SaleError(f"S/N {unit.serial_number} is already on this sale.")
    if _on_another_open_sale(session, state.row.id, unit.id):
        raise SaleError(f"S/N {unit.serial_number} is on another open or held sale.")
    return unit


_UNIT_STATES = {
    "sold": "already sold",
    "rented": "out on rental",
    "in_repair": "in for repair",
    "retired": "retired",
}


def check_unit_sellable(unit: InventoryUnit, actor: Actor) -> None:
    if unit.status != UnitStatus.AVAILABLE.value:
        status = _UNIT_STATES.get(unit.status, unit.status)
        raise SaleError(f"S/N {unit.serial_number} cannot be sold: it is {status}.")
    if unit.location_id != actor.location_id:
        raise SaleError(f"S/N {unit.serial_number} is at another store; transfer it here first.")


def _on_another_open_sale(session: Session, sale_id: uuid.UUID, unit_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(SaleLine.id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.unit_id == unit_id,
            SaleLine.quantity > 0,
            Sale.status == "open",
            Sale.id != sale_id,
        )
        .limit(1)
    )
    return found is not None


def set_quantity(state: SaleState, line_id: uuid.UUID, quantity: int) -> None:
    index, line = state.line(line_id)
    if line.is_return:
        raise SaleError("Change a returned quantity by removing the line and returning again.")
    check_line_quantity(quantity)
    if line.unit_id is not None and quantity != 1:
        raise SaleError("A serialized item is sold one unit at a time.")
    state.lines[index] = replace(line, quantity=quantity)


def remove_line(state: SaleState, line_id: uuid.UUID) -> None:
    index, _line = state.line(line_id)
    del state.lines[index]


def set_price(
    session: Session,
    state: SaleState,
    actor: Actor,
    line_id: uuid.UUID,
    price: int | None,
    reason: DiscountReason,
    approval: object | None,
) -> None:
    """A manual unit price; lower than the list price it is a discount with a reason."""
    index, line = state.line(line_id)
    if line.is_return:
        raise SaleError("The price of a returned item is what was paid for it.")
    if price is None or price == line.list_price:
        state.lines[index] = replace(line, price=None, price_reason=None, price_approved_by=None)
        return
    check_price(price)
    approved_by = None
    changed = replace(line, price=price, price_reason=reason)
    if price > line.list_price:
        approved_by = require(actor, Permission.PRICE_OVERRIDE, approval)
    else:
        cut = price_cut(changed)
        base = line.list_price * line.quantity
        if over_limit(cut, base, discount_limit(session, actor)):
            approved_by = require(actor, Permission.DISCOUNT_OVER_THRESHOLD, approval)
    state.lines[index] = replace(changed, price_approved_by=approved_by)


def set_line_discount(
    session: Session,
    state: SaleState,
    actor: Actor,
    line_id: uuid.UUID,
    discount: Discount | None,
    approval: object | None,
) -> None:
    index, line = state.line(line_id)
    if line.is_return:
        raise SaleError("A returned item gives back what was paid; it takes no discount.")
    if discount is None:
        state.lines[index] = replace(line, discount=None, discount_approved_by=None)
        return
    base = max(line.list_price, line.unit_price) * line.quantity - price_cut(line)
    amount = discount_amount(discount, base)
    approved_by = None
    if over_limit(
        amount + price_cut(line), line.list_price * line.quantity, discount_limit(session, actor)
    ):
        approved_by = require(actor, Permission.DISCOUNT_OVER_THRESHOLD, approval)
    state.lines[index] = replace(line, discount=discount, discount_approved_by=approved_by)


def set_sale_discount(
    session: Session,
    state: SaleState,
    actor: Actor,
    discount: Discount | None,
    approval: object | None,
) -> None:
    sale = state.row
    if discount is None:
        sale.discount_kind = sale.discount_value = sale.discount_reason = None
        sale.discount_approved_by_id = None
        return
    base = state.totals().sale_discount_base
    if base <= 0:
        raise SaleError("A sale discount needs items sold at a price above zero.")
    amount = discount_amount(discount, base, what="sale")
    approved_by = None
    if over_limit(amount, base, discount_limit(session, actor)):
        approved_by = require(actor, Permission.DISCOUNT_OVER_THRESHOLD, approval)
    sale.discount_kind = str(discount.kind)
    sale.discount_value = discount.value
    sale.discount_reason = str(discount.reason)
    sale.discount_approved_by_id = approved_by


def check_discount_approvals(
    session: Session, state: SaleState, actor: Actor, approval: object | None
) -> None:
    """Before completing: every discount over the limit must carry a manager's approval.

    A discount within the limit when it was given can go over it later (an amount off
    stays put while the quantity drops), so completion checks again.
    """
    sale = state.row
    discounted = any(line.discount or line.price is not None for line in state.lines)
    if not discounted and sale.discount_kind is None:
        return
    limit = discount_limit(session, actor)
    totals = state.totals()
    for index, (line, amounts) in enumerate(zip(state.lines, totals.lines, strict=True)):
        if line.is_return:
            continue
        own = amounts.price_cut + amounts.line_discount
        list_total = line.list_price * line.quantity
        unapproved = line.discount_approved_by is None and line.price_approved_by is None
        if unapproved and over_limit(own, list_total, limit):
            manager = require(actor, Permission.DISCOUNT_OVER_THRESHOLD, approval)
            state.lines[index] = replace(line, discount_approved_by=manager)
    if (
        totals.sale_discount
        and sale.discount_approved_by_id is None
        and over_limit(totals.sale_discount, totals.sale_discount_base, limit)
    ):
        sale.discount_approved_by_id = require(actor, Permission.DISCOUNT_OVER_THRESHOLD, approval)


def attach_customer(
    session: Session, state: SaleState, actor: Actor, account_id: uuid.UUID | None
) -> None:
    sale = state.row
    if account_id is None:
        if any(t.kind == "store_credit" for t in state.tenders):
            raise SaleError("Remove the store-credit payment before taking the customer off.")
        sale.customer_id = None
        sale.tax_exempt_certificate = ""
        state.tax_exempt = False
        return
    account = session.get(CustomerAccount, account_id)
    if account is None or account.company_id != actor.company_id or account.deleted_at:
        raise SaleError("That customer account no longer exists.")
    if state.tenders and account.tax_exempt != state.tax_exempt:
        raise SaleError("Payments are already taken; remove them before changing the tax status.")
    sale.customer_id = account.id
    sale.tax_exempt_certificate = account.tax_exempt_certificate if account.tax_exempt else ""
    state.tax_exempt = account.tax_exempt
