"""Running work off the GUI thread and getting the result back on it.

One single-worker executor serialises database work (SQLite has one writer anyway, and a
queue keeps a burst of clicks in order); a small pool takes network calls. The worker never
touches a widget: it emits a Qt signal, and Qt delivers it to the GUI thread's event loop.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


_Pending = tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]


class _Relay(QObject):
    finished = Signal(int, object, object)  # task id, result, exception


class TaskRunner(QObject):
    """`run_db(fn, on_done, on_error)`: fn runs on the database thread, callbacks on the GUI."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lunarfront-db")
        self._net = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lunarfront-net")
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._ids = itertools.count()
        # The GUI thread keeps every submitted function until its result is delivered, so a
        # worker never drops the last reference to a closure that holds a widget.
        self._pending: dict[int, _Pending] = {}

    def run_db(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        return self._submit(self._db, fn, on_done, on_error)

    def run_net(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[T]:
        return self._submit(self._net, fn, on_done, on_error)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        """Finish queued database work (never drop a write), then stop the threads."""
        self._db.shutdown(wait=True)
        self._net.shutdown(wait=False, cancel_futures=True)

    def _submit(
        self,
        executor: ThreadPoolExecutor,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None,
    ) -> Future[T]:
        task_id = next(self._ids)
        self._pending[task_id] = (fn, on_done, on_error or _log_error)
        future = executor.submit(fn)
        future.add_done_callback(lambda f: self._relay.finished.emit(task_id, *_outcome(f)))
        return future

    def _deliver(self, task_id: int, result: object, error: object) -> None:
        _fn, on_done, on_error = self._pending.pop(task_id)
        if isinstance(error, BaseException):
            on_error(error)
        else:
            on_done(result)


def _outcome(future: Future[Any]) -> tuple[object, BaseException | None]:
    if future.cancelled():
        return None, CancelledError()
    error = future.exception()
    return (None, error) if error is not None else (future.result(), None)


def _log_error(error: BaseException) -> None:
    log.error("background task failed", exc_info=error)
