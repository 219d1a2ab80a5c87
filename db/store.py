"""Opening the local store: the data folder and its SQLite database, checked before use.

The order matters. Everything that could refuse the file (not a folder, not writable, not an
SQLite file, corrupt, not ours, written by a newer LunarFront) is checked before the engine
switches the file to WAL or migrates it, so a refused file is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import create_sqlite_engine, write_engine
from db.errors import (
    CorruptDatabaseError,
    DatabaseTooNewError,
    DataFolderError,
    ForeignDatabaseError,
    MigrationError,
)
from db.migrate import SchemaState, head_revision, known_revisions, upgrade
from db.uow import SqlUnitOfWork

DATABASE_NAME = "lunarfront.db"
SQLITE_MAGIC = b"SQLite format 3\x00"
_UNTOUCHED = "The file was left untouched."


@dataclass
class Store:
    """An open local store. One per running app."""

    data_dir: Path
    path: Path
    engine: Engine
    schema: SchemaState
    read_sessions: sessionmaker[Session] = field(init=False)
    write_sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(write_engine(self.engine), expire_on_commit=False)

    def uow(self) -> SqlUnitOfWork:
        """A unit of work for a service that writes."""
        return SqlUnitOfWork(self.write_sessions)

    def close(self) -> None:
        self.engine.dispose()


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_NAME


def check_data_folder(data_dir: Path) -> None:
    """Create the folder if needed and prove it is writable by writing and removing a file.

    `os.access` is not enough: it says yes to root on a read-only mount.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise DataFolderError(f"The data folder {data_dir} is a file, not a folder.")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(
            f"The data folder {data_dir} cannot be created: {exc.strerror or exc}."
        ) from exc
    probe = data_dir / f".write-check-{uuid.uuid4().hex}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise DataFolderError(
            f"The data folder {data_dir} is not writable ({exc.strerror or exc}). "
            "Check its permissions or choose another folder with --data-dir."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def inspect_database(path: Path, *, full_check: bool = False) -> str | None:
    """Refuse a file that is not a healthy LunarFront database; return its schema revision.

    Returns None for a missing or empty file (a new store). Reads only: nothing is written.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CorruptDatabaseError(
            f"The database {path} cannot be read ({exc.strerror or exc}). {_UNTOUCHED}"
        ) from exc
    if header != SQLITE_MAGIC:
        raise CorruptDatabaseError(
            f"The database {path} is damaged: it is not an SQLite database file. {_UNTOUCHED} "
            "Restore it from a backup, or move it aside to start a new store."
        )
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabaseError(
            f"The database {path} cannot be opened: {exc}. {_UNTOUCHED}"
        ) from exc
    try:
        check = "integrity_check" if full_check else "quick_check"
        problems = [row[0] for row in conn.execute(f"PRAGMA {check}(5)")]
        if problems != ["ok"]:
            raise CorruptDatabaseError(
                f"The database {path} is damaged ({'; '.join(problems)}). {_UNTOUCHED} "
                "Restore it from a backup."
            )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            if tables:
                raise ForeignDatabaseError(
                    f"{path} is an SQLite database but not a LunarFront store. {_UNTOUCHED}"
                )
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"The database {path} is damaged ({exc}). {_UNTOUCHED} Restore it from a backup."
        ) from exc
    finally:
        conn.close()


def open_store(data_dir: Path, *, full_check: bool = False) -> Store:
    """Check, open and migrate the store in `data_dir`. Raises a `StoreError` subclass."""
    data_dir = data_dir.expanduser().resolve()
    check_data_folder(data_dir)
    path = database_path(data_dir)
    revision = inspect_database(path, full_check=full_check)
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNewError(
            f"The database {path} was written by a newer version of LunarFront "
            f"(schema {revision}; this version knows up to {head_revision()}). "
            f"{_UNTOUCHED} Install the newer LunarFront to open it."
        )
    engine = create_sqlite_engine(path)
    try:
        schema = upgrade(engine)
    except Exception as exc:
        engine.dispose()
        raise MigrationError(
            f"The database {path} could not be upgraded ({exc}). The upgrade was rolled back; "
            "the file keeps its previous schema."
        ) from exc
    return Store(data_dir=data_dir, path=path, engine=engine, schema=schema)
