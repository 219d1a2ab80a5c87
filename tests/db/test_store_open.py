"""Opening the local store: healthy, new, and every way a file or folder can be refused."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import db.migrate
from db.base import Base
from db.errors import (
    CorruptDatabaseError,
    DatabaseTooNewError,
    DataFolderError,
    ForeignDatabaseError,
    MigrationError,
)
from db.migrate import head_revision, is_modelled
from db.store import DATABASE_NAME, open_store
from tests.support import file_state, make_demo, read_only_folder


def pragma(store_dir: Path, name: str) -> object:
    store = open_store(store_dir)
    try:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()
    finally:
        store.close()


def test_new_folder_gets_a_migrated_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "store"
    store = open_store(data_dir)
    store.close()
    assert (data_dir / DATABASE_NAME).is_file()
    assert store.schema.current == head_revision()
    assert store.schema.up_to_date


@pytest.mark.parametrize(
    ("name", "expected"),
    [("journal_mode", "wal"), ("synchronous", 2), ("foreign_keys", 1), ("busy_timeout", 10000)],
)
def test_connections_are_set_up_safely(tmp_path: Path, name: str, expected: object) -> None:
    assert pragma(tmp_path, name) == expected


def test_models_match_the_migrations(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={"include_name": lambda name, type_, _p: is_modelled(name, type_)},
            )
            diffs = compare_metadata(context, Base.metadata)
    finally:
        store.close()
    assert diffs == []


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    make_demo(tmp_path).close()
    store = open_store(tmp_path)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM product").scalar() == 60
    finally:
        store.close()


def test_garbage_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_NAME
    path.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    before = file_state(path)
    with pytest.raises(CorruptDatabaseError, match="not an SQLite database"):
        open_store(tmp_path)
    assert file_state(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATABASE_NAME]


def test_truncated_database_is_refused_and_untouched(tmp_path: Path) -> None:
    source = tmp_path / "good"
    make_demo(source, products=400).close()
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    data = (source / DATABASE_NAME).read_bytes()
    path = damaged / DATABASE_NAME
    path.write_bytes(data[: len(data) // 2])
    before = file_state(path)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(damaged)
    assert file_state(path) == before


def test_overwritten_pages_are_refused(tmp_path: Path) -> None:
    make_demo(tmp_path, products=400).close()
    path = tmp_path / DATABASE_NAME
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    for page in range(3, 8):  # table and index pages right after the schema
        data[page * page_size : page * page_size + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    before = file_state(path)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(tmp_path)
    assert file_state(path) == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_NAME
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.commit()
    before = file_state(path)
    with pytest.raises(ForeignDatabaseError, match="not a LunarFront store"):
        open_store(tmp_path)
    assert file_state(path) == before


def test_database_from_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    path = tmp_path / DATABASE_NAME
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = file_state(path)
    with pytest.raises(DatabaseTooNewError, match="newer version of LunarFront") as caught:
        open_store(tmp_path)
    assert "0099_from_the_future" in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert file_state(path) == before


def test_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "store"
    target.write_text("oops")
    with pytest.raises(DataFolderError, match="is a file, not a folder"):
        open_store(target)


def test_read_only_data_folder_is_refused(tmp_path: Path) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        with pytest.raises(DataFolderError, match="not writable"):
            open_store(folder)
        assert list(folder.iterdir()) == []


def test_failed_migration_rolls_back_completely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(tmp_path / "store").close()
    scripts = tmp_path / "migrations"
    shutil.copytree(db.migrate.MIGRATIONS_DIR, scripts)
    head = head_revision()
    (scripts / "versions" / "9999_broken.py").write_text(
        "import sqlalchemy as sa\n"
        "from alembic import op\n"
        "revision = '9999'\n"
        f"down_revision = {head!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute('UPDATE company SET name = name')\n"
        "    raise RuntimeError('disk full halfway through')\n"
        "def downgrade():\n"
        "    pass\n"
    )
    monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", scripts)
    with pytest.raises(MigrationError, match="rolled back"):
        open_store(tmp_path / "store")
    with closing(sqlite3.connect(tmp_path / "store" / DATABASE_NAME)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert "half_done" not in tables
    assert version == head
