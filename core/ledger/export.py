"""Journal entries as a QuickBooks Online journal-entry import file (CSV).

The format QuickBooks Online reads:

- One row per line; rows sharing a Journal No form one entry, which must balance.
- Journal Date is MM/DD/YYYY.
- Debits and Credits are plain decimals with the currency's decimal places, no symbol and
  no thousands separator ("1234.50"; yen "1200"; dinar "1.234"); the side a row does not
  use is left empty. A line of zero has no side and is left out.
- Description is the line's memo, or the entry's memo when the line has none. Name (the
  customer or vendor) stays empty: the register's entries are store-level totals.

Names and memos are typed by people, and the file is often opened in a spreadsheet first:
a text cell starting with =, +, -, @, a tab or a carriage return would be read as a formula,
so it gets a leading apostrophe. Amounts are numbers, never negative, and are left alone.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import quoted
from core.ledger.errors import LedgerError
from core.ledger.journal import UnbalancedEntryError, amount_text, check_amount

__all__ = ["COLUMNS", "ExportEntry", "ExportLine", "parse_amount", "quickbooks_csv"]

COLUMNS = (
    "Journal No",
    "Journal Date",
    "Account",
    "Debits",
    "Credits",
    "Description",
    "Name",
    "Location",
    "Currency Code",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_AMOUNT = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]+))?")


@dataclass(frozen=True, slots=True)
class ExportLine:
    account_name: str
    debit: int
    credit: int
    memo: str


@dataclass(frozen=True, slots=True)
class ExportEntry:
    number: str
    date: datetime.date
    memo: str
    location: str
    currency: str
    exponent: int
    lines: tuple[ExportLine, ...]


def quickbooks_csv(entries: Iterable[ExportEntry]) -> str:
    """The import file's text, header first; an entry that does not balance is refused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerows(_rows(entry))
    return out.getvalue()


def _rows(entry: ExportEntry) -> list[list[str]]:
    debits = credits = 0
    for line in entry.lines:
        debit = check_amount(line.debit, "A debit")
        credit = check_amount(line.credit, "A credit")
        if debit < 0 or credit < 0 or (debit and credit):
            raise LedgerError(
                f"Entry {entry.number}: each line is either a debit or a credit above zero."
            )
        debits += debit
        credits += credit
    if debits != credits:
        raise UnbalancedEntryError(debits, credits, entry.exponent)
    date = f"{entry.date.month:02d}/{entry.date.day:02d}/{entry.date.year:04d}"
    return [
        [
            _text(entry.number),
            _text(date),
            _text(line.account_name),
            amount_text(line.debit, entry.exponent) if line.debit else "",
            amount_text(line.credit, entry.exponent) if line.credit else "",
            _text(line.memo or entry.memo),
            "",
            _text(entry.location),
            _text(entry.currency),
        ]
        for line in entry.lines
        if line.debit or line.credit
    ]


def _text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def parse_amount(text: str, exponent: int) -> int:
    """Read back an amount written by `quickbooks_csv`: "1234.50" -> 123450; exact."""
    match = _AMOUNT.fullmatch(text.strip())
    frac = (match["frac"] or "") if match else ""
    if match is None or len(frac) > exponent:
        raise LedgerError(f"{quoted(text)} is not an amount with {exponent} decimal places.")
    scale: int = 10**exponent
    minor = int(match["whole"]) * scale + int(frac.ljust(exponent, "0") or "0")
    return -minor if match["sign"] else minor
