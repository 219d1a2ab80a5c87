"""Events from registers on an older event schema, brought up to the current one.

Schema 1 sales and voids did not carry the stock they moved. The register moved stock for
every product line (a sale line out, a returned line back in, at the sale's location), so
the server derives the same movements from the lines. Their ids are made from the line id
(uuid5), so an event received twice derives the same ids and is still counted once.
"""

from __future__ import annotations

import uuid
from typing import Any

from sync.server.handlers.payload import as_dict, as_int, as_list, as_uuid

# Fixed namespace: the same line always derives the same movement id, on every server.
_MOVEMENT_NAMESPACE = uuid.UUID("0d6c3b1e-5f9a-4c2e-9b7d-8a1f2e3c4d5b")


def derived_id(purpose: str, owner: object, line_id: object) -> uuid.UUID:
    return uuid.uuid5(_MOVEMENT_NAMESPACE, f"{purpose}:{owner}:{line_id}")


def sale_movements(
    payload: dict[str, Any], location_id: uuid.UUID, sale_id: uuid.UUID
) -> list[dict[str, Any]]:
    """A schema 1 sale's stock: each product line moves `-quantity` at the sale's location."""
    lines = as_list(payload.get("lines"))
    return _from_lines(lines, payload, location_id, sale_id, "sale", sign=-1, reason="")


def void_movements(
    voided_sale: dict[str, Any],
    payload: dict[str, Any],
    location_id: uuid.UUID,
    void_id: uuid.UUID,
) -> list[dict[str, Any]]:
    """A schema 1 void's stock: the voided sale's lines moved back (`+quantity`). The void
    carries no time of its own; its movements take the voided sale's (a void is same-day),
    as a movement without a time is refused by the registers that pull it."""
    lines = as_list(voided_sale.get("lines"))
    at = payload.get("completed_at") or voided_sale.get("completed_at")
    return _from_lines(
        lines, {**payload, "completed_at": at}, location_id, void_id, "void", 1, "void"
    )


def _from_lines(
    lines: list[Any],
    payload: dict[str, Any],
    location_id: uuid.UUID,
    reference_id: uuid.UUID,
    purpose: str,
    sign: int,
    reason: str,
) -> list[dict[str, Any]]:
    movements = []
    for position, value in enumerate(lines):
        line = as_dict(value) or {}
        product_id = as_uuid(line.get("product_id"))
        quantity = as_int(line.get("quantity"))
        if product_id is None or not quantity:
            continue
        moved = sign * quantity
        line_id = line.get("line_id") if isinstance(line.get("line_id"), str) else position
        movements.append(
            {
                "id": str(derived_id(purpose, reference_id, line_id)),
                "location_id": str(location_id),
                "product_id": str(product_id),
                "unit_id": line.get("unit_id"),
                "kind": "sale" if moved < 0 else "return",
                "quantity": moved,
                "unit_cost_minor": None,
                "reason": reason,
                "reference_type": "sale",
                "reference_id": str(reference_id),
                "user_id": payload.get("user_id"),
                "created_at": payload.get("completed_at"),
            }
        )
    return movements
