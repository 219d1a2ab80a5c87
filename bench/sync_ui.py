"""`sync.ui_responsiveness`: does the register's window keep answering while it syncs?

The app's main window runs in this process (offscreen Qt), signed in on the register
screen, on a copy of the cached register with 10,000 sales queued, paired with a local
server process whose catalog also holds 100,000 new products. The app's own `SyncRunner`
(started by the window, on its own thread) pushes the queue and pulls the catalog in its
first cycle, which starts as soon as the store is open. Meanwhile a `QTimer` fires every
10 ms on the GUI thread and notes how late each tick is: how long the event loop could not
answer a key press or repaint. Ticks count from the moment the register screen is up (the
sync is under way by then; opening the window stalls on its own) until the cycle ends.
The baseline is the same window, opened the same way, for the same number of ticks with
sync not running (the register unpaired). A stall over ~100 ms is a UI a cashier feels
freeze.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench import sync_catalog as catalog_on_server
from bench import sync_setup as setup
from bench.harness import BenchmarkError, Measurement, RunContext
from bench.stats import summarize
from core.services.demo_store import DEMO_PASSWORD
from core.services.identity import load_this_device
from db.models import SyncState
from db.store import Store, open_store
from sync.client import SyncStatus

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.window import MainWindow

TICK_MS = 10
STALL_MS = 100.0
SYNC_TIMEOUT_S = 600.0
WAIT_S = 60.0
# Called when a window's sign-in screen is ready (the app freezes long-lived objects then).
_READY_HOOKS: list[Callable[[], None]] = []


class TickWatch:
    """A 10 ms precise timer on the GUI thread, noting each tick's lateness (ms)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer  # noqa: PLC0415

        self.late: list[float] = []
        self.since = 0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.late.clear()
        self.since = 0
        self._last = time.perf_counter()
        self._timer.start()

    def mark(self) -> None:
        """Count from here: the window is open and signed in (opening it stalls anyway)."""
        self.since = len(self.late)

    @property
    def counted(self) -> list[float]:
        return self.late[self.since :]

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self._last = now


def measure(context: RunContext, sales: int, catalog: int) -> Measurement:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    server = setup.postgres_server()
    queue = setup.queued_register(context, server, sales)
    from desktop.gc_guard import MainThreadCollector  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # As `desktop.app.run_app` does: collection on the GUI thread, long-lived objects frozen
    # once the sign-in screen is ready.
    collector = MainThreadCollector(app)
    _READY_HOOKS.append(collector.freeze_long_lived)
    try:
        return _measure(context, app, server, queue, catalog)
    finally:
        _READY_HOOKS.clear()
        collector.deleteLater()
        gc.unfreeze()
        gc.enable()


def _measure(
    context: RunContext, app: QApplication, server: str, queue: setup.Queue, catalog: int
) -> Measurement:
    work = context.data_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    watch = TickWatch()
    with (
        tempfile.TemporaryDirectory(dir=work) as folder,
        setup.scratch_database(server) as database_url,
    ):
        register = Path(folder) / "register"
        store = queue.restore(database_url, register)
        try:
            catalog_on_server.seed_catalog(database_url, _company(store), catalog)
        finally:
            store.close()
        setup.horizon_passed(database_url)
        with setup.server_process(database_url, Path(folder)) as url:
            store = open_store(register)
            try:
                setup.point_at(store, url)
            finally:
                store.close()
            busy, seconds = _syncing(app, register, watch)
        store = open_store(register)
        try:
            products = _count(store, "product")
            waiting = _count(store, "outbox_event")
            _unpair(store)  # the window then does not start sync
        finally:
            store.close()
        idle = _idle(app, register, watch, ticks=len(busy))
    if waiting or products < catalog:
        raise BenchmarkError(f"sync did not finish: {waiting} waiting, {products} products")
    context.log(f"sync took {seconds:.1f} s; {len(busy)} ticks, {len(idle)} idle ticks")
    stats, calm = summarize(busy), summarize(idle)
    return Measurement(
        samples=tuple(busy),
        baseline=tuple(idle),
        extra={
            "max_ms": round(stats.max, 1),
            "p99_ms": round(_p99(busy), 1),
            "baseline_max_ms": round(calm.max, 1),
            "baseline_p99_ms": round(_p99(idle), 1),
            "stalls_over_100ms": sum(1 for late in busy if late > STALL_MS),
            "target_max_ms": STALL_MS,
            "meets_target_max": stats.max < STALL_MS,
            "sync_s": round(seconds, 2),
            "events_pushed": queue.events,
            "products_pulled": catalog,
        },
    )


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def _company(store: Store) -> uuid.UUID:
    with store.read_sessions() as session:
        device = load_this_device(session)
    if device is None:
        raise BenchmarkError("the cached register has no store")
    return device.company_id


