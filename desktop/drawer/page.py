"""The drawer area: this register's drawer at a glance, and every drawer action on a key.

The status card is read again whenever the area is shown and after every action, so it
always says what the database holds; what does not apply to the drawer as it is (pay in
while it is closed, say) is switched off. Every service call runs on the database thread
through `Operations`; a manager's PIN is asked for when the service says so.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.drawer.report import RegisterReport
from core.errors import DomainError
from core.services.drawer import ClosedDrawer, DrawerSettings, DrawerStatus, ZSummary
from desktop.drawer.cash_dialog import CashDialog
from desktop.drawer.confirm import ConfirmDialog
from desktop.drawer.counter import CountDialog, CountPlan
from desktop.drawer.desk import Desk, cash, over_short_text
from desktop.drawer.history import OverShortDialog
from desktop.drawer.report_view import ReportDialog
from desktop.drawer.settings_dialog import DrawerSettingsDialog
from desktop.drawer.status_card import StatusCard
from desktop.drawer.z_reports import ZReportsDialog
from desktop.operations import plain_message
from desktop.widgets import button, label, page_shortcut, set_role

NO_SALE_KEY = "Shift+F12"  # F12 alone hands the register to the next cashier
PAGE_STYLE = """
QPushButton[drawer="action"] { min-height: 64px; font-size: 14pt; text-align: left;
    padding-left: 16px; }
