"""The devices screen: choose and set up this register's printer, cash drawer, scanners and
pole display, then try each one — test print, open the drawer, scan test, show on the pole.

Tests use what the form says (before saving), so a manager can try an address before
committing to it; Save (F10) puts it in use. Every device call runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.hardware.errors import HardwareSettingsError
from core.hardware.settings import DeviceSettings
from core.services.device_settings import DeviceSettingsService, LoadedDeviceSettings
from core.services.drawer import DrawerService
from desktop.devices.forms import PoleForm, PrinterForm, SerialScannerForm, WedgeForm
from desktop.devices.hub import DeviceHub
from desktop.operations import Operations, plain_message
from desktop.widgets import button, card, label, page_shortcut, set_role

DRAWER_TEST_NOTE = "Drawer test from the devices screen"


class DevicesPage(QWidget):
    def __init__(
        self,
        ops: Operations,
        hub: DeviceHub,
        devices: Callable[[], DeviceSettingsService],
        drawer: Callable[[], DrawerService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("devices")
        self.ops = ops
        self.hub = hub
        self._devices = devices
        self._drawer = drawer
        self.printer = PrinterForm()
        self.wedge = WedgeForm()
        self.serial_scanner = SerialScannerForm()
        self.pole = PoleForm()
        self.message = label("", "hint")
        self.message.setWordWrap(True)
        self.health = label("", "muted")
        self.health.setWordWrap(True)
        self.scan_test = QLineEdit()
        self.scan_test.setAccessibleName("Scan test")
        self.scan_test.setPlaceholderText("Scan test: scan a barcode here")
        self.scan_result = label("", "hint")
        self.scan_result.setWordWrap(True)

        self.save_button = self._action("Save", "F10", self.save, "primary")
        self.test_print_button = self._action("Test print", "F5", self.test_print)
        self.drawer_button = self._action("Open drawer", "F6", self.open_drawer)
        self.discover_button = self._action("Serial ports", "F7", self.discover)
        self.pole_button = self._action("Pole test", "F8", self.pole_test)
        self.simulated_button = self._action("Simulated", "F9", hub.show_simulated)

        printer_card, printer_box = card()
        printer_box.addWidget(label("Receipt printer and cash drawer", "subtitle"))
        printer_box.addWidget(self.printer)
        self.printer.logo_button.clicked.connect(self.choose_logo)
        scanner_card, scanner_box = card()
        scanner_box.addWidget(label("Barcode scanners", "subtitle"))
        scanner_box.addWidget(self.wedge)
        scanner_box.addWidget(self.scan_test)
        scanner_box.addWidget(self.scan_result)
        scanner_box.addSpacing(8)
        scanner_box.addWidget(self.serial_scanner)
        pole_card, pole_box = card()
        pole_box.addWidget(label("Pole display", "subtitle"))
        pole_box.addWidget(self.pole)
        health_card, health_box = card()
        health_box.addWidget(label("Now", "subtitle"))
        health_box.addWidget(self.health)

        columns = QGridLayout()
        columns.setHorizontalSpacing(16)
        columns.setVerticalSpacing(16)
        # One column: the forms keep their labels beside their fields at any window width.
        columns.addWidget(health_card, 0, 0)
        columns.addWidget(printer_card, 1, 0)
        columns.addWidget(scanner_card, 2, 0)
        columns.addWidget(pole_card, 3, 0)
        body = QWidget()
        body.setObjectName("plain")
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        keys = QHBoxLayout()
        for widget in (
            self.save_button,
            self.test_print_button,
            self.drawer_button,
            self.discover_button,
            self.pole_button,
            self.simulated_button,
        ):
            keys.addWidget(widget)
        keys.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(label("Devices", "title"))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(keys)

        self.scan_test.returnPressed.connect(self._typed_in_scan_test)
        hub.health_changed.connect(self._show_health)
        self._show_health()

    def _action(
        self, text: str, key: str, slot: Callable[[], object], role: str = ""
    ) -> QPushButton:
        widget = button(f"{text}  ({key})", role or None)
        widget.clicked.connect(slot)
        widget.setMinimumWidth(widget.sizeHint().width())  # never clip the key's name
        page_shortcut(key, self, slot)
        return widget

    # -- showing ---------------------------------------------------------------------------
    def activate(self) -> None:
        self.ops.read(lambda: self._devices().load(), self._loaded)

    def _loaded(self, loaded: LoadedDeviceSettings) -> None:
        self.show_settings(loaded.settings)
        if loaded.problem:
            self.say(loaded.problem, "error")

    def show_settings(self, settings: DeviceSettings) -> None:
        self.printer.load(settings.printer)
        self.wedge.load(settings.wedge)
        self.serial_scanner.load(settings.serial_scanner)
        self.pole.load(settings.pole)

    def say(self, text: str, role: str = "hint") -> None:
        self.message.setText(text)
        set_role(self.message, role)

    def _show_health(self) -> None:
        lines = [f"{h.device}: {h.text}" for h in self.hub.health()]
        self.health.setText("\n".join(lines))

    # -- reading the form ------------------------------------------------------------------
    def form_settings(self) -> DeviceSettings | None:
        """What the form says, or None after saying what is wrong with it."""
        try:
            settings = DeviceSettings(
                printer=self.printer.read(self.hub.settings.printer),
                wedge=self.wedge.read(),
                serial_scanner=self.serial_scanner.read(),
                pole=self.pole.read(),
            )
            settings.check()
        except HardwareSettingsError as error:
            self.say(error.message, "error")
            return None
        return settings

    # -- actions ---------------------------------------------------------------------------
    def save(self) -> None:
        settings = self.form_settings()
        if settings is None:
            return
        devices, actor = self._devices(), self.ops.actor

        def saved(result: DeviceSettings) -> None:
            self.hub.apply(result)
            self.say(f"Saved. {self.hub.summary()}", "ok")

        self.ops.write(lambda a: devices.save(actor, settings, approval=a), saved, self._failed)

    def test_print(self) -> None:
        settings = self.form_settings()
        if settings is None:
            return
        if not settings.printer.enabled:
            self.say("Choose a receipt printer first.", "error")
            return
        self.say(f"Printing a test page on {settings.printer.describe()}…")
        self.hub.test_print(
            settings.printer,
            lambda: self.say(f"Test page sent to {settings.printer.describe()}.", "ok"),
            self._failed,
        )

    def open_drawer(self) -> None:
        """Logged as a no-sale opening by whoever is signed in (a manager's PIN if needed)."""
        settings = self.form_settings()
        if settings is None:
            return
        if not settings.printer.enabled:
            self.say(
                "The cash drawer opens through the receipt printer; choose one first.", "error"
            )
            return
        drawer, actor = self._drawer(), self.ops.actor

        def logged(_none: None) -> None:
            self.hub.kick_drawer(
                settings.printer,
                lambda: self.say("Drawer opened; it is logged as a no-sale opening.", "ok"),
                self._failed,
            )

        self.ops.write(
            lambda a: drawer.no_sale(actor, DRAWER_TEST_NOTE, approval=a), logged, self._failed
        )

    def discover(self) -> None:
        self.say("Looking for serial ports…")

        def found(ports: list[tuple[str, str]]) -> None:
            for box in (self.printer.serial_port, self.serial_scanner.port, self.pole.port):
                box.offer(ports)
            names = ", ".join(device for device, _description in ports)
            self.say(f"Serial ports found: {names}." if ports else "No serial ports found.")

        self.hub.discover_ports(found)

    def pole_test(self) -> None:
        settings = self.form_settings()
        if settings is None:
            return
        if self.hub.settings.pole != settings.pole:
            self.hub.apply(replace(self.hub.settings, pole=settings.pole))
        self.hub.show_pole("LunarFront", "Pole display test")
        self.say("Sent a test line to the pole display.", "ok")

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Receipt logo", "", "Images (*.png *.jpg *.jpeg *.bmp *.gif)"
        )
        if path:
            self.printer.logo.setText(path)

    # -- scan test -------------------------------------------------------------------------
    def wants_scan(self) -> bool:
        return self.isVisible()

    def show_scan(self, code: str) -> None:
        self.scan_test.clear()
        self.scan_result.setText(f"Recognised as a scan: {code} ({len(code)} characters).")
        set_role(self.scan_result, "ok")

    def _typed_in_scan_test(self) -> None:
        text = self.scan_test.text()
        self.scan_test.clear()
        if text:
            self.scan_result.setText(
                f"Typed, not recognised as a scanner: {text}. If a scanner sent it, raise the "
                "largest gap between keys, or check its prefix, suffix and ending."
            )
            set_role(self.scan_result, "error")

    def _failed(self, error: BaseException) -> None:
        self.say(plain_message(error), "error")
