"""The sync screen (managers): pair this register with a sync server, then watch it sync —
the server, online or not, events waiting, the last sync and its error — sync now, and review
and dismiss the problems the server reported.

Every action goes through `Operations.write`, so a user without `manage_sync` gets the
manager-approval dialog; pairing and "Sync now" run on the network pool, never on the GUI
thread. Keys: F10 pair, F4 choose a CA file, F5 sync now, F7 show dismissed, F8 dismiss.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.services.guard import require
from core.staff.permissions import Permission, PermissionDeniedError
from desktop.operations import Operations, plain_message
from desktop.sync.bridge import SyncBridge
from desktop.sync.figures import SyncFigures
from desktop.sync.issues import IssuesView
from desktop.sync.pairing_form import Field, PairingForm, PairingInput, field_of
from desktop.widgets import button, card, label, page_shortcut, set_role
from sync.client import SyncIssueRow, SyncReport, SyncStatus
from sync.protocol import PairResponse

UNPAIRED, PAIRED = 0, 1


class SyncPage(QWidget):
    def __init__(
        self,
        ops: Operations,
        bridge: SyncBridge,
        timezone: Callable[[], str],
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sync")
        self.ops = ops
        self.bridge = bridge
        self._timezone = timezone
        self._now = now
        self._show_dismissed = False
        # Paired, but pairing again (the token was revoked or lost): the form is shown.
        self._repairing = False
        self._status: SyncStatus | None = None
        self._issues_shown: int | None = None
        # Just shown: once the problems are read, the focus goes to them if there are any.
        self._focus_on_load = False
        self.form = PairingForm()
        self.issues = IssuesView(timezone, now)
        self.figures = SyncFigures()
        self.message = label("", "hint")

        self.pair_button = self._action("Pair", "F10", self.pair, "primary")
        self.sync_button = self._action("Sync now", "F5", self.sync_now, "primary")
        self.repair_button = self._action("Pair again", "F9", self.pair_again)
        self.cancel_button = self._action("Cancel", "Esc", self.cancel_pair_again)
        self.dismissed_button = button("Show dismissed  (F7)")
        self.dismissed_button.setCheckable(True)
        self.dismissed_button.setMinimumWidth(self.dismissed_button.sizeHint().width())
        self.dismissed_button.toggled.connect(self._dismissed_toggled)
        page_shortcut("F7", self, self.toggle_dismissed)
        self.dismiss_button = self._action("Dismiss", "F8", self.dismiss)
        page_shortcut("F4", self, self.choose_ca_file)
        self.form.choose_button.clicked.connect(self.choose_ca_file)
        for line in (self.form.server, self.form.code, self.form.ca_file):
            line.returnPressed.connect(self.pair)

        self.bodies = QStackedWidget()
        self.bodies.addWidget(self._unpaired_body())
        self.bodies.addWidget(self._paired_body())
        # The paired screen's keys sit under the message, as on the other screens.
        self.paired_keys = QWidget()
        keys = QHBoxLayout(self.paired_keys)
        keys.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.sync_button,
            self.dismiss_button,
            self.dismissed_button,
            self.repair_button,
        ):
            keys.addWidget(widget)
        keys.addStretch(1)
        self.paired_keys.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(label("Sync", "title"))
        layout.addWidget(self.bodies, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.paired_keys)
        bridge.status_changed.connect(self.show_status)

    def _action(
        self, text: str, key: str, slot: Callable[[], object], role: str = ""
    ) -> QPushButton:
        widget = button(f"{text}  ({key})", role or None)
        widget.clicked.connect(slot)
        widget.setMinimumWidth(widget.sizeHint().width())  # never clip the key's name
        page_shortcut(key, self, slot)
        return widget

    def _unpaired_body(self) -> QWidget:
        frame, box = card()
        self.form_title = label("Pair this register with a sync server", "subtitle")
        box.addWidget(self.form_title)
        box.addWidget(
            label(
                "Registers paired with a sync server share the catalog, prices, customers and "
                "stock, and send every sale to it; they keep selling when it cannot be "
                "reached. Ask the server's administrator for its address and a one-time "
                "pairing code.",
                "muted",
            )
        )
        box.addSpacing(4)
        box.addWidget(self.form)
        keys = QHBoxLayout()
        keys.addWidget(self.pair_button)
        keys.addWidget(self.cancel_button)
        keys.addStretch(1)
        box.addLayout(keys)
        self.cancel_button.setVisible(False)
        return _column(frame)

    def _paired_body(self) -> QWidget:
        status_card, status_box = card()
        status_box.addWidget(label("This register", "subtitle"))
        status_box.addWidget(self.figures)

        issues_card, issues_box = card()
        issues_box.addWidget(label("Problems for a manager", "subtitle"))
        issues_box.addWidget(self.issues, 1)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addWidget(status_card)
        column.addWidget(issues_card, 1)
        return body

    # -- showing ---------------------------------------------------------------------------
    @property
    def is_paired(self) -> bool:
        return self.bodies.currentIndex() == PAIRED

    def activate(self) -> None:
        """The area is shown: read the state afresh and put the focus where the work is."""
        self.bridge.refresh()
        if self.is_paired:
            self._focus_on_load = True
            self.load_issues()
            self.focus_paired()
        else:
            self.focus_form()

    def focus_paired(self) -> None:
        """The problems when there are some (↑ ↓ choose, F8 dismisses), else Sync now."""
        has_rows = self.issues.model.rowCount() > 0
        (self.issues.table if has_rows else self.sync_button).setFocus()

    def focus_form(self) -> None:
        form = self.form
        (form.code if form.server.text().strip() else form.server).setFocus()

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        was_paired = self.is_paired
        self._repairing = self._repairing and status.paired
        shown_paired = status.paired and not self._repairing
        self.bodies.setCurrentIndex(PAIRED if shown_paired else UNPAIRED)
        self.paired_keys.setVisible(shown_paired)
        self.cancel_button.setVisible(self._repairing)
        self.form_title.setText(
            "Pair this register again"
            if self._repairing
            else "Pair this register with a sync server"
        )
        if not shown_paired:
            return
        self.figures.show_status(status, self._timezone(), self._now())
        if self.sync_button.isEnabled():
            self.sync_button.setText("Syncing…  (F5)" if status.running else "Sync now  (F5)")
        if self.isVisible() and (not was_paired or status.issues != self._issues_shown):
            self._focus_on_load = self._focus_on_load or not was_paired
            self.load_issues()
        if self.isVisible() and not was_paired:
            self.focus_paired()  # the pairing form it had is gone

    def load_issues(self) -> None:
        engine = self.bridge.engine
        if engine is None:
            return
        dismissed = self._show_dismissed
        self.ops.read(lambda: engine.issues(include_dismissed=dismissed), self._issues_loaded)

    def _issues_loaded(self, issues: list[SyncIssueRow]) -> None:
        self._issues_shown = sum(1 for issue in issues if not issue.dismissed)
        refocus = self.focus_outside() or self._focus_on_load
        self._focus_on_load = False
        self.issues.show_issues(issues)
        self.dismiss_button.setEnabled(any(not issue.dismissed for issue in issues))
        if self.isVisible() and self.is_paired and refocus:
            self.focus_paired()

    def focus_outside(self) -> bool:
        focused = QApplication.focusWidget()
        return focused is None or not self.isAncestorOf(focused)

    def say(self, text: str, role: str = "hint") -> None:
        self.message.setText(text)
        set_role(self.message, role)

    # -- pairing ---------------------------------------------------------------------------
    def pair(self) -> None:
        if self.is_paired or not self.pair_button.isEnabled():
            return
        request = self.form.read()
        if request is None:
            self.say("")
            return
        actor = self.ops.actor
        self._pairing(True)
        self.say(f"Pairing with {request.server_url}…")
        self.ops.write(
            lambda approval: require(actor, Permission.MANAGE_SYNC, approval),
            lambda manager: self.bridge.pair(
                request,
                self._paired,
                self._pair_failed(request),
                by=actor,
                approved_by=manager,
            ),
            self._pair_failed(request),
        )

    def _pairing(self, busy: bool) -> None:
        self.form.set_busy(busy)
        self.pair_button.setEnabled(not busy)
        self.pair_button.setText("Pairing…  (F10)" if busy else "Pair  (F10)")

    def _paired(self, response: PairResponse) -> None:
        self._repairing = False
        self._pairing(False)
        self.form.clear()
        self.say(
            f"Paired with the sync server as {response.company.name}, "
            f"{response.location.name}. This register's data is on its way.",
            "ok",
        )

    def _pair_failed(self, request: PairingInput) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self._pairing(False)
            message = plain_message(error)
            field = (
                Field.FORM
                if isinstance(error, PermissionDeniedError)
                else field_of(message, ca_file_given=request.ca_file is not None)
            )
            self.form.show_error(field, message)
            self.say("Not paired.", "error")
            if field is not Field.FORM:
                self.form.field_widget(field).setFocus()

        return failed

    def pair_again(self) -> None:
        """A revoked or lost token: pair with a new code. Nothing already sent is sent again."""
        status = self._status
        if not self.is_paired or status is None:
            return
        self._repairing = True
        self.form.clear()
        self.form.server.setText(status.server_url or "")
        self.show_status(status)
        self.say("Type a new pairing code from the server's administrator.")
        self.focus_form()

    def cancel_pair_again(self) -> None:
        if self._repairing and self.pair_button.isEnabled() and self._status is not None:
            self._repairing = False
            self.say("")
            self.show_status(self._status)
            self.focus_paired()

    def choose_ca_file(self) -> None:
        if self.is_paired:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "The sync server's CA certificate",
            "",
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        if path:
            self.form.ca_file.setText(path)

    # -- paired ----------------------------------------------------------------------------
    def sync_now(self) -> None:
        if not self.is_paired or not self.sync_button.isEnabled():
            return
        self.sync_button.setEnabled(False)
        self.sync_button.setText("Syncing…  (F5)")
        self.say("Syncing with the server…")
        self.bridge.sync_now(self._synced, self._sync_failed)

    def _synced(self, report: SyncReport) -> None:
        self._sync_done()
        error = report.status.last_error
        if error:
            self.say(f"Sync did not finish: {error}", "error")
        else:
            self.say(
                f"Synced: sent {_events(report.pushed)}, received {_changes(report.pulled)}.", "ok"
            )
        self.load_issues()

    def _sync_failed(self, error: BaseException) -> None:
        self._sync_done()
        self.say(f"Sync did not finish: {plain_message(error)}", "error")

    def _sync_done(self) -> None:
        self.sync_button.setEnabled(True)
        self.sync_button.setText("Sync now  (F5)")

    def toggle_dismissed(self) -> None:
        if self.is_paired:
            self.dismissed_button.toggle()

    def _dismissed_toggled(self, checked: bool) -> None:
        self._show_dismissed = checked
        self.load_issues()

    def dismiss(self) -> None:
        if not self.is_paired:
            return
        issue = self.issues.selected()
        engine = self.bridge.engine
        if issue is None or engine is None:
            self.say("Choose a problem to dismiss first.", "error")
            return
        if issue.dismissed:
            self.say("That problem was dismissed already.", "error")
            return
        actor = self.ops.actor

        def dismissed(_none: None) -> None:
            self.say("Dismissed. It stays in the list of dismissed problems (F7).", "ok")
            self.load_issues()
            self.bridge.refresh()

        self.ops.write(
            lambda approval: engine.dismiss_issue(actor, issue.id, approval=approval),
            dismissed,
            lambda error: self.say(plain_message(error), "error"),
        )


def _column(widget: QWidget) -> QWidget:
    """`widget` at the top of an otherwise empty column, so it keeps its natural height."""
    body = QWidget()
    column = QVBoxLayout(body)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(widget)
    column.addStretch(1)
    return body


def _events(count: int) -> str:
    return f"{count} event{'s' if count != 1 else ''}"


def _changes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"
