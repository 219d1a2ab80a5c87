"""The X and Z register reports as ESC/POS jobs, from the worked report the PDF tests use."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.drawer.report import RegisterReport, report_document
from core.hardware.settings import PrinterProfile
from devices.escpos import Printout, decode, report_job
from tests.core.drawer.samples import empty_report, x_report, z_report
from tests.devices.escpos.samples import PROFILES


def printed(report: RegisterReport, profile: PrinterProfile) -> Printout:
    return decode(report_job(report_document(report), profile))


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
@pytest.mark.parametrize("report", [z_report, x_report, empty_report], ids=["Z", "X", "empty"])
def test_a_report_prints_within_the_paper_and_is_cut(
    profile: PrinterProfile, report: Callable[[], RegisterReport]
) -> None:
    out = printed(report(), profile)

    assert out.cuts == 1
    assert out.barcodes == ()
    assert out.qr_codes == ()
    assert all(line.cells <= profile.columns for line in out.lines)
    assert out.lines[0].bold
    assert out.lines[0].double_height
    assert out.lines[0].align == "center"


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_z_report_says_what_the_document_says(profile: PrinterProfile) -> None:
    document = report_document(z_report())
    out = printed(z_report(), profile)
    texts = [line.text for line in out.lines]
    width = profile.columns

    assert out.lines[0].text == document.title
    for section in document.sections:
        (title,) = [line for line in out.lines if line.text == section.title]
        assert title.bold
        for row in section.rows:
            # The value flush right on the label's first line; a long label goes on under it.
            first_word = row.label.split()[0]
            assert any(
                t.startswith(first_word) and t.endswith(f" {row.value}") and len(t) == width
                for t in texts
            ), row
            labels = "".join("".join(t.removesuffix(row.value).split()) for t in texts)
            assert "".join(row.label.split()) in labels, row


def test_an_x_report_is_titled_as_such_and_has_no_count() -> None:
    z, x = printed(z_report(), PROFILES[0]), printed(x_report(), PROFILES[0])

    assert x.lines[0].text != z.lines[0].text
    assert "Counted" in z.text
    assert "Counted" not in x.text
