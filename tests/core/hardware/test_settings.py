"""Device settings: every value that cannot work is refused in words the manager can act on,
and what is written reads back the same."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.hardware.codepages import CODE_PAGES, code_page
from core.hardware.errors import HardwareSettingsError
from core.hardware.settings import (
    BAUD_RATES,
    DeviceSettings,
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


def test_defaults_are_a_register_with_a_keyboard_scanner_and_nothing_else() -> None:
    settings = DeviceSettings()
    settings.check()
    assert not settings.printer.enabled
    assert settings.printer.describe() == "no printer"
    assert settings.wedge.enabled
    assert not settings.serial_scanner.enabled
    assert settings.pole.kind is PoleKind.NONE


def test_the_demo_store_prints_and_displays_on_screen() -> None:
    demo = DeviceSettings.simulated()
    assert demo.printer.kind is PrinterKind.SIMULATED
    assert demo.pole.kind is PoleKind.SIMULATED
    assert demo.printer.describe() == "the simulated printer"


def test_a_network_printer_reads_back_from_its_dictionary() -> None:
    settings = DeviceSettings(
        printer=PrinterSettings(
            kind=PrinterKind.NETWORK,
            host="192.168.1.50",
            drawer_pin=DrawerPin.PIN_5,
            profile=PrinterProfile(paper_mm=58, columns=32, code_page="cp437", cut=False),
        ),
        wedge=WedgeSettings(max_gap_ms=30, prefix="]", terminator=Terminator.TAB),
        serial_scanner=SerialScannerSettings(
            enabled=True, port="/dev/ttyUSB0", baudrate=19200, terminator=Terminator.CRLF
        ),
        pole=PoleSettings(kind=PoleKind.SERIAL, port="COM3"),
    )
    assert DeviceSettings.from_dict(settings.to_dict()) == settings
    assert settings.printer.describe() == "the printer at 192.168.1.50:9100"


def test_an_older_file_with_fewer_keys_takes_the_defaults_for_the_rest() -> None:
    settings = DeviceSettings.from_dict({"printer": {"kind": "file", "path": "/dev/usb/lp0"}})
    assert settings.printer.path == "/dev/usb/lp0"
    assert settings.printer.port == 9100
    assert settings.wedge == WedgeSettings()
    assert DeviceSettings.from_dict({}) == DeviceSettings()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a settings object"),
        ({"printer": "network"}, "printer settings are not readable"),
        ({"printer": {"kind": "laser"}}, "“kind” cannot be 'laser'"),
        ({"printer": {"kind": "network", "host": "10.0.0.9", "port": "9100"}}, "“port”"),
        ({"printer": {"kind": "network", "host": "10.0.0.9", "port": 70000}}, "1 to 65535"),
        ({"printer": {"kind": "network", "host": " "}}, "printer's address"),
        ({"printer": {"kind": "network", "host": "10.0 .0.9"}}, "printer's address"),
        ({"printer": {"kind": "usb", "usb_vendor": 0x4B8}}, "USB product id"),
        ({"printer": {"kind": "serial", "serial_port": ""}}, "serial port the printer"),
        ({"printer": {"kind": "serial", "serial_port": "COM1", "baudrate": 1234}}, "speed"),
        ({"printer": {"kind": "queue"}}, "print queue"),
        ({"printer": {"kind": "file"}}, "path the printer"),
        ({"printer": {"status_check": 1}}, "“status check”"),
        ({"printer": {"drawer_pin": 3}}, "“drawer pin”"),
        ({"printer": {"connect_timeout_ms": 60_000}}, "0.1 to 30 seconds"),
        ({"printer": {"profile": {"paper_mm": 76}}}, "58 mm or 80 mm"),
        ({"printer": {"profile": {"columns": 12}}}, "24 to 64"),
        ({"printer": {"profile": {"code_page": "utf8"}}}, "no code page named utf8"),
        ({"printer": {"profile": {"feed_lines": 40}}}, "0 to 10 lines"),
        ({"wedge": {"max_gap_ms": 500}}, "people type slower"),
        ({"wedge": {"min_length": 0}}, "1 to 64"),
        ({"wedge": {"terminator": "lf"}}, "Enter or Tab"),
        ({"wedge": {"prefix": "\x02"}}, "prefix is up to 8"),
        ({"wedge": {"suffix": "123456789"}}, "suffix is up to 8"),
        ({"serial_scanner": {"enabled": True}}, "serial port the scanner"),
        ({"serial_scanner": {"terminator": "enter"}}, "CR, LF, CR LF or Tab"),
        ({"pole": {"kind": "serial"}}, "serial port the pole display"),
        ({"pole": {"columns": 80}}, "16 to 40"),
    ],
)
def test_settings_that_cannot_work_are_refused_in_plain_words(data: Any, message: str) -> None:
    with pytest.raises(HardwareSettingsError, match=message):
        DeviceSettings.from_dict(data)


def test_every_code_page_is_a_python_codec_with_its_own_number() -> None:
    numbers = [page.number for page in CODE_PAGES]
    assert len(set(numbers)) == len(numbers)
    for page in CODE_PAGES:
        assert "€".encode(page.codec, errors="replace")  # the codec exists
        assert code_page(page.codec) is page
    assert code_page("utf-8") is None


def test_each_kind_names_its_printer_for_the_cashier() -> None:
    base = PrinterSettings()
    assert replace(base, kind=PrinterKind.USB, usb_vendor=0x4B8, usb_product=0x202).describe() == (
        "the USB printer 04b8:0202"
    )
    assert replace(base, kind=PrinterKind.SERIAL, serial_port="COM4").describe() == (
        "the printer on COM4"
    )
    assert replace(base, kind=PrinterKind.QUEUE, queue="Receipts").describe() == (
        "the print queue Receipts"
    )
    assert replace(base, kind=PrinterKind.FILE, path="/dev/usb/lp0").describe() == (
        "the printer at /dev/usb/lp0"
    )


@given(
    kind=st.sampled_from([PrinterKind.NONE, PrinterKind.SIMULATED, PrinterKind.NETWORK]),
    port=st.integers(1, 65535),
    paper=st.sampled_from([58, 80]),
    columns=st.integers(24, 64),
    page=st.sampled_from([p.codec for p in CODE_PAGES]),
    gap=st.integers(5, 200),
    baud=st.sampled_from(BAUD_RATES),
)
def test_any_valid_settings_survive_the_round_trip(
    kind: PrinterKind, port: int, paper: int, columns: int, page: str, gap: int, baud: int
) -> None:
    settings = DeviceSettings(
        printer=PrinterSettings(
            kind=kind,
            host="printer.local",
            port=port,
            profile=PrinterProfile(paper_mm=paper, columns=columns, code_page=page),
        ),
        wedge=WedgeSettings(max_gap_ms=gap),
        pole=PoleSettings(kind=PoleKind.SERIAL, port="/dev/ttyS0", baudrate=baud),
    )
    assert DeviceSettings.from_dict(settings.to_dict()) == settings
