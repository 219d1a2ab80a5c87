"""What the scan box reads: a quantity prefix ("3*"), an item's code, or a receipt number."""

from __future__ import annotations

import re
import uuid

from core.catalog.products import MAX_QUANTITY
from core.sales.numbers import looks_like_receipt_number
from core.services.register import NotInCatalogError, RegisterService
from core.services.register_rows import ReturnableSale, SaleView
from core.staff.actor import Actor

QUANTITY_PREFIX = re.compile(r"^\s*(\d{1,9})\s*\*\s*(.*)$")


def quantity_problem(quantity: int) -> str | None:
    """Why a quantity typed before * cannot be used, or None."""
    if quantity <= 0:
        return "A quantity of 0 cannot be rung up; type 1 or more before *."
    if quantity > MAX_QUANTITY:
        return f"The quantity can be at most {MAX_QUANTITY:,}."
    return None


def scan_or_receipt(
    register: RegisterService,
    actor: Actor,
    code: str,
    quantity: int,
    sale_id: uuid.UUID | None,
) -> SaleView | ReturnableSale:
    """An item to ring up, or else a scanned receipt, which opens its return.

    The catalog is asked first: a SKU can be shaped like a receipt number ("ACC-000009"),
    and an item on the counter must never be mistaken for a past sale.
    """
    try:
        return register.scan(actor, code, quantity=quantity, sale_id=sale_id)
    except NotInCatalogError:
        if not looks_like_receipt_number(code):
            raise
        found = register.find_receipt(code)
        if found is None:
            raise
        return found
