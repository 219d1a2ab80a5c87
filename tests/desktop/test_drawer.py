"""The drawer as a manager and a cashier use it: the keyboard only, every service call off
the GUI thread. The demo store's drawer is open with a $200.00 float counted by Morgan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.money import Money
from core.services.demo_store import DEMO_FLOAT
from core.services.drawer import DrawerService
from db.models import DrawerEvent, User
from desktop.drawer.cash_dialog import BLIND_WARNING, CashDialog
from desktop.drawer.counter import CountDialog
from desktop.drawer.desk import Tone
from desktop.drawer.history import OverShortDialog
from desktop.drawer.page import DrawerPage
from desktop.drawer.report_view import ReportDialog
from desktop.drawer.settings_dialog import DrawerSettingsDialog
from desktop.drawer.z_reports import ZReportsDialog
from desktop.register.tender_dialog import TenderDialog
from desktop.window import MainWindow
from tests.desktop.test_areas import sign_in
from tests.desktop.test_register import (
    ThreadChecked,
    approve_with_pin,
    barcodes,
    focused,
    press,
    scan,
    type_text,
)
from tests.desktop.test_register import wait_dialog as wait_register_dialog

Opener = Callable[..., MainWindow]
WAIT = 5_000
MANAGER_PIN = "2222"


@dataclass
class Drawer:
    window: MainWindow
    service: DrawerService  # the real one, for the test's own set-up and checks
    calls: list[str]
    gui_calls: list[str]

    @property
    def page(self) -> DrawerPage:
        return self.window.drawer

    def sign_in(self, qtbot: QtBot, user: str) -> None:
        if self.window.actor is not None:
            self.window._lock()
        sign_in(qtbot, self.window, user)
        qtbot.waitUntil(self.window.register.scan.hasFocus, timeout=WAIT)

    def show(self, qtbot: QtBot) -> DrawerPage:
        """Ctrl+2, and wait for the card to show what the database holds."""
        self.page.state = None
        press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        assert self.window.shell.stack.currentWidget() is self.page
        qtbot.waitUntil(lambda: self.page.state is not None, timeout=WAIT)
        assert focused() is self.page
        return self.page

    def events(self, kind: str) -> list[DrawerEvent]:
        context = self.window.context
        assert context is not None
        with context.store.read_sessions() as session:
            return list(
                session.scalars(
                    select(DrawerEvent)
                    .where(DrawerEvent.kind == kind)
                    .order_by(DrawerEvent.created_at)
                )
            )

    def user_id(self, username: str) -> Any:
        context = self.window.context
        assert context is not None
        with context.store.read_sessions() as session:
            return session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def desk(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> Iterator[Drawer]:
    """The demo store with the drawer, register and catalog services watched."""
    window = open_window(demo_dir)
    context = window.context
    assert context is not None
    services = context.services
    assert services is not None
    gui_calls: list[str] = []
    drawer = ThreadChecked(services.drawer, gui_calls)
    context.services = replace(
        services,
        drawer=drawer,  # type: ignore[arg-type]
        register=ThreadChecked(services.register, gui_calls),  # type: ignore[arg-type]
        catalog=ThreadChecked(services.catalog, gui_calls),  # type: ignore[arg-type]
    )
    yield Drawer(window, services.drawer, drawer.calls, gui_calls)
    assert gui_calls == [], "a service was called on the GUI thread"


def wait_dialog(qtbot: QtBot, page: DrawerPage, kind: type[QWidget]) -> Any:
    qtbot.waitUntil(lambda: isinstance(page.dialog, kind) and page.dialog.isVisible(), timeout=WAIT)
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()) or focused() is dialog, timeout=WAIT)
    return dialog


def back_on_page(qtbot: QtBot, page: DrawerPage) -> None:
    """The dialog is gone and the keys are the page's again."""
    qtbot.waitUntil(lambda: page.dialog is None and focused() is page, timeout=WAIT)


