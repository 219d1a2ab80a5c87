from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.catalog.barcodes import (
    Symbology,
    gs1_check_digit,
    gs1_symbology,
    has_valid_check_digit,
    with_check_digit,
)


@pytest.mark.parametrize(
    ("code", "symbology"),
    [
        ("036000291452", Symbology.UPC_A),
        ("4006381333931", Symbology.EAN_13),
        ("96385074", Symbology.EAN_8),
    ],
)
def test_published_examples_are_valid(code: str, symbology: Symbology) -> None:
    assert has_valid_check_digit(code)
    assert gs1_symbology(code) is symbology


@pytest.mark.parametrize("code", ["036000291453", "4006381333932", "ABC123", "", "12345"])
def test_invalid_codes(code: str) -> None:
    assert not has_valid_check_digit(code)


def test_check_digit_refuses_non_digits() -> None:
    with pytest.raises(ValueError, match="digits only"):
        gs1_check_digit("12a")


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_generated_codes_validate(body: str) -> None:
    code = with_check_digit(body)
    assert has_valid_check_digit(code)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert not has_valid_check_digit(wrong)
