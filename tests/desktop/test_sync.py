"""Sync as a manager and a cashier meet it: the demo store shows nothing alarming and never
touches the network; the sync screen refuses a bad pairing form before sending anything,
pairs against a real sync server (PostgreSQL, HTTP on 127.0.0.1) through the form, and the
status bar follows: up to date, offline with sales waiting while the server is down, up to
date again once it is back; a problem the server reported is listed and dismissed."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from db.store import DATABASE_NAME
from desktop.sync.pairing_form import Field
from desktop.window import MainWindow
from sync.client import SyncEngine, SyncReport, SyncStatus
from tests.desktop.test_areas import area, sign_in
from tests.desktop.test_devices import cash_sale
from tests.desktop.test_register import approve_with_pin, barcodes, focused, press, type_text
from tests.sync.client.support import MemoryKeyring

Opener = Callable[..., MainWindow]
WAIT = 10_000
# A push that failed waits for its backoff (2 s, then doubling, with jitter) before the
# runner tries again, so coming back after an outage takes a few seconds.
CATCH_UP = 30_000


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every outgoing connection a Python socket tries, refused and recorded."""
    tried: list[object] = []

    def refuse(_sock: socket.socket, address: object) -> None:
        tried.append(address)
        raise ConnectionRefusedError("the test allows no network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return tried


def open_sync_screen(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+0, the tenth area, as a manager would."""
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.sync


def pair_through_the_form(qtbot: QtBot, window: MainWindow, url: str, code: str) -> None:
    page = window.sync
    open_sync_screen(qtbot, window)
    qtbot.waitUntil(lambda: focused() is page.form.server, timeout=WAIT)
    type_text(qtbot, url)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.form.code
    type_text(qtbot, code)
    qtbot.mouseClick(page.pair_button, Qt.MouseButton.LeftButton)

    def refused() -> list[str]:
        return [line.text() for line in page.form.errors.values() if line.text()]

    qtbot.waitUntil(lambda: page.is_paired or bool(refused()), timeout=WAIT)
    assert page.is_paired, refused()


def sync_text(window: MainWindow) -> str:
    return window.status.sync.full_text


def waiting_outbox(window: MainWindow) -> int:
    context = window.context
    assert context is not None
    with context.store.read_sessions() as session:
        return int(session.execute(text("SELECT count(*) FROM outbox_event")).scalar_one())


def test_the_demo_store_shows_no_sync_alarm_and_never_calls_the_network(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, no_network: list[object]
) -> None:
    window = open_window(demo_dir)
    qtbot.waitUntil(lambda: window.sync_bridge.status is not None, timeout=WAIT)
    assert sync_text(window) == "Sync: not set up"
    assert window.status.sync.property("health") != "warn"
    sign_in(qtbot, window, "morgan")
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    cash_sale(qtbot, window, code)  # a sale nudges sync: unpaired, nothing happens
    assert not window.sync_bridge.running
    assert sync_text(window) == "Sync: not set up"
    # The manager finds the way to pair: the sync area, and the settings screen.
    assert not window.shell.buttons[area(window, window.sync)].isHidden()
    assert window.settings.sync_button.isVisibleTo(window.settings)
    qtbot.mouseClick(window.status.sync, Qt.MouseButton.LeftButton)
    assert window.shell.stack.currentWidget() is window.sync
    assert not window.sync.is_paired
    assert no_network == []


def test_a_cashier_has_no_sync_screen(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    assert window.shell.buttons[area(window, window.sync)].isHidden()
    assert not window.settings.sync_button.isVisibleTo(window.settings)
    qtbot.mouseClick(window.status.sync, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.register


def test_pairing_by_someone_without_manage_sync_needs_a_managers_pin(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, live_server: Any
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")  # a cashier: no sync area, but the service decides
    page = window.sync
    window.shell.stack.setCurrentWidget(page)
    page.activate()
    qtbot.waitUntil(lambda: focused() is page.form.server, timeout=WAIT)
    page.form.server.setText(live_server.url)
    page.form.code.setText(live_server.pairing_code(new_company=True))
    asked = approve_with_pin(qtbot, "2222")  # Morgan, a manager
    press(qtbot, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: page.is_paired, timeout=WAIT)
    assert asked
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)
    # Audited in the cashier's name, with the manager who approved it.
    with sqlite3.connect(demo_dir / DATABASE_NAME) as db:
        row = db.execute(
            "SELECT u.username, m.username, a.after FROM audit_log a "
            "JOIN app_user u ON u.id = a.user_id JOIN app_user m ON m.id = a.approved_by_id "
            "WHERE a.action = 'sync.paired'"
        ).fetchall()
    assert [(who, manager) for who, manager, _ in row] == [("jamie", "morgan")]
    assert live_server.url in row[0][2]


def test_the_pairing_form_refuses_what_cannot_work_before_sending(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, no_network: list[object], tmp_path: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    page = window.sync
    open_sync_screen(qtbot, window)
    qtbot.waitUntil(lambda: focused() is page.form.server, timeout=WAIT)
    errors = page.form.errors

    press(qtbot, Qt.Key.Key_F10)  # nothing typed
    assert "sync server's address" in errors[Field.SERVER].text()
    assert "pairing code" in errors[Field.CODE].text()
    assert focused() is page.form.server

    for address in ("sync.example.com", "ftp://sync.example.com", "https://sync example"):
        page.form.server.setText(address)
        page.form.code.setText("K7Q2-M9XD")
        press(qtbot, Qt.Key.Key_Return)
        assert "not a sync server's address" in errors[Field.SERVER].text(), address
        assert not errors[Field.CODE].isVisibleTo(page)

    page.form.server.setText("https://sync.example.com")
    page.form.ca_file.setText(str(tmp_path / "missing-ca.pem"))
    press(qtbot, Qt.Key.Key_F10)
    assert "no file at this path" in errors[Field.CA_FILE].text()
    assert not errors[Field.SERVER].isVisibleTo(page)
    assert not page.is_paired
    assert no_network == []


def test_pairing_through_the_form_then_a_sale_waits_out_an_outage(
    qtbot: QtBot,
    open_window: Opener,
    demo_dir: Path,
    live_server: Any,
    server_db: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cycles: list[str] = []
    real_sync_once = SyncEngine.sync_once

    def sync_once(engine: SyncEngine) -> SyncReport:
        cycles.append(threading.current_thread().name)
        return real_sync_once(engine)

    monkeypatch.setattr(SyncEngine, "sync_once", sync_once)
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    page = window.sync
    pair_through_the_form(
        qtbot, window, live_server.url, live_server.pairing_code(new_company=True)
    )
    assert "Paired with the sync server" in page.message.text()
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)
    assert window.status.sync.property("health") == "ok"
    assert page.figures["Connection"].text().startswith("Online")
    assert page.figures["Server"].text() == live_server.url
    assert focused() is page.sync_button  # the form is gone; the keys stay on the screen

    press(qtbot, Qt.Key.Key_F5)  # sync now, on a worker: the screen stays live meanwhile
    qtbot.waitUntil(lambda: page.message.text().startswith("Synced: sent"), timeout=WAIT)
    assert page.sync_button.isEnabled()

    # The server goes down; the register keeps selling and says what waits.
    live_server.stop()
    window.shell.show_area(0)
    qtbot.waitUntil(lambda: focused() is window.register.scan, timeout=WAIT)
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    receipt = cash_sale(qtbot, window, code)
    # The simulated printer's window shows the receipt and may take the activation.
    qtbot.waitUntil(lambda: receipt in window.simulated.paper.toPlainText(), timeout=WAIT)
    qtbot.waitUntil(lambda: "offline" in sync_text(window), timeout=WAIT)
    assert " waiting" in sync_text(window)
    assert window.status.sync.property("health") == "warn"
    waiting = waiting_outbox(window)
    assert waiting >= 1

    window.shell.show_area(area(window, page))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.sync_button, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page.message.text().startswith("Sync did not finish"), timeout=WAIT)
    assert "did not answer" in page.message.text()
    assert page.figures["Connection"].text().startswith("Offline")

    # Back: the queue drains and the label says so.
    live_server.start()
    window.sync_bridge.nudge()
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)
    assert waiting_outbox(window) == 0
    with server_db.session() as session:
        sold = session.execute(
            text("SELECT count(*) FROM sale WHERE receipt_number = :n"), {"n": receipt}
        ).scalar_one()
    assert sold == 1
    assert cycles
    assert threading.main_thread().name not in cycles  # never on the GUI thread


def test_a_problem_is_listed_and_dismissed(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, live_server: Any, server_db: Any
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    pair_through_the_form(
        qtbot, window, live_server.url, live_server.pairing_code(new_company=True)
    )
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)
    page = window.sync

    # The server has seen more of this register than it remembers sending: it was restored
    # from a backup. Its next events collide and the register reports it.
    with server_db.session() as session:
        session.execute(text("UPDATE device SET last_sequence = last_sequence + 1000"))
    window.shell.show_area(0)
    qtbot.waitUntil(lambda: focused() is window.register.scan, timeout=WAIT)
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    receipt = cash_sale(qtbot, window, code)
    qtbot.waitUntil(lambda: receipt in window.simulated.paper.toPlainText(), timeout=WAIT)
    qtbot.waitUntil(lambda: "problem" in sync_text(window), timeout=CATCH_UP)
    assert window.status.sync.property("health") == "warn"

    qtbot.mouseClick(window.status.sync, Qt.MouseButton.LeftButton)
    assert window.shell.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.issues.model.rowCount() >= 1, timeout=WAIT)
    kinds = {issue.kind for issue in page.issues.model.rows}
    assert "restored" in kinds
    assert page.issues.detail.text()
    before = page.issues.model.rowCount()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.issues.table, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: page.issues.model.rowCount() == before - 1, timeout=WAIT)
    assert page.message.text().startswith("Dismissed.")
    press(qtbot, Qt.Key.Key_F7)  # dismissed ones too
    qtbot.waitUntil(lambda: page.issues.model.rowCount() == before, timeout=WAIT)
    assert any(issue.dismissed for issue in page.issues.model.rows)


def test_without_a_keyring_the_app_runs_and_pairing_says_why(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, live_server: Any
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    window = open_window(demo_dir)
    qtbot.waitUntil(lambda: window.sync_bridge.status is not None, timeout=WAIT)
    assert sync_text(window) == "Sync: not set up"
    sign_in(qtbot, window, "morgan")
    page = window.sync
    open_sync_screen(qtbot, window)
    qtbot.waitUntil(lambda: focused() is page.form.server, timeout=WAIT)
    page.form.server.setText(live_server.url)
    page.form.code.setText(live_server.pairing_code(new_company=True))
    press(qtbot, Qt.Key.Key_F10)
    qtbot.waitUntil(page.pair_button.isEnabled, timeout=WAIT)
    assert "password store (keyring)" in page.form.errors[Field.FORM].text()
    assert not page.is_paired
    assert sync_text(window) == "Sync: not set up"


def test_a_revoked_register_says_so_and_pairs_again(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, live_server: Any
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    page = window.sync
    pair_through_the_form(
        qtbot, window, live_server.url, live_server.pairing_code(new_company=True)
    )
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)

    live_server.revoke(window._device().device_id)
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page.message.text().startswith("Sync did not finish"), timeout=WAIT)
    assert "revoked" in page.figures["Last error"].text()
    assert sync_text(window) == "Sync: not working"
    assert "revoked" in window.status.sync.toolTip()

    press(qtbot, Qt.Key.Key_F9)  # pair again: the address is kept, a new code is typed
    assert not page.is_paired
    assert page.form.server.text() == live_server.url
    assert focused() is page.form.code
    press(qtbot, Qt.Key.Key_Escape)  # changed my mind
    assert page.is_paired
    press(qtbot, Qt.Key.Key_F9)
    type_text(qtbot, live_server.pairing_code(location_id=window._device().location_id))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.is_paired, timeout=WAIT)
    qtbot.waitUntil(lambda: sync_text(window).startswith("Sync: up to date"), timeout=CATCH_UP)


def test_long_states_never_push_the_clock_off_at_1280_by_800(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    window.resize(1280, 800)
    sign_in(qtbot, window, "morgan")
    status = window.status
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    status.show_user("Christopher Alexander-Montgomery", "Technician")
    status.show_sync(
        SyncStatus(True, "https://sync.example.com", False, 12345, long_ago, "x", 123, False)
    )
    printer = "The printer at 192.168.100.200:9100 did not answer (connection refused)"
    status.show_devices([("Printer", printer, False)])
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=WAIT)
    qtbot.wait(50)  # one layout pass
    assert window.width() == 1280
    assert status.time.isVisible()
    assert status.time.geometry().right() < status.width()
    assert status.sync.text().endswith("…")
    assert status.sync.full_text.startswith("Sync: 123 problems · offline since 31 Dec")
    assert printer in status.devices.toolTip()
