"""The ISO 4217 currencies LunarFront can price in, with their minor-unit exponent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from core.errors import DomainError, quoted

__all__ = ["CURRENCIES", "Currency", "UnknownCurrencyError", "get_currency"]


class UnknownCurrencyError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"{quoted(code)} is not a currency LunarFront supports.")
        self.code = code


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    exponent: int  # digits after the decimal point: 1 USD = 10**2 minor units
    symbol: str | None = None  # None: show the code, e.g. "CHF 12.00"


# Dollar currencies other than USD carry a prefix so a receipt never leaves the
# reader guessing which dollar it means.
CURRENCIES: Mapping[str, Currency] = MappingProxyType(
    {
        c.code: c
        for c in (
            Currency("USD", 2, "$"),
            Currency("CAD", 2, "CA$"),
            Currency("AUD", 2, "A$"),
            Currency("NZD", 2, "NZ$"),
            Currency("MXN", 2, "MX$"),
            Currency("EUR", 2, "€"),
            Currency("GBP", 2, "£"),
            Currency("JPY", 0, "¥"),
            Currency("KRW", 0, "₩"),
            Currency("CHF", 2),
            Currency("SEK", 2),
            Currency("NOK", 2),
            Currency("DKK", 2),
            Currency("BHD", 3),
            Currency("KWD", 3),
        )
    }
)


def get_currency(code: str) -> Currency:
    """The currency for an upper-case ISO 4217 code; lower case is refused, not guessed."""
    if not isinstance(code, str):
        raise TypeError(f"a currency code is a str, not {type(code).__name__}")
    try:
        return CURRENCIES[code]
    except KeyError:
        raise UnknownCurrencyError(code) from None
