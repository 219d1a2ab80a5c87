"""`stock.moved`, and the stock movements a sale or a void carries: deltas, never counts.

Each movement keeps the register's own id, so a movement that arrives twice (a retried
batch, a sale received under two events) is stored and replicated once (`ON CONFLICT (id)
DO NOTHING`, see `writes.flush`). Every stored movement is appended to `change_log` so other
registers learn the stock moved at that location.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from core.records import MOVEMENT_FIELDS
from sync.protocol import ChangeKind
from sync.server.handlers.errors import PermanentEventError
from sync.server.handlers.payload import as_dict, as_int, as_list, as_text, as_uuid
from sync.server.handlers.scope import EventScope

MAX_KIND_LENGTH = 20


@dataclass(frozen=True, slots=True)
class Movement:
    id: uuid.UUID
    location_id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    kind: str
    data: dict[str, Any]


def read_movement(value: object) -> Movement | str:
    """The movement, or why it cannot be read (plain words)."""
    raw = as_dict(value)
    if raw is None:
        return "a stock movement is not an object"
    movement_id = as_uuid(raw.get("id"))
    location_id = as_uuid(raw.get("location_id"))
    product_id = as_uuid(raw.get("product_id"))
    quantity = as_int(raw.get("quantity"))
    kind = as_text(raw.get("kind"), MAX_KIND_LENGTH)
    if movement_id is None or location_id is None or product_id is None:
        return "a stock movement has no readable id, location or product"
    if quantity is None or quantity == 0 or abs(quantity) >= 2**31:
        return f"stock movement {movement_id} has no usable quantity"
    if not kind:
        return f"stock movement {movement_id} has no kind"
    data = {name: raw.get(name) for name in MOVEMENT_FIELDS}
    return Movement(movement_id, location_id, product_id, quantity, kind, data)


def stage_movement(scope: EventScope, movement: Movement) -> None:
    """Queue the movement's row and its change_log row (written only if it is new)."""
    if not scope.first_time(movement.id):
        return
    data = dict(movement.data)
    data["location_id"] = str(movement.location_id)
    scope.writes.movements.append(
        {
            "id": movement.id,
            "company_id": scope.company_id,
            "location_id": movement.location_id,
            "product_id": movement.product_id,
            "quantity": movement.quantity,
            "kind": movement.kind,
            "data": data,
            "device_id": scope.device_id,
            "event_id": scope.event.id,
        }
    )
    scope.change(
        ChangeKind.STOCK,
        "stock_movement",
        movement.id,
        data,
        movement.location_id,
        movement_id=movement.id,
    )


def apply_moved(scope: EventScope) -> None:
    raw = scope.payload.get("movements")
    if not isinstance(raw, list) or not raw:
        raise PermanentEventError("A stock change carries no stock movements.")
    movements = []
    for value in as_list(raw):
        movement = read_movement(value)
        if isinstance(movement, str):
            raise PermanentEventError(f"A stock change could not be read: {movement}.")
        if movement.location_id not in scope.known.locations:
            raise PermanentEventError(
                f"A stock change names a store that is not one of this company's "
                f"({movement.location_id})."
            )
        movements.append(movement)
    for movement in movements:
        stage_movement(scope, movement)
