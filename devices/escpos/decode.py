"""ESC/POS bytes read back into what the paper would show.

`decode` understands the commands `devices.escpos.render` sends, plus the drawer kick
(ESC p) and the status request (DLE EOT) that the transport may put between jobs. Anything
else, or a command cut short, raises `EscposDecodeError` naming the byte: the simulated
printer shows a `Printout`, and tests decode captured jobs, so a garbled job must be seen
as garbled rather than shown as something plausible.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import DomainError
from core.hardware.codepages import CODE_PAGES

__all__ = ["EscposDecodeError", "PrintedLine", "Printout", "decode"]

# What ESC @ leaves selected on Epson-compatible printers, before any ESC t.
POWER_ON_CODE_PAGE = "cp437"

_CODECS = {page.number: page.codec for page in CODE_PAGES}
_TEXT = re.compile(rb"[\x20-\x7e\x80-\xff]+")
_ALIGNS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_QR = 49  # cn of GS ( k for QR codes


class EscposDecodeError(DomainError):
    """The bytes are not a print job this app would send."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"The printer data cannot be read at byte {offset}: {reason}.")
        self.offset = offset
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PrintedLine:
    text: str
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    align: str = "left"  # "left", "center" or "right"
    reverse: bool = False

    @property
    def cells(self) -> int:
        """Columns of normal-width characters the line takes."""
        return len(self.text) * (2 if self.double_width else 1)


@dataclass(frozen=True, slots=True)
class Printout:
    lines: tuple[PrintedLine, ...] = ()
    barcodes: tuple[tuple[str, str], ...] = ()  # (symbology, data): ("CODE128", "R1-000123")
    qr_codes: tuple[str, ...] = ()
    images: tuple[tuple[int, int], ...] = ()  # (width, height) in dots
    cuts: int = 0
    drawer_pulses: tuple[int, ...] = ()  # the pins kicked: 2 or 5
    code_page: str = POWER_ON_CODE_PAGE  # the codec last selected

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def decode(data: bytes) -> Printout:
    """What `data` prints; `EscposDecodeError` if any of it is not understood."""
    return _Reader(bytes(data)).run()


@dataclass(slots=True)
class _Mode:
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    align: str = "left"
    reverse: bool = False

    def line(self, text: str) -> PrintedLine:
        return PrintedLine(
            text, self.bold, self.double_width, self.double_height, self.align, self.reverse
        )


