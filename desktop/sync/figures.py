"""The paired register's sync figures on the sync screen: the server, online or offline,
events waiting, the last sync and the last error, one labelled row each."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from desktop.sync.wording import clock_time, connection
from desktop.widgets import label, set_role
from sync.client import SyncStatus

TITLES = ("Server", "Connection", "Waiting to send", "Last sync", "Last error")


class SyncFigures(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plain")
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        for row, title in enumerate(TITLES):
            caption = label(title, "muted")
            caption.setWordWrap(False)
            value = label("")
            value.setAccessibleName(title)
            grid.addWidget(caption, row, 0)
            grid.addWidget(value, row, 1)
            self.values[title] = value

    def __getitem__(self, title: str) -> QLabel:
        return self.values[title]

    def show_status(self, status: SyncStatus, timezone: str, now: datetime) -> None:
        last = status.last_sync_at
        shown = {
            "Server": (status.server_url or "", False),
            "Connection": (connection(status).capitalize(), status.online is False),
            "Waiting to send": (waiting(status.waiting), False),
            "Last sync": (clock_time(last, timezone, now) if last else "Never", False),
            "Last error": (status.last_error or "None", bool(status.last_error)),
        }
        for title, (value, wrong) in shown.items():
            figure = self.values[title]
            figure.setText(value)
            # Every figure re-polished alike, so they keep one size whatever their colour.
            set_role(figure, "error" if wrong else "value")


def waiting(count: int) -> str:
    if count == 0:
        return "Nothing: every event was sent"
    return f"{count} event{'s' if count != 1 else ''}"
