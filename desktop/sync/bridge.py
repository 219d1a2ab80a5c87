"""The sync client as the GUI sees it: one object that owns the background `SyncRunner`,
re-emits what it reports (from its own thread) as a Qt signal, which Qt delivers on the GUI
thread, and runs the calls a manager makes (pair, sync now) on the network pool.

Nothing here runs sync on the GUI thread: the runner has its thread, pairing and "Sync now"
go through `TaskRunner.run_net`, and reading the local status goes through the database
executor like every other read.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from core.staff.actor import Actor
from desktop.sync.pairing_form import PairingInput
from desktop.tasks import TaskRunner
from sync.client import SyncEngine, SyncReport, SyncRunner, SyncStatus
from sync.protocol import PairResponse

SYNC_INTERVAL_S = 30.0


class SyncBridge(QObject):
    status_changed = Signal(object)  # SyncStatus, on the GUI thread
    paired = Signal()

    # Emitted on the runner's thread; Qt queues it to the GUI thread.
    _reported = Signal(object)

    def __init__(
        self,
        tasks: TaskRunner,
        *,
        interval_s: float = SYNC_INTERVAL_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._interval_s = interval_s
        self._engine: SyncEngine | None = None
        self._runner: SyncRunner | None = None
        self.status: SyncStatus | None = None
        self._reported.connect(self._show)

    @property
    def engine(self) -> SyncEngine | None:
        return self._engine

    @property
    def running(self) -> bool:
        """The background runner is started (the register is paired)."""
        return self._runner is not None

    def attach(self, engine: SyncEngine) -> None:
        """Use `engine`; once its local status is read, start syncing if it is paired."""
        self._engine = engine
        self._tasks.run_db(engine.status, self._attached)

    def _attached(self, status: SyncStatus) -> None:
        self._show(status)
        if status.paired:
            self._start()

    def refresh(self) -> None:
        engine = self._engine
        if engine is not None:
            self._tasks.run_db(engine.status, self._show)

    def nudge(self) -> None:
        """Sync soon (a sale just completed); nothing when the register is not paired."""
        if self._runner is not None:
            self._runner.nudge()

    def pair(
        self,
        request: PairingInput,
        on_done: Callable[[PairResponse], None],
        on_error: Callable[[BaseException], None],
        *,
        by: Actor | None = None,
        approved_by: uuid.UUID | None = None,
    ) -> None:
        """Pair with the server (network and keyring on the network pool), then start syncing.
        `by` (and `approved_by`): whom the pairing is audited under."""
        engine = self._require_engine()

        def done(response: PairResponse) -> None:
            self._start()
            self.nudge()
            self.refresh()
            self.paired.emit()
            on_done(response)

        self._tasks.run_net(
            lambda: engine.pair(
                request.server_url, request.code, request.ca_file, by=by, approved_by=approved_by
            ),
            done,
            on_error,
        )

    def sync_now(
        self, on_done: Callable[[SyncReport], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """One whole cycle now, whatever the backoff says, on the network pool."""
        engine = self._require_engine()

        def done(report: SyncReport) -> None:
            self._show(report.status)
            on_done(report)

        self._tasks.run_net(engine.sync_once, done, on_error)

    def close(self) -> None:
        """Stop the runner (waits for a cycle in progress, a few seconds at most)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop()
        engine = self._engine
        if engine is not None:
            # Its kept-alive connection to the server. Closing waits for a cycle still in
            # progress ("Sync now" on the network pool), so never on the GUI thread.
            threading.Thread(target=engine.close, name="lunarfront-sync-close", daemon=True).start()

    def _start(self) -> None:
        if self._runner is None and self._engine is not None:
            runner = SyncRunner(
                self._engine, interval_s=self._interval_s, on_status=self._reported.emit
            )
            runner.start()
            self._runner = runner

    def _show(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _require_engine(self) -> SyncEngine:
        if self._engine is None:
            raise RuntimeError("sync is used before the store is open")
        return self._engine
