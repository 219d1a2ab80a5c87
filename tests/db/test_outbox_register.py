"""The register's events: a sale and its stock travel as one fact, numbered with the sale.

Completing takes the receipt number and the sale event's sequence in one statement; the
stock the sale moved goes into that event (`stock_movements`), and a serialized unit's new
status follows as a record, numbered next.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.sales.tenders import TenderKind
from core.services import audit
from core.staff.permissions import Permission
from tests.db.outbox_support import Watch
from tests.db.register_support import Till, open_till, sell, usd


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    opened = open_till(tmp_path, customers=2)
    yield opened
    opened.store.close()


def test_a_sale_carries_the_stock_it_moved_and_nothing_else_is_sent(till: Till) -> None:
    codes = [till.barcode(n=0), till.barcode(n=1)]
    products = [till.product(code).id for code in codes]
    with Watch(till.store) as new:
        done = sell(till, *codes)
    [event] = new.events
    assert event.type == "sale.completed"
    payload = event.payload
    assert payload["sale_id"] == str(done.sale_id)
    moved = payload["stock_movements"]
    assert [(m["product_id"], m["kind"], m["quantity"]) for m in moved] == [
        (str(products[0]), "sale", -1),
        (str(products[1]), "sale", -1),
    ]
    for movement in moved:
        assert movement["reference_id"] == str(done.sale_id)
        assert movement["location_id"] == str(till.device.location_id)
        assert movement["user_id"] == str(till.cashier.user_id)
        assert movement["created_at"] == "2026-03-02T15:00:00+00:00"
        assert set(movement) == {
            "id", "location_id", "product_id", "unit_id", "kind", "quantity",
            "unit_cost_minor", "reason", "reference_type", "reference_id", "user_id",
            "created_at",
        }  # fmt: skip


def test_a_serialized_sale_and_its_void_send_the_unit_after_the_sale(till: Till) -> None:
    code = till.barcode(serialized=True)
    product = till.product(code)
    unit = till.units(product.id)[0]
    with Watch(till.store) as sold:
        view = till.register.add_product(till.cashier, product.id, 1, unit.id)
        till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, view.due)
        done = till.register.complete(till.cashier, view.sale_id)
    assert sold.whats == [
        ("sale.completed", None, None),
        ("record.saved", "inventory_unit", False),
    ]
    completed, status = sold.events
    [movement] = completed.payload["stock_movements"]
    assert (movement["unit_id"], movement["quantity"]) == (str(unit.id), -1)
    assert status.payload["id"] == str(unit.id)
    assert status.payload["values"] == {"status": "sold", "version": 2}
    assert status.payload["base"] == {"status": "available", "version": 1}
    approval = till.approval(Permission.VOID)
    with Watch(till.store) as voided:
        void = till.register.void_completed(till.cashier, done.sale_id, "wrong one", approval)
    assert voided.whats == [
        ("sale.voided", None, None),
        ("record.saved", "inventory_unit", False),
    ]
    assert voided.events[0].payload["sale_id"] == str(void.sale_id)
    [back] = voided.events[0].payload["stock_movements"]
    assert (back["unit_id"], back["quantity"], back["reference_id"]) == (
        str(unit.id),
        1,
        str(void.sale_id),
    )
    assert voided.events[1].payload["values"] == {"status": "available", "version": 3}


def test_held_resumed_and_voided_open_sales_send_their_events_in_order(till: Till) -> None:
    with Watch(till.store) as new:
        view = till.register.scan(till.cashier, till.barcode())
        till.register.hold(till.cashier, view.sale_id)
        till.register.resume(till.cashier, view.sale_id)
        till.register.void_open(till.cashier, view.sale_id, "customer left")
    assert [e.type for e in new.events] == ["sale.held", "sale.resumed", "sale.voided_open"]
    assert "stock_movements" not in new.events[0].payload


def test_a_failed_completion_sends_nothing_and_takes_no_number(
    till: Till, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = till.register.scan(till.cashier, till.barcode())
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CARD, view.due)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(audit, "record", broken)
    with Watch(till.store) as failed, pytest.raises(OSError, match="disk went away"):
        till.register.complete(till.cashier, view.sale_id)
    assert failed.events == []
    monkeypatch.undo()
    with Watch(till.store) as new:
        done = till.register.complete(till.cashier, view.sale_id)
    assert (done.receipt_number, new.events[0].sequence) == ("R1-000001", failed.before + 1)
    assert done.total == usd(view.total.amount)
