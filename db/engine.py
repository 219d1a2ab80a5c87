"""The SQLite engine: WAL, synchronous=FULL, foreign keys, a busy timeout, real transactions.

Python's sqlite3 module opens transactions lazily and never around DDL, which breaks both
atomic migrations and SAVEPOINTs. Following SQLAlchemy's documented recipe, the driver is put
in autocommit mode and the engine emits BEGIN itself. A connection opened with the execution
option ``lunarfront_write=True`` begins with BEGIN IMMEDIATE, taking the write lock up front,
so two writers queue on the busy timeout instead of failing halfway with SQLITE_BUSY.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "lunarfront_write"


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine whose transactions take the write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch the database to WAL (got {mode})")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
