"""Stock rules: the kinds and statuses match the database, quantities are checked plainly."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.catalog.products import MAX_QUANTITY, CatalogError
from core.catalog.stock import (
    AdjustmentReason,
    MovementKind,
    StockError,
    UnitCondition,
    check_adjust_quantity,
    check_condition,
    check_counted,
    check_note,
    check_reason,
    check_receive_quantity,
    check_serial_number,
    check_transfer,
    count_difference,
    movement_reason,
    suggested_order_quantity,
)

A, B = uuid.uuid4(), uuid.uuid4()


def test_movement_kinds() -> None:
    # The database's check constraint is compared in tests/db/test_stock_service.py.
    assert MovementKind.TRANSFER_OUT.label == "Transfer out"
    assert len(set(MovementKind)) == 10


def test_adjustment_reasons() -> None:
    assert [r.value for r in AdjustmentReason] == [
        "damaged",
        "lost",
        "found",
        "theft",
        "correction",
        "other",
    ]
    assert check_reason("theft") is AdjustmentReason.THEFT
    for bad in ("", "because", "DAMAGED "):
        with pytest.raises(StockError, match="Choose a reason"):
            check_reason(bad)


def test_stock_errors_are_catalog_errors() -> None:
    assert issubclass(StockError, CatalogError)


@pytest.mark.parametrize("quantity", [1, 12, MAX_QUANTITY])
def test_receive_takes_positive_quantities(quantity: int) -> None:
    assert check_receive_quantity(quantity) == quantity


@pytest.mark.parametrize(
    ("quantity", "message"),
    [(0, "at least 1"), (-4, "at least 1"), (MAX_QUANTITY + 1, "at most"), (True, "whole")],
)
def test_receive_refuses(quantity: int, message: str) -> None:
    with pytest.raises(StockError, match=message):
        check_receive_quantity(quantity)


def test_adjust_takes_any_non_zero_quantity() -> None:
    assert check_adjust_quantity(-3) == -3
    assert check_adjust_quantity(5) == 5
    with pytest.raises(StockError, match="changes nothing"):
        check_adjust_quantity(0)
    with pytest.raises(StockError, match="at most"):
        check_adjust_quantity(-(MAX_QUANTITY + 1))
    with pytest.raises(StockError, match="whole number"):
        check_adjust_quantity(1.5)  # type: ignore[arg-type]


def test_transfer_needs_two_locations_and_a_positive_quantity() -> None:
    assert check_transfer(A, B, 2) == 2
    with pytest.raises(StockError, match="two different locations"):
        check_transfer(A, A, 2)
    with pytest.raises(StockError, match="at least 1"):
        check_transfer(A, B, 0)
    with pytest.raises(StockError, match="at least 1"):
        check_transfer(A, B, -2)


@given(st.integers(-MAX_QUANTITY, MAX_QUANTITY), st.integers(0, MAX_QUANTITY))
def test_count_difference_brings_expected_to_counted(expected: int, counted: int) -> None:
    assert expected + count_difference(expected, counted) == counted


def test_count_refuses_negative_counts() -> None:
    assert check_counted(0) == 0
    with pytest.raises(StockError, match="count 0"):
        count_difference(5, -1)


def test_notes_and_reasons() -> None:
    assert check_note("  dropped off the stand ") == "dropped off the stand"
    with pytest.raises(StockError, match="at most 180"):
        check_note("x" * 181)
    with pytest.raises(StockError, match="line break"):
        check_note("two\nlines")
    assert movement_reason(AdjustmentReason.DAMAGED) == "damaged"
    assert movement_reason(AdjustmentReason.DAMAGED, "neck crack") == "damaged: neck crack"


def test_serial_numbers_and_conditions() -> None:
    assert check_serial_number("  US21045678 ") == "US21045678"
    with pytest.raises(StockError, match="needs its serial number"):
        check_serial_number("  ")
    with pytest.raises(StockError, match="at most 64"):
        check_serial_number("S" * 65)
    with pytest.raises(StockError, match="hidden character"):
        check_serial_number("SN\x00123")
    assert check_condition("good") is UnitCondition.GOOD
    with pytest.raises(StockError, match="not a condition"):
        check_condition("mint")


@pytest.mark.parametrize(
    ("on_hand", "point", "suggested"),
    [(0, 5, 10), (5, 5, 5), (6, 5, 0), (-2, 5, 12), (3, 0, 0)],
)
def test_suggested_order_quantity(on_hand: int, point: int, suggested: int) -> None:
    assert suggested_order_quantity(on_hand, point) == suggested


@given(st.integers(-100, 1000), st.integers(1, 1000))
def test_a_suggested_order_lifts_stock_above_the_reorder_point(on_hand: int, point: int) -> None:
    suggested = suggested_order_quantity(on_hand, point)
    if on_hand <= point:
        assert on_hand + suggested > point
    else:
        assert suggested == 0
