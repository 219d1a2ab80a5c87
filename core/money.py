"""Money in integer minor units with its currency; never float.

`Decimal` and `Fraction` appear only inside a calculation and come back to an
integer at once through an explicit `Rounding` rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact
from enum import Enum
from fractions import Fraction

from core.currency import get_currency
from core.errors import DomainError, quoted

__all__ = [
    "MAX_INPUT_LENGTH",
    "CurrencyMismatchError",
    "InvalidAmountError",
    "Money",
    "Rounding",
    "format_money",
    "parse_money",
    "round_to_int",
]

MAX_INPUT_LENGTH = 20


class CurrencyMismatchError(DomainError):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"Amounts in {left} and {right} cannot be combined.")
        self.left = left
        self.right = right


class InvalidAmountError(DomainError):
    """Typed-in text that is not an amount in the register's currency."""


class Rounding(Enum):
    HALF_UP = "half_up"  # half away from zero: 0.5 -> 1, -0.5 -> -1
    HALF_EVEN = "half_even"  # banker's: 0.5 -> 0, 1.5 -> 2
    DOWN = "down"  # toward zero
    UP = "up"  # away from zero
    FLOOR = "floor"  # toward -infinity
    CEILING = "ceiling"  # toward +infinity


def round_to_int(value: Decimal | Fraction | int, rounding: Rounding) -> int:
    """Round an exact value to an integer by `rounding`.

    Works on `Fraction` so the result never depends on a `decimal` context's
    precision or on what rounding some other code left in that context.
    """
    exact = _exact(value)
    floor = exact.numerator // exact.denominator
    rest = exact - floor  # in [0, 1)
    if rest == 0:
        return floor
    ceiling = floor + 1
    away, toward = (ceiling, floor) if exact > 0 else (floor, ceiling)
    directed = {Rounding.FLOOR: floor, Rounding.CEILING: ceiling, Rounding.DOWN: toward}
    if rounding is Rounding.UP:
        return away
    if rounding in directed:
        return directed[rounding]
    half = Fraction(1, 2)
    if rest != half:
        return floor if rest < half else ceiling
    if rounding is Rounding.HALF_UP:
        return away
    return floor if floor % 2 == 0 else ceiling


