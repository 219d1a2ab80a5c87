"""Barcode symbologies and their GS1 check digits."""

from __future__ import annotations

from enum import StrEnum


class Symbology(StrEnum):
    UPC_A = "upc_a"
    EAN_13 = "ean_13"
    EAN_8 = "ean_8"
    CUSTOM = "custom"


_GS1_LENGTHS = {12: Symbology.UPC_A, 13: Symbology.EAN_13, 8: Symbology.EAN_8}


def gs1_check_digit(body: str) -> int:
    """The check digit for the digits before it (UPC-A, EAN-13 and EAN-8 share the rule)."""
    if not (body.isascii() and body.isdigit()):
        raise ValueError("GS1 codes are digits only")
    # Weights 3,1,3,1... counted from the rightmost digit of the body.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def with_check_digit(body: str) -> str:
    return body + str(gs1_check_digit(body))


def gs1_symbology(code: str) -> Symbology | None:
    """The GS1 symbology a numeric code's length implies, or None for other codes."""
    if code.isascii() and code.isdigit():
        return _GS1_LENGTHS.get(len(code))
    return None


def has_valid_check_digit(code: str) -> bool:
    return gs1_symbology(code) is not None and gs1_check_digit(code[:-1]) == int(code[-1])
