"""Alembic environment of the sync server: runs on the engine handed over by
`sync.server.migrate`, in one transaction, under an advisory lock."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from sync.server.migrate import MIGRATION_LOCK_KEY
from sync.server.models import ServerBase

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("sync.server.migrate passes the engine; run migrations through it")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=ServerBase.metadata,
            transactional_ddl=True,
            compare_type=True,
            compare_server_default=True,
        )
        with context.begin_transaction():
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
