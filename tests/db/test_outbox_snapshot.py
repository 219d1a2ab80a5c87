"""`snapshot_all`: every replicated row once, as created, in dependency order, numbered on."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from core.money import Money
from core.records import REPLICATED_TABLES, record_id
from core.services import outbox, outbox_snapshot
from core.services.credentials import fast_hasher_for_tests
from core.services.drawer import DrawerService
from core.services.outbox_values import full_values, key_of, shape_of_table, to_json
from core.services.staff import StaffService
from core.staff.permissions import Permission
from tests.db.catalog_support import Shop, open_shop
from tests.db.outbox_support import Watch, counter
from tests.support import START


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    opened = open_shop(tmp_path, products=30)
    # A company setting (keyed by two columns), a permission override and a serialized
    # unit, so every replicated table has rows.
    DrawerService(opened.store.uow, opened.store.read_sessions, opened.clock).save_settings(
        opened.manager, [2000, 100], True, Money(100, "USD")
    )
    StaffService(
        opened.store.uow, opened.store.read_sessions, opened.clock, fast_hasher_for_tests()
    ).set_permission(opened.manager, opened.cashier.user_id, Permission.IMPORT, True)
    [guitar] = opened.product_ids(serialized=True)
    opened.catalog.add_unit(
        opened.manager, guitar, "SN-1", "new", Money(1000, "USD"), location_id=opened.here
    )
    yield opened
    opened.store.close()


def every_row(shop: Shop) -> dict[str, dict[str, dict[str, Any]]]:
    """table -> record id -> values, straight from SQLite."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    with shop.store.read_sessions() as session:
        for table in REPLICATED_TABLES:
            shape = shape_of_table(table.name)
            assert shape is not None
            rows = session.execute(select(*(shape.table.c[c] for c in shape.columns)))
            found[table.name] = {}
            for values in rows:
                row = dict(zip(shape.columns, values, strict=True))
                found[table.name][str(key_of(shape, row))] = json.loads(
                    to_json(full_values(shape, row))
                )
    return found


def test_every_replicated_row_is_sent_once_as_created(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_snapshot, "PAGE_ROWS", 7)  # several pages per table
    with shop.store.uow() as uow:
        # Times as SQLAlchemy writes them, with microseconds, and as another writer might.
        uow.session.execute(
            text(
                "UPDATE product SET updated_at = CASE WHEN rowid % 2 = 0 "
                "THEN '2026-03-03 09:30:00.123456' ELSE '2026-03-03 09:30:00' END"
            )
        )
        uow.commit()
    rows = every_row(shop)
    stamps = {v["updated_at"] for v in rows["product"].values()}
    assert stamps == {"2026-03-03T09:30:00.123456+00:00", "2026-03-03T09:30:00+00:00"}
    assert all(rows[t.name] for t in REPLICATED_TABLES)
    with Watch(shop.store) as new, shop.store.uow() as uow:
        sent = outbox.snapshot_all(uow, shop.device.device_id, START)
        uow.commit()
    assert sent == len(new.events) == sum(len(r) for r in rows.values())
    assert {e.type for e in new.events} == {"record.saved"}
    order = [t.name for t in REPLICATED_TABLES]
    position = {name: n for n, name in enumerate(order)}
    tables = [str(e.table) for e in new.events]
    assert tables == sorted(tables, key=position.__getitem__)  # dependency order
    got: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in order}
    for event in new.events:
        assert (event.payload["created"], event.payload["base"]) == (True, {})
        table = got[str(event.table)]
        assert event.payload["id"] not in table
        table[event.payload["id"]] = event.payload["values"]
    assert got == rows
    settings = rows["company_setting"]
    for key, values in settings.items():
        ids = {"company_id": uuid.UUID(values["company_id"]), "key": values["key"]}
        assert key == str(record_id(REPLICATED_TABLES[3], ids))


def test_a_snapshot_in_a_rolled_back_transaction_leaves_nothing(shop: Shop) -> None:
    before = counter(shop.store)
    with shop.store.uow() as uow:
        assert outbox.snapshot_all(uow, shop.device.device_id, START) > 0
    assert counter(shop.store) == before
    with Watch(shop.store) as new, shop.store.uow() as uow:
        # Events pending in the same transaction go out after the snapshot, numbered on.
        outbox.emit(uow, shop.device.device_id, "drawer.no_sale", {}, START)
        sent = outbox.snapshot_all(uow, shop.device.device_id, START)
        uow.commit()
    assert [e.sequence for e in new.events] == list(range(before + 1, before + sent + 2))
    assert new.events[-1].type == "drawer.no_sale"
