"""Customer drafts, member drafts and the keys accounts are found by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.customers.rules import (
    ACCOUNT_LIMITS,
    MEMBER_LIMITS,
    CustomerDraft,
    CustomerError,
    MemberDraft,
    check_customer,
    check_member,
    email_key,
    phone_key,
)
from core.errors import DomainError


def test_a_draft_comes_back_trimmed() -> None:
    draft = CustomerDraft(
        name="  Smith household ",
        email=" Ann.Smith@Example.com ",
        phone=" (312) 555-0001 ",
        address=" 12 Oak St\n Springfield ",
        notes=" plays cello ",
    )
    clean = check_customer(draft)
    assert clean.name == "Smith household"
    assert clean.email == "Ann.Smith@Example.com"
    assert clean.phone == "(312) 555-0001"
    assert clean.address == "12 Oak St\n Springfield"
    assert clean.notes == "plays cello"


def test_only_a_name_is_required() -> None:
    assert check_customer(CustomerDraft(name="Walk-in")) == CustomerDraft(name="Walk-in")


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_a_name_is_required(name: str) -> None:
    with pytest.raises(CustomerError, match="needs a name"):
        check_customer(CustomerDraft(name=name))


@pytest.mark.parametrize(("field", "limit"), [(f, lim) for f, (_, lim) in ACCOUNT_LIMITS.items()])
def test_account_text_longer_than_its_column_is_refused(field: str, limit: int) -> None:
    too_long = {"name": "N", field: "x" * (limit + 1)}
    with pytest.raises(CustomerError, match=f"at most {limit} characters"):
        check_customer(CustomerDraft(**too_long))  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["name", "address", "tax_exempt_certificate", "notes"])
def test_account_text_as_long_as_its_column_is_kept(field: str) -> None:
    limit = ACCOUNT_LIMITS[field][1]
    draft = CustomerDraft(**{"name": "N", field: "é" * limit})  # type: ignore[arg-type]
    assert getattr(check_customer(draft), field) == "é" * limit


@pytest.mark.parametrize(("field", "limit"), [(f, lim) for f, (_, lim) in MEMBER_LIMITS.items()])
def test_member_text_longer_than_its_column_is_refused(field: str, limit: int) -> None:
    values = {"first_name": "Olivia", field: "x" * (limit + 1)}
    with pytest.raises(CustomerError, match=f"at most {limit} characters"):
        check_member(MemberDraft(**values))


def test_absurdly_long_text_is_refused_without_echoing_it() -> None:
    with pytest.raises(CustomerError) as caught:
        check_customer(CustomerDraft(name="A" * 1_000_000))
    assert len(caught.value.message) < 200


@pytest.mark.parametrize(
    "email",
    [
        "ann.smith@example.com",
        "ANN@EXAMPLE.COM",
        "o'brien+band@school.k12.il.us",
        "zoë@müller.de",
    ],
)
def test_good_email_addresses(email: str) -> None:
    assert check_customer(CustomerDraft(name="N", email=email)).email == email


@pytest.mark.parametrize(
    "email",
    [
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann@ex@ample.com",
        "ann smith@example.com",
        "ann@example..com",
        "ann@.example.com",
        "ann@example.com.",
    ],
)
def test_bad_email_addresses(email: str) -> None:
    with pytest.raises(CustomerError, match="does not look like an email address"):
        check_customer(CustomerDraft(name="N", email=email))


@pytest.mark.parametrize(
    "phone",
    ["555-0001", "(312) 555-0001", "+1 312 555 0001", "+44 20 7946 0958", "123456789012345"],
)
def test_good_phone_numbers(phone: str) -> None:
    assert check_customer(CustomerDraft(name="N", phone=phone)).phone == phone


@pytest.mark.parametrize("phone", ["555-001", "12", "call me", "1234567890123456"])
def test_phone_numbers_need_7_to_15_digits(phone: str) -> None:
    with pytest.raises(CustomerError, match="7 to 15 digits"):
        check_customer(CustomerDraft(name="N", phone=phone))


def test_tax_exempt_needs_a_certificate() -> None:
    with pytest.raises(CustomerError, match="certificate number"):
        check_customer(CustomerDraft(name="Lincoln High School", tax_exempt=True))
    with pytest.raises(CustomerError, match="certificate number"):
        check_customer(
            CustomerDraft(name="Lincoln High", tax_exempt=True, tax_exempt_certificate="  ")
        )
    clean = check_customer(
        CustomerDraft(name="Lincoln High", tax_exempt=True, tax_exempt_certificate=" EX-1 ")
    )
    assert clean.tax_exempt_certificate == "EX-1"


@pytest.mark.parametrize("bad", ["Smith\x00", "Smith\x1b[2J", "Smith\ud800"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(CustomerError, match="cannot be saved"):
        check_customer(CustomerDraft(name=bad))


def test_notes_and_addresses_may_have_line_breaks() -> None:
    clean = check_customer(CustomerDraft(name="N", address="1 Oak\r\nApt 2", notes="a\tb\nc"))
    assert clean.notes == "a\tb\nc"


def test_members_need_a_first_name_and_are_trimmed() -> None:
    with pytest.raises(CustomerError, match="first name"):
        check_member(MemberDraft(first_name=" ", last_name="Smith"))
    clean = check_member(MemberDraft(" Olivia ", " Smith ", " student ", "", ""))
    assert clean == MemberDraft("Olivia", "Smith", "student", "", "")
    with pytest.raises(CustomerError, match="email"):
        check_member(MemberDraft("Olivia", email="olivia"))
    with pytest.raises(CustomerError, match="digits"):
        check_member(MemberDraft("Olivia", phone="555"))


def test_customer_errors_are_domain_errors() -> None:
    assert issubclass(CustomerError, DomainError)


@pytest.mark.parametrize(
    "text",
    [
        "(312) 555-0001",
        "312.555.0001",
        "312-555-0001",
        "+1 312 555 0001",
        "1 (312) 555-0001",
        "3125550001",
        "٣١٢٥٥٥٠٠٠١",  # Arabic-Indic digits
    ],
)
def test_phone_key_of_a_north_american_number(text: str) -> None:
    assert phone_key(text) == "3125550001"


def test_phone_key_keeps_other_country_codes() -> None:
    assert phone_key("+44 20 7946 0958") == "442079460958"
    assert phone_key("") == ""
    assert phone_key("ext.") == ""


def test_email_key_is_trimmed_and_casefolded() -> None:
    assert email_key("  Ann.Smith@EXAMPLE.com ") == "ann.smith@example.com"
    assert email_key("STRASSE@x.de") == email_key("straße@x.de")


@given(st.text())
def test_phone_key_is_idempotent_and_digits_only(text: str) -> None:
    key = phone_key(text)
    assert phone_key(key) == key
    assert key == "" or (key.isascii() and key.isdigit())


@given(st.text(alphabet="0123456789 ()+-.", max_size=30))
def test_phone_key_ignores_formatting(text: str) -> None:
    digits = "".join(ch for ch in text if ch.isdigit())
    assert phone_key(text) == phone_key(digits)


@given(st.text())
def test_email_key_is_idempotent(text: str) -> None:
    key = email_key(text)
    assert email_key(key) == key
    assert email_key(text.upper()) == email_key(text.lower()) or not text.isascii()


@given(
    st.builds(
        CustomerDraft,
        name=st.text(max_size=250),
        email=st.text(max_size=30),
        phone=st.text(max_size=30),
        address=st.text(max_size=30),
        tax_exempt=st.booleans(),
        tax_exempt_certificate=st.text(max_size=30),
        notes=st.text(max_size=30),
    )
)
def test_any_draft_is_either_cleaned_or_refused_in_plain_words(draft: CustomerDraft) -> None:
    message = ""
    try:
        clean = check_customer(draft)
    except CustomerError as exc:
        message = exc.message
    if message:
        assert message.endswith(".")
        return
    assert clean == check_customer(clean)
    assert clean.name
    assert len(clean.name) <= 200
    assert not clean.tax_exempt or clean.tax_exempt_certificate