def count(qtbot: QtBot, dialog: CountDialog, typed: list[str]) -> None:
    """Type one count per row, largest note first, Enter after each."""
    assert len(typed) == len(dialog.rows)
    for row, text in zip(dialog.rows, typed, strict=True):
        assert focused() is row.box
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)


# The demo float ($200.00) less a $1, a quarter and a dime: $1.35 short.
SHORT_COUNT = ["", "", "2", "6", "8", "41", "39", "49", "40", "100"]


def test_close_short_then_history_chart_and_reprint(
    qtbot: QtBot, desk: Drawer, tmp_path: Path
) -> None:
    desk.sign_in(qtbot, "morgan")
    page = desk.show(qtbot)
    assert page.state is not None
    assert page.state.is_open
    assert page.card.amounts["Float"].text() == "$200.00"
    assert page.card.expected.text() == "$200.00"
    assert "Morgan Lee" in page.card.opened.text()
    assert not page.open_button.isEnabled()

    press(qtbot, Qt.Key.Key_F6)
    dialog = wait_dialog(qtbot, page, CountDialog)
    assert dialog.expected_label.text() == "$200.00"
    count(qtbot, dialog, SHORT_COUNT)
    assert focused() is dialog.note  # Enter on the last row goes to the note
    assert dialog.total_label.text() == "$198.65"
    assert dialog.over_short_label.text() == "-$1.35 short"
    assert dialog.over_short_tone is Tone.WITHIN
    type_text(qtbot, "counted twice")
    press(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: isinstance(page.dialog, ReportDialog), timeout=WAIT)
    report = page.dialog
    assert isinstance(report, ReportDialog)
    assert report.report.kind == "Z"
    assert report.report.drawer is not None
    assert report.report.drawer.over_short == -135
    shown = report.view.toPlainText()
    assert f"Z report #{report.report.number}" in shown
    assert "-$1.35" in shown
    assert "-$1.35 short" in page.status.text()
    press(qtbot, Qt.Key.Key_Escape)
    back_on_page(qtbot, page)
    qtbot.waitUntil(lambda: "Last Z report" in page.card.last_z.text(), timeout=WAIT)
    assert page.state is not None
    assert not page.state.is_open
    assert page.open_button.isEnabled()
    assert not page.pay_out_button.isEnabled()

    press(qtbot, Qt.Key.Key_F8)
    history = wait_dialog(qtbot, page, OverShortDialog)
    qtbot.waitUntil(lambda: history.loads > 0, timeout=WAIT)
    assert [r.over_short for r in history.rows] == [-135]
    assert history.rows[0].closed_by == "Morgan Lee"
    assert len(history.chart.bars) == 1
    bar = history.chart.bars[0].rect
    assert bar.top() == history.chart.zero_y  # short hangs below the zero line
    assert bar.height() > 2
    assert history.by_register.row(0).over_short == -135
    assert history.by_cashier.row(0).name == "Morgan Lee"
    assert "-$1.35 short" in history.summary.text()
    press(qtbot, Qt.Key.Key_Escape)
    back_on_page(qtbot, page)

    # The Z again, from the list: a reprint, saved beside the first.
    press(qtbot, Qt.Key.Key_F7)
    zs = wait_dialog(qtbot, page, ZReportsDialog)
    qtbot.waitUntil(lambda: zs.panel.model.rowCount() == 1, timeout=WAIT)
    assert "-$1.35 short" in zs.panel.model.data(zs.panel.model.index(0, 5))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: zs.report_dialog is not None, timeout=WAIT)
    reprint = zs.report_dialog
    assert reprint is not None
    assert "REPRINT" in reprint.view.toPlainText()
    qtbot.waitUntil(lambda: focused() is reprint.view, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: reprint.saved_path != "", timeout=10_000)
    assert Path(reprint.saved_path).name == f"Z-Front_Counter-{report.report.number}-reprint.pdf"
    assert Path(reprint.saved_path).read_bytes().startswith(b"%PDF")
    assert {"close", "over_short_history", "z_reports", "z_report"} <= set(desk.calls)


