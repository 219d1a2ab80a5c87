"""Finding a PostgreSQL for the tests, and making throwaway databases on it.

The server is found once per run (see `discovered_postgres`): the
LUNARFRONT_TEST_DATABASE_URL variable; else postgres@127.0.0.1:5432 if it answers; else a
throwaway cluster made with initdb/pg_ctl in a temporary folder, on a free port. No
PostgreSQL → the run fails (never skips): the sync tests are the point of issue 7.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = "LUNARFRONT_TEST_DATABASE_URL"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
NO_POSTGRES = (
    "PostgreSQL is needed for the sync tests: install it (Debian: apt-get install postgresql) "
    "or set LUNARFRONT_TEST_DATABASE_URL"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def libpq_url(url: str) -> str:
    """`postgresql+psycopg://…` → `postgresql://…` (what psycopg and psql take)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def answers(url: str, timeout: int = 3) -> bool:
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=timeout) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or the newest /usr/lib/postgresql/*/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0,
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port (no fsync: it
    holds nothing worth keeping). As root, it runs as the `postgres` (or `nobody`) user,
    because PostgreSQL refuses to run as root."""

    bin_dir: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lunarfront-pg-")))
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> ThrowawayCluster:
        data, log = self.folder / "data", self.folder / "server.log"
        run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            account = _unprivileged_account()
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            run_as,
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        pg_ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]
        self._run([*pg_ctl, "-w", "-t", "60", "-o", options, "start"], run_as)
        self._run_as = run_as
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl = [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data")]
            self._run([*pg_ctl, "-m", "immediate", "-w", "stop"], getattr(self, "_run_as", {}))
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, command: list[str], run_as: dict[str, Any]) -> None:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            cwd=self.folder,
            timeout=120,
            **run_as,
        )
        if result.returncode != 0:
            raise subprocess.CalledProcessError(
                result.returncode, command, result.stdout, result.stderr
            )


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("no unprivileged account to run PostgreSQL as")


@contextlib.contextmanager
def discovered_postgres(environ: dict[str, str] | None = None) -> Iterator[str]:
    """The URL of a PostgreSQL server to make test databases on (see the module docstring)."""
    env = os.environ if environ is None else environ
    given = env.get(TEST_DATABASE_URL, "").strip()
    if given:
        if not answers(given):
            pytest.fail(f"{TEST_DATABASE_URL} is set to {given}, but nothing answers there")
        yield libpq_url(given)
        return
    if answers(DEFAULT_SERVER):
        yield DEFAULT_SERVER
        return
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail(NO_POSTGRES)
    cluster = ThrowawayCluster(bin_dir)
    try:
        cluster.start()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        cluster.stop()
        pytest.fail(f"{NO_POSTGRES} (starting a throwaway cluster failed: {error})")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@contextlib.contextmanager
def scratch_database(server_url: str, prefix: str = "lunarfront_test_") -> Iterator[str]:
    """A new empty database on that server (SQLAlchemy URL), dropped afterwards."""
    name = prefix + secrets.token_hex(4)
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin_connection:
        admin_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(libpq_url(server_url)).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin_connection:
            admin_connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
