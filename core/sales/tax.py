"""Sales tax: rates by tax class and location, and the one rounding rule.

The rule: **each rate is computed once per sale, on the sum of the net amounts (after every
discount) of the sold lines it applies to, and rounded half up to the cent; that tax is then
shared out to those lines by largest remainder of each line's own exact tax** (every line
gets its exact tax rounded down, and the cents left over go to the largest fractions, the
earlier line winning a tie). So the sale's tax for a rate is exactly what a calculator gives
for the whole basket, the lines' taxes always add up to it (lines and sale never drift by a
cent), and no line's tax is a cent or more away from its own exact tax.

A returned line does not recompute tax: it gives back its share of the original line's tax
for each rate, prorated by quantity (`core.sales.returns`), so a refund mirrors the original
sale even if the rates have changed since.

Rates are held in parts per million (8.875% = 88_750) so they stay ints.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.money import Rounding, round_to_int
from core.sales.errors import SaleError

__all__ = [
    "MAX_RATE_PPM",
    "PPM",
    "LineTax",
    "TaxRate",
    "parse_rate",
    "rate_text",
    "share_tax",
    "tax_for_base",
]

PPM = 1_000_000
MAX_RATE_PPM = 500_000  # 50%: anything above is a typing mistake


@dataclass(frozen=True, slots=True)
class TaxRate:
    """One rate (state, county, city …) charged on one tax class at one location."""

    id: uuid.UUID
    name: str
    rate_ppm: int
    tax_class: str

    def __post_init__(self) -> None:
        if type(self.rate_ppm) is not int or not 0 <= self.rate_ppm <= MAX_RATE_PPM:
            raise SaleError("A tax rate is between 0% and 50%.")


@dataclass(frozen=True, slots=True)
class LineTax:
    """One rate's tax on one line."""

    rate_id: uuid.UUID
    name: str
    rate_ppm: int
    taxable: int
    tax: int


def tax_for_base(base: int, rate_ppm: int) -> int:
    """The rule's rounding: half up (away from zero) to the minor unit."""
    return round_to_int(Fraction(base * rate_ppm, PPM), Rounding.HALF_UP)


def share_tax(
    rates_by_class: Mapping[str, Sequence[TaxRate]],
    lines: Sequence[tuple[str, int]],
) -> list[list[LineTax]]:
    """Each rate's tax on the lines' combined net, shared back to the lines.

    `lines` are (tax class, net amount ≥ 0) of the sold lines; the answer is each line's
    taxes in the same order.
    """
    taxes: list[list[LineTax]] = [[] for _ in lines]
    by_rate: dict[uuid.UUID, tuple[TaxRate, list[int]]] = {}
    for index, (tax_class, _net) in enumerate(lines):
        for rate in rates_by_class.get(tax_class, ()):
            by_rate.setdefault(rate.id, (rate, []))[1].append(index)
    for rate, indexes in by_rate.values():
        nets = [lines[i][1] for i in indexes]
        parts = _shares(nets, rate.rate_ppm)
        for i, net, part in zip(indexes, nets, parts, strict=True):
            taxes[i].append(LineTax(rate.id, rate.name, rate.rate_ppm, net, part))
    return taxes


def _shares(nets: Sequence[int], rate_ppm: int) -> list[int]:
    """The rate's tax on the summed nets, split by largest remainder of each exact share."""
    total = tax_for_base(sum(nets), rate_ppm)
    exact = [divmod(net * rate_ppm, PPM) for net in nets]
    parts = [whole for whole, _ in exact]
    order = sorted(range(len(nets)), key=lambda i: (-exact[i][1], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def rate_text(rate_ppm: int) -> str:
    """88_750 -> '8.875%'."""
    whole, rest = divmod(rate_ppm, PPM // 100)
    if rest == 0:
        return f"{whole}%"
    return f"{whole}.{rest:04d}".rstrip("0") + "%"


def parse_rate(text: str) -> int:
    """'8.25' or '8.25%' -> parts per million; up to four decimals."""
    cleaned = text.strip().removesuffix("%").strip()
    whole, _, decimals = cleaned.partition(".")
    if (
        not (whole or decimals)
        or not cleaned.isascii()  # "²".isdigit() is True but int("²") fails
        or not (whole or "0").isdigit()
        or (decimals and not decimals.isdigit())
        or len(decimals) > 4
    ):
        raise SaleError(f"“{text.strip()[:20]}” is not a tax rate; type for example 8.25.")
    ppm = int(whole or "0") * 10_000 + int((decimals or "0").ljust(4, "0"))
    if ppm > MAX_RATE_PPM:
        raise SaleError("A tax rate is between 0% and 50%.")
    return ppm
