"""ESC/POS command bytes, built by hand: each function returns one command.

Only the commands LunarFront sends are here, in the form Epson-compatible printers accept;
`devices.escpos.decode` reads back exactly these. Arguments are checked, because a byte out of
range does not fail on the printer: it prints garbage or leaves the printer in a strange mode.
"""

from __future__ import annotations

import enum

__all__ = [
    "ESC",
    "GS",
    "LF",
    "Align",
    "align",
    "barcode_code128",
    "bold",
    "code_page",
    "cut",
    "drawer_kick",
    "feed",
    "init",
    "qr_code",
    "raster",
    "reverse",
    "size",
]

ESC = b"\x1b"
GS = b"\x1d"
LF = b"\n"

# A QR symbol's data may be up to 7,089 bytes, but the printer's buffer is smaller than that on
# many models; receipts carry a short URL or reference.
QR_MAX_BYTES = 1_000
QR_ERROR_M = 49  # "M": about 15 % of the symbol may be smudged and it still reads


class Align(enum.IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


def init() -> bytes:
    """ESC @: clears the buffer and every mode left by an earlier job."""
    return ESC + b"@"


def code_page(number: int) -> bytes:
    """ESC t n: the character table bytes 0x80-0xFF print from."""
    return ESC + b"t" + _byte(number, "code page")


def bold(on: bool) -> bytes:
    """ESC E n."""
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def size(width: int = 1, height: int = 1) -> bytes:
    """GS ! n: characters `width` times as wide and `height` times as tall (1-8 each)."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("a character is 1 to 8 times its normal width and height")
    return GS + b"!" + bytes(((width - 1) << 4 | (height - 1),))


def align(how: Align) -> bytes:
    """ESC a n: takes effect at the start of a line, so it is sent before the line's text."""
    return ESC + b"a" + bytes((int(how),))


def reverse(on: bool) -> bytes:
    """GS B n: white on black."""
    return GS + b"B" + (b"\x01" if on else b"\x00")


def feed(lines: int) -> bytes:
    """ESC d n: print what is buffered and feed `lines` lines."""
    return ESC + b"d" + _byte(lines, "line count")


def cut(*, partial: bool = True) -> bytes:
    """GS V m at the current position. A partial cut leaves a hinge so the receipt hangs from
    the printer instead of dropping on the floor."""
    return GS + b"V" + (b"\x01" if partial else b"\x00")


def barcode_code128(data: str, *, module: int = 2, height: int = 60) -> bytes:
    """GS h, GS w, GS H (text below) and GS k 73: a Code 128 symbol in code set B.

    `data` is printable ASCII. A "{" introduces a code set or function character in the
    printer's Code 128 data, so a literal "{" is sent doubled.
    """
    if not data or not all(" " <= ch <= "~" for ch in data):
        raise ValueError("Code 128 set B carries printable ASCII")
    if not 1 <= module <= 6:
        raise ValueError("a Code 128 module is 1 to 6 dots wide")
    payload = b"{B" + data.replace("{", "{{").encode("ascii")
    if len(payload) > 255:
        raise ValueError("the barcode's data is too long")
    return (
        GS
        + b"h"
        + _byte(height, "barcode height", low=1)
        + GS
        + b"w"
        + bytes((module,))
        + GS
        + b"H\x02"
        + GS
        + b"k\x49"
        + bytes((len(payload),))
        + payload
    )


def qr_code(data: str, *, module: int = 6) -> bytes:
    """GS ( k functions 165, 167, 169, 180 and 181: model 2, `module` dots per module, error
    level M, store the data, print it."""
    payload = data.encode("utf-8")
    if not payload or len(payload) > QR_MAX_BYTES:
        raise ValueError(f"a QR code here carries 1 to {QR_MAX_BYTES} bytes")
    if not 1 <= module <= 16:
        raise ValueError("a QR module is 1 to 16 dots")
    return (
        _qr(b"\x41", b"\x32\x00")  # model 2
        + _qr(b"\x43", bytes((module,)))
        + _qr(b"\x45", bytes((QR_ERROR_M,)))
        + _qr(b"\x50", b"\x30" + payload)  # store
        + _qr(b"\x51", b"\x30")  # print
    )


def _qr(function: bytes, parameters: bytes) -> bytes:
    length = len(parameters) + 2  # cn and fn count in pL pH
    return GS + b"(k" + length.to_bytes(2, "little") + b"\x31" + function + parameters


def raster(width_bytes: int, height: int, data: bytes) -> bytes:
    """GS v 0: a 1-bit image, `width_bytes` bytes (8 dots each, bit 7 leftmost, 1 = black) by
    `height` rows."""
    if not (1 <= width_bytes <= 0xFFFF and 1 <= height <= 0xFFFF):
        raise ValueError("an image is 1 to 65,535 bytes wide and rows high")
    if len(data) != width_bytes * height:
        raise ValueError("the image's data does not match its size")
    size_bytes = width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little")
    return GS + b"v0\x00" + size_bytes + data


# The drawer's solenoid wants a pulse of about 50 ms, then a rest before the next: ESC p counts
# in 2 ms units.
KICK_ON = 25
KICK_OFF = 250


def drawer_kick(pin: int) -> bytes:
    """ESC p m t1 t2: pin 2 is connector output m=0, pin 5 is m=1."""
    if pin not in (2, 5):
        raise ValueError("a cash drawer is wired to pin 2 or pin 5")
    return ESC + b"p" + (b"\x00" if pin == 2 else b"\x01") + bytes((KICK_ON, KICK_OFF))


def _byte(value: int, what: str, *, low: int = 0) -> bytes:
    if not low <= value <= 255:
        raise ValueError(f"the {what} must be {low} to 255")
    return bytes((value,))
