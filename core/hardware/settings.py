"""Each register's devices: the receipt printer (and the cash drawer on its port), the
barcode scanners and the pole display.

These belong to the machine, not the store: they are kept in the data folder beside the
working set (`devices.json`) and never synced. `from_dict` refuses a setting that cannot work
with a `HardwareSettingsError` in plain words; `to_dict` writes what `from_dict` reads.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from core.hardware.codepages import DEFAULT_CODE_PAGE, code_page
from core.hardware.errors import HardwareSettingsError

__all__ = [
    "BAUD_RATES",
    "PAPER_COLUMNS",
    "DeviceSettings",
    "DrawerPin",
    "PoleKind",
    "PoleSettings",
    "PrinterKind",
    "PrinterProfile",
    "PrinterSettings",
    "SerialScannerSettings",
    "Terminator",
    "WedgeSettings",
]

_T = TypeVar("_T")

BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
# Font A (12 dots wide) across the printable width: 384 dots on 58 mm paper, 576 on 80 mm.
PAPER_COLUMNS = {58: 32, 80: 48}
MIN_COLUMNS, MAX_COLUMNS = 24, 64


class PrinterKind(enum.StrEnum):
    NONE = "none"
    SIMULATED = "simulated"  # an on-screen receipt preview that keeps the bytes
    NETWORK = "network"  # raw TCP, port 9100 by default
    USB = "usb"  # by vendor and product id
    SERIAL = "serial"
    QUEUE = "queue"  # the operating system's print queue (Windows raw queue, CUPS)
    FILE = "file"  # a file or device path such as /dev/usb/lp0

    @property
    def label(self) -> str:
        return _PRINTER_LABELS[self]


_PRINTER_LABELS = {
    PrinterKind.NONE: "No receipt printer",
    PrinterKind.SIMULATED: "Simulated (on-screen preview)",
    PrinterKind.NETWORK: "Network (Ethernet or Wi-Fi)",
    PrinterKind.USB: "USB",
    PrinterKind.SERIAL: "Serial port",
    PrinterKind.QUEUE: "Print queue of this computer",
    PrinterKind.FILE: "File or device path",
}


class DrawerPin(enum.IntEnum):
    """The printer's drawer port has two kick outputs; each drawer is wired to one."""

    PIN_2 = 2
    PIN_5 = 5


class Terminator(enum.StrEnum):
    """What a scanner sends after each code."""

    ENTER = "enter"  # a keyboard-wedge scanner's Enter; CR on a serial one
    CR = "cr"
    LF = "lf"
    CRLF = "crlf"
    TAB = "tab"

    @property
    def chars(self) -> str:
        return _TERMINATOR_CHARS[self]


_TERMINATOR_CHARS = {
    Terminator.ENTER: "\r",
    Terminator.CR: "\r",
    Terminator.LF: "\n",
    Terminator.CRLF: "\r\n",
    Terminator.TAB: "\t",
}


