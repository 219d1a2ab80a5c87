"""Pay in or pay out: an amount, a reason and a note.

A pay-out larger than the cash the drawer should hold is a warning, not a refusal: the
service's words are shown and the same key pays it out anyway. A manager's approval given
for the first try is kept for the confirmed one, so the manager types their PIN once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.errors import DomainError
from core.ledger.postings import PAY_IN_REASONS, PAY_OUT_REASONS, CashReason
from core.money import Money, format_money, parse_money
from core.services.approval import Approval
from core.services.drawer import DrawerStatus, PayOutOverCashError
from desktop.drawer.desk import Desk, Tone, tone_colour
from desktop.register.dialogs import RegisterDialog
from desktop.widgets import label

BLIND_WARNING = "That is more than the drawer should hold. Pay it out anyway?"


@dataclass(frozen=True, slots=True)
class _OverCash:
    """The service's warning, and the approval that got that far (to use again)."""

    message: str
    approval: Approval | None


class CashDialog(RegisterDialog):
    """`recorded` fires with (DrawerStatus, what was done in words) once the cash is recorded."""

    recorded = Signal(object, str)

    def __init__(
        self,
        desk: Desk,
        paying_out: bool,
        currency: str,
        *,
        blind: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Pay out" if paying_out else "Pay in", parent)
        self.setMinimumWidth(620)
        self.desk = desk
        self.paying_out = paying_out
        self.currency = currency
        self.blind = blind  # the warning must not tell a blind counter what is expected
        self.approval: Approval | None = None
        self.confirming: tuple[int, str, str] | None = None  # what the warning was about
        self.amount = QLineEdit(placeholderText=format_money(Money(0, currency)))
        self.amount.setProperty("role", "amount")
        self.amount.setAccessibleName("Amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        self.reason.setMinimumHeight(44)
        for reason in PAY_OUT_REASONS if paying_out else PAY_IN_REASONS:
            self.reason.addItem(reason.label, reason.value)
        self.note = QLineEdit(placeholderText="Note (optional), e.g. what it paid for")
        self.note.setAccessibleName("Note")
        self.note.setMaxLength(200)
        self.warning = label("", "strong")
        self.warning.setStyleSheet(f"color: {tone_colour(Tone.WITHIN)};")
        self.warning.hide()
        action = "Pay out" if paying_out else "Pay in"
        self.action = action
        self.ok = self.key_button(action, "Enter", self.submit, "primary")
        cancel = self.key_button("Cancel", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok)
        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow("Amount", self.amount)
        form.addRow("Reason  (↑ ↓)", self.reason)
        form.addRow("Note", self.note)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label(action, "subtitle"))
        layout.addWidget(
            label(
                "Cash taken out of the drawer. Keep the receipt for what it paid in the drawer."
                if paying_out
                else "Cash put into the drawer that is not a sale.",
                "muted",
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        for field in (self.amount, self.note):
            field.returnPressed.connect(self.submit)
            field.installEventFilter(self)
            field.textChanged.connect(lambda _text: self._changed())
        self.reason.currentIndexChanged.connect(lambda _index: self._changed())
        self.amount.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """↑ ↓ in the amount or the note choose the reason, so the hands stay on the keys."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
            if step is not None:
                count = self.reason.count()
                self.reason.setCurrentIndex((self.reason.currentIndex() + step) % count)
                return True
        return super().eventFilter(watched, event)

    def _changed(self) -> None:
        """Anything changed after the warning: the next Enter asks the service again."""
        if self.confirming is not None and self.confirming != self._what():
            self.confirming = None
            self.warning.hide()
            self.ok.setText(f"{self.action}  (Enter)")

    def _what(self) -> tuple[int, str, str]:
        try:
            amount = parse_money(self.amount.text(), self.currency).amount
        except DomainError:
            amount = -1
        return amount, str(self.reason.currentData()), self.note.text()

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        try:
            amount = parse_money(self.amount.text(), self.currency)
        except DomainError as exc:
            self.fail(exc)
            return
        if amount.amount <= 0:
            self.fail("Type an amount above zero.")
            return
        reason = CashReason(self.reason.currentData())
        note = self.note.text()
        confirmed = self.confirming == self._what()
        drawer, actor, kept = self.desk.drawer(), self.desk.actor, self.approval
        paying_out = self.paying_out

        def run(approval: Approval | None) -> DrawerStatus | _OverCash:
            given = approval or kept
            if not paying_out:
                return drawer.pay_in(actor, amount, reason.value, note)
            try:
                return drawer.pay_out(
                    actor, amount, reason.value, note, approval=given, confirmed=confirmed
                )
            except PayOutOverCashError as warning:
                return _OverCash(warning.message, given)

        self.error.setText("")
        self.ok.setEnabled(False)
        words = f"{'Paid out' if self.paying_out else 'Paid in'} {format_money(amount)}"
        self.desk.ops.write(
            run, lambda result: self._answered(result, f"{words}: {reason.label}."), self.fail
        )

    def _answered(self, result: DrawerStatus | _OverCash, words: str) -> None:
        if isinstance(result, _OverCash):
            if self.alive():
                self.approval = result.approval
                self.confirming = self._what()
                self.warning.setText(BLIND_WARNING if self.blind else result.message)
                self.warning.show()
                self.ok.setText("Pay it out anyway  (Enter)")
                self.ok.setEnabled(True)
                self.refocus(self.amount)
            return
        self.recorded.emit(result, words)
        if self.alive():
            self.accept()

    def fail(self, error: BaseException | str) -> None:
        if self.alive():
            super().fail(error)
            self.ok.setEnabled(True)
            self.refocus(self.amount)
