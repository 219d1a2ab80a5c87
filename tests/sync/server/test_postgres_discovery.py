"""How the test suite finds a PostgreSQL: the variable, the local server, or a throwaway
cluster of its own; and a plain failure (never a skip) when there is none."""

from __future__ import annotations

import psycopg
import pytest

from tests.sync import postgres
from tests.sync.postgres import answers, discovered_postgres, free_port, scratch_database


def closed_port_url() -> str:
    return f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"


def test_the_variable_wins(postgres_server: str) -> None:
    with discovered_postgres({"LUNARFRONT_TEST_DATABASE_URL": postgres_server}) as url:
        assert url == postgres_server


def test_a_variable_pointing_nowhere_fails_the_run() -> None:
    nowhere = closed_port_url()
    with (
        pytest.raises(pytest.fail.Exception, match="LUNARFRONT_TEST_DATABASE_URL is set to"),
        discovered_postgres({"LUNARFRONT_TEST_DATABASE_URL": nowhere}),
    ):
        pass


def test_no_postgresql_at_all_fails_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "DEFAULT_SERVER", closed_port_url())
    monkeypatch.setattr(postgres, "postgres_bin_dir", lambda: None)
    with pytest.raises(pytest.fail.Exception) as failed, discovered_postgres({}):
        pass
    assert str(failed.value) == (
        "PostgreSQL is needed for the sync tests: install it (Debian: apt-get install "
        "postgresql) or set LUNARFRONT_TEST_DATABASE_URL"
    )


def test_a_throwaway_cluster_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    if postgres.postgres_bin_dir() is None:
        pytest.fail("initdb and pg_ctl are needed for this test: " + postgres.NO_POSTGRES)
    clusters: list[postgres.ThrowawayCluster] = []

    class Recorded(postgres.ThrowawayCluster):
        def start(self) -> postgres.ThrowawayCluster:
            clusters.append(self)
            return super().start()

    monkeypatch.setattr(postgres, "DEFAULT_SERVER", closed_port_url())
    monkeypatch.setattr(postgres, "ThrowawayCluster", Recorded)
    with discovered_postgres({}) as url:
        assert url == clusters[0].url != postgres.DEFAULT_SERVER
        with (
            scratch_database(url) as database,
            psycopg.connect(postgres.libpq_url(database)) as connection,
        ):
            assert connection.execute("SELECT 1 + 1").fetchone() == (2,)
    assert not answers(url, timeout=1)
    assert not clusters[0].folder.exists()
