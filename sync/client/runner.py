"""Sync in the background: a daemon thread that runs a cycle on a timer and when nudged.

Never the GUI thread: the app hands `on_status` a callback that re-emits the status as a
Qt signal. A nudge (after each sale) runs a cycle at once even while backing off after
failures — new data is worth one more try, and nudges come at a human pace — while the
timer respects the engine's `next_attempt_at`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from sync.client.engine import SyncEngine
from sync.client.status import SyncStatus

__all__ = ["SyncRunner"]

log = logging.getLogger(__name__)


class SyncRunner:
    def __init__(
        self,
        engine: SyncEngine,
        *,
        interval_s: float = 30.0,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("the sync interval must be positive")
        self._engine = engine
        self._interval = interval_s
        self._on_status = on_status
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._nudged = False
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._guard:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="lunarfront-sync", daemon=True)
            self._thread.start()

    def nudge(self) -> None:
        """Sync soon (new data to send, or a manager pressed "Sync now")."""
        with self._guard:
            self._nudged = True
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the cycle in progress, if any; waits up to `timeout` seconds."""
        with self._guard:
            thread = self._thread
        self._stopping.set()
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._guard:
            if self._thread is thread and (thread is None or not thread.is_alive()):
                self._thread = None

    def _run(self) -> None:
        due = time.monotonic()  # the first cycle straight away
        while True:
            self._wake.wait(max(0.0, due - time.monotonic()))
            if self._stopping.is_set():
                return
            self._wake.clear()
            with self._guard:
                nudged, self._nudged = self._nudged, False
            if not nudged:
                if time.monotonic() < due:
                    continue
                left = self._retry_in()
                if left:
                    due = time.monotonic() + left
                    continue
            self._cycle()
            left = self._retry_in()
            due = time.monotonic() + (self._interval if left is None else left)

    def _cycle(self) -> None:
        try:
            self._tell(dataclasses.replace(self._engine.status(), running=True))
            report = self._engine.sync_once()
            self._tell(report.status)
        except Exception:  # (the thread must outlive any one failure)
            log.exception("background sync cycle failed")

    def _retry_in(self) -> float | None:
        try:
            return self._engine.retry_in()
        except Exception:  # (a locked or closing store: try at the next tick)
            log.exception("could not read when to sync next")
            return None

    def _tell(self, status: SyncStatus) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:  # (a broken listener must not stop sync)
            log.exception("sync status listener failed")