def _unpair(store: Store) -> None:
    with store.uow() as uow:
        state = uow.session.get(SyncState, 1)
        if state is None:
            raise BenchmarkError("the cached register was never paired")
        state.paired_at = None
        uow.commit()


def _count(store: Store, table: str) -> int:
    from sqlalchemy import text  # noqa: PLC0415

    with store.read_sessions() as session:
        return int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())


def _idle(app: QApplication, register: Path, watch: TickWatch, ticks: int) -> list[float]:
    """Ticks of the window, from its start as in the busy run, with nothing syncing (as
    many as the busy run had): opening the store and signing in are in both."""
    window = _open(app, register, tick=watch)
    try:
        wanted = max(ticks, 100)
        _loop(app, lambda: len(watch.counted) >= wanted, WAIT_S + wanted * TICK_MS / 1000)
        watch.stop()
        return watch.counted[:wanted]
    finally:
        _close(app, window)


def _syncing(app: QApplication, register: Path, watch: TickWatch) -> tuple[list[float], float]:
    """Ticks from the window's start until its first sync cycle has ended."""
    seen: list[SyncStatus] = []
    began = time.perf_counter()
    window = _open(app, register, on_status=seen.append, tick=watch)
    try:

        def finished() -> bool:
            return any(s.running for s in seen) and not seen[-1].running

        _loop(app, finished, SYNC_TIMEOUT_S)
        watch.stop()
        if seen[-1].last_error:
            raise BenchmarkError(f"sync failed: {seen[-1].last_error}")
        return watch.counted, time.perf_counter() - began
    finally:
        _close(app, window)


def _open(
    app: QApplication,
    register: Path,
    on_status: Callable[[SyncStatus], None] | None = None,
    tick: TickWatch | None = None,
) -> MainWindow:
    """The window, signed in as a cashier on the register screen. The timer starts before
    the store opens when given: sync starts as soon as it has."""
    from desktop.window import MainWindow as Window  # noqa: PLC0415

    window = Window(register, demo=False)
    if on_status is not None:
        window.sync_bridge.status_changed.connect(on_status)
    ready: list[bool] = []
    window.login_ready.connect(lambda: ready.append(True))
    for hook in _READY_HOOKS:
        window.login_ready.connect(hook)
    window.resize(1366, 860)
    window.show()
    if tick is not None:
        tick.start()
    window.start()
    _loop(app, lambda: bool(ready), WAIT_S)
    user = window._auth().sign_in_with_password("jamie", DEMO_PASSWORD)
    window._signed_in(user)
    _loop(app, window.register.isVisible, WAIT_S)
    if tick is not None:
        tick.mark()
    return window


def _loop(app: QApplication, done: Callable[[], bool], timeout: float) -> None:
    """Run the real event loop until `done()` (checked every tick) or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: PLC0415

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(TICK_MS)
    check.timeout.connect(lambda: loop.quit() if done() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start(int(timeout * 1000))
    if not done():
        loop.exec()
    check.stop()
    deadline.stop()
    if not done():
        raise BenchmarkError(f"timed out after {timeout:.0f} s")


def _close(app: QApplication, window: MainWindow) -> None:
    from PySide6.QtCore import QEvent  # noqa: PLC0415

    window.close()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()
