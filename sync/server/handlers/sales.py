"""`sale.completed` and `sale.voided`: a completed sale is a fact, never refused.

Whatever is odd about a sale is flagged for review and the sale is still stored and counted:
it names another company or store (stored under the device's own), amounts that cannot be
read (stored as 0), a product the server does not know, a clock far off (the sale keeps its
place in the sequence: nothing is ever ordered by a device clock), the same sale under two
events (counted once). A sale's stock movements are stored like `stock.moved`, except that a
movement naming a store of another company is counted at the register's own store, flagged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sync.protocol import OutboxEventIn
from sync.server.handlers import upgrade
from sync.server.handlers.known import StoredSale, Wanted
from sync.server.handlers.payload import as_dict, as_int, as_list, as_text, as_time, as_uuid
from sync.server.handlers.scope import EventScope
from sync.server.handlers.stock import Movement, read_movement, stage_movement

# A completed_at further ahead of the server's clock, or further back, is flagged.
CLOCK_AHEAD = timedelta(minutes=10)
CLOCK_BEHIND = timedelta(days=400)
AMOUNTS = ("subtotal", "discount", "tax", "total")


def wants_completed(event: OutboxEventIn, payload: dict[str, Any], wanted: Wanted) -> None:
    sale_id = as_uuid(payload.get("sale_id"))
    if sale_id is not None:
        wanted.sales.add(sale_id)
    for line in as_list(payload.get("lines")):
        product_id = as_uuid((as_dict(line) or {}).get("product_id"))
        if product_id is not None:
            wanted.records.add(("product", product_id))


def wants_voided(event: OutboxEventIn, payload: dict[str, Any], wanted: Wanted) -> None:
    target = _voided_sale_id(payload)
    if target is not None:
        wanted.sales.add(target)


def apply_completed(scope: EventScope) -> None:
    payload = scope.payload
    sale_id = as_uuid(payload.get("sale_id"))
    if sale_id is None:
        sale_id = upgrade.derived_id("sale", scope.event.id, "")
        scope.flag("The sale has no readable id; it was stored under one made from its event.")
    existing = scope.sale(sale_id)
    if existing is not None and existing.company_id != scope.company_id:
        sale_id = upgrade.derived_id("sale", scope.company_id, sale_id)
        scope.flag("The sale's id is used by another company; it was stored under a new id.")
        existing = scope.sale(sale_id)
    _check_names(scope)
    amounts = {name: as_int(payload.get(name)) for name in AMOUNTS}
    unreadable = [name for name, value in amounts.items() if value is None]
    if unreadable:
        scope.flag(f"The sale's {', '.join(unreadable)} could not be read; stored as 0.")
    currency = as_text(payload.get("currency"), 3)
    if currency != scope.known.currency:
        scope.flag(
            f"The sale is in {currency or 'no currency'}; the company counts in "
            f"{scope.known.currency}."
        )
    completed_at = _check_time(scope)
    _check_lines(scope)
    if existing is not None:
        scope.flag("This sale was received twice under different events; it is counted once.")
    movements = _movements(
        scope, lambda: upgrade.sale_movements(payload, scope.known.location_id, sale_id)
    )
    for movement in movements:
        stage_movement(scope, movement)
    if existing is not None:
        return
    scope.put_sale(sale_id, StoredSale(scope.company_id, False, payload))
    scope.writes.sales.append(
        {
            "id": sale_id,
            "company_id": scope.company_id,
            "location_id": scope.known.location_id,
            "device_id": scope.device_id,
            "receipt_number": as_text(payload.get("receipt_number"), 40) or "",
            "kind": as_text(payload.get("kind"), 20) or "sale",
            "currency": (currency or scope.known.currency)[:3],
            **{name: value or 0 for name, value in amounts.items()},
            "completed_at": completed_at,
            "voided_at": None,
            "payload": payload,
            "flags": scope.flags,
            "event_id": scope.event.id,
        }
    )


def apply_voided(scope: EventScope) -> None:
    payload = scope.payload
    target = _voided_sale_id(payload)
    sale = scope.sale(target) if target is not None else None
    if target is None or sale is None or sale.company_id != scope.company_id:
        scope.flag("This void names a sale the server has not received; nothing was voided.")
    elif sale.voided:
        scope.flag("This void names a sale that was already voided; it is counted once.")
    else:
        scope.put_sale(target, StoredSale(sale.company_id, True, sale.payload))
        scope.writes.voids.append({"id": target, "at": scope.now})
    void_id = as_uuid(payload.get("sale_id")) or scope.event.id
    voided = sale.payload if sale is not None and sale.company_id == scope.company_id else {}
    movements = _movements(
        scope, lambda: upgrade.void_movements(voided, payload, scope.known.location_id, void_id)
    )
    for movement in movements:
        stage_movement(scope, movement)


def _voided_sale_id(payload: dict[str, Any]) -> uuid.UUID | None:
    """The sale a void cancels: `reverses_sale_id` (the void is a sale of its own)."""
    if "reverses_sale_id" in payload:
        return as_uuid(payload.get("reverses_sale_id"))
    return as_uuid(payload.get("sale_id"))


def _check_names(scope: EventScope) -> None:
    named_company = scope.payload.get("company_id")
    if named_company is not None and as_uuid(named_company) != scope.company_id:
        scope.flag("The sale names another company; it was stored under this register's.")
    named_location = scope.payload.get("location_id")
    if named_location is not None and as_uuid(named_location) != scope.known.location_id:
        scope.flag("The sale names another store; it was stored under this register's store.")


def _check_time(scope: EventScope) -> datetime | None:
    raw = scope.payload.get("completed_at")
    completed_at = as_time(raw)
    if completed_at is None:
        scope.flag("The sale has no readable completion time.")
    elif completed_at > scope.now + CLOCK_AHEAD or completed_at < scope.now - CLOCK_BEHIND:
        scope.flag(
            f"The register's clock looks wrong: the sale says it was completed at {raw}, "
            f"the server received it at {scope.now.isoformat(timespec='seconds')}."
        )
    return completed_at


def _check_lines(scope: EventScope) -> None:
    lines = scope.payload.get("lines")
    if not isinstance(lines, list):
        scope.flag("The sale's lines could not be read.")
        return
    unknown = []
    for line in lines:
        product_id = as_uuid((as_dict(line) or {}).get("product_id"))
        if product_id is not None and not scope.own_record("product", product_id):
            unknown.append(str(product_id))
    if unknown:
        scope.flag(f"The sale has products the server does not know: {', '.join(unknown[:5])}.")


def _movements(scope: EventScope, derive: Callable[[], list[dict[str, Any]]]) -> list[Movement]:
    """The movements the event carries (schema 2), or those derived from its lines (1)."""
    if scope.event.schema_version < 2:
        raw: Any = derive()
    elif "stock_movements" in scope.payload:
        raw = scope.payload["stock_movements"]
    else:
        scope.flag("The event carries no stock movements; no stock was moved for it.")
        return []
    if not isinstance(raw, list):
        scope.flag("The event's stock movements could not be read; no stock was moved for it.")
        return []
    movements = []
    for value in raw:
        movement = read_movement(value)
        if isinstance(movement, str):
            scope.flag(f"Not counted: {movement}.")
            continue
        if movement.location_id not in scope.known.locations:
            scope.flag(
                "A stock movement names a store this company does not have; "
                "it was counted at this register's store."
            )
            movement = Movement(
                movement.id,
                scope.known.location_id,
                movement.product_id,
                movement.quantity,
                movement.kind,
                movement.data,
            )
        movements.append(movement)
    return movements
