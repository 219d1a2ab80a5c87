"""The sync server's schema migrations (`lunarfront-server migrate`).

The scripts live in `sync/server/migrations` next to this file and are found through
`__file__`; Alembic is configured in code (no alembic.ini). Upgrading runs in one
transaction under a PostgreSQL advisory lock, so two servers started at once (or `migrate`
run twice) cannot both apply a migration: the second waits, then finds nothing to do.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.pool import NullPool

from sync.server.config import normalise_database_url
from sync.server.models import Xid8

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the advisory lock held while migrating (any fixed number unique to this purpose).
MIGRATION_LOCK_KEY = 7_470_001


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migration_engine(database_url: str) -> Engine:
    engine = create_engine(
        normalise_database_url(database_url),
        poolclass=NullPool,
        connect_args={"connect_timeout": 10, "application_name": "lunarfront-server migrate"},
    )
    # Teach this engine's reflection the xid8 type (SQLAlchemy does not know it), so comparing
    # the database with the models sees `change_log.txid` as it is; other engines are untouched.
    dialect = engine.dialect
    assert isinstance(dialect, PGDialect)
    dialect.ischema_names = {**dialect.ischema_names, "xid8": Xid8}
    return engine


def upgrade(database_url: str) -> str | None:
    """Bring the schema to head; returns the revision it is at afterwards."""
    engine = migration_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "head")
        return current_revision(engine)
    finally:
        engine.dispose()
