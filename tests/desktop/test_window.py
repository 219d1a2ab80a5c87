"""The app as a cashier uses it: sign in by password or PIN, switch user, theme, failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.services.demo_store import DEMO_PASSWORD, DEMO_USERS
from db.store import DATABASE_NAME
from desktop.theme import ThemeName
from desktop.window import MainWindow
from tests.support import file_state

Opener = Callable[..., MainWindow]


def type_password_sign_in(qtbot: QtBot, window: MainWindow, user: str, password: str) -> None:
    login = window.login
    login.username.clear()
    qtbot.keyClicks(login.username, user)
    qtbot.keyClick(login.username, Qt.Key.Key_Return)
    assert login.password.hasFocus() or not window.isActiveWindow()
    qtbot.keyClicks(login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)


def test_login_screen_shows_the_store_and_staff(open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    assert window.pages.currentWidget() is window.login
    assert window.login.title.text() == "Moonlight Music Co."
    assert window.login.tile_grid.count() == len(DEMO_USERS)
    assert "demo1234" in window.login.hint.text()
    assert "Front Counter (R1)" in window.status.register.text()


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda u: u.username)
def test_each_demo_user_signs_in_by_keyboard(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, demo: object
) -> None:
    from core.services.demo_store import DemoUser

    assert isinstance(demo, DemoUser)
    window = open_window(demo_dir)
    type_password_sign_in(qtbot, window, demo.username, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.shell, timeout=5_000)
    assert window.status.user.text() == f"User: {demo.display_name} ({demo.role.label})"
    assert demo.display_name in window.home.greeting.text()
    qtbot.waitUntil(lambda: window.home.figures["products"].text() == "60", timeout=5_000)


def test_wrong_password_says_so_and_locks_out(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    error = window.login.password_error
    for left in (4, 3, 2, 1):
        type_password_sign_in(qtbot, window, "jamie", "not-my-password")
        qtbot.waitUntil(lambda left=left: f"{left} more tr" in error.text(), timeout=5_000)
        assert window.login.password.text() == ""
    type_password_sign_in(qtbot, window, "jamie", "not-my-password")
    qtbot.waitUntil(lambda: "locked" in error.text(), timeout=5_000)
    type_password_sign_in(qtbot, window, "jamie", DEMO_PASSWORD)
    qtbot.waitUntil(lambda: "Checking" not in error.text(), timeout=5_000)
    assert "locked" in error.text()
    assert window.pages.currentWidget() is window.login


def test_pin_switch_and_lock(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    login = window.login
    tiles = [login.tile_grid.itemAt(i).widget() for i in range(login.tile_grid.count())]
    jamie = next(t for t in tiles if t is not None and t.text().startswith("Jamie Chen"))
    qtbot.mouseClick(jamie, Qt.MouseButton.LeftButton)
    assert login.switch_stack.currentIndex() == 1
    assert login.pin_title.text() == "PIN for Jamie Chen"
    qtbot.keyClicks(login.pin, "0000")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong PIN" in login.pin_error.text(), timeout=5_000)
    qtbot.keyClicks(login.pin, "3333")
    qtbot.keyClick(login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.shell, timeout=5_000)
    assert "Jamie Chen" in window.status.user.text()
    window.shell.lock_requested.emit()
    assert window.pages.currentWidget() is window.login
    assert window.status.user.text() == "Signed out"
    assert login.password.text() == ""


def test_theme_choice_is_remembered(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    assert window.theme is ThemeName.LIGHT
    window.set_theme(ThemeName.DARK)
    window.close()
    again = open_window(demo_dir)
    assert again.theme is ThemeName.DARK


def test_corrupt_database_reports_and_leaves_the_file(
    qtbot: QtBot, open_window: Opener, tmp_path: Path
) -> None:
    (tmp_path / DATABASE_NAME).write_bytes(b"\x00garbage" * 1000)
    before = file_state(tmp_path / DATABASE_NAME)
    window = open_window(tmp_path, wait_login=False)
    with qtbot.waitSignal(window.startup_failed, timeout=10_000) as failed:
        window.start()
    assert "damaged" in failed.args[0]
    assert file_state(tmp_path / DATABASE_NAME) == before


def test_first_run_sets_up_a_store(qtbot: QtBot, open_window: Opener, tmp_path: Path) -> None:
    window = open_window(tmp_path, demo=False, wait_login=False)
    window.start()
    page = window.setup_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=10_000)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "store name" in page.error.text(), timeout=5_000)
    for field, text in (
        (page.company, "Harmony Hall"),
        (page.location, "Queen St"),
        (page.admin_username, "dana"),
        (page.admin_name, "Dana Ng"),
        (page.admin_password, "long enough"),
        (page.admin_pin, "2468"),
    ):
        qtbot.keyClicks(field, text)
    with qtbot.waitSignal(window.login_ready, timeout=10_000):
        qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert window.login.title.text() == "Harmony Hall"
    assert window.login.hint.text() == ""
    type_password_sign_in(qtbot, window, "dana", "long enough")
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.shell, timeout=10_000)
    assert "Dana Ng (Administrator)" in window.status.user.text()
