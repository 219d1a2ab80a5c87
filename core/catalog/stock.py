"""Stock rules: movement kinds, adjustment reasons, serialized units, quantity checks.

Stock on hand is the sum of an append-only movement ledger; these are the plain checks a
movement must pass before the service writes it.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from core.catalog.products import MAX_QUANTITY, CatalogError
from core.errors import quoted

__all__ = [
    "MAX_NOTE_LENGTH",
    "MAX_SERIAL_LENGTH",
    "AdjustmentReason",
    "MovementKind",
    "StockError",
    "UnitCondition",
    "UnitStatus",
    "check_adjust_quantity",
    "check_condition",
    "check_counted",
    "check_note",
    "check_reason",
    "check_receive_quantity",
    "check_serial_number",
    "check_transfer",
    "count_difference",
    "movement_reason",
    "suggested_order_quantity",
]

MAX_SERIAL_LENGTH = 64
# The ledger's reason column holds 200 characters: the reason code, ": ", then the note.
MAX_NOTE_LENGTH = 180


class StockError(CatalogError):
    """A stock change that cannot be made as asked."""


class MovementKind(StrEnum):
    """Must match the `stock_movement.kind` check constraint (db.models.inventory)."""

    RECEIVE = "receive"
    SALE = "sale"
    RETURN = "return"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    RENTAL_OUT = "rental_out"
    RENTAL_IN = "rental_in"
    REPAIR_USE = "repair_use"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AdjustmentReason(StrEnum):
    DAMAGED = "damaged"
    LOST = "lost"
    FOUND = "found"
    THEFT = "theft"
    CORRECTION = "correction"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class UnitStatus(StrEnum):
    """Must match the `inventory_unit.status` check constraint."""

    AVAILABLE = "available"
    SOLD = "sold"
    RENTED = "rented"
    IN_REPAIR = "in_repair"
    RETIRED = "retired"


class UnitCondition(StrEnum):
    """Must match the `inventory_unit.condition` check constraint."""

    NEW = "new"
    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


def _check_size(quantity: int) -> None:
    if type(quantity) is not int:
        raise StockError("A quantity is a whole number of items.")
    if abs(quantity) > MAX_QUANTITY:
        raise StockError(f"A quantity can be at most {MAX_QUANTITY:,}.")


def check_receive_quantity(quantity: int) -> int:
    _check_size(quantity)
    if quantity <= 0:
        raise StockError("The quantity received must be at least 1.")
    return quantity


def check_adjust_quantity(quantity: int) -> int:
    """An adjustment adds (found) or takes away (damaged, lost …); zero changes nothing."""
    _check_size(quantity)
    if quantity == 0:
        raise StockError("An adjustment of 0 changes nothing; enter how many to add or remove.")
    return quantity


def check_transfer(from_location: uuid.UUID, to_location: uuid.UUID, quantity: int) -> int:
    _check_size(quantity)
    if quantity <= 0:
        raise StockError("The quantity to transfer must be at least 1.")
    if from_location == to_location:
        raise StockError("A transfer needs two different locations.")
    return quantity


def check_counted(counted: int) -> int:
    _check_size(counted)
    if counted < 0:
        raise StockError("A count cannot be negative; count 0 if there are none.")
    return counted


def count_difference(expected: int, counted: int) -> int:
    """What a count changes: positive when more were found than the ledger said."""
    return check_counted(counted) - expected


def check_note(text: str, what: str = "note", max_length: int = MAX_NOTE_LENGTH) -> str:
    note = text.strip()
    if len(note) > max_length:
        raise StockError(f"The {what} can have at most {max_length} characters.")
    if not note.isprintable():
        raise StockError(f"The {what} has a line break or a hidden character.")
    return note


def check_reason(reason: AdjustmentReason | str) -> AdjustmentReason:
    try:
        return AdjustmentReason(reason)
    except ValueError:
        choices = ", ".join(r.label.lower() for r in AdjustmentReason)
        raise StockError(f"Choose a reason for the change: {choices}.") from None


def movement_reason(reason: AdjustmentReason, note: str = "") -> str:
    """The reason as the ledger stores it: the code, then the person's note if any."""
    return f"{reason.value}: {note}" if note else reason.value


def check_condition(condition: UnitCondition | str) -> UnitCondition:
    try:
        return UnitCondition(condition)
    except ValueError:
        choices = ", ".join(c.value for c in UnitCondition)
        message = f"{quoted(str(condition))} is not a condition; choose {choices}."
        raise StockError(message) from None


def check_serial_number(text: str) -> str:
    serial = text.strip()
    if not serial:
        raise StockError("A serialized item needs its serial number.")
    if len(serial) > MAX_SERIAL_LENGTH:
        raise StockError(f"A serial number can have at most {MAX_SERIAL_LENGTH} characters.")
    if not serial.isprintable():
        raise StockError(f"The serial number {quoted(serial)} has a hidden character.")
    return serial


def suggested_order_quantity(on_hand: int, reorder_point: int) -> int:
    """How many to order to bring stock back to twice the reorder point.

    Twice the reorder point is a simple par level: ordering just up to the reorder point
    would trigger the next reorder at the very next sale. Zero when no reorder is due.
    """
    if reorder_point <= 0 or on_hand > reorder_point:
        return 0
    return 2 * reorder_point - on_hand
