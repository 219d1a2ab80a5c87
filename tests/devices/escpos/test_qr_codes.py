"""The receipt's QR code: laid out under the barcode, sent to the printer natively (GS ( k)
and drawn in the PDF, where it is read back module by module."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget

from core.hardware.settings import PrinterProfile
from core.sales.receipt import gift_receipt
from devices.escpos import decode, receipt_job
from devices.receipts.layout import Barcode, QrCode, Row, receipt_items
from devices.receipts.pdf import PAGE_WIDTH, receipt_pdf
from tests.devices.escpos.samples import PROFILES, worked_receipt

LINK = "https://mullermusic.example/r/R1-000457"


def test_the_qr_code_follows_the_barcode_before_the_footer() -> None:
    items = receipt_items(replace(worked_receipt(), qr=LINK))

    at = items.index(QrCode(LINK))
    assert items[at - 1] == Barcode("R1-000457")
    assert items[-1] == Row("Thank you for playing!", centred=True)
    assert QrCode(LINK) not in receipt_items(worked_receipt())


@pytest.mark.parametrize("qr", ["https://example/é", "x" * 301, "line\nbreak"])
def test_a_value_a_reader_might_misread_prints_no_qr_code(qr: str) -> None:
    assert not any(isinstance(i, QrCode) for i in receipt_items(replace(worked_receipt(), qr=qr)))


def test_a_gift_receipt_keeps_its_qr_code() -> None:
    assert gift_receipt(replace(worked_receipt(), qr=LINK)).qr == LINK


@pytest.mark.parametrize("profile", PROFILES, ids=["80mm", "58mm"])
def test_the_printer_receives_the_qr_code_centred(profile: PrinterProfile) -> None:
    job = receipt_job(replace(worked_receipt(), qr=LINK), profile)

    assert decode(job).qr_codes == (LINK,)
    assert b"\x1ba\x01\x1d(k\x04\x001A2\x00" in job
    assert job.index(b"\x1d(k") > job.index(b"\x1dk\x49")


# --- the PDF -----------------------------------------------------------------------------------

DPI = 600


def rendered(pdf: bytes, folder: Path) -> Image.Image:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    (folder / "qr.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(folder / "qr.pdf"), str(folder / "qr")],
        check=True,
    )
    (png,) = folder.glob("qr*.png")
    return Image.open(png).convert("L")


def dark_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The box (inclusive) of the last block of dark rows: the QR code, ending the receipt."""
    dark = image.point(lambda value: 255 if value < 128 else 0)
    width, _height = dark.size

    def dark_rows(top: int, bottom: int) -> bool:
        return dark.crop((0, top, width, bottom)).getbbox() is not None

    box = dark.getbbox()
    assert box is not None
    bottom = box[3]
    top = bottom - 1
    while dark_rows(top - 25, top):  # up to a white gap
        top -= 1
    found = dark.crop((0, top, width, bottom)).getbbox()
    assert found is not None
    return found[0], top, found[2] - 1, bottom - 1


def test_the_pdf_draws_the_qr_code_25_mm_square_centred_and_readable(tmp_path: Path) -> None:
    # No barcode and no footer, so the QR code is the last thing on the page.
    document = replace(worked_receipt(), qr=LINK, barcode="", footer=())
    image = rendered(receipt_pdf(document), tmp_path)
    left, top, right, bottom = dark_box(image)

    symbol = QrCodeWidget(LINK, barLevel="M").qr
    symbol.make()
    count = symbol.getModuleCount()
    module = (bottom - top + 1) / count
    quiet = 4  # reportlab's border, in modules, inside the 25 mm
    side_mm = (count + 2 * quiet) * module / DPI * 25.4
    assert side_mm == pytest.approx(25, abs=0.5)
    page_centre = image.size[0] / 2
    assert (left + right) / 2 == pytest.approx(page_centre, abs=module)
    assert image.size[0] == pytest.approx(PAGE_WIDTH / 72 * DPI, abs=2)
    pixels = image.load()
    assert pixels is not None
    for row in range(count):
        for col in range(count):
            x = int(left + (col + 0.5) * module)
            y = int(top + (row + 0.5) * module)
            assert (int(pixels[x, y]) < 128) == symbol.isDark(row, col), (row, col)  # type: ignore[arg-type]
