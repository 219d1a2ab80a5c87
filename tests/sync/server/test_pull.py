"""Pulls: what a register receives (the company's changes, not its own stock), pages and
cursors, bad cursors, and tenant isolation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from sync.protocol import ChangeKind, PullResponse
from sync.server.errors import InvalidRequest
from sync.server.pull import parse_cursor
from tests.sync.fixtures import LiveServer, ServerDb
from tests.sync.server.test_push_support import (
    Register,
    Store,
    movement,
    open_store,
    pair_register,
    product,
    pull,
    push,
    sale,
    saved,
    settle,
)


@pytest.fixture
def store(server_db: ServerDb) -> Store:
    return open_store(server_db)


def pull_all(
    server_db: ServerDb, register: Register, limit: int = 1000, cursor: str | None = None
) -> tuple[list[PullResponse], str | None]:
    pages = []
    while True:
        page = pull(server_db, register, cursor, limit)
        pages.append(page)
        cursor = page.cursor
        if not page.more:
            return pages, cursor


def test_a_register_receives_the_companys_changes_but_not_its_own_stock(
    server_db: ServerDb, store: Store
) -> None:
    front, back = pair_register(server_db, store), pair_register(server_db, store)
    pid = uuid.uuid4()
    push(
        server_db,
        front,
        [
            front.event(
                "record.saved",
                saved("product", pid, product(store.company_id, pid, "G1", 1000), created=True),
            ),
            front.event("stock.moved", {"movements": [movement(store.location_id, pid, 5)]}),
            front.event("sale.completed", sale(front, [(pid, 1, 1000)])),
            front.event("record.deleted", {"table": "product", "id": str(pid)}),
        ],
    )
    (page,), _ = pull_all(server_db, back)
    tables = [(c.kind, c.table) for c in page.changes]
    # Pairing wrote the company, the store and both devices; then the front register's work.
    # A record's every row is served as the record is now: the product was deleted since.
    assert tables == [
        (ChangeKind.UPSERT, "company"),
        (ChangeKind.UPSERT, "location"),
        (ChangeKind.UPSERT, "device"),
        (ChangeKind.UPSERT, "device"),
        (ChangeKind.DELETE, "product"),
        (ChangeKind.STOCK, "stock_movement"),
        (ChangeKind.STOCK, "stock_movement"),
        (ChangeKind.DELETE, "product"),
    ]
    assert [c.data["quantity"] for c in page.changes if c.kind is ChangeKind.STOCK and c.data] == [
        5,
        -1,
    ]
    assert all(
        c.location_id == store.location_id for c in page.changes if c.kind is ChangeKind.STOCK
    )
    assert page.changes[-1].data is None
    assert page.changes[4].data is None
    (own,), _ = pull_all(server_db, front)
    assert [c.kind for c in own.changes].count(ChangeKind.STOCK) == 0
    assert [c.table for c in own.changes].count("product") == 2  # its upsert and delete


def test_pages_follow_each_other_without_gaps_or_repeats(server_db: ServerDb, store: Store) -> None:
    front, back = pair_register(server_db, store), pair_register(server_db, store)
    ids = [uuid.uuid4() for _ in range(23)]
    push(
        server_db,
        front,
        [
            front.event("record.saved", saved("product", pid, {"sku": str(n)}, created=True))
            for n, pid in enumerate(ids)
        ],
    )
    pages, cursor = pull_all(server_db, back, limit=5)
    assert [len(p.changes) for p in pages] == [5, 5, 5, 5, 5, 2]  # 4 pairing rows first
    assert [p.more for p in pages] == [True] * 5 + [False]
    received = [c.id for p in pages for c in p.changes if c.table == "product"]
    assert received == ids
    # Up to date: the same cursor returns nothing and stays put.
    empty = pull(server_db, back, cursor, 5)
    assert (empty.changes, empty.more, empty.cursor) == ([], False, cursor)


def test_a_page_of_only_its_own_stock_moves_the_cursor_past_it(
    server_db: ServerDb, store: Store
) -> None:
    front = pair_register(server_db, store)
    _, cursor = pull_all(server_db, front)
    pid = uuid.uuid4()
    push(
        server_db,
        front,
        [
            front.event(
                "stock.moved",
                {"movements": [movement(store.location_id, pid, 1) for _ in range(12)]},
            ),
            front.event("record.saved", saved("product", pid, {"sku": "after"}, created=True)),
        ],
    )
    page = pull(server_db, front, cursor, 5)
    assert [c.table for c in page.changes] == ["product"]
    assert not page.more
    assert parse_cursor(page.cursor) > parse_cursor(cursor)
    nothing_left = pull(server_db, front, page.cursor, 5)
    assert nothing_left.changes == []
    assert nothing_left.cursor == page.cursor


def test_a_device_never_receives_another_companys_changes(server_db: ServerDb) -> None:
    ours = pair_register(server_db, open_store(server_db, "Harmony Music", "H1"))
    theirs = pair_register(server_db, open_store(server_db, "Other Music", "O1"))
    secret = uuid.uuid4()
    push(
        server_db,
        theirs,
        [
            theirs.event(
                "record.saved", saved("customer_account", secret, {"name": "Private"}, created=True)
            ),
            theirs.event("stock.moved", {"movements": [movement(theirs.location_id, secret, 3)]}),
        ],
    )
    pages, _ = pull_all(server_db, ours, limit=2)
    seen = [c for p in pages for c in p.changes]
    assert {c.table for c in seen} == {"company", "location", "device"}
    assert all(c.id in (ours.company_id, ours.location_id, ours.id) for c in seen)
    # A cursor from the other company's pulls shows nothing of theirs either.
    _, their_cursor = pull_all(server_db, theirs)
    assert pull(server_db, ours, None, 1000).changes == seen
    assert pull(server_db, ours, their_cursor, 1000).changes == []


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "1:2",
        "2:1:1",
        "1:-1:0",
        "1:a:b",
        "1:1:1:1",
        " 1:1:1",
        "1:99999999999999999999:1",
        "1:1:99999999999999999999",
        "1:" + "9" * 30 + ":1",
    ],
)
def test_a_malformed_cursor_is_refused_in_plain_words(
    server_db: ServerDb, store: Store, cursor: str
) -> None:
    register = pair_register(server_db, store)
    with pytest.raises(InvalidRequest) as refused:
        pull(server_db, register, cursor)
    assert refused.value.status == 422
    assert "sync again from the start" in refused.value.message


def test_a_cursor_from_a_database_that_was_replaced_is_refused(
    server_db: ServerDb, store: Store
) -> None:
    # Well formed, but beyond every transaction this server has started: answering "nothing
    # new" would leave the register behind for ever.
    register = pair_register(server_db, store)
    _, cursor = pull_all(server_db, register)
    txid = int(cursor.split(":")[1])
    with pytest.raises(InvalidRequest) as refused:
        pull(server_db, register, f"1:{txid + 1_000_000}:1")
    assert "ahead of this server's data" in refused.value.message
    assert pull(server_db, register, cursor).changes == []


def test_pull_over_http_pages_and_refuses_a_bad_cursor(live_server: LiveServer) -> None:
    store = open_store(live_server.server_db)
    register = pair_register(live_server.server_db, store)
    settle(live_server.server_db)  # another run's open transaction on this PostgreSQL
    headers = {"Authorization": f"Bearer {register.token}"}
    with httpx.Client(base_url=live_server.url, headers=headers) as client:
        first = client.get("/v1/pull", params={"limit": 2})
        assert first.status_code == 200
        body = PullResponse.model_validate(first.json())
        assert len(body.changes) == 2
        assert body.more
        rest = client.get("/v1/pull", params={"cursor": body.cursor, "limit": 2})
        assert [c["table"] for c in rest.json()["changes"]] == ["device"]
        bad = client.get("/v1/pull", params={"cursor": "1:x:y"})
        assert bad.status_code == 422
        assert bad.json()["code"] == "invalid_request"
        assert "sync again from the start" in bad.json()["message"]
        assert client.get("/v1/pull", headers={"Authorization": "Bearer nope"}).status_code == 401
