"""Properties of the stock ledger under any sequence of operations, refused ones included.

- `stock_level` equals the ledger's SUM(quantity) for every product and location;
- no movement row is ever changed once written;
- a refused operation writes nothing;
- a serialized product's stock at a location is its units available there.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.catalog.stock import AdjustmentReason, UnitStatus
from core.errors import DomainError
from core.services.stock_rows import ReceiveLine
from db.models import AuditEntry, InventoryUnit, StockMovement
from tests.db.catalog_support import Shop, open_shop, usd

# (kind, product index, location index, other-location selector, quantity): one shape for all,
# each kind reading what it needs. Quantities run past what is valid, so refusals happen too.
Op = tuple[str, int, int, int, int]
Places = tuple[list[uuid.UUID], list[uuid.UUID], uuid.UUID]
KINDS = ("receive", "adjust", "transfer", "count", "add_unit", "retire_unit")
_serials = itertools.count(1)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    opened = open_shop(tmp_path_factory.mktemp("ledger"), products=24)
    yield opened
    opened.store.close()


@pytest.fixture(scope="module")
def places(shop: Shop) -> Places:
    plain = shop.product_ids(serialized=False, count=3)
    [guitar] = shop.product_ids(serialized=True)
    locations = [shop.here, shop.add_location("EAST", "East Side")]
    return plain, locations, guitar


operations = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 2),
        st.integers(0, 1),
        st.integers(0, 3),
        st.integers(-2, 25),
    ),
    max_size=12,
)


def run(shop: Shop, places: Places, op: Op) -> None:
    (plain, locations, guitar), actor = places, shop.manager
    kind, p, a, b, qty = op
    # The other location three times in four; the same one (refused) otherwise.
    product, here, there = plain[p], locations[a], locations[1 - a if b else a]
    if kind == "receive":
        shop.stock.receive(actor, here, None, "", [ReceiveLine(product, qty, usd(199))])
    elif kind == "adjust":
        shop.stock.adjust(actor, here, product, qty, AdjustmentReason.CORRECTION)
    elif kind == "transfer":
        shop.stock.transfer(actor, here, there, product, qty)
    elif kind == "count":
        count_id = shop.stock.start_count(actor, here)
        shop.stock.record_count(actor, count_id, product, qty)
        shop.stock.complete_count(actor, count_id)
    elif kind == "add_unit":
        serial = f"SN-{next(_serials)}"
        shop.catalog.add_unit(actor, guitar, serial, "good", usd(1), location_id=here)
    else:
        units = shop.catalog.product_detail(guitar, shop.here).units
        if units:
            shop.catalog.retire_unit(actor, units[qty % len(units)].id, AdjustmentReason.DAMAGED)


def movement_rows(shop: Shop) -> dict[uuid.UUID, tuple[object, ...]]:
    with shop.store.read_sessions() as session:
        return {
            m.id: (m.product_id, m.location_id, m.kind, m.quantity, m.reason, m.created_at)
            for m in session.scalars(select(StockMovement))
        }


def audit_count(shop: Shop) -> int:
    with shop.store.read_sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@settings(max_examples=40, deadline=None)
@given(operations)
def test_the_ledger_always_explains_stock(shop: Shop, places: Places, ops: list[Op]) -> None:
    before = movement_rows(shop)
    for op in ops:
        rows, audits = movement_rows(shop), audit_count(shop)
        try:
            run(shop, places, op)
            event(f"{op[0]} done")
        except DomainError:
            event(f"{op[0]} refused")
            assert movement_rows(shop) == rows, f"{op} was refused but wrote movements"
            # A count is three calls; the count it started stays open, audited, when the
            # line is refused. Every other operation is one call that writes all or nothing.
            if op[0] != "count":
                assert audit_count(shop) == audits, f"{op} was refused but wrote an audit row"

    after = movement_rows(shop)
    assert {k: after[k] for k in before} == before, "a movement row changed"
    levels, ledger = shop.levels_and_ledger()
    assert levels == ledger
    assert all(qty >= 0 for qty in levels.values())
    _, locations, guitar = places
    with shop.store.read_sessions() as session:
        for loc in locations:
            available = session.scalar(
                select(func.count()).where(
                    InventoryUnit.product_id == guitar,
                    InventoryUnit.location_id == loc,
                    InventoryUnit.status == UnitStatus.AVAILABLE.value,
                )
            )
            assert levels.get((guitar, loc), 0) == available
    for (product_id, loc), qty in levels.items():
        assert shop.stock.on_hand(product_id, loc) == shop.stock.ledger_on_hand(product_id, loc)
        assert qty == shop.stock.on_hand(product_id, loc)
