"""Past receipts: find a completed sale, save or reprint its receipt (or a gift receipt),
or void it the same day with a reason and a manager's approval."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.services.register_rows import CompletedSale, SaleSummary
from desktop.register.dialogs import PromptDialog, RegisterDialog
from desktop.register.picker import PickPanel
from desktop.register.receipt_files import save_receipt
from desktop.register.return_dialog import receipt_columns
from desktop.register.till import Till, money
from desktop.widgets import label


class ReceiptsDialog(RegisterDialog):
    def __init__(self, till: Till, parent: QWidget | None = None) -> None:
        super().__init__("Receipts", parent)
        self.resize(980, 640)
        self.till = till
        self.saved_path = ""
        self.prompt: PromptDialog | None = None
        register = till.register()
        self.panel: PickPanel[SaleSummary] = PickPanel(
            till.runner,
            receipt_columns(till.timezone()),
            "Receipt number or customer name",
            query=register.recent,
            stretch_column=2,
        )
        self.panel.activated.connect(lambda _row: self.reprint(gift=False))
        self.saved = label("", "hint")
        self.reprint_button = self.key_button("Reprint", "F2", lambda: self.reprint(gift=False))
        self.gift_button = self.key_button("Gift receipt", "F3", lambda: self.reprint(gift=True))
        self.pdf_button = self.key_button("Save PDF", "F6", lambda: self.save(gift=False))
        self.void_button = self.key_button("Void sale", "F4", self.void)
        self.open_button = self.key_button("Open PDF", "F5", self.open_pdf)
        self.open_button.setEnabled(False)
        close = self.key_button("Close", "Esc", self.reject)
        row = QHBoxLayout()
        for widget in (
            self.reprint_button,
            self.gift_button,
            self.void_button,
            self.pdf_button,
            self.open_button,
        ):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Receipts", "subtitle"))
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.saved)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.panel.refresh()
        self.panel.box.setFocus()

    def reprint(self, *, gift: bool) -> None:
        """On the receipt printer when there is one; otherwise as a PDF."""
        printing = self.till.printing
        if printing is None or not printing.can_print:
            self.save(gift=gift)
            return
        sale = self.panel.current()
        if sale is None:
            self.fail("Choose a receipt first.")
            return
        self.error.setText("")
        self.saved.setText(f"Printing {sale.receipt_number}…")
        printing.receipt(
            sale.sale_id,
            gift=gift,
            reprint=not gift,
            on_queued=self._queued,
            on_error=self.fail,
        )

    def _queued(self, title: str) -> None:
        if self.alive():
            self.saved.setText(f"{title} sent to the printer.")

    def save(self, *, gift: bool) -> None:
        sale = self.panel.current()
        if sale is None:
            self.fail("Choose a receipt first.")
            return
        register, folder = self.till.register(), self.till.receipts_dir()
        self.error.setText("")
        self.saved.setText(f"Saving {sale.receipt_number}…")
        self.till.ops.read(
            lambda: save_receipt(register, sale.sale_id, folder, gift=gift, reprint=not gift),
            self._saved,
            self.fail,
        )

    def _saved(self, path: object) -> None:
        if self.alive():
            self.saved_path = str(path)
            self.saved.setText(f"Saved to {path}  —  F5 opens it")
            self.open_button.setEnabled(True)

    def open_pdf(self) -> None:
        if self.saved_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.saved_path))

    def void(self) -> None:
        sale = self.panel.current()
        if sale is None:
            self.fail("Choose a receipt first.")
            return
        prompt = PromptDialog(
            "Void sale",
            f"Void sale {sale.receipt_number} ({money(sale.total)})? Say why.",
            "",
            "Void sale",
            "e.g. rung up on the wrong account",
            parent=self,
        )
        register, actor = self.till.register(), self.till.actor

        def voided(done: CompletedSale) -> None:
            prompt.accept()
            if self.alive():
                self.error.setText("")
                self.saved.setText(
                    f"Sale {sale.receipt_number} voided: reversing receipt {done.receipt_number}."
                )
                self.panel.refresh()
                self.refocus(self.panel.box)

        prompt.entered.connect(
            lambda reason: self.till.ops.write(
                lambda approval: register.void_completed(actor, sale.sale_id, reason, approval),
                voided,
                prompt.fail,
            )
        )
        self.prompt = prompt
        prompt.open()
