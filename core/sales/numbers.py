"""Receipt numbers: `<register prefix>-<number>`, sequential per register, never reused."""

from __future__ import annotations

import re

__all__ = ["format_receipt_number", "looks_like_receipt_number", "normalise_receipt_number"]

_PATTERN = re.compile(r"^([A-Z0-9]{1,8})-(\d{1,12})$")


def format_receipt_number(prefix: str, number: int) -> str:
    return f"{prefix}-{number:06d}"


def normalise_receipt_number(text: str) -> str | None:
    """'r1-123' or ' R1-000123 ' -> 'R1-000123'; None if it is not shaped like one."""
    match = _PATTERN.match(text.strip().upper())
    if match is None:
        return None
    return format_receipt_number(match.group(1), int(match.group(2)))


def looks_like_receipt_number(text: str) -> bool:
    return normalise_receipt_number(text) is not None