class PoleKind(enum.StrEnum):
    NONE = "none"
    SIMULATED = "simulated"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """The paper and the characters: what the renderer needs to lay a receipt out."""

    paper_mm: int = 80
    columns: int = PAPER_COLUMNS[80]
    code_page: str = DEFAULT_CODE_PAGE  # a codec from `core.hardware.codepages`
    cut: bool = True
    feed_lines: int = 4  # blank lines fed before the cut, so the last line clears the blade
    logo_path: str = ""  # an image printed at the top; "" for none

    def check(self) -> None:
        if self.paper_mm not in PAPER_COLUMNS:
            raise HardwareSettingsError("The paper must be 58 mm or 80 mm wide.")
        if not MIN_COLUMNS <= self.columns <= MAX_COLUMNS:
            raise HardwareSettingsError(
                f"A line holds {MIN_COLUMNS} to {MAX_COLUMNS} characters; "
                f"{self.columns} cannot be printed."
            )
        if code_page(self.code_page) is None:
            raise HardwareSettingsError(f"The printer has no code page named {self.code_page}.")
        if not 0 <= self.feed_lines <= 10:
            raise HardwareSettingsError("Feed 0 to 10 lines before the cut.")


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    kind: PrinterKind = PrinterKind.NONE
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0  # e.g. 0x04B8 for Epson
    usb_product: int = 0
    serial_port: str = ""
    baudrate: int = 9600
    queue: str = ""  # the print queue's name
    path: str = ""  # a file or device path
    connect_timeout_ms: int = 2_000
    write_timeout_ms: int = 5_000
    status_check: bool = True  # ask the printer (DLE EOT) whether it is online and has paper
    print_after_sale: bool = True  # False: receipts print only when asked for
    drawer_pin: DrawerPin = DrawerPin.PIN_2
    profile: PrinterProfile = field(default_factory=PrinterProfile)

    @property
    def enabled(self) -> bool:
        return self.kind is not PrinterKind.NONE

    def describe(self) -> str:
        """Where the printer is, as the cashier's message names it."""
        places = {
            PrinterKind.NETWORK: f"the printer at {self.host}:{self.port}",
            PrinterKind.USB: f"the USB printer {self.usb_vendor:04x}:{self.usb_product:04x}",
            PrinterKind.SERIAL: f"the printer on {self.serial_port}",
            PrinterKind.QUEUE: f"the print queue {self.queue}",
            PrinterKind.FILE: f"the printer at {self.path}",
            PrinterKind.SIMULATED: "the simulated printer",
        }
        return places.get(self.kind, "no printer")

    def check(self) -> None:
        self.profile.check()
        match self.kind:
            case PrinterKind.NETWORK:
                if not self.host.strip() or any(ch.isspace() for ch in self.host.strip()):
                    raise HardwareSettingsError("Type the printer's address, e.g. 192.168.1.50.")
                _port(self.port, "The printer's port")
            case PrinterKind.USB:
                for value, name in ((self.usb_vendor, "vendor"), (self.usb_product, "product")):
                    if not 0 < value <= 0xFFFF:
                        raise HardwareSettingsError(
                            f"The USB {name} id is four hexadecimal digits, e.g. 04b8."
                        )
            case PrinterKind.SERIAL:
                _serial(self.serial_port, self.baudrate, "printer")
            case PrinterKind.QUEUE:
                if not self.queue.strip():
                    raise HardwareSettingsError("Choose the print queue the printer is on.")
            case PrinterKind.FILE:
                if not self.path.strip():
                    raise HardwareSettingsError("Type the path the printer is at.")
        for value, name in (
            (self.connect_timeout_ms, "connect"),
            (self.write_timeout_ms, "write"),
        ):
            if not 100 <= value <= 30_000:
                raise HardwareSettingsError(
                    f"The {name} timeout must be 0.1 to 30 seconds; "
                    "a longer one leaves the cashier waiting."
                )


@dataclass(frozen=True, slots=True)
class WedgeSettings:
    """A USB scanner that types like a keyboard, told apart from a person by its speed:
    every key within `max_gap_ms` of the last, at least `min_length` characters, then the
    terminator. A prefix or suffix the scanner is programmed to add is stripped."""

    enabled: bool = True
    max_gap_ms: int = 40
    min_length: int = 4
    prefix: str = ""
    suffix: str = ""
    terminator: Terminator = Terminator.ENTER

    def check(self) -> None:
        if not 5 <= self.max_gap_ms <= 200:
            raise HardwareSettingsError(
                "The gap between a scanner's keys must be 5 to 200 milliseconds; "
                "people type slower than 200."
            )
        if not 1 <= self.min_length <= 64:
            raise HardwareSettingsError("A scanned code is 1 to 64 characters at the least.")
        if self.terminator not in (Terminator.ENTER, Terminator.TAB):
            raise HardwareSettingsError("A keyboard scanner ends each code with Enter or Tab.")
        for text, name in ((self.prefix, "prefix"), (self.suffix, "suffix")):
            if len(text) > 8 or any(not ch.isprintable() for ch in text):
                raise HardwareSettingsError(
                    f"The scanner's {name} is up to 8 characters you can type."
                )


@dataclass(frozen=True, slots=True)
class SerialScannerSettings:
    enabled: bool = False
    port: str = ""
    baudrate: int = 9600
    terminator: Terminator = Terminator.CR

    def check(self) -> None:
        if self.enabled:
            _serial(self.port, self.baudrate, "scanner")
        if self.terminator is Terminator.ENTER:
            raise HardwareSettingsError(
                "A serial scanner ends each code with CR, LF, CR LF or Tab."
            )


