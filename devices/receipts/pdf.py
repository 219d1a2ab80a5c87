"""A receipt or register report as a PDF shaped like a till receipt: 80 mm wide, as tall as
its content; and a register report as plain text of so many columns.

The rows come from `devices.receipts.layout`; here they are wrapped, measured and drawn.
Helvetica (built into every PDF reader) draws the Windows-1252 repertoire, which has "€",
"£", "¥" and the Western European accents. A receipt with anything else ("₩", "ő", Greek …)
is drawn in DejaVu Sans when its file is found (the app's `resources/fonts/`, then the
system's font folders); failing that, such characters get readable stand-ins ("KRW ").
A receipt taller than a PDF page may be (200 inches) continues on further pages.
"""

from __future__ import annotations

import functools
import io
import itertools
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from core.drawer.report import ReportDocument, ReportRow
from core.sales.receipt import ReceiptDocument
from devices.receipts.layout import (
    Banner,
    Item,
    QrCode,
    Row,
    Rule,
    Space,
    readable,
    receipt_items,
    report_items,
)

__all__ = [
    "MIN_TEXT_COLUMNS",
    "PAGE_WIDTH",
    "default_font_dirs",
    "receipt_pdf",
    "report_pdf",
    "report_text",
]

PAGE_WIDTH: float = 80 * mm
MARGIN_X: float = 4 * mm  # 72 mm of print, as on an 80 mm thermal roll
MARGIN_Y: float = 5 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
MAX_PAGE_HEIGHT = 14_400.0  # points: the largest page side PDF readers accept
COLUMN_GAP = 8.0  # between a row's text and its amount
BAR_HEIGHT = 12 * mm
BAR_TEXT_SIZE = 8.0
# Bars of 3, then 2 printer dots at 203 dpi; narrower only if the symbol would not fit.
MODULE_WIDTHS = (0.375 * mm, 0.25 * mm)
QR_SIDE = 25 * mm  # with its quiet zone: large enough for any phone camera at arm's length

Draw = Callable[[Any, float], None]  # (canvas, top of the block)


@dataclass(frozen=True, slots=True)
class _Block:
    height: float
    draw: Draw | None = None


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    glyphs: frozenset[int] | None = None  # None: Helvetica's Windows-1252 repertoire

    def name(self, *, bold: bool) -> str:
        return self.bold if bold else self.regular

    def can_draw(self, ch: str) -> bool:
        return _builtin_can_draw(ch) if self.glyphs is None else ord(ch) in self.glyphs


BUILTIN_FONTS = _Fonts("Helvetica", "Helvetica-Bold")


def receipt_pdf(document: ReceiptDocument, *, font_dirs: Sequence[Path] | None = None) -> bytes:
    """The receipt as PDF bytes; the same document always gives the same bytes.

    `font_dirs`: where to look for DejaVu Sans when Helvetica cannot draw the receipt's text
    (default: `default_font_dirs()`; empty: Helvetica only, with stand-in characters).
    """
    items = receipt_items(document)
    return _render(items, font_dirs, title=document.receipt_number, subject=document.title)


def report_pdf(document: ReportDocument, *, font_dirs: Sequence[Path] | None = None) -> bytes:
    """The X or Z report as PDF bytes on the same 80 mm roll, titled with the report's title;
    `font_dirs` as for `receipt_pdf`."""
    heading = "; ".join(line for line in document.heading if line.strip())
    return _render(report_items(document), font_dirs, title=document.title, subject=heading)


