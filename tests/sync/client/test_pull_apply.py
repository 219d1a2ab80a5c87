"""Applying pulled pages to a real SQLite store: what a newer server, a record pointing at
something missing, a delete of a row still in use, and stock delivered twice do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from core.clock import FixedClock
from core.records import REPLICATED, record_id
from db.store import Store
from sync.client.pull import apply_pulled_page
from sync.client.pull_search import BULK_ROWS
from sync.protocol import Change, ChangeKind, PullResponse
from tests.support import START, make_demo


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Store]:
    store = make_demo(tmp_path / "shop", products=12, customers=3, with_stock=True)
    yield store
    store.close()


def one(store: Store, sql: str, **params: object) -> Any:
    with store.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def rows(store: Store, sql: str, **params: object) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def ids(store: Store, sql: str) -> list[uuid.UUID]:
    return [uuid.UUID(bytes=row[0]) for row in rows(store, sql)]


def company_of(store: Store) -> uuid.UUID:
    return uuid.UUID(bytes=one(store, "SELECT company_id FROM device_identity"))


def apply(store: Store, *changes: Change, cursor: str = "1:10:1") -> None:
    page = PullResponse(changes=list(changes), cursor=cursor, more=False)
    apply_pulled_page(store.uow, page, company_of(store), FixedClock(START))


def issues(store: Store) -> list[tuple[str, str, str]]:
    return [
        (str(kind), str(event_type), str(message))
        for kind, event_type, message in rows(
            store, "SELECT kind, event_type, message FROM sync_issue ORDER BY created_at, rowid"
        )
    ]


def product_data(store: Store, product_id: uuid.UUID, **changes: object) -> dict[str, object]:
    (row,) = rows(store, "SELECT * FROM product WHERE id = :id", id=product_id.bytes)
    data: dict[str, object] = {}
    for name, value in row._mapping.items():
        if isinstance(value, bytes):
            data[name] = str(uuid.UUID(bytes=value))
        elif name.endswith("_at") and value is not None:
            data[name] = str(value).replace(" ", "T") + "+00:00"
        else:
            data[name] = value
    data.update(changes)
    return data


def upsert(table: str, record: uuid.UUID, data: dict[str, object]) -> Change:
    return Change(kind=ChangeKind.UPSERT, table=table, id=record, data=data)


def test_a_newer_servers_tables_and_columns_are_ignored_and_the_cursor_stored(
    shop: Store,
) -> None:
    product_id = ids(shop, "SELECT id FROM product ORDER BY sku LIMIT 1")[0]
    data = product_data(shop, product_id, name="Renamed", loyalty_points=12)
    apply(
        shop,
        upsert("rental_contract", uuid.uuid4(), {"id": "x"}),
        upsert("product", product_id, data),
        cursor="1:77:5",
    )
    assert one(shop, "SELECT name FROM product WHERE id = :id", id=product_id.bytes) == "Renamed"
    assert one(shop, "SELECT pull_cursor FROM sync_state") == "1:77:5"
    assert issues(shop) == []
    assert (
        one(
            shop,
            "SELECT count(*) FROM outbox_event WHERE type = 'record.saved' AND "
            "payload LIKE '%Renamed%'",
        )
        == 0
    )  # nothing pulled is sent back


def test_local_only_columns_are_never_overwritten_and_take_defaults_on_insert(
    shop: Store,
) -> None:
    user_id = ids(shop, "SELECT id FROM app_user WHERE username = 'jamie'")[0]
    with shop.engine.begin() as connection:
        connection.execute(
            text("UPDATE app_user SET failed_attempts = 3 WHERE id = :id"), {"id": user_id.bytes}
        )
    (row,) = rows(shop, "SELECT * FROM app_user WHERE id = :id", id=user_id.bytes)
    data = {
        name: (str(uuid.UUID(bytes=value)) if isinstance(value, bytes) else value)
        for name, value in row._mapping.items()
        if not name.endswith("_at")
    }
    data.update(display_name="Jamie R.", failed_attempts=0, last_login_at=None)
    newcomer = uuid.uuid4()
    fresh = {
        **data,
        "id": str(newcomer),
        "username": "casey",
        "username_key": "casey",
        "failed_attempts": 9,
        "created_at": START.isoformat(),
        "updated_at": START.isoformat(),
    }
    apply(shop, upsert("app_user", user_id, data), upsert("app_user", newcomer, fresh))
    assert issues(shop) == []
    kept = rows(
        shop, "SELECT display_name, failed_attempts FROM app_user WHERE id = :id", id=user_id.bytes
    )
    assert kept == [("Jamie R.", 3)]
    assert one(shop, "SELECT failed_attempts FROM app_user WHERE id = :id", id=newcomer.bytes) == 0


@pytest.mark.parametrize("padding", [0, BULK_ROWS], ids=["small page", "bulk page"])
def test_a_record_pointing_at_something_missing_is_not_saved_and_the_rest_is(
    shop: Store, padding: int
) -> None:
    existing, template = ids(
        shop, "SELECT id FROM product WHERE is_serialized = 0 ORDER BY sku LIMIT 2"
    )
    old_category = one(shop, "SELECT category_id FROM product WHERE id = :id", id=existing.bytes)
    nowhere = str(uuid.uuid4())
    orphan = uuid.uuid4()
    fine = uuid.uuid4()
    orphan_data = product_data(shop, template, id=str(orphan), sku="ORPHAN", category_id=nowhere)
    fine_data = product_data(shop, template, id=str(fine), sku="FINE-1")
    moved = product_data(shop, existing, category_id=nowhere, name="Moved away")
    more = []
    for n in range(padding):  # enough rows for the search index to be kept in bulk
        extra = uuid.uuid4()
        more.append(upsert("product", extra, {**fine_data, "id": str(extra), "sku": f"P{n}"}))
    apply(
        shop,
        upsert("product", orphan, orphan_data),
        upsert("product", existing, moved),
        upsert("product", fine, fine_data),
        *more,
        cursor="1:12:3",
    )
    assert one(shop, "SELECT count(*) FROM product WHERE id = :id", id=orphan.bytes) == 0
    assert one(shop, "SELECT count(*) FROM product WHERE id = :id", id=fine.bytes) == 1
    back = rows(shop, "SELECT category_id, name FROM product WHERE id = :id", id=existing.bytes)
    assert back[0][0] == old_category  # put back as it was
    assert back[0][1] != "Moved away"
    found = issues(shop)
    assert [kind for kind, _type, _message in found] == ["error", "error"]
    assert all("refers to a category this register does not have" in m for _k, _t, m in found)
    assert one(shop, "SELECT pull_cursor FROM sync_state") == "1:12:3"
    with shop.engine.begin() as connection:  # the search index agrees with the table
        connection.exec_driver_sql(
            "INSERT INTO product_search(product_search, rank) VALUES ('integrity-check', 1)"
        )
    search = "SELECT count(*) FROM product_search WHERE product_search MATCH :words"
    assert one(shop, search, words='"Moved away"') == 0
    assert one(shop, search, words='"ORPHAN"') == 0


def test_a_delete_of_a_row_still_in_use_is_kept_and_reported(shop: Store) -> None:
    stocked = ids(shop, "SELECT DISTINCT product_id FROM stock_movement LIMIT 1")[0]
    barcode = ids(shop, "SELECT id FROM product_barcode ORDER BY code LIMIT 1")[0]
    apply(
        shop,
        Change(kind=ChangeKind.DELETE, table="product", id=stocked),
        Change(kind=ChangeKind.DELETE, table="product_barcode", id=barcode),
        Change(kind=ChangeKind.DELETE, table="supplier", id=uuid.uuid4()),  # not here: nothing
    )
    assert one(shop, "SELECT count(*) FROM product WHERE id = :id", id=stocked.bytes) == 1
    assert one(shop, "SELECT count(*) FROM product_barcode WHERE id = :id", id=barcode.bytes) == 0
    ((kind, event_type, message),) = issues(shop)
    assert (kind, event_type) == ("error", "pulled product")
    assert "deleted a product that this register still uses" in message


def test_a_composite_key_record_is_saved_and_deleted_by_its_travel_id(shop: Store) -> None:
    company = company_of(shop)
    table = REPLICATED["company_setting"]
    travel = record_id(table, {"company_id": company, "key": "receipt.footer"})
    data = {
        "company_id": str(company),
        "key": "receipt.footer",
        "value": '"Thanks!"',
        "updated_at": START.isoformat(),
    }
    apply(shop, upsert("company_setting", travel, data))
    footer = "SELECT value FROM company_setting WHERE key = 'receipt.footer'"
    assert one(shop, footer) == '"Thanks!"'
    apply(shop, Change(kind=ChangeKind.DELETE, table="company_setting", id=travel))
    assert one(shop, footer) is None


def movement(product: uuid.UUID, location: uuid.UUID, quantity: int, **extra: object) -> Change:
    movement_id = uuid.uuid4()
    data: dict[str, object] = {
        "id": str(movement_id),
        "location_id": str(location),
        "product_id": str(product),
        "unit_id": None,
        "kind": "adjustment",
        "quantity": quantity,
        "unit_cost_minor": 500,
        "reason": "recount",
        "reference_type": "",
        "reference_id": None,
        "user_id": str(uuid.uuid4()),  # a user this register does not have
        "created_at": (START + timedelta(minutes=5)).isoformat(),
    }
    data.update(extra)
    return Change(
        kind=ChangeKind.STOCK,
        table="stock_movement",
        id=movement_id,
        location_id=location,
        data=data,
        origin_device_id=uuid.uuid4(),
    )


def test_stock_from_another_register_moves_levels_once_even_if_delivered_twice(
    shop: Store,
) -> None:
    product = ids(shop, "SELECT id FROM product WHERE is_serialized = 0 ORDER BY sku LIMIT 1")[0]
    location = uuid.UUID(bytes=one(shop, "SELECT location_id FROM device_identity"))
    level = "SELECT on_hand FROM stock_level WHERE product_id = :p AND location_id = :l"
    before = one(shop, level, p=product.bytes, l=location.bytes) or 0
    first, second = movement(product, location, 4), movement(product, location, -1)
    apply(shop, first, second, cursor="1:20:1")
    apply(shop, second, cursor="1:21:1")  # the same movement again (a page applied twice)
    assert one(shop, level, p=product.bytes, l=location.bytes) == before + 3
    ledger = "SELECT sum(quantity) FROM stock_movement WHERE product_id = :p AND location_id = :l"
    assert one(shop, ledger, p=product.bytes, l=location.bytes) == before + 3
    stored = rows(
        shop, "SELECT user_id, unit_id FROM stock_movement WHERE id = :id", id=first.id.bytes
    )
    assert stored == [(None, None)]
    assert issues(shop) == []


def test_stock_that_cannot_be_applied_is_reported_and_skipped(shop: Store) -> None:
    product = ids(shop, "SELECT id FROM product ORDER BY sku LIMIT 1")[0]
    location = uuid.UUID(bytes=one(shop, "SELECT location_id FROM device_identity"))
    apply(
        shop,
        movement(uuid.uuid4(), location, 2),
        movement(product, uuid.uuid4(), 2),
        movement(product, location, 2, kind="teleport"),
        movement(product, location, 0),
        movement(product, location, "two"),
    )
    messages = sorted(message.split(": ", 1)[1] for _kind, _type, message in issues(shop))
    assert messages == [
        "its location is not on this register.",
        "its product is not on this register.",
        "its quantity is unreadable (not a whole number).",
        "its quantity is zero.",
        "“teleport” is not a kind of stock movement this register knows.",
    ]


def test_an_unreadable_record_is_reported_and_skipped(shop: Store) -> None:
    product = ids(shop, "SELECT id FROM product ORDER BY sku LIMIT 1")[0]
    price = "SELECT price_minor FROM product WHERE id = :id"
    before = one(shop, price, id=product.bytes)
    apply(shop, upsert("product", product, product_data(shop, product, price_minor="12.50")))
    assert one(shop, price, id=product.bytes) == before
    ((kind, event_type, message),) = issues(shop)
    assert (kind, event_type) == ("error", "pulled product")
    assert "its price minor is unreadable" in message


def test_a_large_page_keeps_the_search_indexes_exact(shop: Store) -> None:
    company = str(company_of(shop))
    existing = ids(shop, "SELECT id FROM product ORDER BY sku")
    template = product_data(shop, existing[0])
    renamed = [
        upsert("product", product, product_data(shop, product, name=f"Renamed flute {n}"))
        for n, product in enumerate(existing)
    ]
    new = []
    for n in range(BULK_ROWS + 100):
        product = uuid.uuid4()
        data = {**template, "id": str(product), "sku": f"NEW-{n:05d}", "name": f"Oboe reed {n}"}
        new.append(upsert("product", product, data))
    customers = [
        upsert(
            "customer_account",
            account,
            {
                "id": str(account),
                "company_id": company,
                "account_number": f"Z{n:06d}",
                "name": f"Zephyr Quartet {n}",
                "created_at": START.isoformat(),
                "updated_at": START.isoformat(),
            },
        )
        for n, account in enumerate(uuid.uuid4() for _ in range(BULK_ROWS))
    ]
    apply(shop, *renamed, *new, *customers)
    assert issues(shop) == []
    with shop.engine.begin() as connection:  # raises if an index disagrees with its table
        for index in ("product_search", "customer_search"):
            connection.exec_driver_sql(
                f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)"
            )
    search = "SELECT count(*) FROM product_search WHERE product_search MATCH :words"
    assert one(shop, search, words='"Renamed flute"') == len(existing)
    assert one(shop, search, words='"Oboe reed"') == BULK_ROWS + 100
    found = "SELECT count(*) FROM customer_search WHERE customer_search MATCH :words"
    assert one(shop, found, words='"Zephyr Quartet"') == BULK_ROWS
    triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%'"
    assert one(shop, triggers) == 6
    with shop.engine.begin() as connection:  # the triggers are back and working
        connection.execute(
            text("UPDATE product SET name = 'Solo kazoo' WHERE id = :id"), {"id": existing[0].bytes}
        )
    assert one(shop, search, words='"Solo kazoo"') == 1
    assert one(shop, search, words='"Renamed flute"') == len(existing) - 1
