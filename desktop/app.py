"""Starting the Qt application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.gc_guard import MainThreadCollector
from desktop.self_check import resources_dir
from desktop.theme import ThemeName, apply_theme
from desktop.window import MainWindow, elapsed_ms, show_fatal


def run_app(
    data_dir: Path, *, demo: bool, theme: str | None, probe_started: float | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("LunarFront")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "lunarfront.png")))
    collector = MainThreadCollector(app)
    chosen = ThemeName(theme) if theme else None
    apply_theme(app, chosen or ThemeName.LIGHT)
    window = MainWindow(data_dir, demo=demo, theme=chosen)
    exit_code = 0

    def failed(message: str) -> None:
        nonlocal exit_code
        exit_code = 1
        if probe_started is not None:
            print(message, file=sys.stderr)
        else:
            show_fatal(window, message)
        app.quit()

    window.startup_failed.connect(failed)
    if probe_started is not None:
        # Benchmarks: report the time from process start to a usable login window, then quit.
        def ready() -> None:
            print(f"login-ready-ms {elapsed_ms(probe_started):.1f}", flush=True)
            app.quit()

        window.login_ready.connect(ready)
    window.login_ready.connect(collector.freeze_long_lived)
    window.showMaximized()  # a counter screen belongs to the app
    window.start()
    app.exec()
    window.close()
    collector.collect()
    return exit_code
