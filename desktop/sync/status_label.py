"""The status bar's sync item: one short line that a manager clicks to open the sync screen.

It is cut short with "…" rather than grown, so a long state never pushes the clock off the
status bar at 1280×800; the whole story is in its tooltip.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.sync.wording import NOT_SET_UP, status_line
from sync.client import SyncStatus

MAX_WIDTH = 390


class SyncStatusLabel(QLabel):
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sync status")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMaximumWidth(MAX_WIDTH)
        self.full_text = ""
        self._show(NOT_SET_UP, "muted")

    def show_status(self, status: SyncStatus, timezone: str, now: datetime) -> None:
        line = status_line(status, timezone, now)
        self._show(line.text, line.tone)
        self.setToolTip(line.detail)

    def _show(self, text: str, tone: str) -> None:
        self.full_text = text
        # "muted" reads as grey through the theme's role rule; "ok"/"warn" as health colours.
        self.setProperty("role", "muted" if tone == "muted" else "")
        self.setProperty("health", "" if tone == "muted" else tone)
        self.style().unpolish(self)
        self.style().polish(self)
        padding = 24  # the status bar's padding on both sides
        metrics = self.fontMetrics()  # after polishing: the status bar's font size
        self.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, MAX_WIDTH - padding))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