def _render(
    items: Sequence[Item], font_dirs: Sequence[Path] | None, *, title: str, subject: str
) -> bytes:
    """The items drawn top to bottom on pages as tall as their content; deterministic bytes."""
    dirs = default_font_dirs() if font_dirs is None else tuple(font_dirs)
    fonts = _choose_fonts(_texts(items), dirs)
    blocks = [block for item in items for block in _blocks(item, fonts)]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, MAX_PAGE_HEIGHT), invariant=True)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("LunarFront")
    for page in _pages(blocks):
        height = sum(block.height for block in page) + 2 * MARGIN_Y
        canvas.setPageSize((PAGE_WIDTH, height))
        top = height - MARGIN_Y
        for block in page:
            if block.draw is not None:
                block.draw(canvas, top)
            top -= block.height
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _pages(blocks: Iterable[_Block]) -> list[list[_Block]]:
    room = MAX_PAGE_HEIGHT - 2 * MARGIN_Y
    pages: list[list[_Block]] = [[]]
    used = 0.0
    for block in blocks:
        if pages[-1] and used + block.height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += block.height
    return pages


def _blocks(item: Item, fonts: _Fonts) -> list[_Block]:
    if isinstance(item, Row):
        return _row_blocks(item, fonts)
    if isinstance(item, Rule):
        return [_Block(9.0, _draw_rule)]
    if isinstance(item, Space):
        return [_Block(item.height)]
    if isinstance(item, Banner):
        return [_banner_block(readable(item.text, fonts.can_draw), fonts)]
    if isinstance(item, QrCode):
        return [_qr_block(item.value)]
    return [_barcode_block(item.value, fonts)]


