"""The startup benchmark's baseline: the least a Qt Widgets app can do before a window is up.

Run by path (not `-m bench...`) so that importing the bench package is not part of the cost.
"""

import time

_STARTED = time.perf_counter()  # first statement, exactly like desktop.main, so the two compare

import sys  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()

    def ready() -> None:
        print(f"qt-ready-ms {(time.perf_counter() - _STARTED) * 1000:.1f}", flush=True)
        app.quit()

    # Queued behind the show events, so the window has really been shown when we report.
    QTimer.singleShot(0, ready)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
