"""Denominations and counts: a drawer is counted note by note and coin by coin.

Each currency has default notes and coins (minor units, largest first); a company may set
its own list. A count maps each denomination to how many were counted; its total is exact
integer arithmetic. Counts are typed by people at the end of a long day, so every bad entry
(a letter, a minus sign, an absurd number) is refused with a message saying which one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.currency import get_currency
from core.drawer.errors import DrawerError
from core.errors import quoted
from core.money import Money, format_money

__all__ = [
    "MAX_PIECES",
    "Count",
    "check_denominations",
    "default_denominations",
    "denomination_label",
    "parse_pieces",
]

# More than this many of one note or coin is a typing slip, not a drawer.
MAX_PIECES = 100_000

_DEFAULTS: dict[str, tuple[int, ...]] = {
    "USD": (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1),
    "CAD": (10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5),
    "AUD": (10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "NZD": (10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10),
    "EUR": (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "GBP": (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "CHF": (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "SEK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100),
    "JPY": (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1),
    "KRW": (50000, 10000, 5000, 1000, 500, 100, 50, 10),
    "MXN": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50),
}


def default_denominations(currency: str) -> tuple[int, ...]:
    """The currency's usual notes and coins; a 1-2-5 series for one we do not list."""
    known = _DEFAULTS.get(currency)
    if known is not None:
        return known
    exponent = get_currency(currency).exponent
    series = [step * 10**power for power in range(exponent + 3) for step in (1, 2, 5)]
    return tuple(sorted((v for v in series if v <= 100 * 10**exponent), reverse=True))


def check_denominations(values: Iterable[object]) -> tuple[int, ...]:
    """A company's own list: positive whole minor units, no repeats; largest first."""
    found: list[int] = []
    for value in values:
        if type(value) is not int or value <= 0:
            raise DrawerError(f"{value!s} is not a note or coin value; use whole minor units.")
        if value in found:
            raise DrawerError(f"{value} is listed twice among the notes and coins.")
        found.append(value)
    if not found:
        raise DrawerError("List at least one note or coin.")
    return tuple(sorted(found, reverse=True))


def denomination_label(value: int, currency: str) -> str:
    """ "$20", "$0.25", "¥1,000": whole amounts without the zeros after the point."""
    text = format_money(Money(value, currency))
    exponent = get_currency(currency).exponent
    if exponent and value % 10**exponent == 0:
        text = text[: -(exponent + 1)]
    return text


def parse_pieces(text: str, label: str) -> int:
    """How many of one note or coin a person typed; blank is none."""
    s = text.strip()
    if not s:
        return 0
    if s.startswith("-"):
        raise DrawerError(f"The count of {label} cannot be negative.")
    if not s.isascii() or not s.isdigit():
        raise DrawerError(f"The count of {label} must be a whole number, not {quoted(s)}.")
    if len(s.lstrip("0")) > len(str(MAX_PIECES)):
        # Before int(): Python refuses to convert thousands of pasted digits.
        raise DrawerError(f"{quoted(s)} × {label} is more than a drawer holds; check the count.")
    pieces = int(s)
    if pieces > MAX_PIECES:
        raise DrawerError(f"{pieces:,} × {label} is more than a drawer holds; check the count.")
    return pieces


@dataclass(frozen=True, slots=True)
class Count:
    """So many of each denomination; the total is the exact sum."""

    currency: str
    pieces: tuple[tuple[int, int], ...]  # (denomination, how many), largest first

    @classmethod
    def of(cls, currency: str, pieces: Mapping[int, int]) -> Count:
        checked: list[tuple[int, int]] = []
        for value, number in pieces.items():
            if type(value) is not int or value <= 0:
                raise DrawerError(f"{value!s} is not a note or coin value.")
            if type(number) is not int:
                raise DrawerError("A count must be a whole number.")
            label = denomination_label(value, currency)
            if number < 0:
                raise DrawerError(f"The count of {label} cannot be negative.")
            if number > MAX_PIECES:
                raise DrawerError(f"{number:,} × {label} is more than a drawer holds.")
            if number:
                checked.append((value, number))
        return cls(currency, tuple(sorted(checked, reverse=True)))

    @property
    def total(self) -> int:
        return sum(value * number for value, number in self.pieces)

    def to_json(self) -> str:
        return json.dumps({str(value): number for value, number in self.pieces})

    @classmethod
    def from_json(cls, currency: str, text: str) -> Count:
        raw = json.loads(text)
        if not isinstance(raw, dict) or not all(
            isinstance(value, str) and value.isascii() and value.isdigit() for value in raw
        ):
            raise DrawerError("A stored count is not a list of notes and coins.")
        # The numbers go to `of` as stored, so 1.5 or true is refused rather than truncated.
        return cls.of(currency, {int(value): number for value, number in raw.items()})