def _row_blocks(row: Row, fonts: _Fonts) -> list[_Block]:
    font, size, leading = fonts.name(bold=row.style.bold), row.style.size, row.style.leading
    left = readable(row.left, fonts.can_draw)
    right = " ".join(readable(row.right, fonts.can_draw).split())
    start, end, room = MARGIN_X + row.indent, PAGE_WIDTH - MARGIN_X, CONTENT_WIDTH - row.indent

    def line(*parts: tuple[str, float, str]) -> _Block:
        def draw(canvas: Any, top: float) -> None:
            canvas.setFont(font, size)
            for string, x, how in parts:
                # Centre the capitals (about 0.72 of the size) in the line's height.
                getattr(canvas, how)(x, top - leading / 2 - 0.36 * size, string)

        return _Block(leading, draw)

    if row.centred:
        centre = start + room / 2
        return [line((text, centre, "drawCentredString")) for text in _wrap(left, font, size, room)]
    beside = room - COLUMN_GAP - (pdfmetrics.stringWidth(right, font, size) if right else 0.0)
    if not right or beside >= room * 0.4:
        texts = _wrap(left, font, size, beside if right else room) or ([""] if right else [])
        blocks = [line((text, start, "drawString")) for text in texts]
        if right:
            blocks[0] = line((texts[0], start, "drawString"), (right, end, "drawRightString"))
        return blocks
    # An amount too wide to share a line with its text goes under it, right-aligned.
    return [line((text, start, "drawString")) for text in _wrap(left, font, size, room)] + [
        line((text, end, "drawRightString")) for text in _wrap(right, font, size, room)
    ]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Word-wrapped lines, each at most `width` wide; an overlong word is broken."""

    def fits(candidate: str) -> bool:
        return bool(pdfmetrics.stringWidth(candidate, font, size) <= width)

    return _wrap_by(text, fits)


def _wrap_by(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Word-wrapped lines that each `fits`; an overlong word is broken."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            *whole, line = _broken(word, fits)
            lines += whole
        if line:
            lines.append(line)
    return lines


def _broken(word: str, fits: Callable[[str], bool]) -> list[str]:
    """`word` in pieces that fit: after the last hyphen or slash that fits, else where it must."""
    pieces: list[str] = []
    while not fits(word) and len(word) > 1:
        cut = max((n for n in range(1, len(word)) if fits(word[:n])), default=1)
        mark = max(word.rfind("-", 0, cut), word.rfind("/", 0, cut))
        cut = mark + 1 if mark > 0 else cut
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def _draw_rule(canvas: Any, top: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.setDash(2, 2)
    canvas.line(MARGIN_X, top - 4.5, PAGE_WIDTH - MARGIN_X, top - 4.5)
    canvas.restoreState()


def _banner_block(text: str, fonts: _Fonts) -> _Block:
    band, size = 16.0, 10.0

    def draw(canvas: Any, top: float) -> None:
        canvas.saveState()
        canvas.rect(MARGIN_X, top - band, CONTENT_WIDTH, band, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(fonts.bold, size)
        canvas.drawCentredString(PAGE_WIDTH / 2, top - band / 2 - 0.36 * size, text)
        canvas.restoreState()

    return _Block(band + 2, draw)


def _barcode_block(value: str, fonts: _Fonts) -> _Block:
    symbol = _code128(value, MODULE_WIDTHS[0])
    for module in MODULE_WIDTHS[1:]:
        if _bars_width(symbol) <= CONTENT_WIDTH:
            break
        symbol = _code128(value, module)
    if _bars_width(symbol) > CONTENT_WIDTH:
        symbol = _code128(value, symbol.barWidth * CONTENT_WIDTH / _bars_width(symbol))
    top_pad, gap = 4.0, 3.0
    wide = pdfmetrics.stringWidth(value, fonts.regular, BAR_TEXT_SIZE)
    size = min(BAR_TEXT_SIZE, BAR_TEXT_SIZE * CONTENT_WIDTH / wide)

    def draw(canvas: Any, top: float) -> None:
        bottom = top - top_pad - BAR_HEIGHT
        symbol.drawOn(canvas, (PAGE_WIDTH - symbol.width) / 2, bottom)
        # Its text drawn here rather than by reportlab, which sets it against the bars.
        canvas.setFont(fonts.regular, size)
        canvas.drawCentredString(PAGE_WIDTH / 2, bottom - gap - 0.75 * size, value)

    return _Block(top_pad + BAR_HEIGHT + gap + 1.1 * size + 2, draw)


def _qr_block(value: str) -> _Block:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    scale = (QR_SIDE / (x1 - x0), QR_SIDE / (y1 - y0))
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[scale[0], 0, 0, scale[1], 0, 0])
    drawing.add(widget)
    top_pad = 2.0

    def draw(canvas: Any, top: float) -> None:
        renderPDF.draw(drawing, canvas, (PAGE_WIDTH - QR_SIDE) / 2, top - top_pad - QR_SIDE)

    return _Block(top_pad + QR_SIDE + 2, draw)


def _code128(value: str, module: float) -> Any:
    quiet = 10 * module  # the symbology's quiet zone; the page margin adds to it
    return Code128(value, barWidth=module, barHeight=BAR_HEIGHT, lquiet=quiet, rquiet=quiet)


def _bars_width(symbol: Any) -> float:
    return float(symbol.width - symbol.lquiet - symbol.rquiet)


def _texts(items: Iterable[Item]) -> list[str]:
    texts: list[str] = []
    for item in items:
        if isinstance(item, Row):
            texts += [item.left, item.right]
        elif isinstance(item, Banner):
            texts.append(item.text)
    return texts


def _choose_fonts(texts: Iterable[str], dirs: tuple[Path, ...]) -> _Fonts:
    wanted = {
        ch
        for text in texts
        for ch in unicodedata.normalize("NFC", text)
        if unicodedata.category(ch)[0] != "C"
    }
    if all(BUILTIN_FONTS.can_draw(ch) for ch in wanted):
        return BUILTIN_FONTS
    dejavu = _dejavu(dirs)
    return BUILTIN_FONTS if dejavu is None else dejavu


@functools.cache
def _builtin_can_draw(ch: str) -> bool:
    # reportlab sends what Helvetica's encoding lacks to ZapfDingbats, which draws a box.
    helvetica = pdfmetrics.getFont("Helvetica")
    return all(font.fontName == "Helvetica" for font, _ in pdfmetrics.unicode2T1(ch, [helvetica]))


def default_font_dirs() -> tuple[Path, ...]:
    """The app's own fonts (beside the frozen modules in a bundle), then the system's."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[2]
    return (root / "resources" / "fonts", Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


_REGISTERING = threading.Lock()


@functools.cache
def _dejavu(dirs: tuple[Path, ...]) -> _Fonts | None:
    regular = _find("DejaVuSans.ttf", dirs)
    if regular is None:
        return None
    bold = _find("DejaVuSans-Bold.ttf", dirs) or regular
    with _REGISTERING:  # reportlab's font registry is one per process
        try:
            faces = [TTFont(f"LunarFront-{next(_SERIAL)}", path) for path in (regular, bold)]
        except (OSError, TTFError):
            return None
        for face in faces:
            pdfmetrics.registerFont(face)
    glyphs = frozenset(faces[0].face.charToGlyph) & frozenset(faces[1].face.charToGlyph)
    return _Fonts(faces[0].fontName, faces[1].fontName, glyphs)


_SERIAL = itertools.count(1)


def _find(name: str, dirs: Iterable[Path]) -> Path | None:
    for folder in dirs:
        if folder.is_dir():
            found = sorted(folder.rglob(name))
            if found:
                return found[0]
    return None


# --- the report as plain text --------------------------------------------------------------

MIN_TEXT_COLUMNS = 16  # a 58 mm roll prints 32; fewer leaves no room for a label and amount


def report_text(document: ReportDocument, columns: int = 42) -> str:
    """The report as lines of at most `columns` character cells, each ending in "\n".

    The title, heading and banner are centred; each section follows a dashed rule, its
    title on a line of its own, then its rows: the label on the left (wrapped), the value
    right-aligned on the label's first line, or on lines of its own under a label too long
    to share one. Wide (East Asian) characters take two cells, as on a printer or a
    monospaced screen; control characters become spaces.
    """
    if type(columns) is not int or columns < MIN_TEXT_COLUMNS:
        raise ValueError(f"a text report is at least {MIN_TEXT_COLUMNS} columns wide")
    lines = _centred(document.title, columns)
    for text in document.heading:
        lines += _centred(text, columns)
    if document.banner.strip():
        lines += _centred(f"*** {document.banner.strip()} ***", columns)
    for section in document.sections:
        lines.append("-" * columns)
        lines += _wrap_cells(section.title, columns)
        for row in section.rows:
            lines += _text_row(row, columns)
    return "".join(f"{line}\n" for line in lines)


def _text_row(row: ReportRow, columns: int) -> list[str]:
    value = " ".join(_plain(row.value).split())
    if not value:
        return _wrap_cells(row.label, columns)
    beside = columns - 1 - _cells(value)  # one space at least between label and value
    if beside >= columns * 0.4:
        texts = _wrap_cells(row.label, beside) or [""]
        first = texts[0] + " " * (columns - _cells(texts[0]) - _cells(value)) + value
        return [first, *texts[1:]]
    # A value too wide to share a line with its label goes under it, right-aligned.
    return _wrap_cells(row.label, columns) + [
        " " * (columns - _cells(text)) + text for text in _wrap_cells(value, columns)
    ]


def _centred(text: str, columns: int) -> list[str]:
    return [" " * ((columns - _cells(line)) // 2) + line for line in _wrap_cells(text, columns)]


def _wrap_cells(text: str, columns: int) -> list[str]:
    return _wrap_by(_plain(text), lambda candidate: _cells(candidate) <= columns)


def _plain(text: str) -> str:
    """NFC text with line breaks as "\n", other control characters as spaces, and the
    invisible format characters (zero-width spaces, soft hyphens) dropped."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", "\n".join(text.splitlines())):
        kind = unicodedata.category(ch)
        if ch == "\n" or kind[0] != "C":
            out.append(ch)
        elif kind == "Cc":
            out.append(" ")
        elif kind != "Cf":
            out.append("?")  # unassigned or private-use: no printer has a glyph for it
    return "".join(out)


def _cells(text: str) -> int:
    """How many character cells `text` takes on a printer or monospaced screen."""
    return sum(_cell(ch) for ch in text)


@functools.cache
def _cell(ch: str) -> int:
    if unicodedata.category(ch) in {"Mn", "Me"}:
        return 0  # a combining mark sits on the character before it
    return 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
