"""The receipt logo: a real image file made with Pillow, as the printer receives it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from devices.escpos import LogoError, decode, logo_raster, receipt_job
from devices.escpos.logo import MAX_LOGO_HEIGHT
from tests.devices.escpos.samples import WIDE, worked_receipt


def picture(folder: Path, size: tuple[int, int], mode: str = "RGB", name: str = "logo.png") -> Path:
    """A black disc on white (or on transparent, for RGBA) with a black frame."""
    background = (255, 255, 255, 0) if mode == "RGBA" else "white"
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, 0, width - 1, height - 1), outline="black", width=max(1, width // 50))
    draw.ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill="black")
    path = folder / name
    image.save(path)
    return path


def raster_size(data: bytes) -> tuple[int, int]:
    (size,) = decode(data).images
    return size


@pytest.mark.parametrize(
    ("paper_mm", "size", "expected"),
    [
        (80, (1200, 300), (576, 144)),  # wide: as wide as the paper
        (58, (1200, 300), (384, 96)),
        (80, (400, 400), (200, MAX_LOGO_HEIGHT)),  # square: as tall as a logo may be
        (58, (150, 37), (384, 95)),  # small: scaled up to the paper's width
        (80, (301, 1), (576, 2)),  # a thin line still prints
    ],
)
def test_a_logo_is_scaled_to_the_printable_width_and_height(
    tmp_path: Path, paper_mm: int, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    width, height = raster_size(logo_raster(picture(tmp_path, size), paper_mm))

    assert height == expected[1]
    assert expected[0] <= width < expected[0] + 8  # a whole number of bytes per row
    assert width <= {58: 384, 80: 576}[paper_mm]


def test_the_dark_parts_of_the_picture_are_the_printed_dots(tmp_path: Path) -> None:
    data = logo_raster(picture(tmp_path, (400, 200)), 80)
    row_bytes, height = data[4] | data[5] << 8, data[6] | data[7] << 8
    bits = data[8:]

    def dot(x: int, y: int) -> bool:
        return bool(bits[y * row_bytes + x // 8] & (0x80 >> (x % 8)))

    assert len(bits) == row_bytes * height
    assert dot(row_bytes * 4, height // 2)  # the middle of the disc
    assert not dot(50, height // 2)  # white between the frame and the disc
    assert dot(0, 0)  # the frame


def test_transparent_parts_print_as_paper_not_black(tmp_path: Path) -> None:
    data = logo_raster(picture(tmp_path, (400, 200), mode="RGBA"), 80)
    bits = data[8:]

    printed = sum(bin(byte).count("1") for byte in bits)
    assert 0 < printed < len(bits) * 8 // 3  # a disc and a frame, not a black block


def test_a_logo_prints_at_the_top_of_the_receipt(tmp_path: Path) -> None:
    logo = logo_raster(picture(tmp_path, (600, 150), name="store.jpg"), 80)
    out = decode(receipt_job(worked_receipt(), WIDE, logo=logo))

    assert out.images == ((576, 144),)
    assert out.lines[0].text == "Müller Music"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: folder / "missing.png", "the file is missing"),
        (
            lambda folder: _write(folder / "notes.png", b"Thank you for shopping!\n"),
            "not a picture",
        ),
        (lambda folder: _write(folder / "broken.png", _truncated_png(folder)), "damaged"),
        (lambda folder: folder, "a folder"),
    ],
    ids=["missing", "text", "truncated", "folder"],
)
def test_a_file_that_is_not_a_readable_picture_gives_a_plain_message(
    tmp_path: Path, make: object, reason: str
) -> None:
    assert callable(make)
    path = make(tmp_path)

    with pytest.raises(LogoError) as raised:
        logo_raster(path, 80)

    message = raised.value.message
    assert message.startswith(f"The receipt logo “{path.name}” cannot be read: ")
    assert reason in message
    assert "Error" not in message
    assert "errno" not in message.lower()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_png(folder: Path) -> bytes:
    whole = picture(folder, (300, 300), name="whole.png").read_bytes()
    return whole[: len(whole) // 2]
