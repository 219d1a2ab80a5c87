"""One row read as a product or a customer, with every reason it cannot be."""

from __future__ import annotations

import pytest

from core.customers.rules import MemberDraft
from core.imports.csv_source import read_csv, write_csv
from core.imports.mapping import RecordKind, guess_mapping
from core.imports.records import (
    CustomerFields,
    ProductFields,
    RowRejectedError,
    read_customer,
    read_product,
)
from core.money import Money

PRODUCT_HEADER = [
    "ID",
    "SKU",
    "Name",
    "UPC",
    "Category",
    "Price",
    "Cost",
    "Tax",
    "Serialized",
    "Reorder",
    "Active",
]


def product(**cells: str) -> ProductFields:
    row = {"ID": "7", "SKU": "GTR-1", "Name": "Strat", "Price": "10"} | cells
    source = read_csv(write_csv(PRODUCT_HEADER, [[row.get(h, "") for h in PRODUCT_HEADER]]))
    mapping = guess_mapping(source.headers, RecordKind.PRODUCTS)
    return read_product(source.rows[0], mapping, "USD")


def product_reasons(**cells: str) -> list[str]:
    with pytest.raises(RowRejectedError) as caught:
        product(**cells)
    return caught.value.reasons


def test_a_good_row_reads_with_defaults_for_blank_cells() -> None:
    fields = product(UPC="012345678905 | 4006381333931", Cost="$4.5000", Tax="N")
    assert (fields.legacy_id, fields.sku, fields.name) == ("7", "GTR-1", "Strat")
    assert fields.barcodes == ("012345678905", "4006381333931")
    assert (fields.price, fields.cost) == (Money(1000, "USD"), Money(450, "USD"))
    assert (fields.tax_class, fields.serialized, fields.reorder_point, fields.active) == (
        "exempt",
        False,
        0,
        True,
    )
    assert fields.category is None
    assert "price" in fields.mapped


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    reasons = product_reasons(SKU="has space", Name="", Price="-1", Reorder="lots", Tax="vat")
    assert reasons == [
        "The SKU “has space” has a space in it; SKUs cannot have spaces.",
        "A product needs a name.",
        "The price cannot be negative.",
        "“vat” is not a tax class. Choose one of: exempt, reduced, standard.",
        "Reorder point: “lots” is not a quantity; type a number like 3.",
    ]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"UPC": "012345678906"}, "check digit is wrong"),
        ({"UPC": "1.23457E+11"}, "turned into a number by a spreadsheet"),
        ({"UPC": "012345678905;12345678905 4"}, "has a space or a hidden character"),
        ({"UPC": "012345678905|0012345678905"}, "is listed twice"),
        ({"Price": ""}, "The price is empty."),
        ({"Price": "12,5"}, "Price: “12,5” is not a valid amount"),
        ({"Name": "x" * 301}, "at most 300 characters"),
        ({"Name": "two\nlines"}, "line break"),
        ({"Category": "c" * 121}, "The category can have at most 120 characters."),
        ({"ID": "i" * 101}, "The legacy ID can have at most 100 characters."),
        ({"Serialized": "sometimes"}, "Serialized: “sometimes” is not yes or no."),
    ],
)
def test_bad_cells_are_named(cells: dict[str, str], reason: str) -> None:
    assert any(reason in r for r in product_reasons(**cells))


def test_a_file_without_a_price_column_leaves_the_price_unknown() -> None:
    source = read_csv(b"SKU,Name\nA,Strat\n")
    fields = read_product(source.rows[0], guess_mapping(source.headers, RecordKind.PRODUCTS), "USD")
    assert fields.price is None


def test_problems_found_while_reading_the_file_reject_the_row() -> None:
    source = read_csv(b"SKU,Name,Price\nA,Strat,1,surplus\n")
    mapping = guess_mapping(source.headers, RecordKind.PRODUCTS)
    with pytest.raises(RowRejectedError, match="has 4 values but the header has 3 columns"):
        read_product(source.rows[0], mapping, "USD")


CUSTOMER_HEADER = [
    "ID",
    "Account",
    "Name",
    "First",
    "Last",
    "Email",
    "Exempt",
    "Certificate",
    "Member 2 first name",
    "Member 2 last name",
    "Member 2 email",
]


def customer(**cells: str) -> CustomerFields:
    row = {"ID": "c1"} | cells
    source = read_csv(write_csv(CUSTOMER_HEADER, [[row.get(h, "") for h in CUSTOMER_HEADER]]))
    return read_customer(source.rows[0], guess_mapping(source.headers, RecordKind.CUSTOMERS))


def test_a_household_is_named_after_its_first_member() -> None:
    fields = customer(First="Zoë", Last="Müller", **{"Member 2 first name": "Jonas"})
    assert fields.name == "Müller household"
    assert [m.draft for m in fields.members] == [
        MemberDraft("Zoë", "Müller"),
        MemberDraft("Jonas", ""),
    ]
    assert fields.members[0].parts == frozenset({"first_name", "last_name"})
    assert customer(Name="Acme School", Last="Okafor").name == "Acme School"
    assert customer(Last="Okafor").members == ()  # a family name alone names no person


def test_account_numbers_are_kept_in_capitals() -> None:
    assert customer(Account=" a-17 ").account_number == "A-17"
    assert customer().account_number is None


def test_members_are_checked_like_the_customer_form_checks_them() -> None:
    with pytest.raises(RowRejectedError) as caught:
        customer(**{"Member 2 email": "nobody", "Member 2 last name": "Smith"}, Exempt="perhaps")
    assert caught.value.reasons == [
        "Member 2: A member needs a first name.",
        "Tax exempt: “perhaps” is not yes or no.",
    ]
