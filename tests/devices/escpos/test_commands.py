"""The drawer kick, the test page and the barcode and QR commands, byte by byte."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.hardware.settings import DrawerPin, PrinterProfile
from devices.escpos import commands, decode, drawer_kick, items_job
from devices.escpos import test_page as print_test_page  # a name pytest would collect
from devices.escpos.render import code128_module, qr_module
from devices.receipts.layout import Barcode, QrCode, Row
from tests.devices.escpos.samples import NARROW, PROFILES, WIDE


@pytest.mark.parametrize(
    ("pin", "expected"),
    [(DrawerPin.PIN_2, b"\x1bp\x00\x19\xfa"), (DrawerPin.PIN_5, b"\x1bp\x01\x19\xfa")],
)
def test_the_drawer_kick_pulses_its_pin_for_50_ms(pin: DrawerPin, expected: bytes) -> None:
    # ESC p counts in 2 ms: 25 (50 ms) on, 250 (500 ms) off.
    assert drawer_kick(pin) == expected
    assert decode(drawer_kick(pin)).drawer_pulses == (int(pin),)


def test_a_kick_between_status_requests_decodes_as_one_pulse() -> None:
    out = decode(b"\x10\x04\x01" + drawer_kick(DrawerPin.PIN_5) + b"\x10\x04\x04")

    assert out.drawer_pulses == (5,)
    assert out.lines == ()


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_test_page_shows_the_settings_a_ruler_and_a_barcode(profile: PrinterProfile) -> None:
    out = decode(print_test_page(profile))
    texts = [line.text for line in out.lines]

    assert out.lines[0].text == "LunarFront test print"
    assert out.lines[0].align == "center"
    assert f"Paper {profile.paper_mm} mm, {profile.columns} columns" in texts
    assert any(text.startswith("Code page cp858: PC858") for text in texts)
    assert any(text.startswith("àáâäçèéêëíñóöúüß ÀÉÑÖÜ Æø") for text in texts)
    assert "$ € £ ¥ ¢" in texts
    ruler = ("1234567890" * 7)[: profile.columns]
    assert ruler in texts
    assert len(ruler) == profile.columns
    assert out.barcodes == (("CODE128", "LUNARFRONT-128"),)
    assert out.cuts == 1
    assert all(line.cells <= profile.columns for line in out.lines)


def test_the_test_page_shows_stand_ins_on_a_table_without_euro() -> None:
    out = decode(print_test_page(replace(WIDE, code_page="cp437")))

    assert "$ EUR £ ¥ ¢" in out.text.splitlines()
    assert "Code page cp437: PC437 - USA, standard Europe" in out.text.splitlines()


def test_a_barcode_uses_the_widest_bars_the_paper_allows() -> None:
    # 11 modules a character + 35: 9 characters are 134 modules, 30 are 365, 60 are 695.
    assert code128_module("R1-000457", 576) == 3
    assert code128_module("R1-000457", 384) == 2
    assert code128_module("X" * 30, 576) == 1
    assert code128_module("X" * 60, 576) == 0


def test_a_barcode_too_long_for_the_paper_prints_its_text_instead() -> None:
    value = "R1-" + "0" * 60
    out = decode(items_job([Barcode(value)], replace(NARROW, feed_lines=0)))

    assert out.barcodes == ()
    assert "".join(line.text for line in out.lines) == value
    assert all(line.cells <= 32 and line.align == "center" for line in out.lines)


def test_a_brace_in_a_barcode_is_sent_doubled_and_read_back_single() -> None:
    data = commands.barcode_code128("A{B}", module=2)

    assert data.endswith(b"\x1dk\x49\x07{BA{{B}")
    assert decode(data).barcodes == (("CODE128", "A{B}"),)


def test_a_qr_code_is_model_2_level_m_stored_then_printed() -> None:
    data = commands.qr_code("https://lunarfront.example/r/1", module=6)

    assert data.startswith(b"\x1d(k\x04\x001A2\x00")  # model 2
    assert b"\x1d(k\x03\x001C\x06" in data  # 6 dots a module
    assert b"\x1d(k\x03\x001E1" in data  # level M
    assert b"\x1d(k\x21\x001P0https://lunarfront.example/r/1" in data  # 30 bytes + 3
    assert data.endswith(b"\x1d(k\x03\x001Q0")
    assert decode(data).qr_codes == ("https://lunarfront.example/r/1",)


def test_a_qr_code_is_about_25_mm_whatever_it_holds() -> None:
    # Version 2 (25 modules) for 20 bytes, version 13 (69 modules) for 300.
    assert qr_module("x" * 20) * 25 <= 200
    assert qr_module("x" * 20) == 8
    assert qr_module("x" * 300) == 2
    out = decode(items_job([QrCode("x" * 300)], WIDE))
    assert out.qr_codes == ("x" * 300,)


def test_commands_refuse_values_the_printer_would_misread() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        commands.barcode_code128("Zoë")
    with pytest.raises(ValueError, match="pin 2 or pin 5"):
        commands.drawer_kick(3)
    with pytest.raises(ValueError, match="1 to 8"):
        commands.size(9, 1)
    with pytest.raises(ValueError, match="does not match"):
        commands.raster(2, 2, b"\x00")


def test_an_empty_row_prints_nothing() -> None:
    out = decode(items_job([Row(""), Row("   ")], replace(WIDE, feed_lines=0, cut=False)))

    assert out.lines == ()
