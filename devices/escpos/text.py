"""Text for a printer's code page: every character one that the table has, one byte each.

`printable` swaps what the table lacks for a readable stand-in (`devices.receipts.layout.
readable`: "€" → "EUR " on PC437, "ő" → "o", else "?"), so the text laid out is the text
printed and every character takes one column; `encode` turns it into bytes and cannot fail.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

from core.hardware.codepages import CodePage, code_page
from devices.receipts.layout import readable

__all__ = ["can_draw", "encode", "printable", "table"]


def table(codec: str) -> CodePage:
    """The code page named `codec`; a name the printer has no table for is a programming error
    (`PrinterProfile.check` refuses it in the settings)."""
    page = code_page(codec)
    if page is None:
        raise ValueError(f"no ESC/POS code page is named {codec!r}")
    return page


@functools.cache
def can_draw(codec: str) -> Callable[[str], bool]:
    """Whether the printer draws a character in one column of `codec`'s table; cached per
    character, since a receipt asks about the same few dozen again and again."""
    table(codec)

    @functools.cache
    def draws(ch: str) -> bool:
        # A combining accent left over after NFC has no precomposed form: it is dropped by
        # `printable` rather than printed as a separate column.
        if unicodedata.combining(ch) or unicodedata.east_asian_width(ch) in "WF":
            return False
        try:
            encoded = ch.encode(codec)
        except UnicodeEncodeError:
            return False
        # Bytes below 0x20 and 0x7F are commands to the printer, never text.
        return len(encoded) == 1 and encoded[0] >= 0x20 and encoded[0] != 0x7F

    return draws


def printable(text: str, codec: str) -> str:
    """`text` as it will print in `codec`: stand-ins for what the table lacks, line breaks
    kept as "\\n", other control characters as spaces."""
    draws = can_draw(codec)
    if text.isascii() and text.isprintable():
        return text  # the common case, and every ASCII code page draws it
    nfc = unicodedata.normalize("NFC", text)
    stripped = "".join(ch for ch in nfc if not (unicodedata.combining(ch) and not draws(ch)))
    return readable(stripped, draws)


def encode(text: str, codec: str) -> bytes:
    """`text` as the printer's bytes in `codec`; `printable` first (a no-op on text that has
    been through it), so no character can raise or print as a wrong letter."""
    return printable(text, codec).encode(codec)