def test_open_a_new_drawer_with_a_counted_float(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "morgan")
    assert desk.window.actor is not None
    desk.service.close(desk.window.actor, DEMO_FLOAT)
    page = desk.show(qtbot)
    assert page.state is not None
    assert not page.state.is_open
    assert not page.pay_in_button.isEnabled()
    assert page.close_button.text().startswith("Z report only")

    press(qtbot, Qt.Key.Key_F2)
    dialog = wait_dialog(qtbot, page, CountDialog)
    assert not dialog.expected_label.isVisible()
    running = []
    for text in ["", "1", "5", "", "4", "25", "20"]:
        for ch in text:
            type_text(qtbot, ch)
            running.append(dialog.total_label.text())  # after every keystroke
        press(qtbot, Qt.Key.Key_Return)
    assert running == ["$50.00", "$150.00", "$170.00", "$172.00", "$195.00", "$195.50", "$200.00"]
    assert dialog.rows[5].total.text() == "$25.00"
    for _ in range(3):  # the rest of the coins: none
        press(qtbot, Qt.Key.Key_Return)  # the last Enter opens the drawer
    back_on_page(qtbot, page)
    qtbot.waitUntil(lambda: page.state is not None and page.state.is_open, timeout=WAIT)
    assert page.state is not None
    assert page.state.totals is not None
    assert page.state.totals.float_amount == 20_000
    assert page.state.opened_by == "Morgan Lee"
    assert "float of $200.00" in page.status.text()
    assert page.card.amounts["Float"].text() == "$200.00"
    assert focused() is page


def test_pay_out_for_supplies_then_more_than_the_drawer_holds(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "morgan")
    page = desk.show(qtbot)
    press(qtbot, Qt.Key.Key_F4)
    dialog = wait_dialog(qtbot, page, CashDialog)
    assert focused() is dialog.amount
    assert dialog.reason.currentText() == "Store supplies"
    type_text(qtbot, "12.00")
    press(qtbot, Qt.Key.Key_Return)
    back_on_page(qtbot, page)
    assert page.status.text() == "Paid out $12.00: Store supplies."
    qtbot.waitUntil(
        lambda: (
            page.state is not None
            and page.state.totals is not None
            and page.state.totals.pay_outs == 1_200
        ),
        timeout=WAIT,
    )
    assert page.card.amounts["Pay-outs"].text() == "-$12.00"
    assert page.card.expected.text() == "$188.00"

    # $500 is more than the $188.00 left: a warning, then Enter pays it out anyway.
    press(qtbot, Qt.Key.Key_F4)
    dialog = wait_dialog(qtbot, page, CashDialog)
    type_text(qtbot, "500")
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.reason.currentText() == "Postage"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.warning.isVisible, timeout=WAIT)
    assert "more than the $188.00 the drawer should hold" in dialog.warning.text()
    assert "Pay it out anyway" in dialog.ok.text()
    assert page.state is not None
    assert page.state.totals is not None
    assert page.state.totals.pay_outs == 1_200  # nothing paid out yet
    press(qtbot, Qt.Key.Key_Return)
    back_on_page(qtbot, page)
    qtbot.waitUntil(
        lambda: (
            page.state is not None
            and page.state.totals is not None
            and page.state.totals.pay_outs == 51_200
        ),
        timeout=WAIT,
    )
    outs = desk.events("pay_out")
    assert [(e.amount_minor, e.reason) for e in outs] == [(1_200, "supplies"), (50_000, "postage")]
    assert desk.calls.count("pay_out") == 3  # $12, then $500 warned, then $500 confirmed


def test_a_cashier_pays_out_over_cash_with_one_manager_pin(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "jamie")
    page = desk.show(qtbot)
    press(qtbot, Qt.Key.Key_F4)
    dialog = wait_dialog(qtbot, page, CashDialog)
    type_text(qtbot, "250")
    approvals = approve_with_pin(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.warning.isVisible, timeout=10_000)
    assert approvals == ["Manager approval"]
    qtbot.waitUntil(lambda: focused() is dialog.amount, timeout=WAIT)
    press(qtbot, Qt.Key.Key_Return)  # pay it out anyway: the manager is not asked again
    back_on_page(qtbot, page)
    (event,) = desk.events("pay_out")
    assert event.amount_minor == 25_000
    assert event.approved_by_id == desk.user_id("morgan")
    assert approvals == ["Manager approval"]


