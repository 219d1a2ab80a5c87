"""Receipt numbers: `<prefix>-<number>`, zero-padded to six digits, typed back in any case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sales.numbers import (
    format_receipt_number,
    looks_like_receipt_number,
    normalise_receipt_number,
)


def test_format() -> None:
    assert format_receipt_number("R1", 123) == "R1-000123"
    assert format_receipt_number("R1", 1) == "R1-000001"
    assert format_receipt_number("FRONT", 1_234_567) == "FRONT-1234567"  # past six digits


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("r1-123", "R1-000123"),
        (" R1-000123 ", "R1-000123"),
        ("R1-000123\n", "R1-000123"),
        ("front-42", "FRONT-000042"),
        ("R1-0000000123", "R1-000123"),
        ("ABCDEFGH-999999999999", "ABCDEFGH-999999999999"),
    ],
)
def test_normalise(text: str, number: str) -> None:
    assert normalise_receipt_number(text) == number
    assert looks_like_receipt_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "R1",
        "R1-",
        "-123",
        "R1 123",
        "R1_123",
        "R1--123",
        "R1-12a",
        "R1-1.5",
        "ABCDEFGHI-1",  # prefix longer than eight
        "R1-1234567890123",  # more than twelve digits
        "R-1-123",
        "12.99",
    ],
)
def test_not_a_receipt_number(text: str) -> None:
    assert normalise_receipt_number(text) is None
    assert not looks_like_receipt_number(text)


prefixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8)


@settings(max_examples=200)
@given(prefix=prefixes, number=st.integers(min_value=0, max_value=10**12 - 1))
def test_round_trip(prefix: str, number: int) -> None:
    text = format_receipt_number(prefix, number)
    assert normalise_receipt_number(text) == text
    assert normalise_receipt_number(f"  {text.lower()} ") == text
    assert int(text.rsplit("-", 1)[1]) == number
