"""Product drafts, barcodes and typed quantities: every bad input gets a readable refusal."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.catalog.barcodes import Symbology, with_check_digit
from core.catalog.products import (
    MAX_QUANTITY,
    CatalogError,
    ConcurrentEditError,
    InvalidQuantityError,
    ProductDraft,
    barcode_variants,
    check_barcode,
    check_text,
    classify_barcode,
    parse_quantity,
    validate_draft,
)
from core.errors import DomainError
from core.money import InvalidAmountError, Money, parse_money


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def draft(**changes: object) -> ProductDraft:
    fields: dict[str, object] = {
        "sku": "STR-1046",
        "name": "Ernie Ball Regular Slinky 10-46",
        "category_id": None,
        "supplier_id": None,
        "price": usd(699),
        "cost": usd(350),
        "barcodes": ("749699122210",),
    }
    fields.update(changes)
    return ProductDraft(**fields)  # type: ignore[arg-type]


def test_a_good_draft_comes_back_trimmed() -> None:
    cleaned = validate_draft(
        draft(sku="  STR-1046 ", name="  Slinky  ", tax_class=" Reduced ", barcodes=(" 123 ",)),
        "USD",
    )
    assert cleaned.sku == "STR-1046"
    assert cleaned.name == "Slinky"
    assert cleaned.tax_class == "reduced"
    assert cleaned.barcodes == ("123",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sku": ""}, "needs a SKU"),
        ({"sku": "   "}, "needs a SKU"),
        ({"sku": "X" * 65}, "at most 64"),
        ({"sku": "STR 1046"}, "cannot have spaces"),
        ({"sku": "STR\t1046"}, "cannot have spaces"),
        ({"sku": "STR\x001046"}, "cannot be printed"),
        ({"name": ""}, "needs a name"),
        ({"name": "N" * 301}, "at most 300"),
        ({"name": "Two\nlines"}, "line break"),
        ({"price": usd(-1)}, "price cannot be negative"),
        ({"cost": usd(-500)}, "cost cannot be negative"),
        ({"price": usd(10**15)}, "price is too large"),
        ({"price": Money(699, "EUR")}, "Prices are in USD"),
        ({"tax_class": "luxury"}, "not a tax class"),
        ({"tax_class": ""}, "not a tax class"),
        ({"reorder_point": -1}, "reorder point cannot be negative"),
        ({"reorder_point": 10**9}, "at most 1,000,000"),
        ({"reorder_point": 2.5}, "whole number"),
        ({"barcodes": ("749699122211",)}, "check digit is wrong; scan it again"),
        ({"barcodes": ("4006381333932",)}, "check digit is wrong"),
        ({"barcodes": ("96385075",)}, "check digit is wrong"),
        ({"barcodes": ("ABC 123",)}, "space or a hidden character"),
        ({"barcodes": ("ABC\x07123",)}, "space or a hidden character"),
        ({"barcodes": ("9" * 65,)}, "at most 64"),
        ({"barcodes": ("",)}, "cannot be empty"),
        ({"barcodes": ("749699122210", "749699122210")}, "listed twice"),
        ({"barcodes": ("749699122210", "0749699122210")}, "listed twice"),
        ({"barcodes": tuple(f"C{n}" for n in range(21))}, "at most 20 barcodes"),
    ],
)
def test_bad_drafts_are_refused_in_plain_words(changes: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message) as caught:
        validate_draft(draft(**changes), "USD")
    assert isinstance(caught.value, DomainError)
    assert "Traceback" not in caught.value.message


def test_zero_price_is_allowed_for_free_items() -> None:
    assert validate_draft(draft(price=usd(0), cost=usd(0)), "USD").price == usd(0)


@pytest.mark.parametrize("text", ["", "   ", "-3.50", "abc", "1,2", "12.345"])
def test_empty_or_unreadable_price_text_is_refused_before_a_draft_exists(text: str) -> None:
    # Typed prices go through parse_money; a negative one parses and the draft refuses it.
    try:
        price = parse_money(text, "USD")
    except InvalidAmountError:
        return
    with pytest.raises(CatalogError, match="negative"):
        validate_draft(draft(price=price), "USD")


def test_unicode_and_emoji_names_are_fine() -> None:
    cleaned = validate_draft(draft(name="Guitare Électrique — Müller 🎸"), "USD")
    assert cleaned.name == "Guitare Électrique — Müller 🎸"


@pytest.mark.parametrize(
    ("code", "symbology"),
    [
        ("036000291452", Symbology.UPC_A),
        ("4006381333931", Symbology.EAN_13),
        ("96385074", Symbology.EAN_8),
        ("STORE-0001", Symbology.CUSTOM),
        ("12345", Symbology.CUSTOM),
        ("١٢٣٤٥٦٧٨٩٠١٢", Symbology.CUSTOM),  # non-ASCII digits are not GS1
    ],
)
def test_classify_barcode(code: str, symbology: Symbology) -> None:
    assert classify_barcode(code) is symbology


def test_barcode_variants_join_upc_a_and_its_ean_13_form() -> None:
    assert barcode_variants("036000291452") == ("036000291452", "0036000291452")
    assert barcode_variants("0036000291452") == ("0036000291452", "036000291452")
    assert barcode_variants("4006381333931") == ("4006381333931",)
    assert barcode_variants("CUSTOM") == ("CUSTOM",)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_every_valid_upc_passes_and_one_wrong_digit_fails(body: str) -> None:
    code = with_check_digit(body)
    assert check_barcode(code) == code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(CatalogError, match="check digit is wrong"):
        check_barcode(wrong)


@given(st.text(max_size=80))
def test_any_text_as_a_barcode_is_accepted_or_refused_cleanly(text: str) -> None:
    outcome: str | CatalogError
    try:
        outcome = check_barcode(text)
    except CatalogError as exc:
        outcome = exc
    if isinstance(outcome, CatalogError):
        assert outcome.message
    else:
        assert outcome == text.strip()
        assert 0 < len(outcome) <= 64


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), (" 12 ", 12), ("1,000", 1000), ("0", 0), ("007", 7), ("1,000,000", MAX_QUANTITY)],
)
def test_parse_quantity(text: str, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No quantity"),
        ("   ", "No quantity"),
        ("abc", "not a quantity"),
        ("three", "not a quantity"),
        ("1.5", "not a whole number"),
        ("2.0", "not a whole number"),
        (".5", "not a whole number"),
        ("-3", "cannot be negative"),
        ("1,5", "not a quantity"),
        ("1e3", "not a quantity"),
        ("0x10", "not a quantity"),
        ("1_000", "not a quantity"),
        ("+3", "not a quantity"),
        ("٣", "not a quantity"),
        ("1000001", "too many"),
        ("9" * 5000, "too many"),
        ("'; DROP TABLE product; --", "not a quantity"),
    ],
)
def test_parse_quantity_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidQuantityError, match=message):
        parse_quantity(text)


def test_parse_quantity_signed_reads_a_removal() -> None:
    assert parse_quantity("-3", signed=True) == -3
    assert parse_quantity("4", signed=True) == 4
    with pytest.raises(InvalidQuantityError, match="too many"):
        parse_quantity("-2,000,000", signed=True)


@given(st.integers(min_value=0, max_value=MAX_QUANTITY))
def test_parse_quantity_reads_back_what_is_printed(n: int) -> None:
    assert parse_quantity(str(n)) == n
    assert parse_quantity(f"{n:,}") == n


@given(st.text(max_size=40))
def test_parse_quantity_never_fails_with_anything_but_a_domain_error(text: str) -> None:
    outcome: int | InvalidQuantityError
    try:
        outcome = parse_quantity(text)
    except InvalidQuantityError as exc:
        outcome = exc
    if isinstance(outcome, InvalidQuantityError):
        assert outcome.message
    else:
        assert 0 <= outcome <= MAX_QUANTITY


def test_check_text() -> None:
    assert check_text("  Strings ", "category name", 120) == "Strings"
    assert check_text("", "email", 10, required=False) == ""
    with pytest.raises(CatalogError, match="cannot be empty"):
        check_text(" ", "category name", 120)
    with pytest.raises(CatalogError, match="at most 5"):
        check_text("toolong", "code", 5)


def test_concurrent_edit_error_reads_plainly() -> None:
    assert str(ConcurrentEditError()) == "Someone else changed this product; reload it."


def test_draft_keeps_ids() -> None:
    category = uuid.uuid4()
    assert validate_draft(draft(category_id=category)).category_id == category
