"""How the capture behaves, whatever service writes: merging, rollbacks, savepoints,
bulk writes, imports, pulled changes, numbering and the JSON values."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from core.catalog.stock import MovementKind
from core.ids import new_id
from core.services import outbox
from core.services.counters import next_values
from core.services.outbox_bulk import insert_rows, update_rows
from core.services.outbox_write import MOVEMENTS_PER_EVENT
from core.services.stock_ledger import Posting, post_movements
from db.models import Category, Product, ProductBarcode, Supplier
from tests.db.catalog_support import Shop, open_shop
from tests.db.import_support import Importing, csv, open_importing
from tests.db.outbox_support import Watch, counter
from tests.db.outbox_support import outbox as read_outbox
from tests.support import START


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    opened = open_shop(tmp_path, products=12)
    yield opened
    opened.store.close()


def category(shop: Shop, name: str) -> Category:
    return Category(
        id=new_id(),
        company_id=shop.device.company_id,
        name=name,
        created_at=START,
        updated_at=START,
    )


def a_supplier(shop: Shop) -> uuid.UUID:
    with shop.store.read_sessions() as session:
        found = session.scalars(select(Supplier.id).order_by(Supplier.name)).first()
    assert found is not None
    return found


def test_changes_to_one_row_in_one_transaction_become_one_event(shop: Shop) -> None:
    supplier_id = a_supplier(shop)
    with Watch(shop.store) as new, shop.store.uow() as uow:
        made = category(shop, "Harps")
        uow.session.add(made)
        uow.session.flush()
        made.name = "Lever harps"  # created, then changed: still created, as it ends
        gone = category(shop, "Typo")
        uow.session.add(gone)
        uow.session.flush()
        uow.session.delete(gone)  # created, then deleted: the world never sees it
        supplier = uow.session.get(Supplier, supplier_id)
        assert supplier is not None
        old_name = supplier.name
        supplier.email = "first@example.com"
        uow.session.flush()
        supplier.email = "second@example.com"  # base stays what it was before the first
        supplier.phone = "555 0100"
        uow.session.flush()
        supplier.phone = ""  # and back: no change to send
        supplier.name = old_name
        uow.commit()
    assert new.whats == [("record.saved", "category", True), ("record.saved", "supplier", False)]
    assert new.records("category")[0]["values"]["name"] == "Lever harps"
    [change] = new.records("supplier")
    assert (change["values"], change["base"]) == (
        {"email": "second@example.com"},
        {"email": ""},
    )


@pytest.mark.parametrize("forgotten", [["email"], None])
def test_an_old_value_the_session_forgot_is_read_back_for_the_base(
    shop: Shop, forgotten: list[str] | None
) -> None:
    supplier_id = a_supplier(shop)
    with Watch(shop.store) as new, shop.store.uow() as uow:
        supplier = uow.session.get(Supplier, supplier_id)
        assert supplier is not None
        # One attribute, or the whole instance (its key too), as after a savepoint rollback.
        uow.session.expire(supplier, forgotten)
        supplier.email = "orders@example.com"
        uow.commit()
    [change] = new.records("supplier")
    assert change["id"] == str(supplier_id)
    assert (change["values"], change["base"]) == ({"email": "orders@example.com"}, {"email": ""})


def test_a_rollback_sends_nothing_and_uses_no_number(shop: Shop) -> None:
    before = (read_outbox(shop.store), counter(shop.store))
    with shop.store.uow() as uow:
        uow.session.add(category(shop, "Never"))
        outbox.emit(uow, shop.device.device_id, "drawer.no_sale", {"why": "test"}, START)
        next_values(uow.session, shop.device.device_id, "outbox")
        uow.session.flush()
        # Leaving without commit rolls back.
    assert (read_outbox(shop.store), counter(shop.store)) == before


def test_a_savepoint_rolled_back_drops_its_events_only(shop: Shop) -> None:
    company = shop.device.company_id
    taken = Product(
        id=new_id(), company_id=company, sku="DUP-1", name="First", price_minor=100,
        created_at=START, updated_at=START,
    )  # fmt: skip
    with Watch(shop.store) as new, shop.store.uow() as uow:
        session = uow.session
        session.add(taken)
        session.flush()
        clash = [_product_row(company, "OK-1"), _product_row(company, "DUP-1")]
        # The savepoint's whole block is what is tested, not one statement in it.
        with pytest.raises(IntegrityError), session.begin_nested():  # noqa: PT012
            session.add(category(shop, "Inside"))
            session.flush()
            insert_rows(session, Product, clash)
        with session.begin_nested():
            insert_rows(session, Product, [_product_row(company, "OK-2")])
        uow.commit()
    assert [(e.table, e.payload["values"]["sku"]) for e in new.events] == [
        ("product", "DUP-1"),
        ("product", "OK-2"),
    ]


def _product_row(company: uuid.UUID, sku: str, at: datetime = START) -> dict[str, object]:
    return {
        "id": new_id(), "company_id": company, "sku": sku, "name": sku, "price_minor": 500,
        "created_at": at, "updated_at": at,
    }  # fmt: skip


def test_bulk_writes_send_whole_rows_and_real_changes(shop: Shop) -> None:
    company = shop.device.company_id
    in_berlin = datetime(2026, 3, 2, 17, 0, tzinfo=timezone(timedelta(hours=2)))
    row = _product_row(company, "BULK-1", in_berlin)
    with Watch(shop.store) as created, shop.store.uow() as uow:
        insert_rows(uow.session, Product, [row])
        uow.commit()
    [event] = created.events
    values = event.payload["values"]
    # Columns the row left out travel as the INSERT wrote them (their defaults).
    assert (values["cost_minor"], values["tax_class"], values["active"], values["version"]) == (
        0,
        "standard",
        True,
        1,
    )
    assert values["created_at"] == "2026-03-02T15:00:00+00:00"  # UTC, with its offset
    assert (values["id"], values["deleted_at"], values["is_serialized"]) == (
        str(row["id"]),
        None,
        False,
    )
    with Watch(shop.store) as updated, shop.store.uow() as uow:
        update_rows(
            uow.session,
            Product,
            [{"id": row["id"], "price_minor": 750, "name": "BULK-1"}],
        )
        uow.commit()
    [change] = updated.events  # the same name is no change
    assert (change.payload["values"], change.payload["base"]) == (
        {"price_minor": 750},
        {"price_minor": 500},
    )


def test_an_import_sends_created_and_updated_products_with_their_base(
    tmp_path: Path,
) -> None:
    imp: Importing = open_importing(tmp_path)
    try:
        data = csv("SKU,Name,Price,UPC", "IMP-1,Capo,5,012345678905", "IMP-2,Pick,1,")
        with Watch(imp.store) as first:
            imp.products(data)
        assert first.whats == [
            ("record.saved", "product", True),
            ("record.saved", "product", True),
            ("record.saved", "product_barcode", True),
        ]
        with Watch(imp.store) as second:
            imp.products(csv("SKU,Name,Price,UPC", "IMP-1,Capo,6,4006381333931", "IMP-2,Pick,1,"))
        assert second.whats == [
            ("record.saved", "product", False),
            ("record.deleted", "product_barcode", None),
            ("record.saved", "product_barcode", True),
        ]
        change = second.events[0].payload
        assert (change["values"]["price_minor"], change["base"]["price_minor"]) == (600, 500)
        assert (change["values"]["version"], change["base"]["version"]) == (2, 1)
        with Watch(imp.store) as unchanged:
            imp.products(csv("SKU,Name,Price,UPC", "IMP-1,Capo,6,4006381333931", "IMP-2,Pick,1,"))
        assert unchanged.events == []
        with Watch(imp.store) as dry:
            imp.products(csv("SKU,Name,Price", "IMP-3,Reed,2"), dry_run=True)
        assert dry.events == []
    finally:
        imp.store.close()


def test_pulled_changes_are_not_captured(shop: Shop) -> None:
    with Watch(shop.store) as new, shop.store.uow() as uow:
        uow.session.info[outbox.SYNC_APPLY] = True
        uow.session.add(category(shop, "From the server"))
        insert_rows(uow.session, Product, [_product_row(shop.device.company_id, "SRV-1")])
        [product_id] = shop.product_ids(serialized=False)
        post_movements(
            uow.session,
            shop.manager,
            START,
            [Posting(shop.here, product_id, MovementKind.TRANSFER_IN, 2)],
        )
        with pytest.raises(RuntimeError, match="applying pulled changes"):
            outbox.emit(uow, shop.device.device_id, "drawer.no_sale", {}, START)
        uow.commit()
    assert new.events == []
    with shop.store.read_sessions() as session:
        assert session.scalar(select(Category.id).where(Category.name == "From the server"))
    assert outbox.SYNC_APPLY == "lunarfront.sync_apply"


def test_numbers_taken_early_stay_and_the_rest_follow_in_order(shop: Shop) -> None:
    device = shop.device.device_id
    with Watch(shop.store) as new, shop.store.uow() as uow:
        outbox.emit(uow, device, "drawer.no_sale", {"n": 1}, START)
        [early] = next_values(uow.session, device, "outbox")
        outbox.emit(uow, device, "drawer.pay_in", {"n": 2}, START, sequence=early)
        uow.session.add(category(shop, "Flutes"))
        uow.commit()
    assert [(e.sequence, e.what) for e in new.events] == [
        (new.before + 1, ("drawer.pay_in", None, None)),
        (new.before + 2, ("record.saved", "category", True)),
        (new.before + 3, ("drawer.no_sale", None, None)),
    ]


def test_many_movements_are_split_into_several_events(shop: Shop) -> None:
    [product_id] = shop.product_ids(serialized=False)
    postings = [Posting(shop.here, product_id, MovementKind.RECEIVE, 1)] * (
        2 * MOVEMENTS_PER_EVENT + 5
    )
    with Watch(shop.store) as new, shop.store.uow() as uow:
        post_movements(uow.session, shop.manager, START, postings)
        uow.commit()
    assert [len(e.payload["movements"]) for e in new.events] == [
        MOVEMENTS_PER_EVENT,
        MOVEMENTS_PER_EVENT,
        5,
    ]
    assert len({m["id"] for m in new.movements()}) == len(postings)


class _ServerBase(DeclarativeBase):
    pass


class _ServerProduct(_ServerBase):
    """A table named like a replicated one, on another base (as the sync server has)."""

    __tablename__ = "product"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def test_only_the_registers_own_models_are_captured() -> None:
    engine = create_engine("sqlite://")
    _ServerBase.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(_ServerProduct(id=1, name="not ours"))
        session.commit()  # would fail looking for this register's device if it were captured
        assert session.get(_ServerProduct, 1) is not None
    engine.dispose()


def test_created_at_of_a_barcode_free_product_is_an_aware_utc_time(shop: Shop) -> None:
    with Watch(shop.store) as new, shop.store.uow() as uow:
        barcode = ProductBarcode(
            id=new_id(),
            company_id=shop.device.company_id,
            product_id=shop.product_ids(serialized=False)[0],
            code="96385074",
            symbology="ean_8",
        )
        uow.session.add(barcode)
        uow.commit()
    [event] = new.events
    assert event.payload["values"]["symbology"] == "ean_8"
    with shop.store.read_sessions() as session:
        from db.models import OutboxEvent

        row = session.scalars(
            select(OutboxEvent).where(OutboxEvent.sequence == event.sequence)
        ).one()
    assert row.device_time.tzinfo is UTC
    assert row.device_id == shop.device.device_id
