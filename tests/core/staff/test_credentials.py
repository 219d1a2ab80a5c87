from __future__ import annotations

import pytest

from core.staff.credentials import (
    CredentialPolicyError,
    check_new_password,
    check_new_pin,
    check_username,
    username_key,
)


@pytest.mark.parametrize("password", ["", "short", "x" * 257])
def test_bad_passwords(password: str) -> None:
    with pytest.raises(CredentialPolicyError, match="password"):
        check_new_password(password)


def test_good_password() -> None:
    check_new_password("correct horse battery")


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "١٢٣٤", "12 34", "-123"])
def test_bad_pins(pin: str) -> None:
    with pytest.raises(CredentialPolicyError, match="4 to 8 digits"):
        check_new_pin(pin)


@pytest.mark.parametrize("pin", ["0000", "12345678"])
def test_good_pins(pin: str) -> None:
    check_new_pin(pin)


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "empty"), ("   ", "empty"), ("a b", "spaces"), ("x" * 61, "at most 60")],
)
def test_bad_usernames(name: str, message: str) -> None:
    with pytest.raises(CredentialPolicyError, match=message):
        check_username(name)


def test_usernames_compare_case_folded() -> None:
    assert check_username("  Zoë ") == "Zoë"
    assert username_key(" STRASSE") == username_key("strasse")
    assert username_key("Straße") == username_key("strasse")
