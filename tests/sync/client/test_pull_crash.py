"""A register killed in the middle of applying a pulled page resumes from its stored cursor."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from core.records import REPLICATED_TABLES
from tests.sync.client.shops import Till, founding_till
from tests.sync.client.support import (
    FileKeyring,
    MemoryKeyring,
    Register,
    catch_up,
    register_at,
    server_scalar,
)
from tests.sync.fixtures import LiveServer

PAGE = 40

# Pairs a fresh register, pulling PAGE changes at a time, and dies (os._exit) inside the
# third page: its rows written, the transaction not committed.
_DYING_REGISTER = textwrap.dedent(
    f"""
    import os, sys
    from pathlib import Path
    import keyring
    from core.clock import SystemClock
    from db.store import open_store
    import sync.client.pull as pull
    from sync.client import KeyringTokenStore, SyncEngine
    from tests.sync.client.support import FileKeyring

    keyring.set_keyring(FileKeyring(Path(sys.argv[4])))
    real = pull.apply_page
    pages = []

    def dying(session, plan, **kwargs):
        pages.append(1)
        applied = real(session, plan, **kwargs)
        if len(pages) == 3:
            session.flush()
            os._exit(17)
        return applied

    pull.apply_page = dying
    store = open_store(Path(sys.argv[1]))
    engine = SyncEngine(store.uow, SystemClock(), KeyringTokenStore(), pull_limit={PAGE})
    engine.pair(sys.argv[2], sys.argv[3], prefix="R2")
    sys.exit(0)
    """
)


@pytest.fixture
def front(live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path) -> Iterator[Till]:
    till = founding_till(live_server, tmp_path / "front", products=40)
    yield till
    till.close()


def rows_of(register: Register) -> int:
    return sum(register.count(table.name) for table in REPLICATED_TABLES)


def test_a_register_killed_inside_a_pulled_page_resumes_from_the_last_committed_one(
    live_server: LiveServer, front: Till, tmp_path: Path
) -> None:
    keys = tmp_path / "keyring.json"
    folder = tmp_path / "back"
    code = live_server.pairing_code(front.location_id)
    done = subprocess.run(
        [sys.executable, "-c", _DYING_REGISTER, str(folder), live_server.url, code, str(keys)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 17, done.stderr
    keyring.set_keyring(FileKeyring(keys))
    back = register_at(folder)
    try:
        # Pairing committed, then two pages did; the third left nothing behind.
        assert back.engine.status().paired
        assert back.scalar("SELECT pull_cursor FROM sync_state") is not None
        assert rows_of(back) < rows_of(front.register)
        total = server_scalar(
            live_server,
            "SELECT count(*) FROM change_log WHERE company_id = :company",
            company=front.manager.company_id,
        )
        assert isinstance(total, int)
        assert catch_up(back, live_server) == total - 2 * PAGE  # resumed, not started over
        for name in ("product", "product_barcode", "app_user", "customer_account"):
            assert back.count(name) == front.register.count(name), name
        with back.store.engine.connect() as connection:
            levels = connection.exec_driver_sql(
                "SELECT product_id, location_id, on_hand FROM stock_level WHERE on_hand <> 0"
            ).all()
        front_levels, _ledger = front.stock_view()
        assert len(levels) == len(front_levels)
        assert sum(row[2] for row in levels) == sum(front_levels.values())
    finally:
        back.close()
