"""`lunarfront pair` and `lunarfront sync`: pairing and syncing from a terminal.

For a register without a screen at hand (a back-office machine, a script after an
install) and for support. Output is plain words; exit code 0 on success, 1 when something
went wrong (the message says what), 2 for bad usage (argparse).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from core.clock import SystemClock
from db.errors import StoreError
from db.store import Store, open_store
from sync.client.engine import SyncEngine
from sync.client.errors import SyncError
from sync.client.status import SyncStatus
from sync.client.tokens import KeyringTokenStore, TokenStore

__all__ = ["pair_command", "sync_command"]


def pair_command(
    data_dir: Path,
    server: str,
    code: str,
    *,
    ca_file: Path | None = None,
    name: str | None = None,
    prefix: str | None = None,
    tokens: TokenStore | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    store = _open(data_dir, err)
    if store is None:
        return 1
    engine = SyncEngine(store.uow, SystemClock(), tokens or KeyringTokenStore())
    try:
        reply = engine.pair(server, code, ca_file, device_name=name, prefix=prefix)
        status = engine.status()
    except SyncError as exc:
        err.write(f"Pairing failed: {exc.message}\n")
        return 1
    finally:
        engine.close()
        store.close()
    out.write(
        f"Paired with {status.server_url}.\n"
        f"Company: {reply.company.name}\nStore: {reply.location.name}\n"
    )
    if status.last_error is not None:
        err.write(
            f"The first download stopped: {status.last_error}\n"
            "Run `lunarfront sync` to carry on from where it stopped.\n"
        )
        return 1
    if status.waiting:
        out.write(
            f"{status.waiting} changes are waiting to be sent; run `lunarfront sync` or "
            "open the app.\n"
        )
    return 0


def sync_command(
    data_dir: Path,
    *,
    tokens: TokenStore | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    store = _open(data_dir, err)
    if store is None:
        return 1
    engine = SyncEngine(store.uow, SystemClock(), tokens or KeyringTokenStore())
    try:
        if not engine.status().paired:
            err.write(
                "This register is not paired with a sync server. Pair it first: "
                "lunarfront pair --server URL --code CODE\n"
            )
            return 1
        report = engine.sync_once()
    finally:
        engine.close()
        store.close()
    status = report.status
    out.write(f"Sent {report.pushed} changes and received {report.pulled}.\n")
    out.write(_summary(status))
    if status.last_error is not None:
        err.write(f"Sync did not finish: {status.last_error}\n")
        return 1
    return 0


def _summary(status: SyncStatus) -> str:
    lines = [f"{status.waiting} changes waiting to be sent."]
    if status.issues:
        lines.append(
            f"{status.issues} sync problems need a manager's look (the Sync screen in the app)."
        )
    return "\n".join(lines) + "\n"


def _open(data_dir: Path, err: TextIO) -> Store | None:
    try:
        return open_store(data_dir)
    except StoreError as exc:
        err.write(f"{exc}\n")
        return None
