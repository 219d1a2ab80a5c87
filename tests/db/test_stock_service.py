"""The stock service against a real SQLite store: the ledger explains every unit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from core.catalog.products import CatalogError
from core.catalog.stock import AdjustmentReason, MovementKind, StockError, UnitCondition, UnitStatus
from core.services.stock_ledger import Posting, post_movement
from core.services.stock_rows import ReceiveLine
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import StockMovement, StockReceipt
from db.models.inventory import MOVEMENT_KINDS, UNIT_CONDITIONS, UNIT_STATUSES
from tests.db.catalog_support import Shop, open_shop, usd


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    opened = open_shop(tmp_path)
    yield opened
    opened.store.close()


def test_enums_match_the_database_check_constraints() -> None:
    assert tuple(MovementKind) == MOVEMENT_KINDS
    assert tuple(UnitStatus) == UNIT_STATUSES
    assert tuple(UnitCondition) == UNIT_CONDITIONS


def receive(shop: Shop, product_id: object, quantity: int, cost: int = 450) -> object:
    line = ReceiveLine(product_id, quantity, usd(cost))  # type: ignore[arg-type]
    return shop.stock.receive(shop.manager, shop.here, None, "PO-1", [line])


# -- receiving ----------------------------------------------------------------------------


def test_receive_creates_a_receipt_movements_levels_and_an_audit_row(shop: Shop) -> None:
    strings, picks = shop.product_ids(serialized=False, count=2)
    supplier = shop.catalog.suppliers()[0].id
    receipt_id = shop.stock.receive(
        shop.cashier,  # receiving is a cashier's job: no approval needed
        shop.here,
        supplier,
        " INV-2026-17 ",
        [ReceiveLine(strings, 12, usd(325)), ReceiveLine(picks, 5, usd(90))],
    )
    assert shop.stock.on_hand(strings, shop.here) == 12
    assert shop.stock.on_hand(picks, shop.here) == 5
    [movement] = shop.stock.movements(strings)
    assert (movement.kind, movement.quantity, movement.unit_cost) == ("receive", 12, usd(325))
    assert (movement.reference_type, movement.reference_id) == ("stock_receipt", receipt_id)
    assert movement.user_name == "Jamie Chen"
    with shop.store.read_sessions() as session:
        receipt = session.get(StockReceipt, receipt_id)
        assert receipt is not None
        assert (receipt.supplier_id, receipt.supplier_reference) == (supplier, "INV-2026-17")
    [entry] = shop.audit("stock.receive")
    assert [line["quantity"] for line in json.loads(entry.after)["lines"]] == [12, 5]
    # The product's list cost is left alone.
    assert shop.catalog.product_detail(strings, shop.here).cost != usd(325)


@pytest.mark.parametrize(
    ("quantity", "message"), [(0, "at least 1"), (-3, "at least 1"), (10**7, "at most")]
)
def test_receive_refuses_bad_quantities(shop: Shop, quantity: int, message: str) -> None:
    [product] = shop.product_ids(serialized=False)
    with pytest.raises(StockError, match=message):
        receive(shop, product, quantity)


def test_a_bad_line_leaves_nothing_half_received(shop: Shop) -> None:
    good, _ = shop.product_ids(serialized=False, count=2)
    [guitar] = shop.product_ids(serialized=True)
    lines = [ReceiveLine(good, 3, usd(100)), ReceiveLine(guitar, 1, usd(100))]
    with pytest.raises(StockError, match="serialized"):
        shop.stock.receive(shop.manager, shop.here, None, "", lines)
    lines = [ReceiveLine(good, 3, usd(100)), ReceiveLine(good, 1, usd(-100))]
    with pytest.raises(CatalogError, match="cost cannot be negative"):
        shop.stock.receive(shop.manager, shop.here, None, "", lines)
    with pytest.raises(StockError, match="at least one item"):
        shop.stock.receive(shop.manager, shop.here, None, "", [])
    assert shop.stock.on_hand(good, shop.here) == 0
    assert shop.stock.movements(good) == []
    assert shop.audit("stock.receive") == []


# -- adjusting ----------------------------------------------------------------------------


def test_adjust_needs_a_reason_and_never_goes_below_zero(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 4)
    assert shop.stock.adjust(shop.manager, shop.here, product, -1, "damaged", "cracked") == 3
    with pytest.raises(StockError, match="Choose a reason"):
        shop.stock.adjust(shop.manager, shop.here, product, -1, "")
    with pytest.raises(StockError, match=r"Only 3 .* would leave -2"):
        shop.stock.adjust(shop.manager, shop.here, product, -5, AdjustmentReason.LOST)
    with pytest.raises(StockError, match="changes nothing"):
        shop.stock.adjust(shop.manager, shop.here, product, 0, AdjustmentReason.FOUND)
    assert shop.stock.on_hand(product, shop.here) == 3
    [entry] = shop.audit("stock.adjust")
    assert entry.reason == "damaged: cracked"
    assert (json.loads(entry.before)["on_hand"], json.loads(entry.after)["on_hand"]) == (4, 3)


def test_a_cashier_adjusting_stock_needs_a_managers_approval(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 4)
    with pytest.raises(PermissionDeniedError, match="may not adjust or count stock"):
        shop.stock.adjust(shop.cashier, shop.here, product, -1, AdjustmentReason.THEFT)
    approval = shop.approval(Permission.ADJUST_STOCK)
    shop.stock.adjust(
        shop.cashier, shop.here, product, -1, AdjustmentReason.THEFT, approval=approval
    )
    [entry] = shop.audit("stock.adjust")
    assert (entry.user_id, entry.approved_by_id) == (shop.cashier.user_id, shop.manager.user_id)


# -- transferring -------------------------------------------------------------------------


def test_transfer_posts_out_and_in_together(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    east = shop.add_location("EAST", "East Side")
    receive(shop, product, 6)
    transfer_id = shop.stock.transfer(shop.manager, shop.here, east, product, 4)
    assert shop.stock.on_hand(product, shop.here) == 2
    assert shop.stock.on_hand(product, east) == 4
    out, into = shop.stock.movements(product, shop.here)[0], shop.stock.movements(product, east)[0]
    assert (out.kind, out.quantity, into.kind, into.quantity) == (
        "transfer_out",
        -4,
        "transfer_in",
        4,
    )
    assert out.reference_id == into.reference_id == transfer_id
    with pytest.raises(StockError, match="Only 2"):
        shop.stock.transfer(shop.manager, shop.here, east, product, 3)
    with pytest.raises(StockError, match="two different locations"):
        shop.stock.transfer(shop.manager, east, east, product, 1)
    with pytest.raises(PermissionDeniedError):
        shop.stock.transfer(shop.cashier, east, shop.here, product, 1)


# -- counting -----------------------------------------------------------------------------


def test_a_count_posts_the_difference_recorded_when_counting(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 10)
    count_id = shop.stock.start_count(shop.cashier, shop.here)
    shop.stock.record_count(shop.cashier, count_id, product, 9)
    shop.stock.record_count(shop.cashier, count_id, product, 7)  # recounted: replaces the line
    # Two sold after the shelf was counted: the count must not undo those sales.
    with shop.store.uow() as uow:
        posting = Posting(shop.here, product, MovementKind.SALE, -2)
        post_movement(uow.session, shop.manager, shop.clock.now(), posting)
        uow.commit()
    with pytest.raises(PermissionDeniedError):
        shop.stock.complete_count(shop.cashier, count_id)
    [line] = shop.stock.complete_count(shop.manager, count_id)
    assert (line.expected, line.counted, line.difference) == (10, 7, -3)
    assert shop.stock.on_hand(product, shop.here) == 5
    newest = shop.stock.movements(product)[0]
    assert (newest.kind, newest.quantity, newest.reference_id) == ("count", -3, count_id)
    with pytest.raises(StockError, match="already completed"):
        shop.stock.complete_count(shop.manager, count_id)
    with pytest.raises(StockError, match="already completed"):
        shop.stock.record_count(shop.manager, count_id, product, 1)
    [entry] = shop.audit("stock.count_complete")
    assert entry.approved_by_id is None


def test_a_count_without_differences_posts_nothing(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 3)
    count_id = shop.stock.start_count(shop.manager, shop.here)
    shop.stock.record_count(shop.manager, count_id, product, 3)
    approval = shop.approval(Permission.ADJUST_STOCK)
    [line] = shop.stock.complete_count(shop.cashier, count_id, approval=approval)
    assert line.difference == 0
    assert len(shop.stock.movements(product)) == 1
    [entry] = shop.audit("stock.count_complete")
    assert entry.approved_by_id == shop.manager.user_id


def test_counts_refuse_bad_input(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    [guitar] = shop.product_ids(serialized=True)
    count_id = shop.stock.start_count(shop.manager, shop.here)
    with pytest.raises(StockError, match="cannot be negative"):
        shop.stock.record_count(shop.manager, count_id, product, -1)
    with pytest.raises(StockError, match="serialized"):
        shop.stock.record_count(shop.manager, count_id, guitar, 1)
    with pytest.raises(StockError, match="does not exist"):
        shop.stock.record_count(shop.manager, product, product, 1)
    with pytest.raises(CatalogError, match="location does not exist"):
        shop.stock.start_count(shop.manager, product)


# -- the history that explains every unit -------------------------------------------------


def test_movements_explain_every_unit(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 24)
    shop.clock.advance(timedelta(hours=1))
    count_id = shop.stock.start_count(shop.manager, shop.here)
    shop.stock.record_count(shop.manager, count_id, product, 22)
    shop.stock.complete_count(shop.manager, count_id)
    shop.clock.advance(timedelta(hours=1))
    shop.stock.adjust(shop.manager, shop.here, product, -3, AdjustmentReason.DAMAGED, "water")
    shop.stock.adjust(shop.manager, shop.here, product, 1, AdjustmentReason.FOUND)

    history = shop.stock.movements(product, shop.here)
    on_hand = shop.stock.on_hand(product, shop.here)
    assert on_hand == shop.stock.ledger_on_hand(product, shop.here) == 20
    assert [(m.kind, m.quantity, m.balance) for m in history] == [
        ("adjustment", 1, 20),
        ("adjustment", -3, 19),
        ("count", -2, 22),
        ("receive", 24, 24),
    ]
    assert history[0].balance == on_hand
    assert history[-1].balance - history[-1].quantity == 0
    assert [m.reason for m in history[:2]] == ["found", "damaged: water"]
    assert {m.user_name for m in history} == {"Morgan Lee"}
    # A cut-off history still ends at on hand.
    assert [m.balance for m in shop.stock.movements(product, limit=2)] == [20, 19]


def test_reorder_list(shop: Shop) -> None:
    rows = {r.product_id: r for r in shop.stock.reorder_list(shop.here)}
    [product] = shop.product_ids(serialized=False)
    point = shop.catalog.product_detail(product, shop.here).reorder_point
    assert rows[product].on_hand == 0
    assert rows[product].suggested == 2 * point
    receive(shop, product, point + 1)
    assert product not in {r.product_id for r in shop.stock.reorder_list(shop.here)}
    assert all(r.reorder_point > 0 and r.on_hand <= r.reorder_point for r in rows.values())


# -- the ledger is append-only ------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_a_movement(shop: Shop) -> None:
    [product] = shop.product_ids(serialized=False)
    receive(shop, product, 2)
    for statement in ("UPDATE stock_movement SET quantity = 99", "DELETE FROM stock_movement"):
        with shop.store.uow() as uow, pytest.raises(DatabaseError, match="append-only"):
            uow.session.execute(text(statement))
    with shop.store.read_sessions() as session:
        assert session.scalars(select(StockMovement.quantity)).all() == [2]
