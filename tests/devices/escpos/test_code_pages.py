"""Text in the printer's code page: what the table has prints as itself, the rest as a
readable stand-in, never as a wrong letter and never as an error."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.hardware.codepages import CODE_PAGES
from core.hardware.errors import HardwareSettingsError
from devices.escpos import decode, items_job
from devices.escpos.text import encode, printable
from devices.receipts.layout import Row
from tests.devices.escpos.samples import NARROW, WIDE

SAMPLE = "Café Crème €5.00 naïve Ørsted Łódź ₩1,000"


def printed_in(codec: str, text: str) -> str:
    (line,) = decode(items_job([Row(text)], replace(WIDE, code_page=codec, feed_lines=0))).lines
    return line.text


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        # PC858 is PC850 with €: accents, € and Ø print as themselves.
        ("cp858", "Café Crème €5.00 naïve Ørsted Lódz KRW 1,000"),
        # PC437 has no €, Ø or Ł: currency as its code, letters without the stroke.
        ("cp437", "Café Crème EUR 5.00 naïve Orsted Lódz KRW 1,000"),
        ("cp1252", "Café Crème €5.00 naïve Ørsted Lódz KRW 1,000"),
        # Cyrillic: no Latin accents at all, the plain letters remain.
        ("cp866", "Cafe Creme EUR 5.00 naive Orsted Lodz KRW 1,000"),
        # Central European: é, ó, Ł and ź are there; è, ï and Ø are not.
        ("cp852", "Café Creme EUR 5.00 naive Orsted Łódź KRW 1,000"),
    ],
)
def test_a_line_prints_in_the_code_page_and_reads_back(codec: str, expected: str) -> None:
    assert printed_in(codec, SAMPLE) == expected
    assert "?" not in expected


@pytest.mark.parametrize("codec", [page.codec for page in CODE_PAGES])
def test_every_code_page_encodes_anything_without_an_error(codec: str) -> None:
    text = SAMPLE + " Ελλάδα 漢字 ₹ ™ “quoted” — é\u0301 \x07\t end"

    data = encode(text, codec)

    assert all(byte >= 0x20 and byte != 0x7F for byte in data)
    assert data.decode(codec) == printable(text, codec)
    assert printable(printable(text, codec), codec) == printable(text, codec)


@pytest.mark.parametrize("codec", ["cp858", "cp1252", "cp852"])
def test_greek_and_chinese_have_no_stand_in_and_print_as_question_marks(codec: str) -> None:
    assert printed_in(codec, "Ωμέγα 漢字") == "????? ??"


def test_a_table_that_has_a_greek_letter_prints_it() -> None:
    # PC437 carries a few Greek letters for mathematics; the accent is dropped from "ά".
    assert printed_in("cp437", "αά") == "αα"


def test_a_combining_accent_prints_on_its_letter_or_is_dropped() -> None:
    assert printed_in("cp858", "Cafe\u0301 q\u0301") == "Café q"


def test_stand_ins_are_counted_when_a_line_is_laid_out() -> None:
    # Nine "€" are 36 characters on PC437 ("EUR " each): wider than the 32 columns of 58 mm.
    profile = replace(NARROW, code_page="cp437", feed_lines=0)
    out = decode(items_job([Row("€" * 9)], profile))

    assert [line.text for line in out.lines] == ["EUR EUR EUR EUR EUR EUR EUR EUR", "EUR"]


def test_an_unknown_code_page_is_refused_before_anything_prints() -> None:
    with pytest.raises(HardwareSettingsError, match="no code page named cp1253"):
        items_job([Row("x")], replace(WIDE, code_page="cp1253"))
