from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.gc_guard import MainThreadCollector
from desktop.window import MainWindow
from tests.support import make_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store made with cheap argon2 settings, copied for each test."""
    folder = tmp_path_factory.mktemp("demo-template")
    make_demo(folder, with_stock=True).close()
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def opener(
        data_dir: Path, *, demo: bool = True, wait_login: bool = True, scanner: bool = False
    ) -> MainWindow:
        # The tests type at machine speed, as a scanner does; only scanner tests ask for one.
        window = MainWindow(data_dir, demo=demo, keyboard_scanner=scanner)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        if wait_login:
            with qtbot.waitSignal(window.login_ready, timeout=10_000):
                window.start()
        return window

    yield opener
    for window in windows:
        window.close()


@pytest.fixture(scope="module", autouse=True)
def gui_thread_gc(qapp: QApplication) -> Iterator[None]:
    """As in the app: no garbage collection on worker threads (see desktop.gc_guard)."""
    collector = MainThreadCollector(qapp)
    yield
    gc.collect()
    gc.enable()
    collector.deleteLater()
