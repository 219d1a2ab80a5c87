"""Receipts and register reports as ESC/POS print jobs for thermal paper rolls.

The layout items (`devices.receipts.layout`) are laid out in a monospaced grid of
`profile.columns` characters: text goes through the code page's stand-ins first
(`devices.escpos.text.printable`), so the characters counted are the characters printed and
no line runs past the paper's edge. Amounts are right-aligned with spaces rather than by
the printer, so a label and its amount share a line exactly `columns` wide.

Every styled line is followed by the commands that undo its style: a job cut short in the
middle (paper out, cable pulled) never leaves the printer printing the next job in big bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.drawer.report import ReportDocument
from core.hardware.settings import DrawerPin, PrinterProfile
from core.sales.receipt import ReceiptDocument
from devices.escpos import commands as cmd
from devices.escpos.text import printable, table
from devices.receipts.layout import (
    BODY_BOLD,
    CHANGE,
    STORE_NAME,
    TITLE,
    TOTAL,
    Banner,
    Barcode,
    Item,
    Row,
    Rule,
    Space,
    Style,
    receipt_items,
    report_items,
)

__all__ = [
    "PRINTABLE_DOTS",
    "drawer_kick",
    "items_job",
    "receipt_job",
    "report_job",
    "test_page",
]

# Dots across the printable width at 203 dpi: 48 mm of a 58 mm roll, 72 mm of an 80 mm one.
PRINTABLE_DOTS = {58: 384, 80: 576}
BARCODE_HEIGHT = 60  # dots: 7.5 mm, tall enough for a hand scanner held at an angle
QR_SIDE_DOTS = 200  # about 25 mm at 203 dpi
# Code 128: 11 modules a character, plus start (11), check (11), stop (13) and quiet zone.
CODE128_CHAR_MODULES = 11
CODE128_FIXED_MODULES = 35


@dataclass(frozen=True, slots=True)
class _Look:
    bold: bool = False
    width: int = 1
    height: int = 1


_PLAIN = _Look()
_LOOKS = {
    STORE_NAME: _Look(bold=True, width=2, height=2),
    TITLE: _Look(bold=True, height=2),
    TOTAL: _Look(bold=True, height=2),
    CHANGE: _Look(bold=True),
    BODY_BOLD: _Look(bold=True),
}
_LEFT = cmd.align(cmd.Align.LEFT)
_CENTRE = cmd.align(cmd.Align.CENTER)
_BOLD_OFF = cmd.bold(False)
_NORMAL_SIZE = cmd.size()
_REVERSE_OFF = cmd.reverse(False)


def receipt_job(document: ReceiptDocument, profile: PrinterProfile, *, logo: bytes = b"") -> bytes:
    """The receipt as a complete print job: the logo (bytes from `devices.escpos.logo`), the
    receipt, the feed and the cut. A gift receipt is `gift_receipt(document)`."""
    return items_job(receipt_items(document), profile, logo=logo)


def report_job(document: ReportDocument, profile: PrinterProfile) -> bytes:
    """The X or Z register report as a complete print job."""
    return items_job(report_items(document), profile)


def items_job(items: Sequence[Item], profile: PrinterProfile, *, logo: bytes = b"") -> bytes:
    """Layout items as a complete job: reset the printer, choose the profile's code page,
    print the logo centred, the items, then feed `profile.feed_lines` and cut if it cuts."""
    profile.check()
    if logo and not logo.startswith(cmd.GS + b"v0"):
        raise ValueError("the logo must be a raster image from devices.escpos.logo")
    job = _Job(profile)
    job.out += cmd.init() + cmd.code_page(table(profile.code_page).number)
    if logo:
        job.out += _CENTRE + logo + _LEFT
    for item in items:
        job.item(item)
    if profile.feed_lines:
        job.out += cmd.feed(profile.feed_lines)
    if profile.cut:
        job.out += cmd.cut()
    return bytes(job.out)


def drawer_kick(pin: DrawerPin) -> bytes:
    """The pulse that opens the cash drawer wired to `pin`: about 50 ms on, 500 ms off."""
    return cmd.drawer_kick(int(pin))


TEST_ACCENTS = "àáâäçèéêëíñóöúüß ÀÉÑÖÜ Æø Łódź"
TEST_CURRENCIES = "$ € £ ¥ ¢"


def test_page(profile: PrinterProfile) -> bytes:
    """A short print that shows the settings are right: the paper and columns, the code page
    with accents and currency signs in it, a ruler as wide as a line, and a barcode."""
    page = table(profile.code_page)
    ruler = ("1234567890" * (profile.columns // 10 + 1))[: profile.columns]
    items: list[Item] = [
        Row("LunarFront test print", style=TITLE, centred=True),
        Space(6),
        Row(f"Paper {profile.paper_mm} mm, {profile.columns} columns"),
        Row(f"Code page {page.codec}: {page.label}"),
        Row(TEST_ACCENTS),
        Row(TEST_CURRENCIES),
        Rule(),
        Row(ruler),
        Rule(),
        Barcode("LUNARFRONT-128"),
    ]
    return items_job(items, profile)


class _Job:
    """The bytes of one job, built item by item into one buffer."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.out = bytearray()
        self.columns = profile.columns
        self.codec = profile.code_page
        self.dots = PRINTABLE_DOTS[profile.paper_mm]

    def item(self, item: Item) -> None:
        if isinstance(item, Row):
            self.row(item)
        elif isinstance(item, Rule):
            self.line("-" * self.columns)
        elif isinstance(item, Space):
            if item.height >= 6:  # a gap smaller than half a line is not worth a line of paper
                self.out += cmd.LF
        elif isinstance(item, Banner):
            self.banner(item.text)
        elif isinstance(item, Barcode):
            self.barcode(item.value)
        else:  # QrCode, the last kind of item
            self.qr(item.value)

    def line(
        self,
        text: str,
        look: _Look = _PLAIN,
        *,
        centred: bool = False,
        reverse: bool = False,
    ) -> None:
        """One printed line of text already through `printable`, then its style undone."""
        out = self.out
        if centred:
            out += _CENTRE
        if look.bold:
            out += cmd.bold(True)
        if look.width > 1 or look.height > 1:
            out += cmd.size(look.width, look.height)
        if reverse:
            out += cmd.reverse(True)
        out += text.encode(self.codec)
        out += cmd.LF
        if reverse:
            out += _REVERSE_OFF
        if look.width > 1 or look.height > 1:
            out += _NORMAL_SIZE
        if look.bold:
            out += _BOLD_OFF
        if centred:
            out += _LEFT

    def row(self, row: Row) -> None:
        look = _look(row.style)
        columns = self.columns // look.width
        left = printable(row.left, self.codec)
        right = " ".join(printable(row.right, self.codec).split())
        if row.centred:
            for text in wrap(left, columns):
                self.line(text, look, centred=True)
            return
        pad = "  " if row.indent > 0 else ""
        for text in _row_lines(left, right, pad, columns):
            self.line(text, look)

    def banner(self, text: str) -> None:
        look = _Look(bold=True)
        for piece in wrap(printable(text, self.codec), self.columns - 2):
            self.line(f" {piece} ", look, centred=True, reverse=True)

    def barcode(self, value: str) -> None:
        module = code128_module(value, self.dots)
        if module == 0:
            # Too long for the paper at the narrowest bars: the number printed is still typed in.
            for text in wrap(printable(value, self.codec), self.columns):
                self.line(text, centred=True)
            return
        self.out += _CENTRE + cmd.barcode_code128(value, module=module, height=BARCODE_HEIGHT)
        self.out += _LEFT

    def qr(self, value: str) -> None:
        self.out += _CENTRE + cmd.qr_code(value, module=qr_module(value)) + _LEFT


