"""Reading this register's store without taking SQLite's write lock.

The unit of work begins with BEGIN IMMEDIATE (it is meant for writes), which would make a
status read wait behind a pulled page being applied. WAL lets readers run beside the one
writer, so reads use the same engine with plain BEGIN.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.engine import WRITE_OPTION
from db.uow import UowFactory

__all__ = ["LocalReads"]


class LocalReads:
    def __init__(self, uow_factory: UowFactory) -> None:
        self._uow_factory = uow_factory
        self._sessions: sessionmaker[Session] | None = None

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        """A read-only session; whatever it did is rolled back at the end."""
        with self._factory()() as session:
            yield session  # closing the session rolls its read transaction back

    def _factory(self) -> sessionmaker[Session]:
        if self._sessions is None:
            uow = self._uow_factory()
            with uow:
                bind = uow.session.get_bind()
            assert isinstance(bind, Engine)
            reads = bind.execution_options(**{WRITE_OPTION: False})
            self._sessions = sessionmaker(reads, expire_on_commit=False)
        return self._sessions
