"""Discovering serial ports for the devices screen, and the words for a port that will not open."""

from __future__ import annotations

import errno
from types import SimpleNamespace

import pytest
from serial import SerialException

from devices.scanners import ports
from devices.scanners.ports import SerialPortInfo, open_port, open_problem, serial_ports
from tests.devices.scanners.ptys import Pty


def test_ports_are_listed_by_device_name(monkeypatch: pytest.MonkeyPatch) -> None:
    found = [
        SimpleNamespace(device="/dev/ttyUSB1", description="Pole display", hwid="USB 0403:6001"),
        SimpleNamespace(device="/dev/ttyACM0", description="Scanner", hwid="USB 05F9:4204"),
    ]
    monkeypatch.setattr(ports.list_ports, "comports", lambda: found)
    assert serial_ports() == [
        SerialPortInfo("/dev/ttyACM0", "Scanner", "USB 05F9:4204"),
        SerialPortInfo("/dev/ttyUSB1", "Pole display", "USB 0403:6001"),
    ]


def test_a_failing_listing_is_an_empty_list(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> list[object]:
        raise OSError("no /sys here")

    monkeypatch.setattr(ports.list_ports, "comports", broken)
    assert serial_ports() == []
    assert "Listing the serial ports failed" in caplog.text


def test_the_real_listing_runs() -> None:
    assert all(isinstance(info, SerialPortInfo) for info in serial_ports())


def test_a_port_opens_by_name_or_url() -> None:
    pty = Pty()
    try:
        port = open_port(pty.path, 9600, timeout=0.1)
        port.write(b"ok")
        assert pty.read_exactly(2) == b"ok"
        port.close()
    finally:
        pty.close()
    loop = open_port("loop://", 9600, timeout=0.1)
    loop.write(b"0042\r")
    assert loop.read(5) == b"0042\r"
    loop.close()


def test_open_problems_in_plain_words() -> None:
    with pytest.raises(SerialException) as missing:
        open_port("/dev/no-such-port", 9600, timeout=0.1)
    assert open_problem(missing.value, "scanner", "/dev/no-such-port") == (
        "The scanner on /dev/no-such-port is not plugged in or turned on; waiting for it."
    )
    denied = SerialException(errno.EACCES, "could not open port")
    assert "dialout group" in open_problem(denied, "pole display", "/dev/ttyS0")
    with pytest.raises(ValueError, match="invalid URL") as unknown:
        open_port("nosuch://x", 9600, timeout=0.1)
    assert "not a port name" in open_problem(unknown.value, "scanner", "nosuch://x")
