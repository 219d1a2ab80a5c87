"""Pulling from a real sync server: records, deletes and stock from another register."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.catalog.products import ProductDraft
from core.customers.rules import CustomerDraft
from core.money import Money
from core.services.stock_rows import ReceiveLine
from db.models import SyncState
from tests.sync.client.shops import Till, forget_cached_chart, founding_till, second_till
from tests.sync.client.support import MemoryKeyring
from tests.sync.fixtures import LiveServer


def first_plain_product(till: Till) -> uuid.UUID:
    value = till.register.scalar(
        "SELECT id FROM product WHERE is_serialized = 0 AND deleted_at IS NULL ORDER BY sku"
    )
    assert isinstance(value, bytes)
    return uuid.UUID(bytes=value)


def barcodes_of(till: Till, product_id: uuid.UUID) -> set[str]:
    with till.register.store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT code FROM product_barcode WHERE product_id = ?", (product_id.bytes,)
        )
        return {str(code) for (code,) in rows}


def _draft_of(till: Till, product_id: uuid.UUID) -> tuple[ProductDraft, int]:
    detail = till.catalog.product_detail(product_id, till.location_id)
    draft = ProductDraft(
        sku=detail.sku,
        name=detail.name,
        category_id=detail.category_id,
        supplier_id=detail.supplier_id,
        price=detail.price,
        cost=detail.cost,
        tax_class=detail.tax_class,
        is_serialized=detail.is_serialized,
        reorder_point=detail.reorder_point,
        active=detail.active,
        barcodes=tuple(row.code for row in detail.barcodes),
    )
    return draft, detail.version


@pytest.fixture
def front(live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path) -> Iterator[Till]:
    till = founding_till(live_server, tmp_path / "front")
    yield till
    till.close()


@pytest.fixture
def back(live_server: LiveServer, front: Till, tmp_path: Path) -> Iterator[Till]:
    till = second_till(live_server, front, tmp_path / "back")
    yield till
    till.close()


REPLICATED_HERE = (
    "app_user",
    "product",
    "product_barcode",
    "category",
    "customer_account",
    "customer_member",
    "tax_rate",
    "inventory_unit",
    "company_setting",
)


def test_a_second_register_gets_the_whole_store_then_every_change(front: Till, back: Till) -> None:
    for name in REPLICATED_HERE:
        assert back.register.count(name) == front.register.count(name), name
    assert back.stock_view() == front.stock_view()
    assert back.register.count("outbox_event") == 0  # what it pulled is not sent back

    # The front register edits a price and a barcode, receives stock, adds a customer.
    product_id = first_plain_product(front)
    draft, version = _draft_of(front, product_id)
    changed = replace(
        draft, price=Money(draft.price.amount + 111, "USD"), barcodes=("9990001112226",)
    )
    front.catalog.update_product(front.manager, product_id, changed, version)
    lines = [ReceiveLine(product_id, 5, Money(1000, "USD"))]
    front.stock.receive(front.manager, front.location_id, None, "PO-7", lines)
    front.customers.create(front.manager, CustomerDraft(name="Pat Quinn", email="p@example.com"))
    front.sync()
    back.sync()

    price = back.register.scalar(
        "SELECT price_minor FROM product WHERE id = :id", id=product_id.bytes
    )
    assert price == draft.price.amount + 111
    assert barcodes_of(back, product_id) == {"9990001112226"}  # the old one was deleted
    named = "SELECT count(*) FROM customer_account WHERE name = 'Pat Quinn'"
    assert back.register.scalar(named) == 1
    assert back.stock_view() == front.stock_view()

    # Stock moved at the back register reaches the front one: both converge.
    forget_cached_chart()
    back.stock.adjust(back.manager, back.location_id, product_id, -2, "damaged")
    back.sync()
    front.sync()
    assert back.stock_view() == front.stock_view()
    levels, ledger = front.stock_view()
    assert levels == ledger  # the cached levels still equal the ledger
    assert back.register.engine.status().issues == 0
    assert front.register.engine.status().issues == 0


def test_the_same_sku_made_on_two_registers_offline_is_reported_not_stuck(
    front: Till, back: Till
) -> None:
    template, _version = _draft_of(front, first_plain_product(front))
    twin = replace(template, sku="DUP-1", name="Capo (front)", barcodes=())
    front.catalog.create_product(front.manager, twin)
    back.catalog.create_product(back.manager, replace(twin, name="Capo (back)"))
    front.customers.create(front.manager, CustomerDraft(name="Sam Lee"))
    front.sync()
    back.sync()
    front.sync()
    for till in (front, back):
        (issue,) = till.register.engine.issues()
        assert issue.kind == "error"
        assert issue.event_type == "pulled product"
        assert "another record here already has the same sku" in issue.message
        assert till.register.engine.status().last_error is None
    # The rest of the page still landed.
    assert back.register.scalar("SELECT count(*) FROM customer_account WHERE name = 'Sam Lee'") == 1


def test_a_cursor_the_server_refuses_starts_the_pull_over_without_counting_twice(
    front: Till, back: Till
) -> None:
    before = back.stock_view()
    with back.register.store.uow() as uow:
        state = uow.session.get(SyncState, 1)
        assert state is not None
        state.pull_cursor = "2:cursor-of-another-server"  # e.g. the server was replaced
        uow.commit()
    report = back.register.engine.sync_once()
    assert report.status.last_error is None
    assert report.pulled > 0  # everything again …
    assert back.stock_view() == before  # … and stock counted once
    for name in REPLICATED_HERE:
        assert back.register.count(name) == front.register.count(name), name
