"""The print queue: jobs go to the printer one at a time, in order, on a thread of their own.

A sale is never held up by the printer: `submit` returns at once. A job that fails waits,
FAILED, with its `PrinterError`, and so does every receipt behind it (receipts come out in
order) until the cashier chooses: `retry` it, print it `later` (HELD; the rest goes on), or
`cancel` it. A fault that fails fast and often clears in a moment (connection refused while
the printer starts up) is retried automatically first; a timeout is not, so an unreachable
printer is reported within its connect timeout. A drawer kick goes to the front and is sent
even while a receipt waits, so a cashier can always give change. Jobs live in memory only:
the app re-renders a receipt from the database for a reprint. A job is never lost: it is
DONE, CANCELLED by the cashier, or still listed.

Listeners are called outside the lock, in the order the changes happened: from the worker for
printing, from the caller's thread for the cashier's own actions (submit, retry, later,
cancel, set_settings). They must be quick and must not block; the desktop re-emits them as
Qt signals.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from core.errors import DomainError
from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers.connection import send_job
from devices.printers.errors import PrinterError, PrinterFailedError, PrinterNotSetUpError
from devices.printers.simulated import SimulatedPrinter

__all__ = [
    "HealthListener",
    "HealthState",
    "JobKind",
    "JobListener",
    "JobState",
    "PrintJob",
    "PrintJobError",
    "PrintSpooler",
    "PrinterHealth",
]

_log = logging.getLogger(__name__)


class JobKind(enum.StrEnum):
    RECEIPT = "receipt"
    REPORT = "report"
    DRAWER = "drawer"  # a drawer kick: to the front of the queue
    TEST = "test"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"  # waiting for the cashier: retry, later or cancel
    HELD = "held"  # to print later
    CANCELLED = "cancelled"


class HealthState(enum.StrEnum):
    NOT_SET_UP = "not_set_up"
    READY = "ready"
    PRINTING = "printing"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PrintJob:
    id: int
    title: str
    kind: JobKind
    state: JobState
    attempts: int
    created: float
    finished: float | None = None
    error: PrinterError | None = None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


@dataclass(frozen=True, slots=True)
class PrinterHealth:
    state: HealthState
    message: str = ""


class PrintJobError(DomainError):
    """The cashier asked for something the job's state does not allow."""


_Event = TypeVar("_Event", PrintJob, PrinterHealth)
JobListener = Callable[[PrintJob], None]
HealthListener = Callable[[PrinterHealth], None]
_WHY_NOT = {
    JobState.QUEUED: "It is waiting its turn.",
    JobState.PRINTING: "It is printing now.",
    JobState.DONE: "It has already printed.",
    JobState.HELD: "It is already put aside to print later.",
    JobState.CANCELLED: "It was cancelled.",
}


@dataclass(slots=True)
class _Entry:
    """A job and its bytes as the spooler keeps them; changed only under the lock."""

    job: PrintJob
    data: bytes