@dataclass(slots=True)
class _Reader:
    data: bytes
    pos: int = 0
    mode: _Mode = field(default_factory=_Mode)
    codec: str = POWER_ON_CODE_PAGE
    pending: list[str] = field(default_factory=list)
    pending_mode: PrintedLine | None = None  # the mode the pending line's first text had
    lines: list[PrintedLine] = field(default_factory=list)
    barcodes: list[tuple[str, str]] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    stored_qr: str | None = None
    images: list[tuple[int, int]] = field(default_factory=list)
    cuts: int = 0
    pulses: list[int] = field(default_factory=list)

    def run(self) -> Printout:
        data, end = self.data, len(self.data)
        esc: dict[int, Callable[[int], None]] = {
            0x40: self._init,
            0x74: self._code_page,
            0x45: self._bold,
            0x61: self._align,
            0x64: self._feed,
            0x70: self._kick,
        }
        gs: dict[int, Callable[[int], None]] = {
            0x21: self._size,
            0x42: self._reverse,
            0x56: self._cut,
            0x68: self._barcode_height,
            0x77: self._barcode_module,
            0x48: self._barcode_text,
            0x6B: self._barcode,
            0x28: self._function,
            0x76: self._raster,
        }
        while self.pos < end:
            start = self.pos
            byte = data[start]
            if byte >= 0x20 and byte != 0x7F:
                self._text(start)
            elif byte == 0x0A:
                self.pos += 1
                self._end_line()
            elif byte in (0x1B, 0x1D):
                command = self._take(start, 2)[1]
                handler = (esc if byte == 0x1B else gs).get(command)
                if handler is None:
                    prefix = "ESC" if byte == 0x1B else "GS"
                    raise EscposDecodeError(start, f"unknown command {prefix} {command:#04x}")
                handler(start)
            elif byte == 0x10:
                self._status(start)
            else:
                raise EscposDecodeError(start, f"unknown control byte {byte:#04x}")
        if self.pending:
            self._end_line()  # text waiting for its line feed still shows on the preview
        return Printout(
            tuple(self.lines),
            tuple(self.barcodes),
            tuple(self.qr_codes),
            tuple(self.images),
            self.cuts,
            tuple(self.pulses),
            self.codec,
        )

    # --- reading ------------------------------------------------------------------------

    def _take(self, start: int, count: int) -> bytes:
        """`count` bytes from `start` (the command's first byte), moving past them."""
        end = start + count
        if end > len(self.data):
            raise EscposDecodeError(start, "the command is cut short")
        self.pos = end
        return self.data[start:end]

    def _text(self, start: int) -> None:
        found = _TEXT.match(self.data, start)
        assert found is not None  # the byte at `start` is text
        try:
            text = found.group().decode(self.codec)
        except UnicodeDecodeError as error:
            raise EscposDecodeError(
                start + error.start, f"a byte that {self.codec} has no character for"
            ) from None
        if not self.pending:
            self.pending_mode = self.mode.line("")
        self.pending.append(text)
        self.pos = found.end()

    def _end_line(self) -> None:
        text = "".join(self.pending)
        look = self.pending_mode if self.pending else None
        self.lines.append(self.mode.line(text) if look is None else _with_text(look, text))
        self.pending.clear()
        self.pending_mode = None

    # --- ESC ------------------------------------------------------------------------------

    def _init(self, start: int) -> None:
        self._take(start, 2)
        # ESC @ empties the print buffer: text not yet fed is lost on paper, and here.
        self.pending.clear()
        self.pending_mode = None
        self.mode = _Mode()
        self.codec = POWER_ON_CODE_PAGE

    def _code_page(self, start: int) -> None:
        number = self._take(start, 3)[2]
        codec = _CODECS.get(number)
        if codec is None:
            raise EscposDecodeError(start, f"code page {number} is not one this app uses")
        self.codec = codec

    def _bold(self, start: int) -> None:
        self.mode.bold = bool(self._take(start, 3)[2] & 1)

    def _align(self, start: int) -> None:
        value = self._take(start, 3)[2]
        if value not in _ALIGNS:
            raise EscposDecodeError(start, f"alignment {value} does not exist")
        self.mode.align = _ALIGNS[value]

    def _feed(self, start: int) -> None:
        count = self._take(start, 3)[2]
        if self.pending:
            self._end_line()  # the buffered line is printed and is the first line fed
            count -= 1
        for _ in range(max(count, 0)):
            self._end_line()

    def _kick(self, start: int) -> None:
        pin = self._take(start, 5)[2]
        if pin not in (0, 1, 48, 49):
            raise EscposDecodeError(start, f"drawer connector {pin} does not exist")
        self.pulses.append(2 if pin in (0, 48) else 5)

    # --- GS -------------------------------------------------------------------------------

    def _size(self, start: int) -> None:
        value = self._take(start, 3)[2]
        if value & 0x88:
            raise EscposDecodeError(start, f"character size {value:#04x} does not exist")
        self.mode.double_width = value >> 4 > 0
        self.mode.double_height = value & 0x0F > 0

    def _reverse(self, start: int) -> None:
        self.mode.reverse = bool(self._take(start, 3)[2] & 1)

    def _cut(self, start: int) -> None:
        how = self._take(start, 3)[2]
        if how in (65, 66):
            self._take(start, 4)  # feed n dots first
        elif how not in (0, 1, 48, 49):
            raise EscposDecodeError(start, f"cut mode {how} does not exist")
        if self.pending:
            self._end_line()
        self.cuts += 1

    def _barcode_height(self, start: int) -> None:
        if self._take(start, 3)[2] == 0:
            raise EscposDecodeError(start, "a barcode cannot be 0 dots high")

    def _barcode_module(self, start: int) -> None:
        if not 1 <= self._take(start, 3)[2] <= 6:
            raise EscposDecodeError(start, "a barcode module is 1 to 6 dots wide")

    def _barcode_text(self, start: int) -> None:
        if self._take(start, 3)[2] not in (0, 1, 2, 3, 48, 49, 50, 51):
            raise EscposDecodeError(start, "the barcode text position does not exist")

    def _barcode(self, start: int) -> None:
        header = self._take(start, 4)
        if header[2] != 73:
            raise EscposDecodeError(start, f"barcode type {header[2]} is not Code 128")
        payload = self._take(start, 4 + header[3])[4:]
        self.barcodes.append(("CODE128", _code128_data(payload, start)))

    def _function(self, start: int) -> None:
        header = self._take(start, 5)
        if header[2] != 0x6B:
            raise EscposDecodeError(start, f"unknown command GS ( {header[2]:#04x}")
        length = header[3] | header[4] << 8
        body = self._take(start, 5 + length)[5:]
        if length < 2 or body[0] != _QR:
            raise EscposDecodeError(start, "a 2D code other than a QR code")
        function, parameters = body[1], body[2:]
        if function == 65 and len(parameters) == 2 and parameters[0] in (49, 50, 51):
            return  # model
        if function == 67 and len(parameters) == 1 and 1 <= parameters[0] <= 16:
            return  # module size
        if function == 69 and len(parameters) == 1 and 48 <= parameters[0] <= 51:
            return  # error correction level
        if function == 80 and parameters[:1] == b"\x30":
            try:
                self.stored_qr = parameters[1:].decode("utf-8")
            except UnicodeDecodeError:
                raise EscposDecodeError(start, "the QR code's data is not text") from None
            return
        if function == 81 and parameters == b"\x30":
            if self.stored_qr is None:
                raise EscposDecodeError(start, "a QR code printed before its data was stored")
            self.qr_codes.append(self.stored_qr)
            return
        raise EscposDecodeError(start, f"QR function {function} is not one this app uses")

    def _raster(self, start: int) -> None:
        header = self._take(start, 8)
        if header[2] != 0x30 or header[3] not in (0, 1, 2, 3, 48, 49, 50, 51):
            raise EscposDecodeError(start, "unknown image command")
        width = header[4] | header[5] << 8
        height = header[6] | header[7] << 8
        if width == 0 or height == 0:
            raise EscposDecodeError(start, "an image with no dots")
        self._take(start, 8 + width * height)
        self.images.append((width * 8, height))

    # --- DLE ------------------------------------------------------------------------------

    def _status(self, start: int) -> None:
        command = self._take(start, 3)
        if command[1] != 0x04 or command[2] not in (1, 2, 3, 4):
            raise EscposDecodeError(start, "unknown real-time command")


def _with_text(look: PrintedLine, text: str) -> PrintedLine:
    return PrintedLine(
        text, look.bold, look.double_width, look.double_height, look.align, look.reverse
    )


def _code128_data(payload: bytes, start: int) -> str:
    """The data of a code set B symbol: "{B" first, and "{{" for each "{" in it."""
    if payload[:2] != b"{B":
        raise EscposDecodeError(start, "Code 128 data that does not start in code set B")
    body = payload[2:]
    if any(not 0x20 <= byte <= 0x7E for byte in body):
        raise EscposDecodeError(start, "Code 128 data that is not printable text")
    text = body.decode("ascii")
    if "{" in text.replace("{{", ""):
        raise EscposDecodeError(start, "a Code 128 code set change this app does not send")
    return text.replace("{{", "{")
