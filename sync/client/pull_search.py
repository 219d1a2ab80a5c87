"""The full-text search indexes during a large pull: maintained in bulk, not row by row.

`product_search` and `customer_search` (migration 0002) follow their tables through
triggers, one FTS5 write per row. For a page of thousands of records (a new register's
first download of the catalog) that is about a third of the time spent in SQLite. So for
a large page the insert and update triggers are dropped inside the page's transaction,
the rows written, the index told what the old rows said (`'delete'`) and what they say
now — one statement each — and the triggers created again from their own stored SQL.
All of it commits or rolls back with the page; other connections never see the table
without its triggers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection

__all__ = ["BULK_ROWS", "SEARCH_INDEXES", "bulk_search_index"]

SEARCH_INDEXES = {"product": "product_search", "customer_account": "customer_search"}
# Below this many rows the triggers are cheaper than dropping and creating them.
BULK_ROWS = 500
_CHUNK = 500


@contextmanager
def bulk_search_index(connection: Connection, table: str, ids: Sequence[bytes]) -> Iterator[None]:
    """Around writing the rows with these ids (stored bytes) to `table`."""
    index = SEARCH_INDEXES.get(table)
    if index is None or len(ids) < BULK_ROWS:
        yield
        return
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name IN (?, ?) ORDER BY name",
        (table, f"{index}_ai", f"{index}_au"),
    ).all()
    if len(triggers) != 2:
        yield  # not the shape this module knows: leave the work to whatever is there
        return
    columns = ", ".join(
        f'"{row[1]}"' for row in connection.exec_driver_sql(f'PRAGMA table_info("{index}")')
    )
    old = _indexed_rows(connection, table, columns, ids)
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    width = len(old[0]) - 1 if old else 0
    if old:
        marks = ", ".join("?" for _ in range(width))
        connection.exec_driver_sql(
            f'INSERT INTO "{index}"("{index}", rowid, {columns}) VALUES (\'delete\', ?, {marks})',
            old,
        )
    for start in range(0, len(ids), _CHUNK):
        chunk = tuple(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        connection.exec_driver_sql(
            f'INSERT INTO "{index}"(rowid, {columns}) '
            f'SELECT rowid, {columns} FROM "{table}" WHERE id IN ({marks})',
            chunk,
        )
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)


def _indexed_rows(
    connection: Connection, table: str, columns: str, ids: Sequence[bytes]
) -> list[tuple[object, ...]]:
    """(rowid, indexed values) of the rows already here: what the index holds for them."""
    found: list[tuple[object, ...]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = tuple(ids[start : start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        found.extend(
            tuple(row)
            for row in connection.exec_driver_sql(
                f'SELECT rowid, {columns} FROM "{table}" WHERE id IN ({marks})', chunk
            )
        )
    return found