@dataclass(frozen=True, slots=True)
class PoleSettings:
    """A two-line customer display (20 characters a line) on a serial port."""

    kind: PoleKind = PoleKind.NONE
    port: str = ""
    baudrate: int = 9600
    columns: int = 20

    def check(self) -> None:
        if self.kind is PoleKind.SERIAL:
            _serial(self.port, self.baudrate, "pole display")
        if not 16 <= self.columns <= 40:
            raise HardwareSettingsError("A pole display line is 16 to 40 characters.")


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    wedge: WedgeSettings = field(default_factory=WedgeSettings)
    serial_scanner: SerialScannerSettings = field(default_factory=SerialScannerSettings)
    pole: PoleSettings = field(default_factory=PoleSettings)

    @classmethod
    def simulated(cls) -> DeviceSettings:
        """The demo store's devices: a printer, drawer and pole display shown on screen."""
        return cls(
            printer=PrinterSettings(kind=PrinterKind.SIMULATED),
            pole=PoleSettings(kind=PoleKind.SIMULATED),
        )

    def check(self) -> None:
        self.printer.check()
        self.wedge.check()
        self.serial_scanner.check()
        self.pole.check()

    def to_dict(self) -> dict[str, Any]:
        return {
            "printer": {
                **_plain(self.printer, skip={"profile"}),
                "profile": _plain(self.printer.profile),
            },
            "wedge": _plain(self.wedge),
            "serial_scanner": _plain(self.serial_scanner),
            "pole": _plain(self.pole),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeviceSettings:
        """Settings as written by `to_dict`; missing keys take their defaults (a file from an
        older version still reads), and a value of the wrong kind is refused."""
        if not isinstance(data, Mapping):
            raise HardwareSettingsError("The device settings file is not a settings object.")
        printer_data = dict(_section(data, "printer"))
        profile = _read(PrinterProfile(), _section(printer_data, "profile"))
        printer_data.pop("profile", None)
        settings = cls(
            printer=replace(_read(PrinterSettings(), printer_data), profile=profile),
            wedge=_read(WedgeSettings(), _section(data, "wedge")),
            serial_scanner=_read(SerialScannerSettings(), _section(data, "serial_scanner")),
            pole=_read(PoleSettings(), _section(data, "pole")),
        )
        settings.check()
        return settings


def _port(value: int, what: str) -> None:
    if not 1 <= value <= 65535:
        raise HardwareSettingsError(f"{what} must be a number from 1 to 65535.")


def _serial(port: str, baudrate: int, device: str) -> None:
    if not port.strip():
        raise HardwareSettingsError(f"Choose the serial port the {device} is on.")
    if baudrate not in BAUD_RATES:
        raise HardwareSettingsError(
            f"The {device}'s speed must be one of {', '.join(map(str, BAUD_RATES))} baud."
        )


def _plain(obj: Any, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(obj):
        if item.name in skip:
            continue
        value = getattr(obj, item.name)
        out[item.name] = value.value if isinstance(value, enum.Enum) else value
    return out


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, Mapping):
        raise HardwareSettingsError(f"The {name.replace('_', ' ')} settings are not readable.")
    return section


def _read(default: _T, data: Mapping[str, Any]) -> _T:
    """`default` with the values `data` names, each checked against the default's type."""
    changes: dict[str, Any] = {}
    for item in fields(default):  # type: ignore[arg-type]
        if item.name not in data or item.name == "profile":
            continue
        current, value = getattr(default, item.name), data[item.name]
        try:
            changes[item.name] = _coerce(current, value)
        except (TypeError, ValueError):
            label = item.name.replace("_", " ")
            raise HardwareSettingsError(f"The setting “{label}” cannot be {value!r}.") from None
    return replace(default, **changes)  # type: ignore[type-var]


def _coerce(current: Any, value: Any) -> Any:
    if isinstance(current, enum.Enum):
        return type(current)(value)
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise TypeError
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return value
    if isinstance(current, str):
        if not isinstance(value, str):
            raise TypeError
        return value
    raise TypeError
