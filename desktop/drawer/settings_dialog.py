"""The store's drawer settings: which notes and coins are counted, blind close, and the
over/short limit above which a manager signs the difference off."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.currency import get_currency
from core.drawer.counts import denomination_label
from core.drawer.errors import DrawerError
from core.errors import DomainError
from core.money import Money, parse_money
from core.services.approval import Approval
from core.services.drawer import DrawerSettings
from desktop.drawer.desk import Desk
from desktop.register.dialogs import RegisterDialog
from desktop.widgets import label


def plain_amount(value: int, currency: str) -> str:
    """100, 0.25: as a person types it, without a symbol or thousands separators."""
    exponent = get_currency(currency).exponent
    whole, rest = divmod(value, 10**exponent)
    return f"{whole}.{rest:0{exponent}d}" if exponent and rest else str(whole)


def parse_denominations(text: str, currency: str) -> list[int]:
    """ "100, 50, 0.25" -> [10000, 5000, 25]; a wrong entry raises with its words."""
    values: list[int] = []
    for piece in text.split(","):
        if not piece.strip():
            continue
        amount = parse_money(piece, currency).amount
        if amount <= 0:
            raise DrawerError(f"{piece.strip()} is not a note or coin; use amounts above zero.")
        values.append(amount)
    if not values:
        raise DrawerError("List at least one note or coin, separated by commas.")
    return values


class DrawerSettingsDialog(RegisterDialog):
    saved = Signal(object)  # DrawerSettings

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__("Drawer settings", parent)
        self.setMinimumWidth(760)
        self.desk = desk
        self.currency = ""
        self.denominations = QLineEdit()
        self.denominations.setAccessibleName("Notes and coins")
        self.denominations.setPlaceholderText("100, 50, 20, 10, 5, 1, 0.25, 0.10, 0.05, 0.01")
        self.preview = label("", "hint")
        self.blind = QCheckBox("Blind close: cashiers count without seeing the cash expected")
        self.blind.setMinimumHeight(40)
        self.limit = QLineEdit()
        self.limit.setAccessibleName("Over/short limit")
        self.save_button = self.key_button("Save", "F10", self.save, "primary")
        self.save_button.setEnabled(False)
        cancel = self.key_button("Cancel", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow("Notes and coins", self.denominations)
        form.addRow("", self.preview)
        form.addRow("", self.blind)
        form.addRow("Over/short limit", self.limit)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Drawer settings", "subtitle"))
        layout.addWidget(
            label(
                "Separate the amounts with commas (no thousands separators). A difference "
                "larger than the limit, over or short, needs a manager to sign it off. Blind "
                "close applies to drawers opened from now on.",
                "muted",
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.denominations.textChanged.connect(lambda _t: self.check())
        self.limit.textChanged.connect(lambda _t: self.check())
        for field in (self.denominations, self.limit):
            field.returnPressed.connect(self.save)
        self.error.setText("Loading…")
        drawer, actor = desk.drawer(), desk.actor
        desk.ops.read(lambda: drawer.settings(actor), self._loaded, self.fail)

    def _loaded(self, settings: DrawerSettings) -> None:
        if not self.alive():
            return
        self.currency = settings.currency
        self.error.setText("")
        self.denominations.setText(
            ", ".join(plain_amount(v, settings.currency) for v in settings.denominations)
        )
        self.blind.setChecked(settings.blind_close)
        self.limit.setText(plain_amount(settings.over_short_limit, settings.currency))
        self.check()
        self.refocus(self.denominations)

    def _values(self) -> tuple[list[int], Money]:
        values = parse_denominations(self.denominations.text(), self.currency)
        limit = parse_money(self.limit.text(), self.currency)
        if limit.amount < 0:
            raise DrawerError("The over/short limit cannot be negative.")
        return values, limit

    def check(self) -> bool:
        """Read the fields as they are typed; the preview shows what will be counted."""
        if not self.currency:
            return False
        try:
            values, _limit = self._values()
        except DomainError as exc:
            self.error.setText(exc.message)
            self.save_button.setEnabled(False)
            return False
        ordered = sorted(set(values), reverse=True)
        self.preview.setText(
            "Counted as: " + " · ".join(denomination_label(v, self.currency) for v in ordered)
        )
        self.error.setText("")
        self.save_button.setEnabled(True)
        return True

    def save(self) -> None:
        if not self.check() or not self.save_button.isEnabled():
            return
        values, limit = self._values()
        blind = self.blind.isChecked()
        drawer, actor = self.desk.drawer(), self.desk.actor
        self.save_button.setEnabled(False)
        self.error.setText("Saving…")

        def run(approval: Approval | None) -> DrawerSettings:
            return drawer.save_settings(actor, values, blind, limit, approval=approval)

        self.desk.ops.write(run, self._saved, self.fail)

    def _saved(self, settings: DrawerSettings) -> None:
        self.saved.emit(settings)
        if self.alive():
            self.accept()

    def fail(self, error: BaseException | str) -> None:
        if self.alive():
            super().fail(error)
            self.save_button.setEnabled(bool(self.currency))
            self.refocus(self.denominations)
