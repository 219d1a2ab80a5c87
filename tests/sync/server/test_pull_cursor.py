"""The pull cursor never skips a row committed late: transactions held open on a second
connection, and pushes committing while a pull pages through the change log."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.protocol import OutboxEventIn, PullResponse
from sync.server.pull import parse_cursor
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    open_store,
    pair_register,
    pull,
    push,
    saved,
)


def products(register: Register, count: int) -> tuple[list[uuid.UUID], list[OutboxEventIn]]:
    ids = [uuid.uuid4() for _ in range(count)]
    return ids, [
        register.event("record.saved", saved("product", pid, {"sku": str(pid)}, created=True))
        for pid in ids
    ]


def product_ids(*pages: PullResponse) -> list[uuid.UUID]:
    return [c.id for page in pages for c in page.changes if c.table == "product"]


def caught_up(server_db: ServerDb, reader: Register) -> str:
    cursor = None
    while True:
        page = pull(server_db, reader, cursor)
        cursor = page.cursor
        if not page.more:
            return cursor


def test_a_push_that_commits_late_is_held_back_not_skipped(server_db: ServerDb) -> None:
    store = open_store(server_db)
    slow, quick, reader = (pair_register(server_db, store) for _ in range(3))
    cursor = caught_up(server_db, reader)
    slow_ids, slow_events = products(slow, 3)
    quick_ids, quick_events = products(quick, 2)
    with Session(server_db.engine) as held:
        push(server_db, slow, slow_events, session=held)  # its change_log rows exist, uncommitted
        push(server_db, quick, quick_events)  # later rows, committed first
        first = pull(server_db, reader, cursor, wait=False)
        # Everything from the slow push's transaction on waits until it ends.
        assert product_ids(first) == []
        assert first.cursor == cursor
        held.commit()
    second = pull(server_db, reader, first.cursor)
    assert product_ids(second) == slow_ids + quick_ids


def test_a_row_id_taken_early_and_committed_late_is_not_skipped(server_db: ServerDb) -> None:
    """The case a cursor on the row id alone gets wrong: id N is taken first, N+1 commits
    first, a pull moves past N+1, and then N commits."""
    store = open_store(server_db)
    writer, reader = pair_register(server_db, store), pair_register(server_db, store)
    cursor = caught_up(server_db, reader)
    late_id = uuid.uuid4()
    with server_db.engine.connect() as late:
        row_id = late.execute(text("SELECT nextval(pg_get_serial_sequence('change_log', 'id'))"))
        taken = row_id.scalar_one()
        late.commit()  # (nextval may give a transaction an id; this one has ended)
        early_ids, early_events = products(writer, 1)
        push(server_db, writer, early_events)
        first = pull(server_db, reader, cursor)
        assert product_ids(first) == early_ids
        assert parse_cursor(first.cursor)[1] > taken
        late.execute(
            text(
                "INSERT INTO change_log (id, company_id, kind, table_name, entity_id, data) "
                "VALUES (:id, :company, 'upsert', 'product', :entity, '{}')"
            ),
            {"id": taken, "company": store.company_id, "entity": late_id},
        )
        held_back = pull(server_db, reader, first.cursor, wait=False)
        assert product_ids(held_back) == []
        late.commit()
    second = pull(server_db, reader, first.cursor)
    assert product_ids(second) == [late_id]


def test_pushes_committing_while_a_pull_pages_are_all_received_once(
    server_db: ServerDb,
) -> None:
    store = open_store(server_db)
    writers = [pair_register(server_db, store) for _ in range(2)]
    reader = pair_register(server_db, store)
    pushed: list[uuid.UUID] = []
    received: list[uuid.UUID] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def write(register: Register) -> None:
        try:
            for _ in range(12):
                ids, events = products(register, 9)
                push(server_db, register, events)
                pushed.extend(ids)
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)

    def read() -> None:
        cursor = None
        try:
            while True:
                finished = done.is_set()
                # While the pushes run, pull as a register does; at the end, wait for
                # transactions of other test runs on this PostgreSQL (see `settle`).
                page = pull(server_db, reader, cursor, limit=7, wait=finished)
                received.extend(product_ids(page))
                cursor = page.cursor
                if finished and not page.more:
                    return
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    puller = threading.Thread(target=read)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    puller.join(timeout=60)
    assert not errors
    assert len(received) == len(set(received)) == 2 * 12 * 9
    assert set(received) == set(pushed)


def test_rows_come_in_transaction_id_order_as_numbers(server_db: ServerDb) -> None:
    """Transaction ids are compared as 64-bit numbers, never as text ("99" > "100")."""
    store = open_store(server_db)
    reader = pair_register(server_db, store)
    first, second = uuid.uuid4(), uuid.uuid4()
    with server_db.engine.begin() as connection:
        for txid, entity in (("100", second), ("99", first)):  # row ids in the other order
            connection.execute(
                text(
                    "INSERT INTO change_log (company_id, kind, table_name, entity_id, txid) "
                    "VALUES (:company, 'upsert', 'product', :entity, CAST(:txid AS xid8))"
                ),
                {"company": store.company_id, "entity": entity, "txid": txid},
            )
    # A fresh register reads them, one at a time, each page after the previous one.
    received: list[uuid.UUID] = []
    cursor = None
    while True:
        page = pull(server_db, reader, cursor, limit=1)
        received += product_ids(page)
        cursor = page.cursor
        if not page.more:
            break
    assert received == [first, second]
