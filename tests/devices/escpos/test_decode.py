"""The decoder reads what the renderer sends and refuses anything else, naming the byte."""

from __future__ import annotations

import pytest

from devices.escpos import EscposDecodeError, PrintedLine, decode, receipt_job
from devices.escpos.commands import barcode_code128
from tests.devices.escpos.samples import WIDE, worked_receipt


def test_text_is_read_in_the_code_page_last_selected() -> None:
    out = decode(b"\x1bt\x13\x82\xd5\n\x1bt\x10\xe9\x80\n")  # PC858 "é€", then 1252 "é€"

    assert [line.text for line in out.lines] == ["é€", "é€"]
    assert out.code_page == "cp1252"


def test_before_any_code_page_is_chosen_text_is_pc437() -> None:
    assert decode(b"\x82\n").lines == (PrintedLine("é"),)


def test_a_line_keeps_the_style_its_text_began_in() -> None:
    out = decode(b"\x1ba\x01\x1bE\x01\x1d!\x11Big\n\x1d!\x00\x1bE\x00\x1ba\x00plain\n")

    assert out.lines == (PrintedLine("Big", True, True, True, "center"), PrintedLine("plain"))


def test_text_left_without_a_line_feed_is_shown_and_a_cut_prints_it() -> None:
    assert decode(b"tail").lines == (PrintedLine("tail"),)
    out = decode(b"before cut\x1dV\x01")
    assert out.lines == (PrintedLine("before cut"),)
    assert out.cuts == 1


def test_reset_discards_unprinted_text_as_the_printer_does() -> None:
    assert decode(b"lost\x1b@kept\n").lines == (PrintedLine("kept"),)


def test_a_feed_prints_the_buffered_line_as_its_first() -> None:
    assert [line.text for line in decode(b"x\x1bd\x03").lines] == ["x", "", ""]
    assert [line.text for line in decode(b"\x1bd\x02").lines] == ["", ""]


def test_receipts_sent_back_to_back_decode_as_that_many() -> None:
    job = receipt_job(worked_receipt(), WIDE) * 50  # fifty receipts back to back

    out = decode(job)

    assert out.cuts == 50
    assert len(out.barcodes) == 50


@pytest.mark.parametrize(
    ("data", "offset", "reason"),
    [
        (b"ok\n\x1dk\x49\x0b{BR1-00", 3, "cut short"),  # GS k promising 11 bytes, given 6
        (b"\x1dk", 0, "cut short"),
        (b"ok\x1b\x5a\x00", 2, "unknown command ESC 0x5a"),
        (b"\x1d\x99", 0, "unknown command GS 0x99"),
        (b"\x1bt\x63", 0, "code page 99"),
        (b"abc\x07", 3, "unknown control byte 0x07"),
        (b"\x1bt\x10ab\x81", 5, "cp1252 has no character"),
        (b"\x1dk\x04\x03ABC", 0, "not Code 128"),
        (b"\x1dk\x49\x03ABC", 0, "code set B"),
        (b"\x1dk\x49\x05{BA{C", 0, "code set change"),
        (b"\x1d(k\x03\x001Q0", 0, "before its data"),
        (b"\x1d(k\x03\x00\x32Q0", 0, "other than a QR"),
        (b"\x1dv0\x00\x02\x00\x02\x00\xff", 0, "cut short"),
        (b"\x1dV\x07", 0, "cut mode 7"),
        (b"\x1ba\x05", 0, "alignment 5"),
        (b"\x1d!\x88", 0, "character size"),
        (b"\x10\x05\x01", 0, "real-time"),
        (b"\x1bp\x02\x19\xfa", 0, "connector 2"),
    ],
)
def test_garbage_is_refused_naming_the_byte(data: bytes, offset: int, reason: str) -> None:
    with pytest.raises(EscposDecodeError) as raised:
        decode(data)

    assert raised.value.offset == offset
    assert reason in raised.value.message
    assert raised.value.message.startswith(f"The printer data cannot be read at byte {offset}: ")


def test_a_job_cut_anywhere_inside_a_command_is_refused() -> None:
    data = barcode_code128("R1-000457")  # GS h n, GS w n, GS H n, then GS k 73 n and data
    boundaries = {3, 6, 9}

    for end in range(1, len(data)):
        if end in boundaries:
            assert decode(data[:end]).barcodes == ()
        else:
            with pytest.raises(EscposDecodeError, match="cut short"):
                decode(data[:end])
    assert decode(data).barcodes == (("CODE128", "R1-000457"),)
