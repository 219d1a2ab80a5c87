"""Guessing which column feeds which field, and reading spreadsheet cells."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.imports.mapping import (
    ColumnMapping,
    FieldError,
    MappingError,
    RecordKind,
    guess_mapping,
    member_field,
    parse_amount,
    parse_count,
    parse_flag,
)
from core.money import Money, format_money

PRODUCTS, CUSTOMERS = RecordKind.PRODUCTS, RecordKind.CUSTOMERS


def test_a_typical_point_of_sale_export_is_understood() -> None:
    headers = [
        "Item ID",
        "Item Lookup Code",
        "Description",
        "UPC",
        "Department",
        "Vendor",
        "Retail",
        "Cost",
        "Taxable",
        "Reorder Point",
        "Qty On Hand",
    ]
    assert guess_mapping(headers, PRODUCTS).columns == {
        "legacy_id": "Item ID",
        "sku": "Item Lookup Code",
        "name": "Description",
        "barcode": "UPC",
        "category": "Department",
        "supplier": "Vendor",
        "price": "Retail",
        "cost": "Cost",
        "tax_class": "Taxable",
        "reorder_point": "Reorder Point",
    }


def test_headers_match_in_any_case_and_punctuation() -> None:
    mapping = guess_mapping(["ITEM_NAME", "sku", "Sell-Price", "e-mail"], PRODUCTS)
    assert mapping.columns == {"name": "ITEM_NAME", "sku": "sku", "price": "Sell-Price"}


def test_the_best_name_wins_and_a_column_feeds_one_field() -> None:
    mapping = guess_mapping(["Description", "Retail", "Price", "Name", "SKU"], PRODUCTS)
    assert mapping.column("name") == "Name"  # "Name" is a better name than "Description"
    assert mapping.column("price") == "Price"
    assert "Description" not in mapping.columns.values()


def test_customer_headers_with_members() -> None:
    headers = [
        "Customer ID",
        "Company",
        "First Name",
        "Last Name",
        "E-Mail",
        "Cell",
        "Street",
        "Tax Exempt",
        "Resale Certificate",
        "Comments",
        "Member 2 First Name",
        "member 2 last name",
        "Member 2 Relationship",
    ]
    assert guess_mapping(headers, CUSTOMERS).columns == {
        "legacy_id": "Customer ID",
        "name": "Company",
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "E-Mail",
        "phone": "Cell",
        "address": "Street",
        "tax_exempt": "Tax Exempt",
        "tax_exempt_certificate": "Resale Certificate",
        "notes": "Comments",
        "member2_first_name": "Member 2 First Name",
        "member2_last_name": "member 2 last name",
        "member2_relationship": "Member 2 Relationship",
    }


def test_member_fields_and_slots() -> None:
    assert member_field(1, "first_name") == "first_name"
    assert member_field(1, "email") == "member1_email"
    assert member_field(3, "last_name") == "member3_last_name"
    with pytest.raises(ValueError, match="no member field"):
        member_field(0, "first_name")
    mapping = ColumnMapping(CUSTOMERS, {"last_name": "L", "member4_phone": "P", "email": "E"})
    assert mapping.member_slots() == [1, 4]


def test_a_mapping_names_only_fields_that_exist() -> None:
    with pytest.raises(MappingError, match="colour is not a field of products"):
        ColumnMapping(PRODUCTS, {"colour": "Colour"})
    with pytest.raises(MappingError):
        ColumnMapping(PRODUCTS, {"first_name": "First"})  # a customer field


def test_check_refuses_missing_required_columns_in_plain_words() -> None:
    with pytest.raises(MappingError, match="Choose which column holds the name"):
        ColumnMapping(PRODUCTS, {"sku": "SKU"}).check(["SKU"])
    with pytest.raises(MappingError, match="Choose which column holds the sku"):
        ColumnMapping(PRODUCTS, {"name": "Name"}).check(["Name"])
    with pytest.raises(MappingError, match="name or last name or first name"):
        ColumnMapping(CUSTOMERS, {"email": "Email"}).check(["Email"])
    with pytest.raises(MappingError, match="so that importing the file again finds the same"):
        ColumnMapping(CUSTOMERS, {"name": "Name"}).check(["Name"])
    with pytest.raises(MappingError, match="The file has no column “Cost”"):
        ColumnMapping(PRODUCTS, {"sku": "SKU", "name": "N", "cost": "Cost"}).check(["SKU", "N"])
    ColumnMapping(CUSTOMERS, {"last_name": "Last", "email": "Email"}).check(["Last", "Email"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Y", True),
        (" TRUE ", True),
        ("1", True),
        ("x", True),
        ("X", True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("inactive", False),
    ],
)
def test_yes_and_no_as_spreadsheets_write_them(text: str, expected: bool) -> None:
    assert parse_flag(text, "active", blank=not expected) is expected


def test_a_blank_flag_takes_the_default_and_nonsense_is_refused() -> None:
    assert parse_flag("  ", "active", blank=True) is True
    assert parse_flag("", "serialized", blank=False) is False
    with pytest.raises(FieldError, match=r"Serialized: “maybe” is not yes or no\."):
        parse_flag("maybe", "serialized", blank=False)


@given(st.sampled_from(["yes", "no", "true", "false", "y", "n"]), st.data())
def test_flags_ignore_case_and_surrounding_space(word: str, data: st.DataObject) -> None:
    mixed = "".join(c.upper() if data.draw(st.booleans()) else c for c in word)
    padding = data.draw(st.sampled_from(["", " ", "\t"]))
    assert parse_flag(padding + mixed + padding, "x", blank=False) == (word[0] in "yt")


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12", 1200),
        ("$1,299.00", 129900),
        (" $ 7.5 ", 750),
        ("12.9900", 1299),
        ("12.5000", 1250),
        ("0.00", 0),
        ("-3", -300),
        ("USD 4.10", 410),
        ("100.", 10000),
    ],
)
def test_amounts_as_old_systems_write_them(text: str, minor: int) -> None:
    assert parse_amount(text, "USD", "price") == Money(minor, "USD")


@pytest.mark.parametrize("text", ["12.999", "12,34", "abc", "1.2.3", "$", ""])
def test_unreadable_amounts_say_which_field(text: str) -> None:
    with pytest.raises(FieldError, match=r"^Price: "):
        parse_amount(text, "USD", "price")


def test_amounts_follow_the_currency() -> None:
    assert parse_amount("1,200", "JPY", "price") == Money(1200, "JPY")
    assert parse_amount("1200.00", "JPY", "price") == Money(1200, "JPY")
    with pytest.raises(FieldError):
        parse_amount("1200.50", "JPY", "price")


@given(st.integers(min_value=0, max_value=10**12))
def test_every_displayed_amount_reads_back(minor: int) -> None:
    money = Money(minor, "USD")
    assert parse_amount(format_money(money), "USD", "cost") == money
    assert parse_amount(format_money(money, symbol=False) + "00", "USD", "cost") == money


def test_counts() -> None:
    assert parse_count(" ", "reorder point") == 0
    assert parse_count("1,000", "reorder point") == 1000
    with pytest.raises(FieldError, match=r"^Reorder point: "):
        parse_count("2.5", "reorder point")
