"""What a customer account and its members must look like, and the keys they are found by.

Pure: the customer service validates every draft here before it touches the database, so
the limits below match the column sizes in `db/models/customers.py`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from core.errors import DomainError, quoted

__all__ = [
    "ACCOUNT_LIMITS",
    "MEMBER_LIMITS",
    "CustomerDraft",
    "CustomerError",
    "MemberDraft",
    "check_customer",
    "check_member",
    "email_key",
    "phone_key",
]

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15  # E.164
_MULTILINE = "\r\n\t"  # line breaks and tabs in an address or a note; no other controls

# Field -> (what a cashier calls it, the most characters its column holds).
ACCOUNT_LIMITS = {
    "name": ("name", 200),
    "email": ("email address", 254),
    "phone": ("phone number", 40),
    "address": ("address", 500),
    "tax_exempt_certificate": ("certificate number", 100),
    "notes": ("notes", 2000),
}
MEMBER_LIMITS = {
    "first_name": ("first name", 100),
    "last_name": ("last name", 100),
    "relationship": ("relationship", 40),
    "email": ("email address", 254),
    "phone": ("phone number", 40),
}


class CustomerError(DomainError):
    """A customer or member cannot be saved as entered."""


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """An account as typed into the customer form."""

    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    tax_exempt: bool = False
    tax_exempt_certificate: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class MemberDraft:
    """A person in an account: a parent, a student, a contact at a school."""

    first_name: str
    last_name: str = ""
    relationship: str = ""
    email: str = ""
    phone: str = ""


def check_customer(draft: CustomerDraft) -> CustomerDraft:
    """The draft with its text trimmed, or a `CustomerError` saying what to fix."""
    clean = replace(
        draft,
        name=draft.name.strip(),
        email=draft.email.strip(),
        phone=draft.phone.strip(),
        address=draft.address.strip(),
        tax_exempt_certificate=draft.tax_exempt_certificate.strip(),
        notes=draft.notes.strip(),
    )
    if not clean.name:
        raise CustomerError("A customer account needs a name.")
    _check_text(clean, ACCOUNT_LIMITS)
    _check_email(clean.email)
    _check_phone(clean.phone)
    if clean.tax_exempt and not clean.tax_exempt_certificate:
        raise CustomerError("A tax-exempt customer needs the tax exemption certificate number.")
    return clean


def check_member(draft: MemberDraft) -> MemberDraft:
    clean = replace(
        draft,
        first_name=draft.first_name.strip(),
        last_name=draft.last_name.strip(),
        relationship=draft.relationship.strip(),
        email=draft.email.strip(),
        phone=draft.phone.strip(),
    )
    if not clean.first_name:
        raise CustomerError("A member needs a first name.")
    _check_text(clean, MEMBER_LIMITS)
    _check_email(clean.email)
    _check_phone(clean.phone)
    return clean


def phone_key(text: str) -> str:
    """The digits of a phone number, so "(312) 555-0001" and "+1 312.555.0001" compare equal.

    Any script's decimal digits count (a number typed with Arabic-Indic digits is the same
    number). An 11-digit number starting with 1 is a North American number with its country
    code, which is dropped; the result is unchanged by a second pass.
    """
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits


def email_key(text: str) -> str:
    """The form email addresses are compared in: trimmed and case-folded."""
    return text.strip().casefold()


def _check_text(draft: CustomerDraft | MemberDraft, limits: dict[str, tuple[str, int]]) -> None:
    for field, (label, limit) in limits.items():
        value = getattr(draft, field)
        assert isinstance(value, str)
        if len(value) > limit:
            raise CustomerError(
                f"The {label} can have at most {limit} characters; this one has {len(value)}."
            )
        allowed = _MULTILINE if field in {"address", "notes"} else ""
        if any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in allowed for ch in value):
            raise CustomerError(
                f"The {label} contains a character that cannot be saved; retype it."
            )


def _check_email(email: str) -> None:
    if not email:
        return
    local, at, domain = email.partition("@")
    well_formed = (
        at
        and local
        and "@" not in domain
        and not any(ch.isspace() for ch in email)
        and "." in domain
        and all(domain.split("."))
    )
    if not well_formed:
        raise CustomerError(
            f"{quoted(email)} does not look like an email address (like name@example.com)."
        )


def _check_phone(phone: str) -> None:
    if not phone:
        return
    digits = sum(1 for ch in phone if ch.isdecimal())
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise CustomerError(
            f"A phone number has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits; "
            f"{quoted(phone)} has {digits}."
        )
