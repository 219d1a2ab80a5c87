"""`lunarfront pair` and `lunarfront sync`, through the real command-line entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.main import main
from tests.sync.client.support import MemoryKeyring, queue_events, register_at, store_on
from tests.sync.fixtures import LiveServer, free_port


def test_pair_then_sync_from_the_command_line(
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = store_on(live_server)
    data_dir = tmp_path / "till"
    code = live_server.pairing_code(store.location_id)
    argv = ["pair", "--server", live_server.url, "--code", code, "--data-dir", str(data_dir)]
    assert main([*argv, "--name", "Back office", "--prefix", "bo"]) == 0
    out, err = capsys.readouterr()
    assert "Paired with http://127.0.0.1" in out
    assert "Company: Harmony Music\nStore: Main Street" in out
    assert err == ""
    register = register_at(data_dir)
    try:
        queue_events(register, 3)
    finally:
        register.close()
    assert main(["--data-dir", str(data_dir), "sync"]) == 0
    out, err = capsys.readouterr()
    assert "Sent 3 changes and received" in out
    assert "0 changes waiting to be sent." in out
    assert err == ""


def test_a_wrong_code_fails_in_plain_words(
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = "ABCDE-FGHJK"
    argv = ["pair", "--server", live_server.url, "--code", code, "--data-dir", str(tmp_path)]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Pairing failed: That pairing code is unknown, already used or expired")
    assert "Traceback" not in err


def test_plain_http_to_another_machine_is_refused(
    memory_keyring: MemoryKeyring, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["pair", "--server", "http://sync.example.com", "--code", "ABCDE-FGHJK"]
    assert main([*argv, "--data-dir", str(tmp_path)]) == 1
    assert "must start with https://" in capsys.readouterr().err


def test_sync_with_the_server_down_says_so_and_fails(
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = store_on(live_server)
    code = live_server.pairing_code(store.location_id)
    assert (
        main(["pair", "--server", live_server.url, "--code", code, "--data-dir", str(tmp_path)])
        == 0
    )
    capsys.readouterr()
    live_server.stop()
    assert main(["sync", "--data-dir", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "Sent 0 changes" in out
    assert err.startswith("Sync did not finish: The sync server did not answer")


def test_a_data_folder_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("x")
    assert main(["sync", "--data-dir", str(not_a_folder)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


def test_pair_needs_a_server_and_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["pair", "--server", f"http://127.0.0.1:{free_port()}"])
    assert usage.value.code == 2
    assert "--code" in capsys.readouterr().err


def test_sync_of_an_unpaired_register_as_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop.main", "sync", "--data-dir", str(tmp_path / "till")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "This register is not paired with a sync server" in done.stderr
    assert "Traceback" not in done.stderr
