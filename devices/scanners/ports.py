"""The serial ports of this computer: listing them for the devices screen, and opening one for
a serial scanner or a pole display, with the cashier's words for why it would not open."""

from __future__ import annotations

import errno
import logging
from dataclasses import dataclass
from typing import Protocol

import serial
from serial.tools import list_ports

__all__ = [
    "SerialPort",
    "SerialPortInfo",
    "gone_message",
    "open_port",
    "open_problem",
    "serial_ports",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, order=True)
class SerialPortInfo:
    device: str  # what the settings keep: "/dev/ttyUSB0", "COM3"
    description: str  # "USB-Serial Controller"; "n/a" when the system does not say
    hardware_id: str  # "USB VID:PID=067B:2303 SER=…", to tell two adapters apart


class SerialPort(Protocol):
    """The part of pyserial's `Serial` the drivers use (a test may hand in its own)."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def close(self) -> None: ...


def serial_ports() -> list[SerialPortInfo]:
    """The serial ports the system knows now, by device name; [] if it cannot say."""
    try:
        found = list_ports.comports()
    except Exception:  # the discover button must never fail: say nothing found
        log.exception("Listing the serial ports failed")
        return []
    return sorted(
        SerialPortInfo(str(port.device), str(port.description), str(port.hwid)) for port in found
    )


def open_port(
    url: str, baudrate: int, *, timeout: float, write_timeout: float | None = None
) -> SerialPort:
    """Open a port by name or pyserial URL ("/dev/ttyUSB0", "COM3", "loop://").

    Raises `serial.SerialException` (an OSError) or ValueError when it cannot be opened."""
    port: SerialPort = serial.serial_for_url(
        url, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout
    )
    return port


def open_problem(error: BaseException, device: str, port: str) -> str:
    """Why `device` ("scanner", "pole display") on `port` cannot be used, in plain words."""
    code = getattr(error, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"LunarFront may not open {port} for the {device}; allow this computer's user to "
            "use serial ports (on Linux, the dialout group). Trying again meanwhile."
        )
    if code == errno.EBUSY:
        return f"Another program is using {port}; close it to use the {device}."
    if isinstance(error, ValueError):
        return f"The {device}'s port {port} is not a port name this computer knows."
    return f"The {device} on {port} is not plugged in or turned on; waiting for it."


def gone_message(device: str, port: str) -> str:
    """The port worked and stopped: the device was unplugged or switched off."""
    return f"The {device} on {port} was unplugged or turned off; waiting for it to come back."
