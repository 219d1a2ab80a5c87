"""Demo stores generated once with `lunarfront make-demo-store` and kept in the cache folder.

A cached store is reused only if it was made by the same generator: the demo-data code and the
migrations that shaped its schema. Anything else (an older generator, a half-made store from an
interrupted run) is thrown away and made again, so figures never come from stale data.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.harness import BenchmarkError, RunContext
from db.store import database_path

# Bump to force every cached store to be made again (say, the stamp's meaning changes).
LAYOUT_VERSION = 2  # 2: the outbox is emptied after generating
GENERATOR_MODULE = "core.services.demo_store"
MIGRATIONS_PACKAGE = "db"
STAMP_NAME = "stamp.json"
GENERATE_TIMEOUT_S = 900.0


@dataclass(frozen=True, slots=True)
class DemoStore:
    products: int
    customers: int
    seed: int = 7

    @property
    def key(self) -> str:
        return f"demo-{self.products}p-{self.customers}c-s{self.seed}"


BIG_STORE = DemoStore(products=100_000, customers=50_000)


def generator_version() -> str:
    """A fingerprint of the generator's source and of every migration script.

    Read as files rather than imported, so checking the cache costs nothing and a store is
    remade whenever the data or the schema it would get has changed.
    """
    digest = hashlib.sha256(f"layout={LAYOUT_VERSION}".encode())
    for path in [_source_of(GENERATOR_MODULE), *_migration_scripts()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_store(context: RunContext, store: DemoStore) -> Path:
    """The data folder of `store`, generated first if the cache has no current copy."""
    home = context.data_dir / store.key
    data_dir = home / "store"
    wanted = {
        "generator": generator_version(),
        "products": store.products,
        "customers": store.customers,
        "seed": store.seed,
    }
    if _read_stamp(home) == wanted and data_dir.is_dir():
        context.log(f"reusing {data_dir}")
        return data_dir
    context.log(f"generating {store.key} in {home} (once; later runs reuse it)")
    shutil.rmtree(home, ignore_errors=True)
    partial = home / "store.partial"
    partial.parent.mkdir(parents=True, exist_ok=True)
    context.log(generate(store, partial).strip())
    partial.rename(data_dir)
    # Written last: a stamp only ever sits next to a finished store.
    (home / STAMP_NAME).write_text(json.dumps(wanted), encoding="utf-8")
    return data_dir


def generate(store: DemoStore, target: Path) -> str:
    """Run make-demo-store in its own process, as a user would; return what it printed."""
    command = [
        sys.executable,
        "-m",
        "desktop.main",
        "make-demo-store",
        "--data-dir",
        str(target),
        "--products",
        str(store.products),
        "--customers",
        str(store.customers),
        "--seed",
        str(store.seed),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkError(f"make-demo-store took over {GENERATE_TIMEOUT_S:.0f} s") from exc
    if done.returncode != 0:
        raise BenchmarkError(
            f"make-demo-store failed ({done.returncode}): {done.stderr.strip()[-800:]}"
        )
    _as_if_synced(target)
    return done.stdout


def _as_if_synced(data_dir: Path) -> None:
    """Empty the outbox, as on a register that has pushed everything: a working register's
    queue is short, and 100,000 products' creation events would triple the file and time
    reading it (the store check reads every page) rather than the store itself."""
    connection = sqlite3.connect(database_path(data_dir))
    try:
        connection.execute("DELETE FROM outbox_event")
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()


def _source_of(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise BenchmarkError(f"cannot find {module}; is LunarFront installed?")
    return Path(spec.origin)


def _migration_scripts() -> list[Path]:
    package = _source_of(MIGRATIONS_PACKAGE).parent
    return sorted((package / "migrations" / "versions").glob("*.py"))


def _read_stamp(home: Path) -> object:
    try:
        return json.loads((home / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
