"""Work runs off the GUI thread; results come back on it."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from desktop.tasks import TaskRunner


def test_db_work_runs_on_the_db_thread_and_reports_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, str] = {}

    def work() -> int:
        seen["work"] = threading.current_thread().name
        return 42

    def done(value: int) -> None:
        seen["done"] = threading.current_thread().name
        seen["value"] = str(value)

    runner.run_db(work, done)
    qtbot.waitUntil(lambda: "done" in seen, timeout=5_000)
    runner.shutdown()
    assert seen["work"].startswith("lunarfront-db")
    assert seen["done"] == threading.main_thread().name
    assert seen["value"] == "42"


def test_errors_reach_the_error_callback(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def work() -> None:
        raise ValueError("scanner unplugged")

    runner.run_db(work, lambda _: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    runner.shutdown()
    assert str(errors[0]) == "scanner unplugged"


def test_db_work_keeps_its_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    order: list[int] = []
    for n in range(20):
        runner.run_db(lambda n=n: n, order.append)
    qtbot.waitUntil(lambda: len(order) == 20, timeout=5_000)
    runner.shutdown()
    assert order == list(range(20))
