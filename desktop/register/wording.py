"""What the register says, in plain words: on the status line, the PAY key, when empty."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from core.services.register_rows import CompletedSale, SaleView
from desktop.register.till import magnitude, minus, money

EMPTY_HINT = (
    "Scan an item to start a sale.\n\n"
    "F2 find an item by name  ·  F3 customer  ·  F9 return\n"
    "Shift+F8 held sales  ·  F11 past receipts"
)


def pay_text(view: SaleView | None) -> str:
    if view is None or not view.lines:
        return "PAY  (F10)"
    if view.total.amount < 0:
        return f"REFUND {money(magnitude(view.due))}\nF10"
    return f"PAY {money(view.due)}\nF10"


def completed_text(done: CompletedSale) -> str:
    if done.total.amount < 0:
        what = f"Return {done.receipt_number} complete — {money(magnitude(done.total))} paid back"
    else:
        what = f"Sale {done.receipt_number} complete — change {money(done.change)}"
    return f"{what}. Next customer!"


def line_change(line_id: uuid.UUID, what: str) -> Callable[[SaleView], str]:
    """Says what a dialog did to a line: its price, or its discount."""

    def describe(view: SaleView) -> str:
        line = next((x for x in view.lines if x.line_id == line_id), None)
        if line is None:
            return "Done."
        if what == "price":
            if not line.price_changed:
                return f"{line.name}: back to the list price {money(line.list_price)}"
            return f"{line.name}: price {money(line.unit_price)} (list {money(line.list_price)})"
        if line.discount is None:
            return f"{line.name}: no discount"
        return f"{line.name}: {line.discount.describe()} ({line.discount.reason.label.lower()})"

    return describe


def sale_discount_change(view: SaleView) -> str:
    if view.sale_discount is None:
        return "No sale discount."
    reason = view.sale_discount.reason.label.lower()
    return (
        f"Sale discount: {view.sale_discount.describe()} ({reason}), {minus(view.discount)} in all"
    )


def returned_change(view: SaleView) -> str:
    returned = [line for line in view.lines if line.is_return]
    if not returned:
        return "Done."
    line = returned[-1]
    return f"Return: {-line.quantity} × {line.name} ({money(line.net)})"
