"""The unit of work commits whole or not at all, and writers queue instead of failing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from core.ids import new_id
from db.models import Company
from db.store import Store, open_store

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def company(name: str = "Moonlight") -> Company:
    return Company(id=new_id(), name=name, currency="USD", created_at=NOW, updated_at=NOW)


def count(store: Store) -> int:
    with store.read_sessions() as session:
        return session.scalar(select(func.count()).select_from(Company)) or 0


def test_commit_persists(store: Store) -> None:
    with store.uow() as uow:
        uow.session.add(company())
        uow.commit()
    assert count(store) == 1


def test_leaving_without_commit_rolls_back(store: Store) -> None:
    with store.uow() as uow:
        uow.session.add(company())
        uow.session.flush()
    assert count(store) == 0


def test_an_error_rolls_back_everything_written(store: Store) -> None:
    def sell_then_fail() -> None:
        with store.uow() as uow:
            uow.session.add(company("first"))
            uow.session.flush()
            uow.session.add(company("second"))
            uow.session.flush()
            raise RuntimeError("printer on fire")

    with pytest.raises(RuntimeError, match="printer on fire"):
        sell_then_fail()
    assert count(store) == 0


def test_after_commit_callbacks_run_only_after_commit(store: Store) -> None:
    calls: list[str] = []
    with store.uow() as uow:
        uow.after_commit(lambda: calls.append("committed"))
        uow.session.add(company())
    assert calls == []
    with store.uow() as uow:
        uow.after_commit(lambda: calls.append("committed"))
        uow.session.add(company())
        uow.commit()
    assert calls == ["committed"]


def test_a_unit_of_work_cannot_be_nested(store: Store) -> None:
    uow = store.uow()
    with uow, pytest.raises(RuntimeError, match="entered twice"):
        uow.__enter__()


def test_session_outside_the_block_is_refused(store: Store) -> None:
    with pytest.raises(RuntimeError, match="not open"):
        _ = store.uow().session


def test_concurrent_writers_queue_instead_of_failing(store: Store) -> None:
    """Eight threads each read-modify-write; BEGIN IMMEDIATE serialises them, none is lost."""
    with store.uow() as uow:
        uow.session.add(company("0"))
        uow.commit()
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(10):
                with store.uow() as uow:
                    row = uow.session.scalars(select(Company)).one()
                    row.name = str(int(row.name) + 1)
                    uow.commit()
        except BaseException as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read_sessions() as session:
        assert session.scalars(select(Company.name)).one() == "80"


def test_naive_datetimes_are_refused(store: Store) -> None:
    row = company()
    row.created_at = datetime(2026, 1, 1)
    with store.uow() as uow:
        uow.session.add(row)
        with pytest.raises(StatementError, match="naive datetime"):
            uow.session.flush()


def test_times_come_back_in_utc(store: Store) -> None:
    with store.uow() as uow:
        uow.session.add(company())
        uow.commit()
    with store.read_sessions() as session:
        assert session.scalars(select(Company.created_at)).one() == NOW
        assert session.scalars(select(Company.created_at)).one().tzinfo is UTC