def _look(style: Style) -> _Look:
    look = _LOOKS.get(style)
    if look is not None:
        return look
    return _Look(bold=True) if style.bold else _PLAIN


def _row_lines(left: str, right: str, pad: str, columns: int) -> list[str]:
    """A row's lines, each at most `columns` wide: the text after `pad`, and the amount flush
    right on the first line when it fits there with a space to spare, else under the text."""
    room = columns - len(pad)
    if not right:
        return [pad + text for text in wrap(left, room)]
    whole = wrap(left, room) or [""]
    beside = room - 1 - len(right)  # one space at least between the text and the amount
    if len(whole[0]) <= beside:
        texts = whole
    elif beside >= max(1, room * 2 // 5):
        texts = wrap(left, beside, room)
    else:
        # An amount too wide to share a line with its text goes under it, right-aligned.
        under = [" " * (columns - len(text)) + text for text in wrap(right, columns)]
        return [pad + text for text in whole if text] + under
    first = pad + texts[0]
    return [
        first + " " * (columns - len(first) - len(right)) + right,
        *(pad + text for text in texts[1:]),
    ]


def wrap(text: str, first: int, rest: int | None = None) -> list[str]:
    """`text` word-wrapped into lines of at most `first` characters, then `rest` (default the
    same); a word too long for a line is broken after a hyphen or slash if it has one."""
    later = first if rest is None else rest
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for whole in paragraph.split():
            word = whole
            width = later if lines else first
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                width = later
            while len(word) > width:
                cut = _break_at(word, width)
                lines.append(word[:cut])
                word = word[cut:]
                width = later
            line = word
        if line:
            lines.append(line)
    return lines


def _break_at(word: str, width: int) -> int:
    mark = max(word.rfind("-", 0, width), word.rfind("/", 0, width))
    return mark + 1 if mark > 0 else max(width, 1)


def code128_module(value: str, dots: int) -> int:
    """Bars of 3 dots when the symbol fits in three quarters of the paper (room for the quiet
    zones), else 2, else 1; 0 when even 1-dot bars are too wide."""
    modules = CODE128_CHAR_MODULES * len(value) + CODE128_FIXED_MODULES
    if modules * 3 <= dots * 3 // 4:
        return 3
    for module in (2, 1):
        if modules * module <= dots:
            return module
    return 0


# Bytes a version 1-13 QR code holds at error level M: the symbol is 17 + 4 × version modules.
_QR_CAPACITY_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331)


def qr_module(value: str) -> int:
    """Dots per module for a symbol about 25 mm square, however much it holds."""
    size = len(value.encode("utf-8"))
    version = next(
        (n for n, holds in enumerate(_QR_CAPACITY_M, start=1) if size <= holds),
        len(_QR_CAPACITY_M),
    )
    return max(2, min(8, QR_SIDE_DOTS // (17 + 4 * version)))