def test_no_sale_from_the_register_with_a_manager_pin(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "jamie")
    register = desk.window.register
    assert focused() is register.scan
    approvals = approve_with_pin(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_F12, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "without a sale" in register.status.text(), timeout=10_000)
    assert approvals == ["Manager approval"]
    assert register.status.property("role") == "ok"
    qtbot.waitUntil(lambda: focused() is register.scan, timeout=WAIT)
    (event,) = desk.events("no_sale")
    assert event.user_id == desk.user_id("jamie")
    assert event.approved_by_id == desk.user_id("morgan")
    assert "no_sale" in desk.calls
    assert register.no_sale_button.text() == "No sale\nShift+F12"


def test_a_cash_sale_is_refused_in_plain_words_when_the_drawer_is_closed(
    qtbot: QtBot, desk: Drawer
) -> None:
    desk.sign_in(qtbot, "morgan")
    assert desk.window.actor is not None
    desk.service.close(desk.window.actor, DEMO_FLOAT)
    ((code, _name),) = barcodes(desk.window, serialized=False, count=1)
    scan(qtbot, desk.window, code)
    qtbot.waitUntil(lambda: desk.window.register.cart.rowCount() == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F10)
    tender = wait_register_dialog(qtbot, desk.window, TenderDialog)
    press(qtbot, Qt.Key.Key_Return)  # exact cash
    qtbot.waitUntil(lambda: "drawer is not open" in tender.error.text(), timeout=WAIT)
    assert tender.error.isVisible()
    assert "Open drawer" in tender.error.text()


def test_counts_that_are_not_counts_are_refused_beside_their_row(
    qtbot: QtBot, desk: Drawer
) -> None:
    desk.sign_in(qtbot, "morgan")
    page = desk.show(qtbot)
    press(qtbot, Qt.Key.Key_F6)
    dialog = wait_dialog(qtbot, page, CountDialog)
    hundreds, fifties = dialog.rows[0], dialog.rows[1]
    type_text(qtbot, "abc")
    assert hundreds.problem.isVisible()
    assert hundreds.problem.text() == "The count of $100 must be a whole number, not “abc”."
    assert not dialog.ok.isEnabled()
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "-3")
    assert fifties.problem.text() == "The count of $50 cannot be negative."
    assert hundreds.total.text() == "—"
    press(qtbot, Qt.Key.Key_F10)  # refused: nothing is saved
    assert dialog.isVisible()
    assert "Put right" in dialog.error.text()
    press(qtbot, Qt.Key.Key_Up)  # ↑ ↓ move between rows, the count selected to retype
    assert focused() is hundreds.box
    press(qtbot, Qt.Key.Key_Backspace)
    press(qtbot, Qt.Key.Key_Down)
    type_text(qtbot, "4")
    assert not hundreds.problem.isVisible()
    assert not fifties.problem.isVisible()
    assert dialog.ok.isEnabled()
    assert dialog.total_label.text() == "$200.00"
    assert dialog.over_short_tone is Tone.EVEN
    press(qtbot, Qt.Key.Key_Escape)
    back_on_page(qtbot, page)
    assert page.state is not None
    assert page.state.is_open
    assert "close" not in desk.calls


