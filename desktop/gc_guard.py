"""Garbage collection only on the GUI thread.

Python's cyclic collector runs on whichever thread happens to allocate when a threshold is
crossed. If that is a worker thread and the cycle holds a Qt object, Qt destroys it off the
GUI thread and the process crashes. Like Anki, we switch automatic collection off and collect
on a GUI-thread timer instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1_000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._frozen = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    def freeze_long_lived(self) -> None:
        """Collect once, then move every object alive now out of the collector's view.

        What exists once the window is ready (modules, Qt wrappers, the store's caches) lives
        as long as the process. Left in the oldest generation, every full collection walks it
        again; with the sync runner allocating page after page, full collections come often
        and each held the GUI for 100-250 ms. Frozen, a full collection walks only what was
        made since. Only the first call does anything (the sign-in screen comes back often).
        """
        if self._frozen:
            return
        self._frozen = True
        gc.collect()
        gc.freeze()

    def collect(self) -> None:
        # Collect only the generations whose thresholds were crossed, as automatic gc would.
        threshold0, threshold1, threshold2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 > threshold0:
            gc.collect(0)
            if count1 > threshold1:
                gc.collect(1)
                if count2 > threshold2:
                    gc.collect(2)
