"""The devices screen's forms: each shows one part of `DeviceSettings` and reads it back.

`read()` turns what was typed into settings and raises `HardwareSettingsError` in plain words
for anything that cannot work (a USB id that is not hexadecimal, a port out of range); the
fields the chosen connection does not use are hidden, not cleared, so switching back and
forth loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from core.hardware.codepages import CODE_PAGES
from core.hardware.errors import HardwareSettingsError
from core.hardware.settings import (
    BAUD_RATES,
    PAPER_COLUMNS,
    DrawerPin,
    PoleKind,
    PoleSettings,
    PrinterKind,
    PrinterProfile,
    PrinterSettings,
    SerialScannerSettings,
    Terminator,
    WedgeSettings,
)
from desktop.widgets import button

__all__ = ["PoleForm", "PrinterForm", "SerialPortBox", "SerialScannerForm", "WedgeForm"]


def _combo(name: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for text, value in items:
        box.addItem(text, value)
    return box


def _choose(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


def _spin(name: str, low: int, high: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setAccessibleName(name)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    return spin


def _line(name: str, hint: str = "") -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(hint)
    return line


def _baud_box(name: str) -> QComboBox:
    return _combo(name, ((f"{rate} baud", rate) for rate in BAUD_RATES))


class SerialPortBox(QComboBox):
    """A serial port: pick one the computer found, or type one ("COM3", "/dev/ttyUSB0")."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setEditable(True)
        self.setAccessibleName(name)
        self.setMinimumWidth(260)
        line = self.lineEdit()
        if line is not None:
            line.setPlaceholderText("COM3 or /dev/ttyUSB0")

    def offer(self, ports: Iterable[tuple[str, str]]) -> None:
        """The ports found, as (device, description); what was typed stays."""
        typed = self.currentText()
        self.clear()
        for device, description in ports:
            self.addItem(f"{device} — {description}" if description else device, device)
        self.set_port(typed)

    def set_port(self, port: str) -> None:
        index = self.findData(port)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(port)

    def port(self) -> str:
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == self.currentText():
            return str(self.itemData(index))
        return self.currentText().strip()


def _hex_id(text: str, name: str) -> int:
    cleaned = text.strip().lower().removeprefix("0x")
    try:
        value = int(cleaned, 16)
    except ValueError:
        raise HardwareSettingsError(
            f"The USB {name} id is four hexadecimal digits, e.g. 04b8; “{text.strip()}” is not."
        ) from None
    return value


class PrinterForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = _combo("Receipt printer", ((kind.label, kind) for kind in PrinterKind))
        self.host = _line("Printer address", "192.168.1.50")
        self.port = _spin("Printer port", 1, 65535)
        self.usb_vendor = _line("USB vendor id", "04b8")
        self.usb_product = _line("USB product id", "0202")
        self.serial_port = SerialPortBox("Printer serial port")
        self.baudrate = _baud_box("Printer speed")
        self.queue = _line("Print queue", "the queue's name, e.g. TM-T88V")
        self.path = _line("Printer path", "/dev/usb/lp0")
        self.paper = _combo("Paper width", (("80 mm", 80), ("58 mm", 58)))
        self.columns = _spin("Characters per line", 24, 64)
        self.code_page = _combo("Code page", ((page.label, page.codec) for page in CODE_PAGES))
        self.cut = QCheckBox("Cut the paper after each receipt")
        self.feed = _spin("Lines fed before the cut", 0, 10, " lines")
        self.logo = _line("Receipt logo", "an image file; leave empty for none")
        self.logo_button = button("Choose…")
        self.pin = _combo(
            "Cash drawer pin",
            (("Pin 2 (most drawers)", DrawerPin.PIN_2), ("Pin 5", DrawerPin.PIN_5)),
        )
        self.status_check = QCheckBox("Ask the printer whether it has paper before and after")
        self.print_after_sale = QCheckBox("Print a receipt after every sale")
        self.logo_row = logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(self.logo_button)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        rows: list[tuple[str, QWidget | QHBoxLayout]] = [
            ("Connection", self.kind),
            ("Address", self.host),
            ("Port", self.port),
            ("USB vendor id", self.usb_vendor),
            ("USB product id", self.usb_product),
            ("Serial port", self.serial_port),
            ("Speed", self.baudrate),
            ("Print queue", self.queue),
            ("Path", self.path),
            ("Paper", self.paper),
            ("Characters per line", self.columns),
            ("Code page", self.code_page),
            ("Feed before cut", self.feed),
            ("Logo", logo_row),
            ("Cash drawer", self.pin),
        ]
        for text, field in rows:
            self.form.addRow(text, field)
        for box in (self.cut, self.status_check, self.print_after_sale):
            self.form.addRow("", box)
        # What only matters once there is a printer: hidden while "No receipt printer".
        self._printing_fields: tuple[QWidget, ...] = (
            self.paper,
            self.columns,
            self.code_page,
            self.feed,
            self.pin,
            self.cut,
            self.status_check,
            self.print_after_sale,
        )
        self.kind.currentIndexChanged.connect(self._show_fields)
        self.paper.currentIndexChanged.connect(self._paper_changed)
        self.load(PrinterSettings())

    def load(self, settings: PrinterSettings) -> None:
        _choose(self.kind, settings.kind)
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.usb_vendor.setText(f"{settings.usb_vendor:04x}" if settings.usb_vendor else "")
        self.usb_product.setText(f"{settings.usb_product:04x}" if settings.usb_product else "")
        self.serial_port.set_port(settings.serial_port)
        _choose(self.baudrate, settings.baudrate)
        self.queue.setText(settings.queue)
        self.path.setText(settings.path)
        profile = settings.profile
        self.paper.blockSignals(True)
        _choose(self.paper, profile.paper_mm)
        self.paper.blockSignals(False)
        self.columns.setValue(profile.columns)
        _choose(self.code_page, profile.code_page)
        self.cut.setChecked(profile.cut)
        self.feed.setValue(profile.feed_lines)
        self.logo.setText(profile.logo_path)
        _choose(self.pin, settings.drawer_pin)
        self.status_check.setChecked(settings.status_check)
        self.print_after_sale.setChecked(settings.print_after_sale)
        self._show_fields()

    def read(self, base: PrinterSettings) -> PrinterSettings:
        """The form's printer on top of `base` (which keeps the timeouts it does not show)."""
        kind = PrinterKind(self.kind.currentData())
        uses_usb = kind is PrinterKind.USB
        settings = PrinterSettings(
            kind=kind,
            host=self.host.text().strip(),
            port=self.port.value(),
            usb_vendor=_hex_id(self.usb_vendor.text(), "vendor") if uses_usb else 0,
            usb_product=_hex_id(self.usb_product.text(), "product") if uses_usb else 0,
            serial_port=self.serial_port.port(),
            baudrate=int(self.baudrate.currentData()),
            queue=self.queue.text().strip(),
            path=self.path.text().strip(),
            connect_timeout_ms=base.connect_timeout_ms,
            write_timeout_ms=base.write_timeout_ms,
            status_check=self.status_check.isChecked(),
            print_after_sale=self.print_after_sale.isChecked(),
            drawer_pin=DrawerPin(self.pin.currentData()),
            profile=PrinterProfile(
                paper_mm=int(self.paper.currentData()),
                columns=self.columns.value(),
                code_page=str(self.code_page.currentData()),
                cut=self.cut.isChecked(),
                feed_lines=self.feed.value(),
                logo_path=self.logo.text().strip(),
            ),
        )
        settings.check()
        return settings

    def _paper_changed(self) -> None:
        self.columns.setValue(PAPER_COLUMNS[int(self.paper.currentData())])

    def _show_fields(self) -> None:
        kind = PrinterKind(self.kind.currentData())
        shown = {
            self.host: kind is PrinterKind.NETWORK,
            self.port: kind is PrinterKind.NETWORK,
            self.usb_vendor: kind is PrinterKind.USB,
            self.usb_product: kind is PrinterKind.USB,
            self.serial_port: kind is PrinterKind.SERIAL,
            self.baudrate: kind is PrinterKind.SERIAL,
            self.queue: kind is PrinterKind.QUEUE,
            self.path: kind is PrinterKind.FILE,
        }
        for field, visible in shown.items():
            self.form.setRowVisible(field, visible)
        enabled = kind is not PrinterKind.NONE
        for widget in self._printing_fields:
            self.form.setRowVisible(widget, enabled)
        self.form.setRowVisible(self.logo_row, enabled)


