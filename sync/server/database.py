"""The server's PostgreSQL engine and its unit of work: one transaction per request.

A request's session commits only when its route returned normally, and before the reply is
sent, so an acknowledgement always describes committed work; helpers never commit (a pushed
batch is ONE transaction). Every transaction starts with `SET LOCAL statement_timeout` and
`lock_timeout` from the configuration, so a stuck query or a long-held row lock turns into a
"try again" reply instead of a hung register.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from sync.server.config import ServerConfig
from sync.server.errors import Unavailable

# psycopg's connect timeout, in seconds: an unreachable host fails fast instead of hanging.
CONNECT_TIMEOUT_SECONDS = 5
# SQLSTATEs that mean "busy, try again soon" rather than "down": query_canceled (statement
# timeout), lock_not_available (lock timeout), serialization_failure, deadlock_detected.
_BUSY_STATES = frozenset({"57014", "55P03", "40001", "40P01"})


def make_engine(config: ServerConfig) -> Engine:
    engine = create_engine(
        config.database_url,
        pool_pre_ping=True,
        pool_size=config.pool_size,
        max_overflow=config.pool_size,
        pool_timeout=10,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "lunarfront-server",
        },
    )
    statement_ms = int(config.statement_timeout_ms)
    lock_ms = int(config.lock_timeout_ms)

    @event.listens_for(engine, "begin")
    def _limit_transaction(connection: Connection) -> None:
        connection.exec_driver_sql(
            f"SELECT set_config('statement_timeout', '{statement_ms}', true), "
            f"set_config('lock_timeout', '{lock_ms}', true)"
        )

    return engine


class Database:
    """The engine and session factory of one server process (no other state is kept)."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.engine = make_engine(config)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits if the block ends normally and rolls back otherwise."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except sa_exc.SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()


def database_of(request: Request) -> Database:
    database = request.app.state.database
    assert isinstance(database, Database)
    return database


def request_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency (scope "function"): the request's unit of work."""
    with database_of(request).transaction() as session:
        yield session


def unavailable_from(error: Exception) -> Unavailable | None:
    """The 503 reply for a database failure, or None if `error` is not one."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return Unavailable("The sync server is busy; it will try again in a moment", 2)
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    state = getattr(error.orig, "sqlstate", None)
    if state in _BUSY_STATES:
        return Unavailable("The sync server is busy; it will try again in a moment", 1)
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError) or (
        error.connection_invalidated
    ):
        return Unavailable()
    return None
