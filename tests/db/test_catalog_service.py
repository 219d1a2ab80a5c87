"""The catalog service against a real SQLite store: products, permissions, audit, deletion."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DatabaseError

from core.catalog.barcodes import Symbology, with_check_digit
from core.catalog.products import CatalogError, ConcurrentEditError, ProductDraft
from core.catalog.stock import AdjustmentReason, StockError, UnitStatus
from core.services.guard import require
from core.services.stock_rows import ReceiveLine
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import AuditEntry, Product, ProductBarcode
from tests.db.catalog_support import Shop, open_shop, usd

UPC = with_check_digit("08888800001")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    opened = open_shop(tmp_path)
    yield opened
    opened.store.close()


def draft(**changes: object) -> ProductDraft:
    base = ProductDraft(
        sku="CAP-KYSER",
        name="Kyser Quick-Change Capo",
        category_id=None,
        supplier_id=None,
        price=usd(2195),
        cost=usd(1100),
        reorder_point=3,
        barcodes=(UPC,),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def product_count(shop: Shop) -> int:
    with shop.store.read_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Product)) or 0)


# -- creating -----------------------------------------------------------------------------


def test_create_product_saves_it_with_barcodes_and_an_audit_row(shop: Shop) -> None:
    category = shop.catalog.create_category(shop.manager, "Capos")
    supplier = shop.catalog.create_supplier(shop.manager, "Kyser", "orders@kyser.example")
    product_id = shop.catalog.create_product(
        shop.manager, draft(category_id=category, supplier_id=supplier)
    )
    detail = shop.catalog.product_detail(product_id, shop.here)
    assert (detail.sku, detail.name, detail.price, detail.cost) == (
        "CAP-KYSER",
        "Kyser Quick-Change Capo",
        usd(2195),
        usd(1100),
    )
    assert (detail.category_name, detail.supplier_name, detail.version) == ("Capos", "Kyser", 1)
    assert [(b.code, b.symbology) for b in detail.barcodes] == [(UPC, Symbology.UPC_A)]
    assert detail.on_hand == 0
    assert not detail.deleted
    assert detail.draft() == draft(category_id=category, supplier_id=supplier)
    [entry] = shop.audit("product.create")
    assert entry.entity_id == product_id
    assert entry.user_id == shop.manager.user_id
    assert entry.approved_by_id is None
    assert json.loads(entry.after)["price_minor"] == 2195


def test_a_cashier_cannot_edit_products_without_a_manager(shop: Shop) -> None:
    with pytest.raises(PermissionDeniedError, match="Jamie Chen may not edit products"):
        shop.catalog.create_product(shop.cashier, draft())
    wrong = shop.approval(Permission.VOID)
    with pytest.raises(PermissionDeniedError):
        shop.catalog.create_product(shop.cashier, draft(), approval=wrong)
    assert shop.catalog.lookup(UPC) is None

    approved = shop.approval(Permission.EDIT_PRODUCTS)
    product_id = shop.catalog.create_product(shop.cashier, draft(), approval=approved)
    [entry] = shop.audit("product.create")
    assert entry.entity_id == product_id
    assert entry.user_id == shop.cashier.user_id
    assert entry.approved_by_id == shop.manager.user_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": usd(-1)}, "price cannot be negative"),
        ({"cost": usd(-1)}, "cost cannot be negative"),
        ({"name": ""}, "needs a name"),
        ({"name": "x" * 10_000}, "at most 300"),
        ({"sku": "S" * 1000}, "at most 64"),
        ({"barcodes": (UPC[:-1] + str((int(UPC[-1]) + 1) % 10),)}, "check digit is wrong"),
        ({"barcodes": ("ABC 1",)}, "space"),
        ({"reorder_point": -5}, "cannot be negative"),
        ({"tax_class": "'; DROP TABLE product; --"}, "not a tax class"),
    ],
)
def test_bad_products_are_refused_and_nothing_is_written(
    shop: Shop, changes: dict[str, object], message: str
) -> None:
    before = product_count(shop)
    with pytest.raises(CatalogError, match=message):
        shop.catalog.create_product(shop.manager, draft(**changes))
    assert product_count(shop) == before
    assert shop.audit("product.create") == []


def test_duplicate_sku_names_the_other_product_whatever_the_case(shop: Shop) -> None:
    shop.catalog.create_product(shop.manager, draft())
    for sku in ("CAP-KYSER", "cap-kyser", "Cap-Kyser"):
        with pytest.raises(CatalogError, match="already used by “Kyser Quick-Change Capo”"):
            shop.catalog.create_product(shop.manager, draft(sku=sku, barcodes=()))


def test_duplicate_barcode_names_the_other_product(shop: Shop) -> None:
    with shop.store.read_sessions() as session:
        code, name = session.execute(
            select(ProductBarcode.code, Product.name)
            .join(Product, Product.id == ProductBarcode.product_id)
            .limit(1)
        ).one()
    with pytest.raises(CatalogError, match=f"already on “{name[:20]}"):
        shop.catalog.create_product(shop.manager, draft(barcodes=(code,)))
    # The same UPC written as EAN-13 is the same barcode.
    with pytest.raises(CatalogError, match="already on"):
        shop.catalog.create_product(shop.manager, draft(barcodes=("0" + code,)))


def test_unknown_category_is_refused(shop: Shop) -> None:
    with pytest.raises(CatalogError, match="category does not exist"):
        shop.catalog.create_product(shop.manager, draft(category_id=shop.here))


# -- updating -----------------------------------------------------------------------------


def test_update_bumps_the_version_and_refuses_a_stale_one(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    assert shop.catalog.update_product(shop.manager, product_id, draft(name="Kyser Capo"), 1) == 2
    with pytest.raises(ConcurrentEditError, match="Someone else changed this product; reload"):
        shop.catalog.update_product(shop.manager, product_id, draft(name="Other"), 1)
    assert shop.catalog.product_detail(product_id, shop.here).name == "Kyser Capo"


def test_price_changes_are_audited_apart_from_other_changes(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    new_code = with_check_digit("08888800002")
    changed = draft(price=usd(1995), name="Kyser Capo", barcodes=(new_code, "KYSER-1"))
    assert shop.catalog.update_product(shop.manager, product_id, changed, 1) == 2
    [price] = shop.audit("product.price_change")
    assert json.loads(price.before) == {"price_minor": 2195}
    assert json.loads(price.after) == {"price_minor": 1995}
    [update] = shop.audit("product.update")
    assert json.loads(update.before)["name"] == "Kyser Quick-Change Capo"
    assert json.loads(update.after)["barcodes"] == sorted([new_code, "KYSER-1"])
    assert "price_minor" not in json.loads(update.after)
    # Barcodes were replaced: the old one no longer finds it, the new ones do.
    assert shop.catalog.lookup(UPC) is None
    found = shop.catalog.lookup("kyser-1")
    assert found is not None
    assert found.product_id == product_id
    # Saving the same draft again changes nothing and keeps the version.
    assert shop.catalog.update_product(shop.manager, product_id, changed, 2) == 2
    assert len(shop.audit("product.update")) == 1


def test_a_cashier_changing_a_price_needs_approval_recorded_in_the_audit(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    with pytest.raises(PermissionDeniedError):
        shop.catalog.update_product(shop.cashier, product_id, draft(price=usd(1)), 1)
    approval = shop.approval(Permission.EDIT_PRODUCTS)
    shop.catalog.update_product(shop.cashier, product_id, draft(price=usd(1)), 1, approval=approval)
    [entry] = shop.audit("product.price_change")
    assert entry.approved_by_id == shop.manager.user_id


def test_serialized_flag_cannot_change_while_there_is_stock(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    shop.stock.receive(shop.manager, shop.here, None, "", [ReceiveLine(product_id, 2, usd(900))])
    with pytest.raises(CatalogError, match="whether it is serialized cannot change"):
        shop.catalog.update_product(shop.manager, product_id, draft(is_serialized=True), 1)


# -- deleting -----------------------------------------------------------------------------


def test_deleting_a_product_with_stock_is_refused(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    shop.stock.receive(shop.manager, shop.here, None, "", [ReceiveLine(product_id, 3, usd(900))])
    with pytest.raises(CatalogError, match=r"still has stock \(3 at Moonlight Music"):
        shop.catalog.delete_product(shop.manager, product_id)
    assert shop.catalog.lookup(UPC) is not None


def test_deleting_a_product_without_stock_is_a_soft_delete(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, draft())
    shop.stock.receive(shop.manager, shop.here, None, "", [ReceiveLine(product_id, 3, usd(900))])
    shop.stock.adjust(shop.manager, shop.here, product_id, -3, AdjustmentReason.DAMAGED)
    shop.catalog.delete_product(shop.manager, product_id)

    with shop.store.read_sessions() as session:
        row = session.get(Product, product_id)
        assert row is not None
        assert row.deleted_at == shop.clock.now()
    assert shop.catalog.lookup(UPC) is None
    assert shop.catalog.lookup("CAP-KYSER") is None
    assert shop.catalog.search("Kyser") == []
    assert shop.catalog.product_detail(product_id, shop.here).deleted
    [entry] = shop.audit("product.delete")
    assert entry.entity_id == product_id
    with pytest.raises(CatalogError, match="has been deleted"):
        shop.catalog.delete_product(shop.manager, product_id)
    with pytest.raises(CatalogError, match="deleted"):
        shop.catalog.create_product(shop.manager, draft(barcodes=()))


def test_a_serialized_product_with_units_in_stock_cannot_be_deleted(shop: Shop) -> None:
    [product_id] = shop.product_ids(serialized=True)
    unit = shop.catalog.add_unit(
        shop.manager, product_id, "SN-1", "new", usd(50000), location_id=shop.here
    )
    with pytest.raises(CatalogError, match="still has stock"):
        shop.catalog.delete_product(shop.manager, product_id)
    shop.catalog.retire_unit(shop.manager, unit, AdjustmentReason.DAMAGED, "fell off the wall")
    shop.catalog.delete_product(shop.manager, product_id)
    assert shop.catalog.lookup("SN-1") is None


# -- serialized units ---------------------------------------------------------------------


def test_add_unit_posts_a_receive_movement_and_lookup_finds_its_serial(shop: Shop) -> None:
    [product_id] = shop.product_ids(serialized=True)
    unit_id = shop.catalog.add_unit(
        shop.manager, product_id, " us21045678 ", "excellent", usd(80000), location_id=shop.here
    )
    assert shop.stock.on_hand(product_id, shop.here) == 1
    [movement] = shop.stock.movements(product_id)
    assert (movement.kind, movement.quantity, movement.serial_number) == (
        "receive",
        1,
        "us21045678",
    )
    found = shop.catalog.lookup("US21045678")
    assert found is not None
    assert found.unit is not None
    assert (found.matched_by, found.product_id, found.unit.id) == ("serial", product_id, unit_id)
    with pytest.raises(StockError, match="already has a unit with serial number"):
        shop.catalog.add_unit(
            shop.manager, product_id, "us21045678", "new", usd(1), location_id=shop.here
        )


def test_units_only_for_serialized_products(shop: Shop) -> None:
    [plain] = shop.product_ids(serialized=False)
    with pytest.raises(StockError, match="not serialized"):
        shop.catalog.add_unit(shop.manager, plain, "SN-9", "new", usd(1), location_id=shop.here)
    [guitar] = shop.product_ids(serialized=True)
    with pytest.raises(StockError, match="not a condition"):
        shop.catalog.add_unit(shop.manager, guitar, "SN-9", "mint", usd(1), location_id=shop.here)


def test_retire_unit_needs_adjust_stock_and_a_unit_in_stock(shop: Shop) -> None:
    [guitar] = shop.product_ids(serialized=True)
    unit_id = shop.catalog.add_unit(
        shop.manager, guitar, "SN-7", "good", usd(1), location_id=shop.here
    )
    with pytest.raises(PermissionDeniedError):
        shop.catalog.retire_unit(shop.cashier, unit_id, AdjustmentReason.THEFT)
    shop.catalog.retire_unit(
        shop.cashier,
        unit_id,
        AdjustmentReason.THEFT,
        approval=shop.approval(Permission.ADJUST_STOCK),
    )
    [entry] = shop.audit("unit.retire")
    assert entry.approved_by_id == shop.manager.user_id
    detail = shop.catalog.product_detail(guitar, shop.here)
    assert [u.status for u in detail.units] == [UnitStatus.RETIRED]
    assert detail.on_hand == 0
    with pytest.raises(StockError, match="only a unit in stock can be retired"):
        shop.catalog.retire_unit(shop.manager, unit_id, AdjustmentReason.LOST)


# -- categories and suppliers -------------------------------------------------------------


def test_categories_and_suppliers(shop: Shop) -> None:
    before = len(shop.catalog.categories())
    shop.catalog.create_category(shop.manager, "  Ukuleles ")
    assert len(shop.catalog.categories()) == before + 1
    assert "Ukuleles" in [c.name for c in shop.catalog.categories()]
    with pytest.raises(CatalogError, match="already a category named"):
        shop.catalog.create_category(shop.manager, "UKULELES")
    with pytest.raises(CatalogError, match="cannot be empty"):
        shop.catalog.create_category(shop.manager, "  ")
    with pytest.raises(PermissionDeniedError):
        shop.catalog.create_category(shop.cashier, "Harmonicas")
    shop.catalog.create_supplier(shop.manager, "Hohner", phone="555-0100")
    assert "Hohner" in [s.name for s in shop.catalog.suppliers()]
    with pytest.raises(CatalogError, match="not an email address"):
        shop.catalog.create_supplier(shop.manager, "Kala", "not-an-email")
    with pytest.raises(CatalogError, match="already a supplier"):
        shop.catalog.create_supplier(shop.manager, "hohner")
    assert len(shop.audit("category.create")) == 1
    assert len(shop.audit("supplier.create")) == 1


def test_audit_rows_are_never_changed(shop: Shop) -> None:
    shop.catalog.create_product(shop.manager, draft())
    for statement in (update(AuditEntry).values(reason="edited"), delete(AuditEntry)):
        with shop.store.uow() as uow, pytest.raises(DatabaseError, match="append-only"):
            uow.session.execute(statement)


def test_guard_accepts_only_an_approval_for_the_same_permission(shop: Shop) -> None:
    @dataclass(frozen=True)
    class Token:
        permission: object
        manager_id: object

    manager = shop.manager.user_id
    assert require(shop.manager, Permission.ADJUST_STOCK, None) is None
    assert require(shop.cashier, Permission.RECEIVE_STOCK, None) is None
    token = Token(Permission.ADJUST_STOCK, manager)
    assert require(shop.cashier, Permission.ADJUST_STOCK, token) == manager
    for bad in (Token(Permission.VOID, manager), Token(Permission.ADJUST_STOCK, "1"), object()):
        with pytest.raises(PermissionDeniedError, match="A manager's PIN is needed"):
            require(shop.cashier, Permission.ADJUST_STOCK, bad)