def test_blind_close_by_a_cashier_with_a_manager_pin(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "morgan")
    manager = desk.window.actor
    assert manager is not None
    desk.service.close(manager, DEMO_FLOAT)
    desk.service.save_settings(manager, [2000, 1000, 500, 100], True, Money(500, "USD"))
    desk.service.open(manager, {2000: 5, 100: 100})  # $200.00, blind from the start

    desk.sign_in(qtbot, "jamie")
    page = desk.show(qtbot)
    assert page.state is not None
    assert page.state.blind
    assert page.card.amounts["Float"].isVisible()
    assert not page.card.expected.isVisible()
    assert not page.card.amounts["Cash sales"].isVisible()
    assert "Blind close" in page.card.blind_note.text()

    # A pay-out over the cash does not say how much is expected either.
    press(qtbot, Qt.Key.Key_F4)
    payout = wait_dialog(qtbot, page, CashDialog)
    type_text(qtbot, "300")
    approvals = approve_with_pin(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(payout.warning.isVisible, timeout=10_000)
    assert payout.warning.text() == BLIND_WARNING
    qtbot.waitUntil(lambda: focused() is payout.amount, timeout=WAIT)
    press(qtbot, Qt.Key.Key_Escape)  # not paid out after all
    back_on_page(qtbot, page)
    assert desk.events("pay_out") == []

    press(qtbot, Qt.Key.Key_F6)
    dialog = wait_dialog(qtbot, page, CountDialog)
    assert [row.name for row in dialog.rows] == ["$20", "$10", "$5", "$1"]
    assert dialog.plan.expected is None
    assert not dialog.expected_label.isVisible()
    assert not dialog.over_short_label.isVisible()
    count(qtbot, dialog, ["5", "", "", "99"])  # a dollar short
    closing = approve_with_pin(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)  # from the note: close
    qtbot.waitUntil(lambda: isinstance(page.dialog, ReportDialog), timeout=10_000)
    assert approvals == ["Manager approval"]  # the pay-out's
    assert closing == ["Manager approval"]
    report = page.dialog
    assert isinstance(report, ReportDialog)
    assert report.report.drawer is not None
    assert report.report.drawer.over_short == -100
    assert report.report.drawer.closed_by == "Jamie Chen"


def test_x_report_saved_as_pdf_and_settings_saved(qtbot: QtBot, desk: Drawer) -> None:
    desk.sign_in(qtbot, "morgan")
    page = desk.show(qtbot)
    press(qtbot, Qt.Key.Key_F5)
    report = wait_dialog(qtbot, page, ReportDialog)
    assert report.report.kind == "X"
    assert "X report" in report.view.toPlainText()
    assert "Expected in drawer" in report.view.toPlainText()
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: report.saved_path != "", timeout=10_000)
    saved = Path(report.saved_path)
    context = desk.window.context
    assert context is not None
    assert saved.parent == context.store.data_dir / "reports"
    assert saved.name.startswith("X-Front_Counter-")
    assert saved.read_bytes().startswith(b"%PDF")
    assert str(saved) in report.saved.text()
    press(qtbot, Qt.Key.Key_Escape)
    back_on_page(qtbot, page)

    press(qtbot, Qt.Key.Key_F9)
    settings = wait_dialog(qtbot, page, DrawerSettingsDialog)
    qtbot.waitUntil(lambda: settings.currency == "USD", timeout=WAIT)
    assert settings.denominations.text() == "100, 50, 20, 10, 5, 1, 0.25, 0.10, 0.05, 0.01"
    settings.denominations.selectAll()
    type_text(qtbot, "100, 20, abc")
    assert not settings.save_button.isEnabled()
    assert "abc" in settings.error.text()
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Backspace)
    type_text(qtbot, "5, 1, 0.25")
    assert settings.preview.text() == "Counted as: $100 · $20 · $5 · $1 · $0.25"
    settings.limit.setFocus()
    settings.limit.selectAll()
    type_text(qtbot, "2")
    settings.blind.setChecked(True)
    press(qtbot, Qt.Key.Key_F10)
    back_on_page(qtbot, page)
    assert page.status.text() == "Drawer settings saved."
    assert desk.window.actor is not None
    saved_settings = desk.service.settings(desk.window.actor)
    assert saved_settings.denominations == (10_000, 2_000, 500, 100, 25)
    assert saved_settings.over_short_limit == 200
    assert saved_settings.blind_close
