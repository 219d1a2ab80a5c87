"""From a scan to the repainted cart, in the real register screen.

The whole window runs in this process (offscreen Qt) on a copy of the 100k-product store,
signed in as a cashier. Each sample types a barcode into the scan box and presses Enter, as a
keyboard-wedge scanner does, and ends when the cart's table has painted the new line: the
lookup and the write run on the database thread, the repaint on the GUI thread, and the
sample covers both.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import benchmark
from bench.stores import BIG_STORE, ensure_store

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

    from desktop.register.page import RegisterPage
    from desktop.window import MainWindow

SAMPLES = 300
TARGET_P95_MS = 50.0
CART_LINES = 30  # a fresh sale after this many lines, so carts stay register-sized
CASHIER = "jamie"
WAIT_S = 10.0


@benchmark("register.scan_to_paint", "scan (keys + Enter) to the repainted cart, register screen")
def scan_to_paint(context: RunContext) -> Measurement:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here so that listing the benchmarks does not load Qt and the app.
    from PySide6.QtCore import QEvent, QObject, Qt  # noqa: PLC0415
    from PySide6.QtTest import QTest  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from core.services.demo_store import DEMO_PASSWORD  # noqa: PLC0415
    from db.store import database_path  # noqa: PLC0415
    from desktop.window import MainWindow as Window  # noqa: PLC0415

    cached = ensure_store(context, BIG_STORE)
    codes = _barcodes(database_path(cached))
    scratch = context.data_dir / "scratch" / f"register-ui-{uuid.uuid4().hex[:8]}"
    shutil.copytree(cached, scratch)
    app = QApplication.instance() or QApplication([])
    window = Window(scratch, demo=False)
    ready: list[bool] = []
    window.login_ready.connect(lambda: ready.append(True))
    try:
        window.resize(1366, 860)
        window.show()
        window.start()
        _spin(app, lambda: bool(ready), "the login window")
        context.log(f"signing in as {CASHIER}")
        # The login page's own path, minus the typing: check the password, enter the shell.
        user = window._auth().sign_in_with_password(CASHIER, DEMO_PASSWORD)
        window._signed_in(user)
        page = window.register
        _spin(app, window.register.isVisible, "the register screen")

        # When the table painted, and how many lines the cart had then.
        painted: list[tuple[float, int]] = []

        class PaintWatch(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    painted.append((time.perf_counter(), page.cart.rowCount()))
                return False

        watch = PaintWatch()
        page.table.viewport().installEventFilter(watch)
        rng = random.Random(11)
        samples: list[float] = []
        count = context.samples(SAMPLES)
        for index in range(count + 5):
            if page.cart.rowCount() >= CART_LINES:
                _new_sale(app, page)
            rows = page.cart.rowCount()
            painted.clear()
            began = time.perf_counter()
            page.scan.setText(rng.choice(codes))
            QTest.keyClick(page.scan, Qt.Key.Key_Return)
            _spin(app, _painted_with_more_than(rows, painted), "the new line")
            if index >= 5:  # the first few warm the caches
                shown = next(at for at, lines in painted if lines > rows)
                samples.append((shown - began) * 1000)
        context.log(f"{len(samples)} scans timed")
        return Measurement(
            samples=tuple(samples),
            extra={"target_p95": TARGET_P95_MS, "cart_lines_up_to": CART_LINES},
        )
    finally:
        _tear_down(app, window)
        del window
        gc.collect()
        shutil.rmtree(scratch, ignore_errors=True)


def _painted_with_more_than(rows: int, painted: list[tuple[float, int]]) -> Callable[[], bool]:
    """Done once the table has painted with the new line in the cart."""
    return lambda: any(lines > rows for _at, lines in painted)


def _tear_down(app: QCoreApplication, window: MainWindow) -> None:
    """Qt objects go while the application and its GUI thread are alive: left to the
    interpreter's final garbage collection, PySide can crash on the way out."""
    from PySide6.QtCore import QEvent  # noqa: PLC0415

    window.close()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()


def _new_sale(app: QCoreApplication, page: RegisterPage) -> None:
    """Void the full cart (off the clock) so the next sample starts a register-sized sale."""
    assert page.view is not None
    page.till.register().void_open(page.till.actor, page.view.sale_id, "benchmark: next sale")
    page.reload()
    _spin(app, lambda: page.cart.rowCount() == 0, "the empty cart")


def _spin(app: QCoreApplication, done: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + WAIT_S
    while not done():
        if time.perf_counter() > deadline:
            raise BenchmarkError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.0002)


def _barcodes(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT b.code FROM product_barcode b JOIN product p ON p.id = b.product_id "
            "WHERE p.is_serialized = 0 AND p.active = 1 AND p.deleted_at IS NULL"
        ).fetchall()
    if not rows:
        raise BenchmarkError("the store has no products to scan")
    return [code for (code,) in rows]