def _exact(value: Decimal | Fraction | int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        raise TypeError(f"expected Decimal, Fraction or int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"cannot compute with {value}")
    return Fraction(value)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units (cents for USD) of one currency.

    Arithmetic and ordering across currencies raise `CurrencyMismatchError`.
    Equality does not: USD 5 == EUR 5 is simply False, which keeps `in`,
    `list.remove` and comparisons of records holding Money well behaved.
    """

    amount: int
    currency: str

    def __post_init__(self) -> None:
        # `type() is` also refuses bool and int subclasses such as numpy integers.
        if type(self.amount) is not int:
            kind = type(self.amount).__name__
            raise TypeError(f"Money amount is an int of minor units, not {kind}")
        get_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def of(cls, amount_minor: int, currency: str) -> Money:
        return cls(amount_minor, currency)

    @property
    def exponent(self) -> int:
        return get_currency(self.currency).exponent

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def _amount_of(self, other: Money) -> int:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)
        return other.amount

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + self._amount_of(other), self.currency)

    def __radd__(self, other: int) -> Money:
        # Only the 0 that sum() starts from; any other number is a bug.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - self._amount_of(other), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, float | Decimal | Fraction | bool):
            raise TypeError("use Money.multiply() with a rounding rule for non-integer factors")
        if type(factor) is not int:
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount < self._amount_of(other)

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount <= self._amount_of(other)

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount > self._amount_of(other)

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount >= self._amount_of(other)

    def multiply(
        self, factor: Decimal | Fraction | int, rounding: Rounding = Rounding.HALF_UP
    ) -> Money:
        """Exact product, rounded back to whole minor units by `rounding`."""
        return Money(round_to_int(self.amount * _exact(factor), rounding), self.currency)

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split into parts proportional to `ratios`, losing no minor unit.

        Largest remainder: each part gets the floor of its exact share, then the
        units left over go one each to the largest remainders, the earlier part
        winning a tie so the same input always splits the same way. A negative
        amount splits as the mirror image of the positive one.
        """
        if any(type(r) is not int for r in ratios):
            raise TypeError("allocation ratios are ints")
        if any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise ValueError("allocation ratios are non-negative with at least one positive")
        total = sum(ratios)
        magnitude = abs(self.amount)
        shares = [divmod(magnitude * r, total) for r in ratios]
        parts = [whole for whole, _ in shares]
        order = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
        for i in order[: magnitude - sum(parts)]:
            parts[i] += 1
        sign = -1 if self.amount < 0 else 1
        return [Money(sign * p, self.currency) for p in parts]

    def split(self, n: int) -> list[Money]:
        """`n` parts as equal as whole minor units allow; earlier parts get the extra units."""
        if type(n) is not int or n < 1:
            raise ValueError("split needs a positive int number of parts")
        return self.allocate([1] * n)

    def __str__(self) -> str:
        return f"{self.currency} {_digits(self.amount, self.exponent, grouping=False)}"


def _digits(amount: int, exponent: int, *, grouping: bool) -> str:
    whole, minor = divmod(abs(amount), 10**exponent)
    text = f"{whole:,}" if grouping else str(whole)
    if exponent:
        text += "." + str(minor).zfill(exponent)
    return ("-" if amount < 0 else "") + text


def format_money(m: Money, *, symbol: bool = True) -> str:
    """Display form, locale-free: "$1,234.56", "-$3.50", "€12.00", "CHF 12.00", "¥1,200"."""
    digits = _digits(abs(m.amount), m.exponent, grouping=True)
    sign = "-" if m.amount < 0 else ""
    if not symbol:
        return sign + digits
    currency = get_currency(m.currency)
    if currency.symbol is None:
        return f"{sign}{currency.code} {digits}"
    return f"{sign}{currency.symbol}{digits}"


# A context of our own: the thread's default may have been narrowed by other code,
# and rounding here would silently change what the cashier typed.
_EXACT = Context(prec=MAX_INPUT_LENGTH + 5, traps=[Inexact])

# ASCII digits only; thousands separators must form groups of three so "12,34"
# (a comma typed as a decimal point) is refused rather than read as 1234.
_NUMBER = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]*))?")


def parse_money(text: str, currency: str) -> Money:
    """Read an amount a person typed: "12", "12.5", "1,234.56", "$12.50", "-3.50"."""
    exponent = get_currency(currency).exponent
    s = text.strip()
    if not s:
        raise InvalidAmountError("No amount was entered.")
    if len(s) > MAX_INPUT_LENGTH:
        raise InvalidAmountError(
            f"{quoted(s)} is not a valid amount: it is longer than {MAX_INPUT_LENGTH} characters."
        )
    negative, body = _strip_sign_and_symbol(s, currency)
    match = _NUMBER.fullmatch(body)
    if match is None or not (match["whole"] or match["frac"]):
        example = _digits(1234 * 10**exponent + 10**exponent // 2, exponent, grouping=True)
        raise InvalidAmountError(f"{quoted(s)} is not a valid amount: type it like {example}.")
    frac = match["frac"] or ""
    if len(frac) > exponent:
        places = "no decimal places" if exponent == 0 else f"at most {exponent} decimal places"
        raise InvalidAmountError(f"{quoted(s)} is not a valid amount: {currency} has {places}.")
    value = Decimal(f"{match['whole'].replace(',', '') or '0'}.{frac or '0'}")
    minor = int(value.scaleb(exponent, _EXACT))
    return Money(-minor if negative else minor, currency)


def _strip_sign_and_symbol(s: str, currency: str) -> tuple[bool, str]:
    """Accept "-$12", "$-12", "$ 12", "USD 12", "usd12"; leave the rest to the number pattern."""
    negative = s.startswith("-")
    if negative:
        s = s[1:]
    symbol = get_currency(currency).symbol
    prefixes = [currency]
    if symbol is not None:
        prefixes.append(symbol)
        if symbol.endswith("$"):
            prefixes.append("$")  # a Canadian cashier types "$", not "CA$"
    for prefix in sorted(prefixes, key=len, reverse=True):
        if s[: len(prefix)].upper() == prefix:
            s = s[len(prefix) :].lstrip(" ")
            break
    if not negative and s.startswith("-"):
        negative, s = True, s[1:]
    return negative, s
