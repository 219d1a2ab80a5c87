"""Serialized units: adding one (with its receive movement) and retiring one.

A serialized product's stock is its units in the store, so every unit change posts the
matching ±1 movement in the same unit of work: the ledger and the units never disagree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.catalog.products import CatalogError, check_amount
from core.catalog.stock import (
    AdjustmentReason,
    MovementKind,
    StockError,
    UnitCondition,
    UnitStatus,
    check_condition,
    check_note,
    check_reason,
    check_serial_number,
    movement_reason,
)
from core.errors import quoted
from core.ids import new_id
from core.money import Money
from core.services import audit
from core.services.company_rows import company_currency, owned_location, owned_product
from core.services.stock_ledger import Posting, post_movement
from core.services.stock_value import post_adjustment, post_receipt
from core.staff.actor import Actor
from db.models import InventoryUnit
from db.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class NewUnit:
    product_id: uuid.UUID
    serial_number: str
    condition: UnitCondition | str
    cost: Money
    location_id: uuid.UUID


def add_unit(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    new: NewUnit,
    approved_by: uuid.UUID | None,
) -> uuid.UUID:
    session = uow.session
    serial = check_serial_number(new.serial_number)
    condition = check_condition(new.condition)
    currency = company_currency(session, actor.company_id)
    if new.cost.currency != currency:
        raise CatalogError(f"Costs are in {currency}, not {new.cost.currency}.")
    cost = check_amount(new.cost, "cost")
    product = owned_product(session, actor.company_id, new.product_id)
    location = owned_location(session, actor.company_id, new.location_id)
    if not product.is_serialized:
        raise StockError(
            f"{product.name} is not serialized; receive it by quantity instead of by unit."
        )
    clash = session.scalar(
        select(InventoryUnit.status).where(
            InventoryUnit.product_id == product.id, InventoryUnit.serial_number == serial
        )
    )
    if clash is not None:
        raise StockError(
            f"{product.name} already has a unit with serial number {quoted(serial)} "
            f"(status: {clash.replace('_', ' ')})."
        )
    unit = InventoryUnit(
        id=new_id(),
        company_id=actor.company_id,
        product_id=product.id,
        location_id=location.id,
        serial_number=serial,
        condition=condition.value,
        status=UnitStatus.AVAILABLE.value,
        cost_minor=cost.amount,
        notes="",
        version=1,
        created_at=at,
        updated_at=at,
    )
    session.add(unit)
    # The unit row must exist before the movement that references it.
    session.flush()
    post_movement(
        session,
        actor,
        at,
        Posting(
            location.id,
            product.id,
            MovementKind.RECEIVE,
            1,
            reference_type="inventory_unit",
            reference_id=unit.id,
            unit_id=unit.id,
            unit_cost_minor=cost.amount,
        ),
    )
    post_receipt(
        session,
        actor,
        at,
        [(1, cost.amount)],
        source_type="inventory_unit",
        source_id=unit.id,
        reference=f"S/N {serial}",
    )
    audit.record(
        uow,
        actor,
        at,
        "unit.add",
        "inventory_unit",
        unit.id,
        after={
            "product_id": str(product.id),
            "serial_number": serial,
            "condition": condition.value,
            "cost_minor": cost.amount,
            "location_id": str(location.id),
        },
        approved_by=approved_by,
    )
    return unit.id


def retire_unit(
    uow: SqlUnitOfWork,
    actor: Actor,
    at: datetime,
    unit_id: uuid.UUID,
    reason: AdjustmentReason | str,
    note: str,
    approved_by: uuid.UUID | None,
) -> None:
    """Only a unit in stock can be retired: a sold or rented unit already left the shelf,
    and retiring it would take a second unit off the count."""
    session = uow.session
    checked_reason = check_reason(reason)
    note = check_note(note)
    unit = session.get(InventoryUnit, unit_id)
    if unit is None or unit.company_id != actor.company_id:
        raise StockError("That unit does not exist; reload the product.")
    product = owned_product(session, actor.company_id, unit.product_id, deleted_ok=True)
    if unit.status != UnitStatus.AVAILABLE:
        raise StockError(
            f"{product.name} serial {quoted(unit.serial_number)} is "
            f"{unit.status.replace('_', ' ')}; only a unit in stock can be retired."
        )
    unit.status = UnitStatus.RETIRED.value
    unit.version += 1
    unit.updated_at = at
    why = movement_reason(checked_reason, note)
    post_movement(
        session,
        actor,
        at,
        Posting(
            unit.location_id,
            product.id,
            MovementKind.ADJUSTMENT,
            -1,
            reason=why,
            reference_type="inventory_unit",
            reference_id=unit.id,
            unit_id=unit.id,
            unit_cost_minor=unit.cost_minor,
        ),
    )
    post_adjustment(
        session,
        actor,
        at,
        [(-1, unit.cost_minor)],
        source_type="inventory_unit",
        source_id=unit.id,
        reason=why,
    )
    audit.record(
        uow,
        actor,
        at,
        "unit.retire",
        "inventory_unit",
        unit.id,
        before={"status": UnitStatus.AVAILABLE.value},
        after={"status": UnitStatus.RETIRED.value},
        reason=why,
        approved_by=approved_by,
    )
