"""Migration 0005 (sync state and issues) on a store that already holds a shop's data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from core.clock import FixedClock
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import create_demo_store
from db.engine import create_sqlite_engine, write_engine
from db.migrate import alembic_config, current_revision, head_revision
from db.models import SyncIssue, SyncState
from db.store import database_path, open_store
from db.uow import SqlUnitOfWork
from tests.sync.client.support import START


def _store_at_0004(data_dir: Path) -> None:
    data_dir.mkdir()
    engine = create_sqlite_engine(database_path(data_dir))
    try:
        command.upgrade(alembic_config(engine), "0004")
        sessions = sessionmaker(write_engine(engine), expire_on_commit=False)
        create_demo_store(
            lambda: SqlUnitOfWork(sessions),
            FixedClock(START),
            fast_hasher_for_tests(),
            products=25,
            customers=10,
        )
    finally:
        engine.dispose()


def test_upgrade_from_0004_keeps_the_data_and_adds_empty_sync_tables(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    _store_at_0004(data_dir)
    store = open_store(data_dir)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM product")).scalar() == 25
            assert connection.execute(text("SELECT count(*) FROM customer_account")).scalar() == 10
            assert connection.execute(text("SELECT count(*) FROM sync_state")).scalar() == 0
            assert connection.execute(text("SELECT count(*) FROM sync_issue")).scalar() == 0
        with store.uow() as uow:
            uow.session.add(SyncState(slot=1, failures=0, server_url="https://sync.example.com"))
            uow.commit()
        with store.uow() as uow:
            state = uow.session.get(SyncState, 1)
            assert state is not None
            assert state.server_url == "https://sync.example.com"
            assert state.online is None
    finally:
        store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO sync_state (slot, failures) VALUES (2, 0)",
        "INSERT INTO sync_state (slot, failures) VALUES (1, -1)",
        "INSERT INTO sync_issue (id, kind, event_type, message, payload, created_at) "
        "VALUES (x'00', 'bogus', '', 'm', '', '2026-01-01 00:00:00')",
    ],
)
def test_one_state_row_and_known_issue_kinds_only(tmp_path: Path, statement: str) -> None:
    store = open_store(tmp_path / "store")
    try:
        with (
            store.engine.connect() as connection,
            pytest.raises(IntegrityError, match="CHECK constraint failed"),
            connection.begin(),
        ):
            connection.execute(text(statement))
    finally:
        store.close()


def test_downgrade_removes_the_sync_tables_and_upgrade_brings_them_back(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    open_store(data_dir).close()
    engine = create_sqlite_engine(database_path(data_dir))
    try:
        command.downgrade(alembic_config(engine), "0004")
        tables = set(inspect(engine).get_table_names())
        assert {SyncState.__tablename__, SyncIssue.__tablename__}.isdisjoint(tables)
        command.upgrade(alembic_config(engine), "head")
        tables = set(inspect(engine).get_table_names())
        assert {SyncState.__tablename__, SyncIssue.__tablename__} <= tables
    finally:
        engine.dispose()
