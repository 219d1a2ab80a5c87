"""The character tables an ESC/POS printer can be switched to (ESC t n).

Each is named by its Python codec; `number` is what ESC t takes on Epson-compatible printers
(the numbering nearly every ESC/POS printer follows). The profile's choice must match what the
printer has, or accents print as the wrong letters.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CODE_PAGES", "DEFAULT_CODE_PAGE", "CodePage", "code_page"]


@dataclass(frozen=True, slots=True)
class CodePage:
    codec: str  # Python's name for it: "cp858"
    number: int  # ESC t n
    label: str  # what the devices screen shows


CODE_PAGES: tuple[CodePage, ...] = (
    CodePage("cp437", 0, "PC437 — USA, standard Europe"),
    CodePage("cp850", 2, "PC850 — Multilingual"),
    CodePage("cp858", 19, "PC858 — Multilingual with €"),
    CodePage("cp860", 3, "PC860 — Portuguese"),
    CodePage("cp863", 4, "PC863 — Canadian French"),
    CodePage("cp865", 5, "PC865 — Nordic"),
    CodePage("cp852", 18, "PC852 — Central European"),
    CodePage("cp866", 17, "PC866 — Cyrillic"),
    CodePage("cp1252", 16, "WPC1252 — Windows Latin 1 (with €)"),
    CodePage("cp1250", 45, "WPC1250 — Windows Central European"),
    CodePage("cp1251", 46, "WPC1251 — Windows Cyrillic"),
)
DEFAULT_CODE_PAGE = "cp858"

_BY_CODEC = {page.codec: page for page in CODE_PAGES}


def code_page(codec: str) -> CodePage | None:
    return _BY_CODEC.get(codec)
