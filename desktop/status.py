"""The status bar: register, user, sync state and device health, always in view.

Each item has a widest size and is cut short with "…" beyond it (the whole text is in its
tooltip), so a long printer error or a long name never pushes the clock off at 1280×800.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from core.clock import Clock, to_store_time
from desktop.sync.status_label import SyncStatusLabel
from sync.client import SyncStatus

USER_MAX_WIDTH = 290
DEVICES_MAX_WIDTH = 240
PADDING = 24  # the theme's padding on both sides of a status bar item


def set_elided(item: QLabel, text: str, width: int) -> None:
    """`text` on `item`, cut short with "…" to fit `width` pixels."""
    item.setMaximumWidth(width)
    metrics = item.fontMetrics()
    item.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - PADDING))


class StoreStatusBar(QStatusBar):
    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self._clock = clock
        self._timezone = "UTC"
        self.register = QLabel("Register: opening store…")
        self.user = QLabel("Signed out")
        self.sync = SyncStatusLabel()
        self.devices = QLabel("Devices: none set up")
        self.time = QLabel("")
        for widget in (self.register, self.user, self.sync, self.devices):
            self.addWidget(widget)
        self.addPermanentWidget(self.time)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._show_time)
        self._tick.start(15_000)

    def show_register(self, register: str, prefix: str, location: str, timezone: str) -> None:
        self.register.setText(f"{register} ({prefix})")
        self.register.setToolTip(f"Register {register}, receipt prefix {prefix}, at {location}")
        self._timezone = timezone
        self._show_time()

    def show_devices(self, health: Sequence[tuple[str, str, bool]]) -> None:
        """Each device as (name, state, ok): the first one in trouble, else all is well."""
        trouble = [(name, text) for name, text, ok in health if not ok]
        if trouble:
            name, text = trouble[0]
            shown = f"{name}: {text}"
        elif health:
            shown = "Devices: ready"
        else:
            shown = "Devices: none set up"
        self.devices.setToolTip("\n".join(f"{name}: {text}" for name, text, _ok in health))
        self.devices.setProperty("health", "warn" if trouble else "ok")
        self.devices.style().unpolish(self.devices)
        self.devices.style().polish(self.devices)
        set_elided(self.devices, shown, DEVICES_MAX_WIDTH)

    def show_sync(self, status: SyncStatus) -> None:
        self.sync.show_status(status, self._timezone, self._clock.now())

    def show_user(self, name: str | None, role: str | None = None) -> None:
        text = f"User: {name} ({role})" if name else "Signed out"
        set_elided(self.user, text, USER_MAX_WIDTH)
        self.user.setToolTip(text)

    def _show_time(self) -> None:
        local = to_store_time(self._clock.now(), self._timezone)
        self.time.setText(local.strftime("%a %d %b  %H:%M"))