"""


class DrawerPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(PAGE_STYLE)
        self.desk = desk
        self.state: DrawerStatus | None = None
        self.dialog: QDialog | None = None  # the dialog open over the page, if any
        self.report_dialog: ReportDialog | None = None  # the Z just taken, or an X

        self.card = StatusCard()
        self.status = label("", "hint")
        self.status.setAccessibleName("Drawer status")

        self.open_button = self._action("Open drawer", "F2", self.open_drawer)
        self.pay_in_button = self._action("Pay in", "F3", lambda: self.pay(paying_out=False))
        self.pay_out_button = self._action("Pay out", "F4", lambda: self.pay(paying_out=True))
        self.no_sale_button = self._action("No sale", NO_SALE_KEY, self.no_sale)
        self.x_button = self._action("X report", "F5", self.x_report)
        self.close_button = self._action("Close drawer && Z", "F6", self.close_drawer)
        self.z_button = self._action("Z reports", "F7", self.z_reports)
        self.history_button = self._action("Over/short history", "F8", self.history)
        self.settings_button = self._action("Drawer settings", "F9", self.edit_settings)
        actions = QGridLayout()
        actions.setSpacing(8)
        for index, widget in enumerate(self.buttons):
            actions.addWidget(widget, index // 2, index % 2)
        right = QVBoxLayout()
        right.addLayout(actions)
        right.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(self.card, 6)
        body.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        self.show_status(None)

    @property
    def buttons(self) -> list[QPushButton]:
        return [
            self.open_button,
            self.close_button,
            self.pay_in_button,
            self.pay_out_button,
            self.no_sale_button,
            self.x_button,
            self.z_button,
            self.history_button,
            self.settings_button,
        ]

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QPushButton:
        widget = button(f"{text}\n{keys}")
        widget.setProperty("drawer", "action")
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the page
        widget.setAccessibleName(text.replace("&&", "&"))
        widget.setToolTip(f"{text.replace('&&', '&')} ({keys})")
        widget.clicked.connect(lambda _checked=False: slot())
        page_shortcut(keys, self, lambda: widget.click() if widget.isEnabled() else None)
        return widget

    # -- the card --------------------------------------------------------------------------
    def activate(self) -> None:
        """The area is shown: take the keys and read the drawer afresh."""
        self.setFocus()
        self.refresh()

    def refresh(self) -> None:
        try:
            actor = self.desk.actor
        except DomainError:
            return  # nobody is signed in
        drawer = self.desk.drawer()

        def read() -> tuple[DrawerStatus, list[ZSummary]]:
            return drawer.status(actor), drawer.z_reports(actor, device_id=actor.device_id, limit=1)

        self.desk.ops.read(read, self._refreshed, self._failed)

    def _refreshed(self, found: tuple[DrawerStatus, list[ZSummary]]) -> None:
        state, last = found
        self.show_status(state)
        self.card.show_last_z(last[0] if last else None, state.currency)

    def show_status(self, state: DrawerStatus | None) -> None:
        """Show the drawer, and offer only what applies to it."""
        self.state = state
        self.card.show_status(state)
        is_open = state is not None and state.is_open
        self.open_button.setEnabled(state is not None and not is_open)
        self.pay_in_button.setEnabled(is_open)
        self.pay_out_button.setEnabled(is_open)
        for widget in (
            self.no_sale_button,
            self.x_button,
            self.close_button,
            self.z_button,
            self.history_button,
            self.settings_button,
        ):
            widget.setEnabled(state is not None)
        close_text = "Close drawer && Z" if is_open or state is None else "Z report only"
        self.close_button.setText(f"{close_text}\nF6")

    def say(self, text: str, role: str = "hint") -> None:
        self.status.setText(text)
        set_role(self.status, role)

    def _failed(self, error: BaseException) -> None:
        self.say(plain_message(error), "error")

    # -- actions ---------------------------------------------------------------------------
    def open_drawer(self) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor

        def counting(settings: DrawerSettings) -> None:
            plan = CountPlan(settings.currency, settings.denominations)
            dialog = CountDialog("Count the float", plan, "Open drawer", self)

            def opened(state: DrawerStatus) -> None:
                self._kick()  # the float goes in
                if dialog.alive():  # Esc may have closed it while the float was saved
                    dialog.accept()
                self.show_status(state)
                counted = state.totals.float_amount if state.totals else 0
                self.say(f"Drawer open with a float of {cash(counted, plan.currency)}.", "ok")

            dialog.counted.connect(
                lambda pieces, _note: self.desk.ops.write(
                    lambda _a: drawer.open(actor, pieces), opened, dialog.fail
                )
            )
            self._open(dialog)

        self.desk.ops.read(lambda: drawer.settings(actor), counting, self._failed)

    def close_drawer(self) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor

        def counting(found: tuple[DrawerSettings, DrawerStatus]) -> None:
            settings, state = found
            self.show_status(state)
            if not state.is_open or state.totals is None:
                self._z_without_drawer()
                return
            expected = None if state.blind else state.totals.expected
            plan = CountPlan(
                settings.currency, settings.denominations, True, expected, settings.over_short_limit
            )
            dialog = CountDialog("Count the drawer to close it", plan, "Close drawer && Z", self)

            def counted(pieces: dict[int, int], note: str) -> None:
                self._close(dialog, lambda a: drawer.close(actor, pieces, note, approval=a))

            dialog.counted.connect(counted)
            self._open(dialog)

        self.desk.ops.read(
            lambda: (drawer.settings(actor), drawer.status(actor)), counting, self._failed
        )

    def _z_without_drawer(self) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor
        confirm = ConfirmDialog(
            "Z report only",
            "No drawer is open on this register, so there is nothing to count. Take a Z report "
            "to close the register's day (card and store-credit sales only)?",
            "Take the Z report",
            self,
        )
        confirm.accepted.connect(
            lambda: self._close(None, lambda a: drawer.close(actor, None, approval=a))
        )
        self._open(confirm)

    def _close(
        self, dialog: CountDialog | None, run: Callable[[object | None], ClosedDrawer]
    ) -> None:
        def closed(done: ClosedDrawer) -> None:
            if dialog is not None and dialog.alive():
                dialog.accept()
            if dialog is not None:
                self._kick()  # the counted cash comes out for the safe
            self.refresh()
            words = f"Day closed: Z report #{done.report.number} taken."
            figures = done.report.drawer
            if figures is not None and figures.counted is not None:
                currency = done.report.currency
                # On its own line, so the signed difference is never split across two.
                words += (
                    f"\nCounted {cash(figures.counted, currency)}, expected "
                    f"{cash(figures.expected, currency)}: "
                    f"{over_short_text(figures.over_short or 0, currency)}."
                )
            self.say(words, "ok")
            self._show_report(done.report, words)

        self.desk.ops.write(run, closed, dialog.fail if dialog is not None else self._failed)

    def pay(self, *, paying_out: bool) -> None:
        if self.state is None:
            return
        state = self.state
        dialog = CashDialog(self.desk, paying_out, state.currency, blind=state.blind, parent=self)
        dialog.recorded.connect(self._paid)
        self._open(dialog)

    def _paid(self, state: DrawerStatus, words: str) -> None:
        self._kick()
        self.show_status(state)
        self.say(words, "ok")

    def no_sale(self) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor

        def done(_none: None) -> None:
            self._kick()
            self.say("Drawer opened without a sale; it is logged.", "ok")
            self.refresh()

        self.desk.ops.write(lambda a: drawer.no_sale(actor, approval=a), done, self._failed)

    def _kick(self) -> None:
        """Open the cash drawer through the printer (after the service has logged why)."""
        if self.desk.printing is not None:
            self.desk.printing.hub.open_drawer()

    def x_report(self) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor
        self.desk.ops.read(
            lambda: drawer.x_report(actor), lambda r: self._show_report(r, ""), self._failed
        )

    def _show_report(self, report: RegisterReport, intro: str) -> None:
        dialog = ReportDialog(self.desk, report, intro=intro, parent=self)
        self.report_dialog = dialog
        self._open(dialog)

    def z_reports(self) -> None:
        currency = self.state.currency if self.state is not None else "USD"
        self._open(ZReportsDialog(self.desk, currency, self))

    def history(self) -> None:
        self._open(OverShortDialog(self.desk, self))

    def edit_settings(self) -> None:
        dialog = DrawerSettingsDialog(self.desk, self)
        dialog.saved.connect(lambda _s: self.say("Drawer settings saved.", "ok"))
        self._open(dialog)

    # -- dialogs ---------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.activateWindow()  # not every window manager gives it back when a dialog closes
        self.setFocus()
        self.refresh()
