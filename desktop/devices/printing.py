"""Receipts, reports and the drawer at the counter: what prints and opens when.

A receipt is rendered on the database thread (it reads the sale) and handed to the print
queue, whose own thread talks to the printer; a sale is complete and saved before any of this
starts, so a printer that is off never holds it up. After a sale with cash the drawer is
kicked (ahead of the receipt), then the receipt prints if the register prints after every
sale. The pole display shows each line as it is rung up and the total.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from core.drawer.report import ReportDocument
from core.money import format_money
from core.sales.receipt import gift_receipt
from core.services.register import RegisterService
from core.services.register_rows import CompletedSale, LineView, SaleView
from desktop.devices.hub import DeviceHub
from desktop.operations import Operations
from devices.escpos import receipt_job, report_job
from devices.pole.display import item_line
from devices.printers.spooler import JobKind

__all__ = ["Printing", "pole_lines"]

WELCOME = ("Welcome", "")


class Printing:
    def __init__(
        self, hub: DeviceHub, ops: Operations, register: Callable[[], RegisterService]
    ) -> None:
        self.hub = hub
        self.ops = ops
        self._register = register
        self._shown: SaleView | None = None

    @property
    def can_print(self) -> bool:
        return self.hub.can_print

    def receipt(
        self,
        sale_id: uuid.UUID,
        *,
        gift: bool = False,
        reprint: bool = False,
        on_queued: Callable[[str], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Render the sale's receipt off the GUI thread and queue it; `on_queued` gets the
        job's title once it is in the queue (printing goes on from there)."""
        register = self._register()
        profile, logo = self.hub.settings.printer.profile, self.hub.logo

        def render() -> tuple[str, bytes]:
            document = register.receipt(sale_id, reprint=reprint)
            if gift:
                document = gift_receipt(document)
            kind = "Gift receipt" if gift else "Receipt"
            return f"{kind} {document.receipt_number}", receipt_job(document, profile, logo=logo)

        def queued(job: tuple[str, bytes]) -> None:
            title, data = job
            self.hub.submit(title, data, JobKind.RECEIPT)
            if on_queued is not None:
                on_queued(title)

        self.ops.read(render, queued, on_error)

    def report(self, title: str, document: ReportDocument) -> None:
        profile = self.hub.settings.printer.profile

        def queued(data: bytes) -> None:
            self.hub.submit(title, data, JobKind.REPORT)

        self.ops.read(lambda: report_job(document, profile), queued)

    def after_sale(self, done: CompletedSale) -> None:
        if done.opens_drawer:
            self.hub.open_drawer()
        if self.can_print and self.hub.settings.printer.print_after_sale:
            self.receipt(done.sale_id)
        if done.change.amount:
            self.hub.show_pole("Change", format_money(done.change))
        else:
            self.hub.show_pole("Thank you!", f"Total {format_money(done.total)}")
        self._shown = None

    def sale_shown(self, view: SaleView | None) -> None:
        top, bottom = pole_lines(view, self._shown, self.hub.settings.pole.columns)
        if view is not None or self._shown is not None:
            self.hub.show_pole(top, bottom)
        self._shown = view


def _changed_line(view: SaleView, before: SaleView | None) -> LineView | None:
    old = {} if before is None else {line.line_id: line for line in before.lines}
    for line in reversed(view.lines):
        previous = old.get(line.line_id)
        if previous is None or previous.quantity != line.quantity or previous.net != line.net:
            return line
    return view.lines[-1] if view.lines else None


def pole_lines(view: SaleView | None, before: SaleView | None, columns: int) -> tuple[str, str]:
    """The line just rung up (name and amount) over the sale's total."""
    if view is None or not view.lines:
        return WELCOME
    line = _changed_line(view, before)
    bottom = item_line("TOTAL", format_money(view.total), columns)
    if line is None:
        return "", bottom
    name = f"{line.quantity} x {line.name}" if line.quantity not in (1, -1) else line.name
    return item_line(name, format_money(line.net), columns), bottom
