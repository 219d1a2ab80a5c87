"""Sales parked at this store (F8 parks one): choose one to bring back onto the register."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from core.services.register_rows import HeldSale
from desktop.register.picker import PickDialog
from desktop.register.till import Till, money, store_time
from desktop.table_model import Column


def held_columns(timezone: str) -> list[Column[HeldSale]]:
    return [
        Column("Held at", lambda h: store_time(h.held_at, timezone)),
        Column("By", lambda h: h.held_by),
        Column("Customer", lambda h: h.customer or "—"),
        Column("Lines", lambda h: str(h.lines), align_right=True),
        Column("Total", lambda h: money(h.total), align_right=True),
    ]


def _matches(held: HeldSale, text: str) -> bool:
    return text in f"{held.held_by} {held.customer}".casefold()


def held_dialog(
    till: Till, held: Sequence[HeldSale], timezone: str, parent: QWidget | None = None
) -> PickDialog[HeldSale]:
    """`picked` fires with the held sale to resume."""
    dialog: PickDialog[HeldSale] = PickDialog(
        till.runner,
        "Held sales",
        held_columns(timezone),
        "Type a customer's or cashier's name to narrow the list",
        rows=held,
        matches=_matches,
        hint="Oldest first. Enter resumes the chosen sale on this register.",
        stretch_column=2,
        parent=parent,
    )
    dialog.take_button.setText("Resume  (Enter)")
    return dialog
