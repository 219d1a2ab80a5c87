"""The receipt logo: an image file as a 1-bit raster (GS v 0) the printer prints at the top.

Loaded once when the printer is set up, not per receipt: decoding and dithering a picture
takes far longer than laying out a receipt.
"""

from __future__ import annotations

import struct
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError, quoted
from devices.escpos import commands as cmd
from devices.escpos.render import PRINTABLE_DOTS

__all__ = ["MAX_LOGO_HEIGHT", "LogoError", "logo_raster"]

MAX_LOGO_HEIGHT = 200  # dots: 25 mm, so a tall logo does not push the receipt down the roll

# What Pillow raises for a file that is damaged or not what its name says: its decoders do not
# share one exception type.
_UNREADABLE = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    Image.DecompressionBombError,
)


class LogoError(DomainError):
    """The logo file the printer settings name cannot be printed."""


def logo_raster(path: str | Path, paper_mm: int) -> bytes:
    """The image at `path` scaled to fit the printable width of `paper_mm` paper (and at most
    `MAX_LOGO_HEIGHT` dots high), dithered to black and white, as a GS v 0 command."""
    if paper_mm not in PRINTABLE_DOTS:
        raise ValueError("the paper is 58 mm or 80 mm wide")
    file = Path(path)
    try:
        with Image.open(file) as image:
            image.draft("L", (PRINTABLE_DOTS[paper_mm], MAX_LOGO_HEIGHT))  # JPEG: decode smaller
            grey = _on_white(image)
    except FileNotFoundError:
        raise _unreadable(file, "the file is missing") from None
    except IsADirectoryError:
        raise _unreadable(file, "it is a folder, not a picture") from None
    except PermissionError:
        raise _unreadable(file, "this computer's account may not open it") from None
    except UnidentifiedImageError:
        raise _unreadable(file, "it is not a picture (PNG, JPEG, BMP or GIF)") from None
    except _UNREADABLE:
        raise _unreadable(file, "the picture is damaged") from None
    return _raster(_fitted(grey, PRINTABLE_DOTS[paper_mm]))


def _unreadable(file: Path, why: str) -> LogoError:
    return LogoError(f"The receipt logo {quoted(file.name, 60)} cannot be read: {why}.")


def _on_white(image: Image.Image) -> Image.Image:
    """Greyscale, with transparent parts white as the paper (not black, as dropping the
    alpha channel would leave them)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        paper.alpha_composite(rgba)
        return paper.convert("L")
    return image.convert("L")


def _fitted(grey: Image.Image, dots: int) -> Image.Image:
    width, height = grey.size
    scale = min(dots / width, MAX_LOGO_HEIGHT / height)
    size = (max(1, min(dots, round(width * scale))), max(1, round(height * scale)))
    return grey.resize(size, Image.Resampling.LANCZOS) if size != grey.size else grey


def _raster(grey: Image.Image) -> bytes:
    # Inverted before dithering so a dark dot becomes a 1 bit, which is what the printer burns.
    bits = ImageOps.invert(grey).convert("1")
    width, height = bits.size
    row_bytes = (width + 7) // 8
    if width % 8:
        padded = Image.new("1", (row_bytes * 8, height), 0)  # white margin to a whole byte
        padded.paste(bits, (0, 0))
        bits = padded
    return cmd.raster(row_bytes, height, bits.tobytes())
