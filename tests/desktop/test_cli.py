"""The `lunarfront` command without a window: self-check and the demo-store generator."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from db.store import DATABASE_NAME
from desktop.main import main
from tests.support import file_state, read_only_folder


def test_self_check_on_a_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-check", "--data-dir", str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert "ok    data folder is writable" in out
    assert "journal_mode=wal" in out
    assert out.strip().endswith("self-check passed")


def test_self_check_refuses_a_corrupt_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / DATABASE_NAME
    path.write_bytes(b"PK\x03\x04 a zip file named like a database" * 50)
    before = file_state(path)
    assert main(["--self-check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  The database" in out
    assert "not an SQLite database" in out
    assert file_state(path) == before


def test_self_check_refuses_a_newer_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--self-check", "--data-dir", str(tmp_path)]) == 0
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0500'")
        conn.commit()
    capsys.readouterr()
    assert main(["--self-check", "--data-dir", str(tmp_path)]) == 1
    assert "newer version of LunarFront" in capsys.readouterr().out


def test_self_check_refuses_a_read_only_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        assert main(["--self-check", "--data-dir", str(folder)]) == 1
    assert "is not writable" in capsys.readouterr().out


def test_make_demo_store_refuses_negative_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["make-demo-store", "--data-dir", str(tmp_path), "--products", "-5"])
    assert code == 2
    assert "cannot be negative" in capsys.readouterr().err
    assert not (tmp_path / DATABASE_NAME).exists()


def test_unknown_option_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-option"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