class PrintSpooler:
    def __init__(
        self,
        settings: PrinterSettings,
        *,
        simulated: SimulatedPrinter | None = None,
        clock: Callable[[], float] = time.monotonic,
        auto_retries: int = 2,
        retry_backoff_s: float = 0.5,
        history: int = 100,
    ) -> None:
        self.simulated = simulated if simulated is not None else SimulatedPrinter()
        self._settings = settings
        self._clock = clock
        self._auto_retries = auto_retries
        self._backoff = retry_backoff_s
        self._cond = threading.Condition()
        self._dispatching = threading.RLock()  # one thread delivers events at a time, in order
        self._ids = itertools.count(1)
        self._queue: list[_Entry] = []  # live jobs in print order
        self._done: deque[PrintJob] = deque(maxlen=history)  # DONE and CANCELLED, oldest first
        self._outbox: list[PrintJob | PrinterHealth] = []
        self._job_listeners: list[JobListener] = []
        self._health_listeners: list[HealthListener] = []
        self._health = self._compute_health()
        self._worker: threading.Thread | None = None
        self._busy = False
        self._closed = False

    # -- the cashier's side ------------------------------------------------------------------

    def submit(self, title: str, data: bytes, *, kind: JobKind) -> PrintJob:
        with self._cond:
            if self._closed:
                raise PrintJobError("Printing has stopped on this register; restart the app.")
            job = PrintJob(next(self._ids), title, kind, JobState.QUEUED, 0, self._clock())
            entry = _Entry(job, bytes(data))
            self._queue.insert(self._front() if kind is JobKind.DRAWER else len(self._queue), entry)
            self._update(entry)
            self._start_worker()
        self._dispatch()
        return job

    def retry(self, job_id: int) -> PrintJob:
        """Print a FAILED job again in its place (or a HELD one, at the end of the queue)."""
        return self._act(job_id, (JobState.FAILED, JobState.HELD), self._requeue)

    def later(self, job_id: int) -> PrintJob:
        """Put a FAILED or QUEUED job aside (HELD) and let the rest of the queue go on."""
        return self._act(job_id, (JobState.FAILED, JobState.QUEUED), self._hold)

    def cancel(self, job_id: int) -> PrintJob:
        return self._act(job_id, (JobState.QUEUED, JobState.FAILED, JobState.HELD), self._cancel)

    def print_held(self) -> list[PrintJob]:
        """Queue every HELD job again, in their order, behind what is queued already."""
        with self._cond:
            held = [e for e in self._queue if e.job.state is JobState.HELD]
            for entry in held:
                self._requeue(entry)
            jobs = [e.job for e in held]
        self._dispatch()
        return jobs

    def set_settings(self, settings: PrinterSettings) -> None:
        """Print on another printer from the next job on; failed jobs wait to be retried."""
        with self._cond:
            self._settings = settings
            self._health_changed()
        self._dispatch()

    # -- what the screens show ---------------------------------------------------------------

    @property
    def settings(self) -> PrinterSettings:
        with self._cond:
            return self._settings

    def jobs(self) -> list[PrintJob]:
        """The last `history` finished jobs oldest first, then the live ones in print order."""
        with self._cond:
            return [*self._done, *(e.job for e in self._queue)]

    def job(self, job_id: int) -> PrintJob:
        with self._cond:
            for job in (*self._done, *(e.job for e in self._queue)):
                if job.id == job_id:
                    return job
        raise PrintJobError("That print job is no longer listed.")

    def health(self) -> PrinterHealth:
        with self._cond:
            return self._health

    def add_listener(self, listener: JobListener) -> None:
        with self._cond:
            self._job_listeners.append(listener)

    def remove_listener(self, listener: JobListener) -> None:
        with self._cond, contextlib.suppress(ValueError):
            self._job_listeners.remove(listener)

    def add_health_listener(self, listener: HealthListener) -> None:
        with self._cond:
            self._health_listeners.append(listener)

    def remove_health_listener(self, listener: HealthListener) -> None:
        with self._cond, contextlib.suppress(ValueError):
            self._health_listeners.remove(listener)

    # -- the thread --------------------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            self._start_worker()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once nothing is printing and nothing more can print without the cashier (or
        the spooler is closed), and every change has been told; False if `timeout` passed."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._closed or (not self._busy and self._next() is None), timeout
            )

    def close(self, timeout: float | None = None) -> None:
        """Stop after the job printing now; what is still queued stays listed."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout)

    def _start_worker(self) -> None:
        if self._worker is None and not self._closed:
            self._worker = threading.Thread(target=self._run, name="receipt-printer", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (entry := self._next()) is None:
                    self._busy = False  # only now: every change so far has been dispatched
                    self._cond.notify_all()
                    self._cond.wait()
                if self._closed:
                    self._busy = False
                    self._cond.notify_all()
                    return
                assert entry is not None
                self._busy = True
                self._update(entry, state=JobState.PRINTING, error=None)
            self._dispatch()
            error = self._print(entry)
            with self._cond:
                if error is None:
                    self._update(entry, state=JobState.DONE, finished=self._clock())
                    self._retire(entry)
                else:
                    self._update(entry, state=JobState.FAILED, error=error)
            self._dispatch()

    def _print(self, entry: _Entry) -> PrinterError | None:
        """Send the job, retrying a transient fault; the fault that stayed, or None."""
        tries = 0
        while True:
            tries += 1
            with self._cond:
                settings = self._settings
                self._update(entry, attempts=entry.job.attempts + 1)
            self._dispatch()
            if entry.job.kind is JobKind.DRAWER:
                # A printer out of paper still opens the drawer: do not ask about paper.
                settings = replace(settings, status_check=False)
            error = self._attempt(settings, entry.data)
            if error is None or not error.transient or tries > self._auto_retries:
                return error
            deadline = time.monotonic() + self._backoff
            with self._cond:
                while not self._closed and (left := deadline - time.monotonic()) > 0:
                    self._cond.wait(left)
                if self._closed:
                    return error

    def _attempt(self, settings: PrinterSettings, data: bytes) -> PrinterError | None:
        try:
            send_job(settings, data, simulated=self.simulated)
        except PrinterError as error:
            return error
        except Exception as error:  # noqa: BLE001 - a driver's bug fails the job, not the queue
            _log.exception("printing failed unexpectedly")
            return PrinterFailedError(settings, type(error).__name__)
        return None

    # -- under the lock ----------------------------------------------------------------------

    def _next(self) -> _Entry | None:
        """The job to print next: a drawer kick first; otherwise the first queued job, unless
        a failed one is waiting for the cashier."""
        for entry in self._queue:
            if entry.job.kind is JobKind.DRAWER and entry.job.state is JobState.QUEUED:
                return entry
        for entry in self._queue:
            if entry.job.state is JobState.FAILED:
                return None
            if entry.job.state is JobState.QUEUED:
                return entry
        return None

    def _front(self) -> int:
        """Where a drawer kick goes: behind the job printing now and earlier kicks."""
        for at, entry in enumerate(self._queue):
            if entry.job.kind is not JobKind.DRAWER and entry.job.state is not JobState.PRINTING:
                return at
        return len(self._queue)

    def _act(
        self, job_id: int, allowed: tuple[JobState, ...], action: Callable[[_Entry], None]
    ) -> PrintJob:
        with self._cond:
            entry = next((e for e in self._queue if e.job.id == job_id), None)
            if entry is None:
                done = next((job for job in self._done if job.id == job_id), None)
                why = _WHY_NOT[done.state] if done else "It is no longer listed."
                raise PrintJobError(f"That print job cannot be changed. {why}")
            if entry.job.state not in allowed:
                raise PrintJobError(
                    f"“{entry.job.title}” cannot be changed. {_WHY_NOT[entry.job.state]}"
                )
            action(entry)
            job = entry.job
        self._dispatch()
        return job

    def _requeue(self, entry: _Entry) -> None:
        if entry.job.state is JobState.HELD:  # a held job goes to the back of the line
            self._queue.remove(entry)
            self._queue.append(entry)
        self._update(entry, state=JobState.QUEUED, error=None)

    def _hold(self, entry: _Entry) -> None:
        self._update(entry, state=JobState.HELD)

    def _cancel(self, entry: _Entry) -> None:
        self._update(entry, state=JobState.CANCELLED, finished=self._clock())
        self._retire(entry)

    def _retire(self, entry: _Entry) -> None:
        # The bytes go: a reprint renders the receipt anew from the database.
        self._queue.remove(entry)
        self._done.append(entry.job)

    def _update(self, entry: _Entry, **changes: Any) -> None:
        entry.job = replace(entry.job, **changes)
        self._outbox.append(entry.job)
        self._health_changed()
        self._cond.notify_all()

    def _health_changed(self) -> None:
        health = self._compute_health()
        if health != self._health:
            self._health = health
            self._outbox.append(health)

    def _compute_health(self) -> PrinterHealth:
        if self._settings.kind is PrinterKind.NONE:
            return PrinterHealth(
                HealthState.NOT_SET_UP, PrinterNotSetUpError(self._settings).message
            )
        jobs = [e.job for e in self._queue]
        failed = next((job for job in jobs if job.state is JobState.FAILED), None)
        if failed is not None:
            return PrinterHealth(HealthState.FAILED, failed.message)
        printing = next((job for job in jobs if job.state is JobState.PRINTING), None)
        if printing is not None:
            return PrinterHealth(HealthState.PRINTING, f"Printing {printing.title}")
        return PrinterHealth(HealthState.READY)

    # -- outside the lock --------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Deliver what changed, in order. Called after every change, outside the lock."""
        with self._dispatching:
            while True:
                with self._cond:
                    events, self._outbox = self._outbox, []
                    job_listeners = list(self._job_listeners)
                    health_listeners = list(self._health_listeners)
                if not events:
                    return
                for event in events:
                    if isinstance(event, PrintJob):
                        self._tell(job_listeners, event)
                    else:
                        self._tell(health_listeners, event)

    @staticmethod
    def _tell(listeners: list[Callable[[_Event], None]], event: _Event) -> None:
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a broken screen must not stop the printing
                _log.exception("a print queue listener failed")