class WedgeForm(QWidget):
    """The USB scanner that types like a keyboard, and how it is told apart from a person."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("Recognise a USB keyboard scanner by its speed")
        self.gap = _spin("Largest gap between a scanner's keys", 5, 200, " ms")
        self.min_length = _spin("Shortest code", 1, 64, " characters")
        self.prefix = _line("Scanner prefix", "none")
        self.suffix = _line("Scanner suffix", "none")
        self.terminator = _combo(
            "Scanner terminator", (("Enter", Terminator.ENTER), ("Tab", Terminator.TAB))
        )
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.enabled)
        form.addRow("Largest gap between keys", self.gap)
        form.addRow("Shortest code", self.min_length)
        form.addRow("Prefix", self.prefix)
        form.addRow("Suffix", self.suffix)
        form.addRow("Ends with", self.terminator)
        self.load(WedgeSettings())

    def load(self, settings: WedgeSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.gap.setValue(settings.max_gap_ms)
        self.min_length.setValue(settings.min_length)
        self.prefix.setText(settings.prefix)
        self.suffix.setText(settings.suffix)
        _choose(self.terminator, settings.terminator)

    def read(self) -> WedgeSettings:
        settings = WedgeSettings(
            enabled=self.enabled.isChecked(),
            max_gap_ms=self.gap.value(),
            min_length=self.min_length.value(),
            prefix=self.prefix.text(),
            suffix=self.suffix.text(),
            terminator=Terminator(self.terminator.currentData()),
        )
        settings.check()
        return settings


_SERIAL_TERMINATORS = (
    ("CR", Terminator.CR),
    ("LF", Terminator.LF),
    ("CR LF", Terminator.CRLF),
    ("Tab", Terminator.TAB),
)


class SerialScannerForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("A scanner on a serial or virtual COM port")
        self.port = SerialPortBox("Scanner serial port")
        self.baudrate = _baud_box("Scanner speed")
        self.terminator = _combo("Serial scanner terminator", _SERIAL_TERMINATORS)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.enabled)
        form.addRow("Serial port", self.port)
        form.addRow("Speed", self.baudrate)
        form.addRow("Ends with", self.terminator)
        self.load(SerialScannerSettings())

    def load(self, settings: SerialScannerSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.port.set_port(settings.port)
        _choose(self.baudrate, settings.baudrate)
        _choose(self.terminator, settings.terminator)

    def read(self) -> SerialScannerSettings:
        settings = SerialScannerSettings(
            enabled=self.enabled.isChecked(),
            port=self.port.port(),
            baudrate=int(self.baudrate.currentData()),
            terminator=Terminator(self.terminator.currentData()),
        )
        settings.check()
        return settings


_POLE_KINDS = (
    ("No pole display", PoleKind.NONE),
    ("Simulated (on screen)", PoleKind.SIMULATED),
    ("Serial port", PoleKind.SERIAL),
)


class PoleForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = _combo("Pole display", _POLE_KINDS)
        self.port = SerialPortBox("Pole display serial port")
        self.baudrate = _baud_box("Pole display speed")
        self.columns = _spin("Pole display characters per line", 16, 40)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("Display", self.kind)
        self.form.addRow("Serial port", self.port)
        self.form.addRow("Speed", self.baudrate)
        self.form.addRow("Characters per line", self.columns)
        self.kind.currentIndexChanged.connect(self._show_fields)
        self.load(PoleSettings())

    def load(self, settings: PoleSettings) -> None:
        _choose(self.kind, settings.kind)
        self.port.set_port(settings.port)
        _choose(self.baudrate, settings.baudrate)
        self.columns.setValue(settings.columns)
        self._show_fields()

    def read(self) -> PoleSettings:
        settings = PoleSettings(
            kind=PoleKind(self.kind.currentData()),
            port=self.port.port(),
            baudrate=int(self.baudrate.currentData()),
            columns=self.columns.value(),
        )
        settings.check()
        return settings

    def _show_fields(self) -> None:
        serial = PoleKind(self.kind.currentData()) is PoleKind.SERIAL
        for field in (self.port, self.baudrate):
            self.form.setRowVisible(field, serial)
        self.form.setRowVisible(
            self.columns, PoleKind(self.kind.currentData()) is not PoleKind.NONE
        )
