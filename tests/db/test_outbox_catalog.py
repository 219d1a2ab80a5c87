"""Catalog and stock writes leave exactly their outbox events, in the same transaction.

Each test runs a real service call against a demo store on disk and reads the outbox as
the sync server would get it (`outbox_support.Watch`: gapless sequences, a counter at the
last one, every event a valid `OutboxEventIn`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.catalog.barcodes import with_check_digit
from core.catalog.products import ProductDraft
from core.catalog.stock import AdjustmentReason
from core.services import audit
from core.services.stock_rows import ReceiveLine
from tests.db.catalog_support import Shop, open_shop, usd
from tests.db.outbox_support import Watch, counter, outbox, stored_values

UPC = with_check_digit("08888800001")
EAN = with_check_digit("400638133393")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    opened = open_shop(tmp_path, products=12)
    yield opened
    opened.store.close()


def capo(**changes: object) -> ProductDraft:
    fields: dict[str, object] = {
        "sku": "CAP-KYSER",
        "name": "Kyser Quick-Change Capo",
        "category_id": None,
        "supplier_id": None,
        "price": usd(2195),
        "cost": usd(1100),
        "reorder_point": 3,
        "barcodes": (UPC,),
    }
    fields.update(changes)
    return ProductDraft(**fields)  # type: ignore[arg-type]


def test_creating_a_product_sends_it_and_its_barcodes_whole(shop: Shop) -> None:
    with Watch(shop.store) as new:
        product_id = shop.catalog.create_product(shop.manager, capo(barcodes=(UPC, EAN)))
    assert new.whats == [
        ("record.saved", "product", True),
        ("record.saved", "product_barcode", True),
        ("record.saved", "product_barcode", True),
    ]
    [product] = new.records("product")
    assert product["id"] == str(product_id)
    assert product["base"] == {}
    assert product["values"] == stored_values(shop.store, "product", product_id)
    assert product["values"]["price_minor"] == 2195
    assert product["values"]["is_serialized"] is False
    codes = sorted(r["values"]["code"] for r in new.records("product_barcode"))
    assert codes == sorted([UPC, EAN])
    for barcode in new.records("product_barcode"):
        assert barcode["values"]["product_id"] == str(product_id)
        assert barcode["values"] == stored_values(
            shop.store, "product_barcode", uuid.UUID(barcode["id"])
        )


def test_an_update_sends_only_what_changed_and_what_it_was(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, capo())
    [old_barcode] = [e.payload["id"] for e in outbox(shop.store) if e.table == "product_barcode"][
        -1:
    ]
    shop.clock.advance(timedelta(minutes=5))
    with Watch(shop.store) as new:
        shop.catalog.update_product(
            shop.manager, product_id, capo(price=usd(1995), name="Kyser Capo", barcodes=(EAN,)), 1
        )
    assert new.whats == [
        ("record.saved", "product", False),
        ("record.deleted", "product_barcode", None),
        ("record.saved", "product_barcode", True),
    ]
    [product] = new.records("product")
    assert product["values"] == {
        "name": "Kyser Capo",
        "price_minor": 1995,
        "version": 2,
        "updated_at": "2026-03-02T15:05:00+00:00",
    }
    assert product["base"] == {
        "name": "Kyser Quick-Change Capo",
        "price_minor": 2195,
        "version": 1,
        "updated_at": "2026-03-02T15:00:00+00:00",
    }
    gone, added = new.records("product_barcode")
    assert gone == {"table": "product_barcode", "id": old_barcode}
    assert added["values"]["code"] == EAN
    # Saving the same draft again changes nothing, so nothing is sent.
    with Watch(shop.store) as again:
        shop.catalog.update_product(
            shop.manager, product_id, capo(price=usd(1995), name="Kyser Capo", barcodes=(EAN,)), 2
        )
    assert again.events == []


def test_deleting_a_product_is_a_soft_delete_that_travels_as_a_save(shop: Shop) -> None:
    product_id = shop.catalog.create_product(shop.manager, capo())
    with Watch(shop.store) as new:
        shop.catalog.delete_product(shop.manager, product_id)
    [event] = new.events
    assert event.what == ("record.saved", "product", False)
    assert event.payload["values"] == {
        "deleted_at": "2026-03-02T15:00:00+00:00",
        "version": 2,
    }
    assert event.payload["base"] == {"deleted_at": None, "version": 1}


def test_categories_and_suppliers_are_sent_when_made(shop: Shop) -> None:
    with Watch(shop.store) as new:
        parent = shop.catalog.create_category(shop.manager, "Ukuleles")
        child = shop.catalog.create_category(shop.manager, "Baritone ukuleles", parent)
        supplier = shop.catalog.create_supplier(shop.manager, "Kala Brand Music", "a@kala.com")
    assert new.whats == [
        ("record.saved", "category", True),
        ("record.saved", "category", True),
        ("record.saved", "supplier", True),
    ]
    first, second = new.records("category")
    assert (first["id"], second["id"]) == (str(parent), str(child))
    assert second["values"]["parent_id"] == str(parent)
    [made] = new.records("supplier")
    assert made["values"] == stored_values(shop.store, "supplier", supplier)


def test_a_unit_added_and_retired_sends_the_unit_and_its_stock(shop: Shop) -> None:
    [guitar] = shop.product_ids(serialized=True)
    with Watch(shop.store) as added:
        unit_id = shop.catalog.add_unit(
            shop.manager, guitar, "SN-77", "good", usd(40000), location_id=shop.here
        )
    assert added.whats == [("record.saved", "inventory_unit", True), ("stock.moved", None, None)]
    [unit] = added.records("inventory_unit")
    assert unit["values"] == stored_values(shop.store, "inventory_unit", unit_id)
    [received] = added.movements()
    assert (received["kind"], received["quantity"], received["unit_id"]) == (
        "receive",
        1,
        str(unit_id),
    )
    assert received["unit_cost_minor"] == 40000
    assert received["created_at"] == "2026-03-02T15:00:00+00:00"
    with Watch(shop.store) as retired:
        shop.catalog.retire_unit(shop.manager, unit_id, AdjustmentReason.DAMAGED, "dropped")
    assert retired.whats == [("record.saved", "inventory_unit", False), ("stock.moved", None, None)]
    [change] = retired.records("inventory_unit")
    assert change["values"] == {"status": "retired", "version": 2}
    assert change["base"] == {"status": "available", "version": 1}
    [gone] = retired.movements()
    assert (gone["kind"], gone["quantity"], gone["reason"]) == (
        "adjustment",
        -1,
        "damaged: dropped",
    )


def test_receiving_adjusting_and_transferring_send_stock_deltas(shop: Shop) -> None:
    first, second = shop.product_ids(serialized=False, count=2)
    other = shop.add_location("WEST", "West side")
    lines = [ReceiveLine(first, 6, usd(300)), ReceiveLine(second, 2, usd(450))]
    with Watch(shop.store) as received:
        receipt = shop.stock.receive(shop.manager, shop.here, None, "INV-1", lines)
    assert received.whats == [("stock.moved", None, None)]
    assert [(m["product_id"], m["quantity"], m["reference_id"]) for m in received.movements()] == [
        (str(first), 6, str(receipt)),
        (str(second), 2, str(receipt)),
    ]
    with Watch(shop.store) as adjusted:
        shop.stock.adjust(shop.manager, shop.here, first, -1, AdjustmentReason.THEFT)
    assert [(m["kind"], m["quantity"]) for m in adjusted.movements()] == [("adjustment", -1)]
    with Watch(shop.store) as moved:
        transfer = shop.stock.transfer(shop.manager, shop.here, other, first, 3)
    assert [e.type for e in moved.events] == ["stock.moved"]
    assert [(m["location_id"], m["quantity"], m["reference_id"]) for m in moved.movements()] == [
        (str(shop.here), -3, str(transfer)),
        (str(other), 3, str(transfer)),
    ]


def test_a_stock_count_sends_only_its_differences_when_completed(shop: Shop) -> None:
    first, second = shop.product_ids(serialized=False, count=2)
    shop.stock.receive(shop.manager, shop.here, None, "", [ReceiveLine(first, 5, usd(100))])
    with Watch(shop.store) as counting:
        count_id = shop.stock.start_count(shop.manager, shop.here)
        shop.stock.record_count(shop.manager, count_id, first, 4)
        shop.stock.record_count(shop.manager, count_id, second, 0)
    assert counting.events == []  # the count itself stays on this register
    with Watch(shop.store) as completed:
        shop.stock.complete_count(shop.manager, count_id)
    assert [(m["product_id"], m["kind"], m["quantity"]) for m in completed.movements()] == [
        (str(first), "count", -1)
    ]


def test_a_service_failing_half_way_leaves_no_event_and_uses_no_number(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    [guitar] = shop.product_ids(serialized=True)
    before = (outbox(shop.store), counter(shop.store))

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk went away")

    # The audit row is written last: the unit, its movement and its books are in by then.
    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(OSError, match="disk went away"):
        shop.catalog.add_unit(shop.manager, guitar, "SN-1", "new", usd(1), location_id=shop.here)
    with pytest.raises(OSError, match="disk went away"):
        shop.catalog.create_product(shop.manager, capo())
    assert (outbox(shop.store), counter(shop.store)) == before
    monkeypatch.undo()
    with Watch(shop.store) as new:
        shop.catalog.create_product(shop.manager, capo())
    assert new.events[0].sequence == before[1] + 1
