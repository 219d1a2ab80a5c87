"""A register killed in the middle of a local transaction: the change, its event and its
sequence number are all gone together, and the next change takes that number.

A child process edits a product's price through the catalog service and ends itself with
`os._exit` at a chosen moment: after the change was flushed but before its events exist
("flushed"), or after the outbox rows and the counter were written but before the COMMIT
("events-written", an extra `before_commit` listener that runs after the capture's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from core.catalog.products import ProductDraft
from core.clock import FixedClock
from core.services import catalog_writes
from core.services.catalog import CatalogService
from db.models import Product
from db.store import Store, open_store
from tests.db.catalog_support import actor_for
from tests.db.outbox_support import Watch, counter, outbox
from tests.support import START, make_demo

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from sqlalchemy import event, func, select
    from sqlalchemy.orm import Session
    from core.clock import FixedClock
    from core.services import catalog_writes, audit
    from core.services.catalog import CatalogService
    from db.models import OutboxEvent, Product
    from db.store import open_store
    from tests.db.catalog_support import actor_for
    from tests.support import START

    store = open_store(Path(sys.argv[1]))
    catalog = CatalogService(store.uow, store.read_sessions, FixedClock(START))
    manager = actor_for(store, "morgan")
    with store.read_sessions() as session:
        product = session.scalars(select(Product).order_by(Product.sku)).first()
        draft = catalog_writes.draft_of(session, product)

    def die(*args, **kwargs):
        print("dying", flush=True)
        os._exit(17)

    if sys.argv[2] == "flushed":
        audit.record = die  # the product row is changed by now; no event exists yet
    else:
        def written(session):
            written = session.scalar(select(func.count()).select_from(OutboxEvent))
            print(f"outbox rows in the transaction: {written}", flush=True)
            die()
        event.listen(Session, "before_commit", written)  # after the capture's own
    from dataclasses import replace
    catalog.update_product(manager, product.id, replace(draft, price=draft.price + draft.price), 1)
    print("committed", flush=True)
    """
)


def run_child(data_dir: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), mode],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_demo(tmp_path / "store", products=6, customers=1).close()
    return tmp_path / "store"


def first_product(store: Store) -> tuple[uuid.UUID, ProductDraft]:
    """The product the child edits (the first by SKU) and its current draft."""
    with store.read_sessions() as session:
        product = session.scalars(select(Product).order_by(Product.sku)).first()
        assert product is not None
        return product.id, catalog_writes.draft_of(session, product)


@pytest.mark.parametrize("mode", ["flushed", "events-written"])
def test_a_killed_transaction_leaves_no_change_no_event_and_no_number(
    data_dir: Path, mode: str
) -> None:
    store = open_store(data_dir)
    try:
        before = (outbox(store), counter(store), first_product(store))
    finally:
        store.close()
    done = run_child(data_dir, mode)
    assert done.returncode == 17, done.stderr
    assert "committed" not in done.stdout
    if mode == "events-written":
        # The child got as far as writing its event (and taking its number) before it died.
        assert f"outbox rows in the transaction: {len(before[0]) + 1}" in done.stdout
    store = open_store(data_dir)
    try:
        assert (outbox(store), counter(store), first_product(store)) == before
        # The same change made now takes the number the dead one would have had.
        product_id, draft = before[2]
        doubled = replace(draft, price=draft.price + draft.price)
        catalog = CatalogService(store.uow, store.read_sessions, FixedClock(START))
        with Watch(store) as new:
            catalog.update_product(actor_for(store, "morgan"), product_id, doubled, 1)
        [event] = new.events
        assert event.sequence == before[1] + 1
        assert event.payload["values"]["price_minor"] == doubled.price.amount
    finally:
        store.close()
