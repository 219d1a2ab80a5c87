"""The PyInstaller bundle: built from pyinstaller.spec once per session, then run like a store
machine would run it. Slow (a build takes 15-30 s): select with `-m packaging`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.support import file_state

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def run(command: Sequence[str | Path], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_TIMEOUT_S,
        env={**os.environ, **env},
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's executable. Built with the PyInstaller of this venv, so it freezes exactly
    the packages the tests run against."""
    pyinstaller = Path(sys.executable).with_name(f"pyinstaller{EXE_SUFFIX}")
    if not pyinstaller.is_file():
        pytest.fail(f"{pyinstaller} is missing; install the dev extras (pip install -e .[dev])")
    build = tmp_path_factory.mktemp("build")
    done = subprocess.run(
        [
            str(pyinstaller),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(build / "dist"),
            "--workpath",
            str(build / "work"),
            str(ROOT / "pyinstaller.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=BUILD_TIMEOUT_S,
    )
    assert done.returncode == 0, f"the build failed:\n{done.stderr[-4000:]}"
    executable = build / "dist" / "lunarfront" / f"lunarfront{EXE_SUFFIX}"
    assert executable.is_file()
    return executable


def test_self_check_passes_on_a_new_data_folder(bundle: Path, tmp_path: Path) -> None:
    done = run([bundle, "--self-check", "--data-dir", tmp_path / "new"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    migrations are bundled" in done.stdout
    assert "ok    resources are bundled" in done.stdout
    assert done.stdout.strip().endswith("self-check passed")


def test_the_bundle_makes_a_demo_store_and_starts_to_the_login_window(
    bundle: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "demo"
    made = run(
        [bundle, "make-demo-store", "--data-dir", data_dir, "--products", "50", "--customers", "10"]
    )
    assert made.returncode == 0, made.stderr
    started = run([bundle, "--data-dir", data_dir, "--startup-probe"], QT_QPA_PLATFORM="offscreen")
    assert started.returncode == 0, started.stderr
    assert re.search(r"^login-ready-ms \d+(\.\d+)?$", started.stdout, re.MULTILINE), started.stdout


def test_self_check_refuses_a_garbage_database_and_leaves_it_alone(
    bundle: Path, tmp_path: Path
) -> None:
    database = tmp_path / "lunarfront.db"
    database.write_bytes(bytes(range(256)) * 64)
    before = file_state(database)
    done = run([bundle, "--self-check", "--data-dir", tmp_path])
    assert done.returncode != 0
    assert "FAIL  The database" in done.stdout
    assert "not an SQLite database file" in done.stdout
    assert "left untouched" in done.stdout
    assert "self-check passed" not in done.stdout
    assert file_state(database) == before
    # No journal or WAL beside it either: refusing the file must not have opened it for writing.
    assert [p.name for p in tmp_path.iterdir()] == ["lunarfront.db"]


def test_the_bundle_leaves_out_qt_modules_the_app_does_not_use(bundle: Path) -> None:
    unwanted = re.compile(r"Qt6?(Qml|Quick|WebEngine|3D|Multimedia|Designer)|QtNetwork\.")
    shipped = [p.name for p in bundle.parent.rglob("*") if unwanted.search(p.name)]
    assert shipped == []
