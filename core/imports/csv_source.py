"""Reading (and writing) the CSV files stores move their data in and out with.

Pure, standard library only. A file that cannot be read as a whole (wrong encoding, empty,
too big) raises `ImportFileError` before anything is imported; a row that cannot be used
(a value far too long, more values than columns) carries its problems, so the importer
rejects that row and keeps the rest. Every row keeps the line it starts on, for the report.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.errors import DomainError

__all__ = [
    "DEFAULT_LIMITS",
    "DELIMITERS",
    "CsvSource",
    "Encoding",
    "ImportFileError",
    "Limits",
    "SourceRow",
    "read_csv",
    "write_csv",
]

DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Spreadsheets run a cell starting with one of these as a formula (CSV injection). Exports
# put an apostrophe in front; reading strips one apostrophe again, so values round-trip.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")  # "-5.00" cannot run anything
_SNIFF_CHARS = 65_536  # a header is shorter; an unclosed quote must not make us read it all
_EXCEL_SEP_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


class Encoding(StrEnum):
    UTF8 = "utf-8"
    WINDOWS_1252 = "cp1252"
    LATIN_1 = "latin-1"

    @property
    def label(self) -> str:
        return {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}[self.value]


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was read from it."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 50_000_000  # "50 MB" as the file manager shows it
    max_rows: int = 500_000
    max_field_chars: int = 10_000


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: the line it starts on, its values by column, and what is wrong with it."""

    line: int
    values: tuple[str, ...]
    columns: Mapping[str, int]  # shared by every row of the file
    problems: tuple[str, ...] = ()

    def get(self, column: str) -> str:
        index = self.columns.get(column)
        return self.values[index] if index is not None and index < len(self.values) else ""

    def as_dict(self) -> dict[str, str]:
        return {column: self.get(column) for column in self.columns}


@dataclass(frozen=True, slots=True)
class CsvSource:
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    delimiter: str
    encoding: Encoding


DEFAULT_LIMITS = Limits()


def read_csv(
    data: bytes, encoding: Encoding | None = None, limits: Limits = DEFAULT_LIMITS
) -> CsvSource:
    """The file's header and rows. `encoding` None means UTF-8 (with or without a BOM)."""
    if len(data) > limits.max_bytes:
        raise ImportFileError(
            f"The file is {len(data) / 1e6:,.1f} MB; at most {limits.max_bytes / 1e6:,.0f} MB "
            "can be imported at once. Split it into smaller files."
        )
    text, used = _decode(data, encoding)
    delimiter, skipped = _delimiter(text)
    records = _records(text[skipped:], delimiter, first_line=1 + text[:skipped].count("\n"))
    header = next(records, None)
    if header is None:
        raise ImportFileError("The file is empty: it has no header row and no data.")
    headers = _headers(header[1])
    columns = {name: i for i, name in enumerate(headers)}
    rows: list[SourceRow] = []
    for line, cells in records:
        if len(rows) == limits.max_rows:
            raise ImportFileError(
                f"The file has more than {limits.max_rows:,} rows; split it into smaller files."
            )
        problems = _problems(cells, headers, delimiter, limits)
        values = tuple(_unescape(v) if v[:1] == "'" else v for v in cells)
        rows.append(SourceRow(line, values, columns, problems))
    return CsvSource(headers, tuple(rows), delimiter, used)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM (so Excel shows accents right), comma-separated, formulas defused."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_escape(v) for v in row] for row in rows)
    return _UTF8_BOM + out.getvalue().encode("utf-8")


def _decode(data: bytes, encoding: Encoding | None) -> tuple[str, Encoding]:
    if data.startswith(_UTF16_BOMS):
        raise ImportFileError(
            "The file is UTF-16 text (Excel's “Unicode Text”). Save it as CSV UTF-8 and "
            "import it again."
        )
    if data.startswith(_UTF8_BOM):  # a BOM says UTF-8 whatever encoding was chosen
        data, encoding = data[len(_UTF8_BOM) :], Encoding.UTF8
    chosen = encoding or Encoding.UTF8
    try:
        return data.decode(chosen.value), chosen
    except UnicodeDecodeError as exc:
        byte, line = data[exc.start], data[: exc.start].count(b"\n") + 1
        if chosen is Encoding.UTF8:
            raise ImportFileError(
                f"The file is not UTF-8 text (byte 0x{byte:02X} at line {line}). Save it as "
                "CSV UTF-8 or choose the encoding Windows-1252."
            ) from None
        raise ImportFileError(
            f"The file is not {chosen.label} text (byte 0x{byte:02X} at line {line}). "
            "Choose the encoding Latin-1, or save it as CSV UTF-8."
        ) from None


def _delimiter(text: str) -> tuple[str, int]:
    """The delimiter and how many leading characters to skip (Excel's "sep=;" line).

    Otherwise the header decides: whichever of comma, semicolon and tab it holds most often
    outside quotes (a header has no numbers or prose in it to mislead the count).
    """
    sep = _EXCEL_SEP_LINE.match(text)
    if sep is not None and sep[1] in DELIMITERS:
        return sep[1], sep.end()
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:_SNIFF_CHARS].lstrip("\r\n"):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return (best if counts[best] else ","), 0


def _records(text: str, delimiter: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted value may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ended = first_line - 1
    while True:
        start = ended + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ImportFileError(
                f"Line {start} cannot be read as CSV: a value is far too long, which usually "
                'means a quote (") is missing its closing quote.'
            ) from None
        ended = first_line - 1 + reader.line_num
        if any(v.strip() for v in values):
            yield start, values


def _headers(cells: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        base = cell.strip().lstrip("\ufeff") or f"Column {i}"
        name, n = base, 1
        while name.casefold() in seen:  # "Notes", "Notes" -> "Notes", "Notes (2)"
            n += 1
            name = f"{base} ({n})"
        seen.add(name.casefold())
        names.append(name)
    return tuple(names)


def _problems(
    values: list[str], headers: tuple[str, ...], delimiter: str, limits: Limits
) -> tuple[str, ...]:
    problems: list[str] = []
    if any(v.strip() for v in values[len(headers) :]):
        problems.append(
            f"This row has {len(values)} values but the header has {len(headers)} columns; "
            f"look for a stray {_DELIMITER_NAMES[delimiter]} or a missing quote."
        )
    for header, value in zip(headers, values, strict=False):
        if len(value) > limits.max_field_chars:
            problems.append(
                f"The {header} value has {len(value):,} characters; at most "
                f"{limits.max_field_chars:,} are read."
            )
    return tuple(problems)


def _escape(value: str) -> str:
    if _FORMULA.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _unescape(value: str) -> str:
    rest = value[1:]
    if value.startswith("'") and _FORMULA.match(rest) and not _PLAIN_NUMBER.fullmatch(rest):
        return rest
    return value
