"""Alembic environment: runs on the engine handed over by `db.migrate`, in one transaction."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import db.models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.migrate import is_modelled

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("db.migrate passes the engine; run migrations through it")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
            transactional_ddl=True,  # the engine emits BEGIN, so DDL really is transactional
            compare_type=True,
            include_name=lambda name, type_, _parents: is_modelled(name, type_),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
