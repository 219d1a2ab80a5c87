"""What a password, a PIN and a user name must look like."""

from __future__ import annotations

from core.errors import DomainError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
PIN_LENGTHS = range(4, 9)
MAX_USERNAME_LENGTH = 60


class CredentialPolicyError(DomainError):
    """A new password, PIN or user name does not meet the rules."""


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CredentialPolicyError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise CredentialPolicyError(
            f"A password can have at most {MAX_PASSWORD_LENGTH} characters."
        )


def check_new_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit()) or len(pin) not in PIN_LENGTHS:
        raise CredentialPolicyError(
            f"A PIN is {PIN_LENGTHS.start} to {PIN_LENGTHS.stop - 1} digits."
        )


def username_key(username: str) -> str:
    """The form user names are compared in: trimmed and case-folded."""
    return username.strip().casefold()


def check_username(username: str) -> str:
    """Return the trimmed user name or refuse it."""
    name = username.strip()
    if not name:
        raise CredentialPolicyError("A user name cannot be empty.")
    if len(name) > MAX_USERNAME_LENGTH:
        raise CredentialPolicyError(
            f"A user name can have at most {MAX_USERNAME_LENGTH} characters."
        )
    if any(ch.isspace() for ch in name):
        raise CredentialPolicyError("A user name cannot contain spaces.")
    return name
