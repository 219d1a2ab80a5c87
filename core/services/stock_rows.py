"""What the stock service takes in and hands back: plain frozen rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from core.catalog.stock import MovementKind
from core.money import Money


@dataclass(frozen=True, slots=True)
class ReceiveLine:
    product_id: uuid.UUID
    quantity: int
    unit_cost: Money


@dataclass(frozen=True, slots=True)
class MovementRow:
    """One ledger line; `balance` is on hand (at the location asked for) just after it."""

    id: uuid.UUID
    at: datetime
    location_id: uuid.UUID
    kind: MovementKind
    quantity: int
    balance: int
    reason: str
    reference_type: str
    reference_id: uuid.UUID | None
    user_name: str
    serial_number: str | None
    unit_cost: Money | None


@dataclass(frozen=True, slots=True)
class ReorderRow:
    product_id: uuid.UUID
    sku: str
    name: str
    supplier: str | None
    on_hand: int
    reorder_point: int
    suggested: int


@dataclass(frozen=True, slots=True)
class CountedLine:
    """One counted product when a count completes: what was posted, and why."""

    product_id: uuid.UUID
    expected: int
    counted: int
    difference: int
