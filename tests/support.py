"""Helpers for tests that need a store on disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from core.clock import FixedClock
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import create_demo_store
from db.store import Store, open_store

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def make_demo(
    data_dir: Path, *, products: int = 60, customers: int = 30, with_stock: bool = False
) -> Store:
    """The demo store, with no opening stock unless asked, so stock tests start from zero."""
    store = open_store(data_dir)
    create_demo_store(
        store.uow,
        FixedClock(START),
        fast_hasher_for_tests(),
        products=products,
        customers=customers,
        with_stock=with_stock,
    )
    return store


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def file_state(path: Path) -> tuple[bytes, int]:
    """The bytes and modification time of a file, to prove a refused file was not touched."""
    return path.read_bytes(), path.stat().st_mtime_ns


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """A folder nobody can write to — including root, for whom chmod is not enough."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode == 0:
        try:
            yield path
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return
    immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if immutable.returncode != 0:
        raise RuntimeError(
            "running as root, and neither a read-only tmpfs mount nor chattr +i is allowed "
            f"here ({mounted.stderr!r}, {immutable.stderr!r}); run the tests as a normal user"
        )
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
