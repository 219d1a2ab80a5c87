"""The receipt as an ESC/POS job, read back with the decoder as the paper would show it."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from core.hardware.settings import PrinterProfile
from core.sales.receipt import gift_receipt
from devices.escpos import PrintedLine, Printout, decode, receipt_job
from tests.devices.escpos.samples import (
    CAPO,
    NARROW,
    PICKS,
    PROFILES,
    STICKS,
    STRINGS,
    TUNER,
    WIDE,
    worked_receipt,
)


def printed(profile: PrinterProfile, **changes: object) -> Printout:
    return decode(receipt_job(replace(worked_receipt(), **changes), profile))  # type: ignore[arg-type]


def spread(left: str, right: str, columns: int) -> str:
    """`left` and `right` on one line exactly `columns` wide."""
    return left + " " * (columns - len(left) - len(right)) + right


def line(out: Printout, text: str) -> PrintedLine:
    (found,) = [printed_line for printed_line in out.lines if printed_line.text == text]
    return found


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
@pytest.mark.parametrize(
    ("label", "amount"),
    [
        ("Receipt", "R1-000457"),
        ("Cashier", "Zoë"),
        ("Customer", "Amélie Dubois"),
        ("Account", "C-004211"),
        ("  3 × $7.99", "$23.97"),
        ("  Bundle price", "-$2.00"),
        ("  2 × $5.49", "$10.98"),
        ("  1 × $19.99", "-$19.99"),
        ("Subtotal", "$47.40"),
        ("Loyalty points", "-$0.54"),
        ("Discount total", "-$2.54"),
        ("State tax 6.25%", "$2.80"),
        ("City tax 1.5%", "$0.67"),
        ("Tax total", "$3.47"),
        ("Card", "$30.00"),
        ("Cash", "$20.00"),
    ],
)
def test_each_amount_is_flush_right_on_its_label_line(
    profile: PrinterProfile, label: str, amount: str
) -> None:
    out = printed(profile)

    found = line(out, spread(label, amount, profile.columns))
    assert not found.bold
    assert not found.double_height
    assert found.align == "left"


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_total_is_bold_double_height_and_ends_at_the_last_column(
    profile: PrinterProfile,
) -> None:
    total = line(printed(profile), spread("TOTAL", "$48.33", profile.columns))

    assert len(total.text) == profile.columns
    assert total.bold
    assert total.double_height
    assert not total.double_width


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_change_is_bold_and_the_card_reference_indented(profile: PrinterProfile) -> None:
    out = printed(profile)

    assert line(out, spread("Change", "$1.67", profile.columns)).bold
    assert line(out, "  Visa ****4242 auth 0A1B2C").align == "left"


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_heading_is_centred_with_the_store_name_large(profile: PrinterProfile) -> None:
    out = printed(profile)

    name = out.lines[0]
    assert name == PrintedLine("Müller Music", True, True, True, "center")
    assert out.lines[1] == PrintedLine("Downtown", align="center")
    assert line(out, "Exchange") == PrintedLine("Exchange", True, False, True, "center")
    assert line(out, "Return of R1-000398").align == "left"


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_returned_line_is_marked_in_bold_under_its_name(profile: PrinterProfile) -> None:
    texts = [printed_line.text for printed_line in printed(profile).lines]

    at = texts.index(TUNER)
    assert texts[at + 1 : at + 4] == [
        "  Returned",
        spread("  1 × $19.99", "-$19.99", profile.columns),
        "  S/N SN5-00981",
    ]
    assert line(printed(profile), "  Returned").bold


def test_a_name_too_long_for_58_mm_wraps_before_its_amount() -> None:
    texts = printed(NARROW).text.splitlines()

    at = texts.index("Dunlop Tortex picks .73 mm,")
    assert texts[at + 1 : at + 3] == ["12-pack", spread("  2 × $5.49", "$10.98", 32)]
    assert PICKS in printed(WIDE).text.splitlines()


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_every_line_fits_the_paper(profile: PrinterProfile) -> None:
    out = printed(profile)

    assert all(printed_line.cells <= profile.columns for printed_line in out.lines)
    assert "-" * profile.columns in out.text.splitlines()
    for name in (STRINGS, STICKS, TUNER, CAPO):
        assert name in out.text


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_job_carries_the_receipt_barcode_one_cut_and_the_code_page(
    profile: PrinterProfile,
) -> None:
    job = receipt_job(worked_receipt(), profile)
    out = decode(job)

    assert out.barcodes == (("CODE128", "R1-000457"),)
    assert b"\x1dk\x49\x0b{BR1-000457" in job
    assert out.cuts == 1
    assert out.code_page == "cp858"
    assert job.startswith(b"\x1b@\x1bt\x13")  # reset, then PC858
    assert job.endswith(b"\x1bd\x04\x1dV\x01")  # four lines fed, then the cut
    assert out.qr_codes == ()
    assert out.images == ()
    assert out.drawer_pulses == ()


def test_the_barcode_bars_are_as_wide_as_the_paper_allows() -> None:
    # "R1-000457": 9 × 11 + 35 = 134 modules: 3 dots (402) fit 576 easily, 2 (268) fit 384.
    assert b"\x1dw\x03" in receipt_job(worked_receipt(), WIDE)
    assert b"\x1dw\x02" in receipt_job(worked_receipt(), NARROW)


def test_a_profile_without_a_cutter_feeds_and_does_not_cut() -> None:
    out = decode(receipt_job(worked_receipt(), replace(WIDE, cut=False, feed_lines=6)))

    assert out.cuts == 0
    assert [printed_line.text for printed_line in out.lines[-6:]] == [""] * 6
    assert out.lines[-7].text == "Thank you for playing!"


_RESETS = re.compile(rb"(?:\x1bE\x00|\x1d!\x00|\x1ba\x00|\x1dB\x00)*")


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_every_style_is_undone_right_after_its_line(profile: PrinterProfile) -> None:
    job = receipt_job(replace(worked_receipt(), reprint=True), profile)

    # Stop the job after any line and the resets that follow it: a line printed next comes
    # out plain, as it would if the rest of the job never reached the printer.
    ends = [found.end() for found in re.finditer(b"\n", job)]
    assert len(ends) > 40
    for end in ends:
        settled = _RESETS.match(job, end)
        assert settled is not None
        probe = decode(job[: settled.end()] + b"probe\n").lines[-1]
        assert probe == PrintedLine("probe"), job[end - 20 : settled.end()]


def test_the_same_receipt_always_gives_the_same_bytes() -> None:
    assert receipt_job(worked_receipt(), WIDE) == receipt_job(worked_receipt(), WIDE)


# --- gift receipts and reprints ----------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_a_gift_receipt_prints_the_items_without_any_amount(profile: PrinterProfile) -> None:
    out = decode(receipt_job(gift_receipt(worked_receipt()), profile))

    assert line(out, "Gift receipt - exchange").double_height
    for name in (STRINGS, STICKS, CAPO):
        assert name in out.text
    assert "  Qty 3" in out.text.splitlines()
    assert "$" not in out.text
    assert not re.search(r"\d\.\d\d", out.text)
    for gone in ("Subtotal", "TOTAL", "Tax", "Card", "Cash", "Change", "Bundle price"):
        assert not re.search(rf"\b{gone}\b", out.text)
    assert out.barcodes == (("CODE128", "R1-000457"),)


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_a_reprint_carries_a_reverse_printed_banner(profile: PrinterProfile) -> None:
    out = printed(profile, reprint=True)

    banner = line(out, " REPRINT ")
    assert banner.reverse
    assert banner.align == "center"
    assert [printed_line for printed_line in out.lines if printed_line.reverse] == [banner]
    assert not any(printed_line.reverse for printed_line in printed(profile).lines)


# --- the logo ------------------------------------------------------------------------------------


def test_a_logo_prints_centred_before_the_store_name() -> None:
    logo = b"\x1dv0\x00\x02\x00\x03\x00" + bytes(6)  # 16 by 3 dots
    job = receipt_job(worked_receipt(), WIDE, logo=logo)

    assert job.index(b"\x1ba\x01" + logo + b"\x1ba\x00") < job.index("Müller".encode("cp858"))
    assert decode(job).images == ((16, 3),)


def test_anything_but_a_raster_image_is_refused_as_a_logo() -> None:
    with pytest.raises(ValueError, match="raster image"):
        receipt_job(worked_receipt(), WIDE, logo=b"\x1bE\x01")
