"""Importing products from another system into a real SQLite store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.catalog.barcodes import with_check_digit
from core.ids import new_id
from core.imports import Encoding, ImportFileError, MappingError, RecordKind
from core.services import importing
from core.services.importing_products import ProductPlanner
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import Category, Product, ProductBarcode
from tests.db.catalog_support import usd
from tests.db.import_support import SOURCE, Importing, csv, guess, open_importing, snapshot
from tests.support import START

DEMO_UPC = with_check_digit(f"0{7_000_000_000:010d}")  # the first demo product's barcode
HEADER = "Item ID,Item Lookup Code,Description,UPC,Department,Vendor,Retail,Cost,Taxable"
OLD_SYSTEM = csv(
    HEADER,
    "R-1,OLD-001,Fender Player Stratocaster,012345678905,Electric Guitars,"
    'Fender Musical Instruments,"$799.99",520.00,Y',
    "R-2,OLD-002,Ernie Ball Slinky 10-46,,Strings,,6.99,2.5000,Y",
    "R-3,OLD-003,Broken price,,Strings,,-4.00,1,Y",
    "R-4,OLD-004,,,Strings,,4.00,1,Y",
    "R-5,OLD-001,Same SKU again,,Strings,,4.00,1,Y",
    "R-6,OLD-006,Bad check digit,012345678906,Strings,,4.00,1,Y",
    "R-7,OLD-007,Barcode twice in the file,012345678905,Strings,,4.00,1,Y",
    f"R-8,OLD-008,Barcode of a demo product,{DEMO_UPC},Strings,,4.00,1,Y",
    "R-9,OLD-009,Mystery,,Theremins,,4.00,1,Y",
    "R-10,OLD-010,Odd tax,,Strings,,4.00,1,VAT",
    'R-11,OLD-011,Zoë’s Ukulele 🎸 北京,,Accessories,,"1,234.50",0,N',
    'R-12,OLD-012,"Robert\'); DROP TABLE product;--",,Accessories,,1,0,Y',
)
GOOD = {"OLD-001", "OLD-002", "OLD-011", "OLD-012"}
REJECTED = {
    4: "The price cannot be negative.",
    5: "A product needs a name.",
    6: "The SKU “OLD-001” is also on line 2.",
    7: "The barcode “012345678906” check digit is wrong",
    8: "The barcode “012345678905” is also on line 2.",
    9: f"The barcode “{DEMO_UPC}” is already on",
    10: "There is no category “Theremins”.",
    11: "“VAT” is not a tax class.",
}


@pytest.fixture
def imp(tmp_path: Path) -> Iterator[Importing]:
    opened = open_importing(tmp_path)
    yield opened
    opened.store.close()


def product_count(imp: Importing) -> int:
    with imp.store.read_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


def reasons_by_line(report: importing.ImportReport) -> dict[int, str]:
    return {r.line: " ".join(r.reasons) for r in report.rejected}


def test_good_rows_are_imported_and_bad_ones_reported_twice_without_duplicates(
    imp: Importing,
) -> None:
    before = product_count(imp)
    for run in range(2):
        report = imp.products(OLD_SYSTEM)
        assert (report.created, report.updated) == ((4, 0) if run == 0 else (0, 0))
        assert report.unchanged == (0 if run == 0 else 4)
        found = reasons_by_line(report)
        assert sorted(found) == sorted(REJECTED)
        for line, reason in REJECTED.items():
            assert reason in found[line], (line, found[line])
        assert [r.key for r in sorted(report.rejected, key=lambda r: r.line)][:2] == ["R-3", "R-4"]
        assert product_count(imp) == before + 4
    strat = imp.product("OLD-001")
    assert (strat.price_minor, strat.cost_minor, strat.tax_class) == (79999, 52000, "standard")
    assert (strat.legacy_id, strat.legacy_source, strat.migrated_at) == ("R-1", SOURCE, START)
    assert imp.product("OLD-011").tax_class == "exempt"
    assert imp.product("OLD-011").price_minor == 123450
    found = imp.shop.catalog.lookup("0012345678905")  # scanned as EAN-13
    assert found is not None
    assert found.sku == "OLD-001"
    assert len(imp.audit("import.products")) == 2


def test_text_is_stored_as_written_and_found_by_search(imp: Importing) -> None:
    imp.products(OLD_SYSTEM)
    assert imp.product("OLD-012").name == "Robert'); DROP TABLE product;--"
    assert imp.product("OLD-011").name == "Zoë’s Ukulele 🎸 北京"
    assert [p.sku for p in imp.shop.catalog.search("DROP TABLE")] == ["OLD-012"]
    assert [p.sku for p in imp.shop.catalog.search("ukulele 🎸")] == ["OLD-011"]


def test_a_dry_run_reports_what_the_real_run_does_and_writes_nothing(imp: Importing) -> None:
    before = snapshot(imp.store)
    trial = imp.products(OLD_SYSTEM, dry_run=True)
    assert snapshot(imp.store) == before
    assert "Trial import" in trial.to_text()
    real = imp.products(OLD_SYSTEM)
    assert (
        trial.counts()
        == real.counts()
        == {
            "rows": 12,
            "created": 4,
            "updated": 0,
            "unchanged": 0,
            "rejected": 8,
        }
    )
    assert reasons_by_line(trial) == reasons_by_line(real)


def test_changed_rows_are_updated_and_the_rest_left_alone(imp: Importing) -> None:
    imp.products(OLD_SYSTEM)
    edited = OLD_SYSTEM.replace(b'"$799.99",520.00', b'"$749.00",520.00').replace(
        b"Ernie Ball Slinky 10-46", b"Ernie Ball Regular Slinky"
    )
    report = imp.products(edited)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    strat, strings = imp.product("OLD-001"), imp.product("OLD-002")
    assert (strat.price_minor, strat.version) == (74900, 2)
    assert (strings.name, strings.version) == ("Ernie Ball Regular Slinky", 2)
    assert imp.product("OLD-011").version == 1


def test_an_existing_product_is_matched_by_sku_and_traced_to_the_old_system(
    imp: Importing,
) -> None:
    demo = imp.product("ELE-000000")
    data = csv("ID,SKU,Name,Price", f"X-9,ele-000000,{demo.name},{demo.price_minor / 100:.2f}")
    first, second = imp.products(data), imp.products(data)
    assert (first.created, first.updated, second.unchanged) == (0, 1, 1)
    again = imp.product("ele-000000")  # the file is the truth for what it names
    assert (again.id, again.legacy_id, again.legacy_source, again.version) == (
        demo.id,
        "X-9",
        SOURCE,
        2,
    )


def test_barcodes_are_replaced_by_the_files_and_kept_when_it_has_none(imp: Importing) -> None:
    def codes() -> list[str]:
        with imp.store.read_sessions() as session:
            query = select(ProductBarcode.code).join(Product).where(Product.sku == "B-1")
            return sorted(session.scalars(query))

    imp.products(csv("SKU,Name,Price,UPC", "B-1,Capo,5,012345678905|4006381333931"))
    report = imp.products(csv("SKU,Name,Price,UPC", "B-1,Capo,5,4006381333931;96385074"))
    assert (report.updated, codes()) == (1, ["4006381333931", "96385074"])
    report = imp.products(csv("SKU,Name,Price,UPC", "B-1,Capo,5,"))
    assert (report.unchanged, codes()) == (1, ["4006381333931", "96385074"])
    # The code just freed can go to another product in the same file.
    report = imp.products(
        csv("SKU,Name,Price,UPC", "B-1,Capo,5,96385074", "B-2,Pick,1,4006381333931")
    )
    assert (report.updated, report.created, codes()) == (1, 1, ["96385074"])


def test_missing_categories_and_suppliers_are_created_when_asked(imp: Importing) -> None:
    data = csv(
        "SKU,Name,Price,Category,Vendor",
        "T-1,Etherwave,399,Theremins,Moog",
        "T-2,Claravox,999,theremins,Moog",
    )
    report = imp.products(data, create_missing_categories=True, create_missing_suppliers=True)
    assert report.created == 2
    assert report.notes == ["New categories (1): Theremins.", "New suppliers (1): Moog."]
    again = imp.products(data)  # now they exist
    assert again.unchanged == 2
    with imp.store.read_sessions() as session:
        category = session.scalars(select(Category).where(Category.name == "Theremins")).one()
    assert imp.product("T-2").category_id == category.id


def test_a_serialized_product_with_units_keeps_being_serialized(imp: Importing) -> None:
    [product_id] = imp.shop.product_ids(serialized=True)
    with imp.store.read_sessions() as session:
        product = session.get(Product, product_id)
        assert product is not None
        sku, name = product.sku, product.name
    manager = imp.shop.manager
    imp.shop.catalog.add_unit(
        manager, product_id, "SN-1", "new", usd(99900), location_id=imp.shop.here
    )
    report = imp.products(csv("SKU,Name,Serialized", f'{sku},"{name}",no'))
    assert "has stock or units, so whether it is serialized cannot change" in report.to_text()


def test_a_cashier_may_not_import_without_a_manager(imp: Importing) -> None:
    before = snapshot(imp.store)
    with pytest.raises(PermissionDeniedError, match="may not import data"):
        imp.products(OLD_SYSTEM, actor=imp.shop.cashier)
    assert snapshot(imp.store) == before
    report = imp.service.import_products(
        imp.shop.cashier,
        OLD_SYSTEM,
        guess(OLD_SYSTEM, RecordKind.PRODUCTS),
        source=SOURCE,
        dry_run=False,
        approval=imp.shop.approval(Permission.IMPORT),
    )
    assert report.created == 4
    [entry] = imp.audit("import.products")
    assert entry.approved_by_id == imp.shop.manager.user_id
    assert json.loads(entry.after) == {
        "source": SOURCE,
        "rows": 12,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 8,
        "notes": [],
    }


def test_a_windows_1252_file_is_refused_until_its_encoding_is_chosen(imp: Importing) -> None:
    data = "SKU,Name,Price\nC-1,Café Racer Pedal,99\n".encode("cp1252")
    mapping = guess(b"SKU,Name,Price", RecordKind.PRODUCTS)
    before = snapshot(imp.store)
    with pytest.raises(ImportFileError) as caught:
        imp.products(data, mapping=mapping)
    assert str(caught.value) == (
        "The file is not UTF-8 text (byte 0xE9 at line 2). Save it as CSV UTF-8 or choose "
        "the encoding Windows-1252."
    )
    assert snapshot(imp.store) == before
    imp.products(data, mapping=mapping, encoding=Encoding.WINDOWS_1252)
    assert imp.product("C-1").name == "Café Racer Pedal"


def test_a_semicolon_file_with_a_bom_imports(imp: Importing) -> None:
    data = "\ufeffArtikelnummer;Name;Price;Barcode\nS-1;Saitensatz, 10–46;12.50;\n".encode()
    mapping = importing.ColumnMapping(
        RecordKind.PRODUCTS, {"sku": "Artikelnummer", "name": "Name", "price": "Price"}
    )
    assert imp.products(data, mapping=mapping).created == 1
    assert imp.product("S-1").name == "Saitensatz, 10–46"


def test_empty_and_header_only_files(imp: Importing) -> None:
    before = snapshot(imp.store)
    with pytest.raises(ImportFileError, match="The file is empty"):
        imp.products(b"", mapping=guess(b"SKU,Name", RecordKind.PRODUCTS))
    report = imp.products(b"SKU,Name,Price\r\n", dry_run=True)
    assert report.counts()["rows"] == 0
    assert report.warnings == ["The file has a header but no rows under it."]
    assert snapshot(imp.store) == before


def test_a_file_without_the_required_columns_is_refused(imp: Importing) -> None:
    before = snapshot(imp.store)
    data = csv("Code,Retail", "X,1")
    with pytest.raises(MappingError, match="holds the sku"):
        imp.products(data)
    with pytest.raises(MappingError, match="holds the name"):
        imp.products(data, mapping=importing.ColumnMapping(RecordKind.PRODUCTS, {"sku": "Code"}))
    with pytest.raises(MappingError, match="for customers, not products"):
        imp.products(data, mapping=importing.ColumnMapping(RecordKind.CUSTOMERS, {}))
    assert snapshot(imp.store) == before


def test_absurdly_long_fields_reject_their_row_or_the_broken_file(imp: Importing) -> None:
    data = csv("SKU,Name,Price", f"L-1,{'x' * 20_000},1", "L-2,Fine,1")
    report = imp.products(data)
    assert report.created == 1
    [rejected] = report.rejected
    assert rejected.reasons[0] == "The Name value has 20,000 characters; at most 10,000 are read."
    with pytest.raises(ImportFileError, match="Line 2 cannot be read as CSV"):
        imp.products(csv("SKU,Name,Price", 'L-3,"never closed', "y" * 200_000))


def test_a_row_the_database_refuses_is_rejected_and_the_rest_saved(
    imp: Importing, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should something change between planning and writing, only the clashing row is lost."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    prepare = ProductPlanner.prepare

    def prepare_and_interfere(self: ProductPlanner, session: Session) -> None:
        prepare(self, session)
        row = {
            "id": new_id(),
            "company_id": imp.shop.device.company_id,
            "sku": "OLD-002",
            "name": "Made meanwhile",
            "price_minor": 1,
            "created_at": START,
            "updated_at": START,
        }
        session.execute(insert(Product), [row])

    monkeypatch.setattr(ProductPlanner, "prepare", prepare_and_interfere)
    report = imp.products(OLD_SYSTEM)
    assert (report.created, len(report.rejected)) == (3, 9)
    assert "was taken while the import ran" in reasons_by_line(report)[3]
    assert imp.product("OLD-002").name == "Made meanwhile"
    assert imp.product("OLD-011").legacy_id == "R-11"
