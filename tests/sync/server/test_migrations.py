"""The server's migrations: they build exactly the models' schema (autogenerate finds no
difference, so drift fails CI), and migrating twice, or twice at once, is harmless."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import BigInteger, Column, MetaData, inspect

from sync.server.cli import main
from sync.server.migrate import current_revision, head_revision, migration_engine, upgrade
from sync.server.models import ServerBase
from tests.sync.fixtures import scratch_database, server_command


@pytest.fixture
def empty_database(postgres_server: str) -> Iterator[str]:
    with scratch_database(postgres_server, prefix="lunarfront_migrate_") as url:
        yield url


def differences(url: str, metadata: MetaData) -> list[object]:
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_models(pg_url: str) -> None:
    assert differences(pg_url, ServerBase.metadata) == []


def test_a_difference_would_be_found(pg_url: str) -> None:
    """The comparison above can fail: a model with one more column is noticed."""
    drifted = MetaData(naming_convention=ServerBase.metadata.naming_convention)
    for table in ServerBase.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["device"].append_column(Column("firmware", BigInteger))
    found = differences(pg_url, drifted)
    assert len(found) == 1
    assert "firmware" in repr(found[0])


def test_migrating_twice_is_harmless(empty_database: str) -> None:
    assert upgrade(empty_database) == head_revision()
    assert upgrade(empty_database) == head_revision()
    engine = migration_engine(empty_database)
    try:
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == set(ServerBase.metadata.tables) | {"alembic_version"}


def test_two_servers_migrating_at_once_apply_it_once(empty_database: str) -> None:
    environ = {**os.environ, "LUNARFRONT_SERVER_DATABASE_URL": empty_database}
    processes = [
        subprocess.Popen(
            [*server_command(), "migrate"],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert outputs == [f"The database is up to date (schema {head_revision()}).\n"] * 2


def test_the_migrate_command(empty_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", empty_database)
    for _ in range(2):
        out = io.StringIO()
        assert main(["migrate"], out=out) == 0
        assert out.getvalue() == f"The database is up to date (schema {head_revision()}).\n"
