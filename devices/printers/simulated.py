"""The simulated receipt printer: the demo store's printer, and the tests' printer with no I/O.

It keeps every job's bytes (the desktop decodes them into an on-screen receipt) and calls its
listeners from the thread that printed, like a real printer on the spooler's thread. It answers
the status query like a real printer, and can be put in a fault (offline, out of paper, cover
open) so the fault path can be shown without hardware. Like a real printer it takes whatever
it is sent; only asking its status, which `send_job` does when the status check is on,
reveals a fault.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from devices.printers.status import PrinterStatus, status_reply

__all__ = ["JobListener", "SimulatedPrinter"]

JobListener = Callable[[bytes], None]
_log = logging.getLogger(__name__)


class SimulatedPrinter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[bytes] = []
        self._listeners: list[JobListener] = []
        self._status = PrinterStatus()

    # The faults, each settable from any thread (the demo's devices screen, a test).
    @property
    def offline(self) -> bool:
        return not self.status().online

    @offline.setter
    def offline(self, value: bool) -> None:
        self._set(online=not value)

    @property
    def paper_out(self) -> bool:
        return self.status().paper_out

    @paper_out.setter
    def paper_out(self, value: bool) -> None:
        self._set(paper_out=value)

    @property
    def cover_open(self) -> bool:
        return self.status().cover_open

    @cover_open.setter
    def cover_open(self, value: bool) -> None:
        self._set(cover_open=value)

    @property
    def paper_near_end(self) -> bool:
        return self.status().paper_near_end

    @paper_near_end.setter
    def paper_near_end(self, value: bool) -> None:
        self._set(paper_near_end=value)

    @property
    def drawer_open(self) -> bool:
        return self.status().drawer_open

    @drawer_open.setter
    def drawer_open(self, value: bool) -> None:
        self._set(drawer_open=value)

    def status(self) -> PrinterStatus:
        with self._lock:
            return self._status

    def answer(self, query: bytes) -> bytes:
        """The reply to a run of `DLE EOT n` requests, one byte each, as a printer sends it."""
        status = self.status()
        if len(query) % 3 or any(query[i : i + 2] != b"\x10\x04" for i in range(0, len(query), 3)):
            raise ValueError(f"not a status query: {query.hex(' ')}")
        return b"".join(status_reply(query[i + 2], status) for i in range(0, len(query), 3))

    def receive(self, data: bytes) -> None:
        """Print a job: keep its bytes and tell the listeners, on the calling thread."""
        with self._lock:
            self._jobs.append(bytes(data))
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(data)
            except Exception:  # noqa: BLE001 - a broken preview must not fail the receipt
                _log.exception("a simulated printer listener failed")

    @property
    def jobs(self) -> list[bytes]:
        """Every job printed so far, oldest first (a copy)."""
        with self._lock:
            return list(self._jobs)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()

    def add_listener(self, listener: JobListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: JobListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _set(self, **changes: bool) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
