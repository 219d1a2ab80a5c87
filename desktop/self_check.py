"""`lunarfront --self-check`: prove this install can open its store, without a screen.

Imports no Qt, so it also runs on a machine with no display libraries.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from db.errors import StoreError
from db.migrate import head_revision, known_revisions
from db.store import check_data_folder, database_path, inspect_database, open_store

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
REQUIRED_RESOURCES = ("icons/lunarfront.png", "README.md")


def resources_dir() -> Path:
    # Inside a PyInstaller bundle the data files sit beside the frozen modules.
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else RESOURCES_DIR


def run_self_check(data_dir: Path, out: TextIO | None = None) -> int:
    """Print each check as it passes; on the first failure say what is wrong and return 1."""
    out = out or sys.stdout

    def step(label: str, check: Callable[[], str]) -> None:
        detail = check()
        assert out is not None
        out.write(f"ok    {label}{': ' + detail if detail else ''}\n")

    try:
        step("data folder is writable", lambda: _check_folder(data_dir))
        step("migrations are bundled", lambda: f"{len(known_revisions())} up to {head_revision()}")
        step("resources are bundled", _check_resources)
        path = database_path(data_dir)
        step("database file is sound", lambda: _inspect(path))
        store = open_store(data_dir)
        try:
            step("schema is current", lambda: f"{store.schema.current}")
            step("database settings", lambda: _pragmas(store.engine))
        finally:
            store.close()
    except StoreError as exc:
        out.write(f"FAIL  {exc}\n")
        return 1
    out.write("self-check passed\n")
    return 0


def _check_folder(data_dir: Path) -> str:
    check_data_folder(data_dir)
    return str(data_dir)


def _inspect(path: Path) -> str:
    revision = inspect_database(path, full_check=True)
    return f"{path} (schema {revision})" if revision else f"{path} (new)"


def _check_resources() -> str:
    root = resources_dir()
    missing = [name for name in REQUIRED_RESOURCES if not (root / name).is_file()]
    if missing:
        raise StoreError(f"Resources missing from {root}: {', '.join(missing)}. Reinstall.")
    return str(root)


def _pragmas(engine: Engine) -> str:
    with engine.connect() as conn:
        values = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    wrong = {k: v for k, v in expected.items() if values[k] != v}
    if wrong:
        raise StoreError(f"The database is not set up safely: {wrong}.")
    return ", ".join(f"{k}={v}" for k, v in values.items())
