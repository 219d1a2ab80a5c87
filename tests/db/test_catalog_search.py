"""Scan lookup and type-ahead search: exact codes, substrings, unicode, and hostile text."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from core.catalog.products import ProductDraft
from core.services.stock_rows import ReceiveLine
from db.models import Product, ProductBarcode
from tests.db.catalog_support import Shop, open_shop, usd


def add(shop: Shop, sku: str, name: str, *barcodes: str, **fields: object) -> uuid.UUID:
    draft = ProductDraft(
        sku=sku,
        name=name,
        category_id=fields.pop("category_id", None),  # type: ignore[arg-type]
        supplier_id=None,
        price=usd(1000),
        cost=usd(500),
        barcodes=barcodes,
        **fields,  # type: ignore[arg-type]
    )
    return shop.catalog.create_product(shop.manager, draft)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """One store for the module: these tests only read after the set-up below."""
    opened = open_shop(tmp_path_factory.mktemp("search"))
    add(opened, "STRAP-100", "100% Cotton Strap", "CUSTOM-STRAP")
    add(opened, "BIG_NAME", "Big_Name Gig Bag")
    add(opened, "GTR-MUL", "Guitare Électrique Müller")
    add(opened, "EMOJI-1", "🎸 Guitar Picks Tin")
    add(opened, "QUOTE-1", 'The "Real" Book')
    add(opened, "DROP-1", "Robert'); DROP TABLE Students;-- Songbook")
    add(opened, "Fen-Strat", "Mixed Case SKU Strat")
    add(opened, "OLD-1", "Retired Metronome", active=False)
    yield opened
    opened.store.close()


def product_rows(shop: Shop) -> int:
    with shop.store.read_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


# -- lookup -------------------------------------------------------------------------------


def test_lookup_finds_a_demo_barcode_and_its_ean_13_form(shop: Shop) -> None:
    with shop.store.read_sessions() as session:
        code, product_id = session.execute(
            select(ProductBarcode.code, ProductBarcode.product_id).limit(1)
        ).one()
    for scanned in (code, f"  {code}\n", "0" + code):
        found = shop.catalog.lookup(scanned)
        assert found is not None
        assert (found.product_id, found.matched_by, found.unit) == (product_id, "barcode", None)


def test_lookup_finds_a_sku_in_any_case(shop: Shop) -> None:
    for typed in ("Fen-Strat", "FEN-STRAT", "fen-strat", "fEN-sTRAT"):
        found = shop.catalog.lookup(typed)
        assert found is not None
        assert (found.sku, found.matched_by) == ("Fen-Strat", "sku")
    found = shop.catalog.lookup("custom-strap")
    assert found is not None
    assert (found.sku, found.matched_by) == ("STRAP-100", "barcode")


@pytest.mark.parametrize(
    "code",
    ["", "   ", "NOPE-404", "x" * 10_000, "'; DROP TABLE product; --", '" OR 1=1', "%", "_", "*"],
)
def test_lookup_of_unknown_or_hostile_codes_finds_nothing(shop: Shop, code: str) -> None:
    assert shop.catalog.lookup(code) is None


def query_plans(shop: Shop, call: Callable[[], object]) -> list[str]:
    """The plan of every SELECT `call` runs, one line per step."""
    seen: list[tuple[str, object]] = []

    def grab(*args: object) -> None:
        statement, parameters = args[2], args[3]
        assert isinstance(statement, str)
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(shop.store.engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(shop.store.engine, "before_cursor_execute", grab)
    with shop.store.engine.connect() as conn:
        return [
            row[3]
            for statement, parameters in seen
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)  # type: ignore[arg-type]
        ]


@pytest.mark.parametrize(
    "call",
    [
        lambda shop: shop.catalog.lookup("070000000003"),
        lambda shop: shop.catalog.lookup("fen-strat"),
        lambda shop: shop.catalog.lookup("NO-SUCH-SERIAL"),
        lambda shop: shop.catalog.search("strat"),
        lambda shop: shop.catalog.search("070000000003"),
    ],
)
def test_lookup_and_search_walk_indexes_not_the_product_table(
    shop: Shop, call: Callable[[Shop], object]
) -> None:
    shop.catalog.lookup("warm up")  # this machine's company is read once, before measuring
    plans = query_plans(shop, lambda: call(shop))
    assert plans
    for step in plans:
        assert not step.startswith("SCAN") or "VIRTUAL TABLE" in step, plans
        # Every product of the company through the company index is a scan in disguise.
        assert not step.endswith("(company_id=?)"), plans


# -- search -------------------------------------------------------------------------------


def names(shop: Shop, typed: str, **filters: object) -> list[str]:
    return [row.name for row in shop.catalog.search(typed, **filters)]  # type: ignore[arg-type]


def test_search_finds_substrings_of_names_and_skus(shop: Shop) -> None:
    assert names(shop, "cotton") == ["100% Cotton Strap"]
    assert names(shop, "strap-1") == ["100% Cotton Strap"]
    assert names(shop, "Gig Ba") == ["Big_Name Gig Bag"]


def test_search_finds_unicode_names_in_any_case(shop: Shop) -> None:
    assert names(shop, "müller") == ["Guitare Électrique Müller"]
    assert names(shop, "MÜLLER") == ["Guitare Électrique Müller"]
    assert names(shop, "Électrique") == ["Guitare Électrique Müller"]
    assert names(shop, "🎸") == ["🎸 Guitar Picks Tin"]
    assert names(shop, "🎸 Guitar") == ["🎸 Guitar Picks Tin"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # One or two characters match the start of a name or SKU only.
        ("%", []),
        ("_", []),
        ("0%", []),
        ("10", ["100% Cotton Strap"]),
        ("Bi", ["Big_Name Gig Bag"]),
        ("g_n", ["Big_Name Gig Bag"]),
        ("x_y", []),
        ("t%c", []),
        ('"Real"', ['The "Real" Book']),
        ('"', []),
        ('"Re', ['The "Real" Book']),
        ("DROP TABLE", ["Robert'); DROP TABLE Students;-- Songbook"]),
        ("'); DROP", ["Robert'); DROP TABLE Students;-- Songbook"]),
        ("'; DROP TABLE product; --", []),
        ('" OR 1=1', []),
        ("' OR '1'='1", []),
        ("*", []),
        ("Gui*", []),
        ("NEAR(a b)", []),
        ("sku:STRAP", []),
        ("a OR b", []),
        ("\\", []),
        ("\x00", []),
        ("strap\x00", []),
        ("\x00%", []),
        ("x" * 100_000, []),
    ],
)
def test_hostile_text_is_just_text(shop: Shop, typed: str, expected: list[str]) -> None:
    before = product_rows(shop)
    assert names(shop, typed) == expected
    assert product_rows(shop) == before


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=40))
def test_any_text_searches_without_error(shop: Shop, typed: str) -> None:
    rows = shop.catalog.search(typed)
    assert len(rows) <= 50
    assert shop.catalog.lookup(typed) is None or typed.strip()


def test_a_scanned_barcode_in_the_search_box_comes_first(shop: Shop) -> None:
    rows = shop.catalog.search("CUSTOM-STRAP")
    assert [r.sku for r in rows][:1] == ["STRAP-100"]
    with shop.store.read_sessions() as session:
        code, sku = session.execute(
            select(ProductBarcode.code, Product.sku)
            .join(Product, Product.id == ProductBarcode.product_id)
            .limit(1)
        ).one()
    assert [r.sku for r in shop.catalog.search(code)] == [sku]


def test_short_text_matches_by_like_prefix_first(shop: Shop) -> None:
    rows = names(shop, "bi", limit=500)
    assert rows[0] == "Big_Name Gig Bag"
    assert all("bi" in n.lower() for n in rows)


def test_filters_inactive_category_and_limit(shop: Shop) -> None:
    assert names(shop, "metronome") == []
    assert names(shop, "metronome", include_inactive=True) == ["Retired Metronome"]
    assert len(shop.catalog.search("", limit=7)) == 7
    category = shop.catalog.categories()[0]
    rows = shop.catalog.search("", category_id=category.id, limit=500)
    assert rows
    assert {r.category for r in rows} == {category.name}


def test_low_stock_only_and_on_hand_at_a_location(tmp_path: Path) -> None:
    shop = open_shop(tmp_path)
    try:
        low = add(shop, "LOW-1", "Low Stock Rosin", reorder_point=5)
        fine = add(shop, "OK-1", "Plenty Rosin", reorder_point=5)
        shop.stock.receive(
            shop.manager,
            shop.here,
            None,
            "PO-1",
            [ReceiveLine(low, 2, usd(100)), ReceiveLine(fine, 9, usd(100))],
        )
        rows = shop.catalog.search("rosin", location_id=shop.here)
        assert {(r.name, r.on_hand) for r in rows} == {("Low Stock Rosin", 2), ("Plenty Rosin", 9)}
        low_rows = shop.catalog.search("rosin", low_stock_only=True, location_id=shop.here)
        assert [r.id for r in low_rows] == [low]
        elsewhere = shop.add_location("EAST", "East Side")
        assert {r.on_hand for r in shop.catalog.search("rosin", location_id=elsewhere)} == {0}
        shop.stock.transfer(shop.manager, shop.here, elsewhere, fine, 4)
        assert {r.on_hand for r in shop.catalog.search("plenty")} == {9}
    finally:
        shop.store.close()
