"""The bar across the top of the window when a receipt did not print.

It says what went wrong in the printer's own words ("the printer at 192.168.1.50:9100 is not
answering …") and offers the cashier the three ways on: retry now (Ctrl+R), print later
(Ctrl+L: the job waits, the queue goes on), or cancel it (the receipt can always be printed
again from Receipts). Held jobs are counted with a "Print them now" button. It takes no focus,
so the scan box keeps it; the sale itself is already complete and saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.devices.hub import DeviceHub
from desktop.widgets import label, shortcut
from devices.printers.spooler import JobState, PrintJob

__all__ = ["PrintBanner"]


def _quiet(text: str) -> QPushButton:
    widget = QPushButton(text)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cashier's keys stay in the scan box
    return widget


class PrintBanner(QFrame):
    def __init__(self, hub: DeviceHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "banner")
        self.hub = hub
        self.failed: PrintJob | None = None
        self.text: QLabel = label("", "error")
        self.text.setWordWrap(True)
        self.retry_button = _quiet("Retry  (Ctrl+R)")
        self.later_button = _quiet("Print later  (Ctrl+L)")
        self.cancel_button = _quiet("Cancel")
        self.held_button = _quiet("Print them now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.text, 1)
        for widget in (self.retry_button, self.later_button, self.cancel_button, self.held_button):
            layout.addWidget(widget)
        self.retry_button.clicked.connect(self.retry)
        self.later_button.clicked.connect(self.later)
        self.cancel_button.clicked.connect(self.cancel)
        self.held_button.clicked.connect(hub.print_held)
        window = parent.window() if parent is not None else self
        shortcut("Ctrl+R", window, self.retry)
        shortcut("Ctrl+L", window, self.later)
        hub.job_changed.connect(lambda _job: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        jobs = self.hub.jobs()
        failed = next((job for job in jobs if job.state is JobState.FAILED), None)
        held = [job for job in jobs if job.state is JobState.HELD]
        self.failed = failed
        for widget in (self.retry_button, self.later_button, self.cancel_button):
            widget.setVisible(failed is not None)
        self.held_button.setVisible(failed is None and bool(held))
        if failed is not None:
            self.text.setText(f"{failed.title} did not print: {failed.message}")
        elif held:
            count = "1 receipt is" if len(held) == 1 else f"{len(held)} receipts are"
            self.text.setText(f"{count} waiting to be printed.")
        self.setVisible(failed is not None or bool(held))

    def retry(self) -> None:
        if self.failed is not None:
            self.hub.retry(self.failed.id)

    def later(self) -> None:
        if self.failed is not None:
            self.hub.later(self.failed.id)

    def cancel(self) -> None:
        if self.failed is not None:
            self.hub.cancel(self.failed.id)
