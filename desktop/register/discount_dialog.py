"""Discounts (a line's or the whole sale's) and price changes, each with a reason code.

Typed as "10" or "10%" for a percent, "$5" or "5.00" in amount mode for an amount off. The
arrows change the reason while the focus stays in the box. Over the cashier's limit, the
service asks for a manager and the approval dialog opens by itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import DomainError
from core.money import Money, format_money, parse_money
from core.sales.discounts import Discount, DiscountKind, DiscountReason, parse_percent
from core.services.approval import Approval
from core.services.register_rows import LineView, SaleView
from desktop.register.dialogs import RegisterDialog
from desktop.register.till import Till, money
from desktop.widgets import label

DISCOUNT_REASONS = [r for r in DiscountReason if r is not DiscountReason.PRICE_CHANGE]


class _ReasonDialog(RegisterDialog):
    """A value box with a reason combo that ↑ ↓ in the box steps through."""

    changed = Signal(object)  # the SaleView after the change

    def __init__(
        self,
        till: Till,
        title: str,
        reasons: Sequence[DiscountReason],
        reason: DiscountReason,
        parent: QWidget | None,
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(560)
        self.till = till
        self.field = QLineEdit()
        self.field.setProperty("role", "amount")
        self.field.installEventFilter(self)
        self.reason = QComboBox()
        self.reason.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reason.setMinimumHeight(44)
        for choice in reasons:
            self.reason.addItem(choice.label, choice.value)
        self.reason.setCurrentIndex(max(self.reason.findData(reason.value), 0))
        self.ok = self.key_button("Apply", "Enter", self.submit, "primary")
        self.cancel = self.key_button("Cancel", "Esc", self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.cancel)
        self.buttons.addWidget(self.ok)
        self.field.returnPressed.connect(self.submit)

    def chosen_reason(self) -> DiscountReason:
        return DiscountReason(self.reason.currentData())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        ):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            count = self.reason.count()
            self.reason.setCurrentIndex((self.reason.currentIndex() + step) % count)
            return True
        return super().eventFilter(watched, event)

    def submit(self) -> None:
        raise NotImplementedError

    def write(self, fn: Callable[[Approval | None], SaleView]) -> None:
        self.error.setText("")
        self.ok.setEnabled(False)
        self.till.ops.write(fn, self._done, self._refused)

    def _done(self, view: SaleView) -> None:
        self.changed.emit(view)
        if self.alive():
            self.accept()

    def _refused(self, error: BaseException) -> None:
        if self.alive():
            self.ok.setEnabled(True)
            self.fail(error)
            self.refocus(self.field)
            self.field.selectAll()


class DiscountDialog(_ReasonDialog):
    """A line's discount (F6) or, with no line, the whole sale's (F7)."""

    def __init__(
        self, till: Till, view: SaleView, line: LineView | None, parent: QWidget | None = None
    ) -> None:
        existing = view.sale_discount if line is None else line.discount
        reason = existing.reason if existing is not None else DiscountReason.PROMOTION
        title = "Sale discount" if line is None else "Line discount"
        super().__init__(till, title, DISCOUNT_REASONS, reason, parent)
        self._view, self._line = view, line
        if line is None:
            what = f"The whole sale: subtotal {money(view.subtotal)}"
        else:
            what = f"{line.name}: {line.quantity} × {money(line.unit_price)}"
        self.percent = self._kind_button("Percent %", "F2")
        self.amount = self._kind_button("Amount $", "F3")
        kinds = QButtonGroup(self)
        kinds.addButton(self.percent)
        kinds.addButton(self.amount)
        amount_mode = existing is not None and existing.kind is DiscountKind.AMOUNT
        (self.amount if amount_mode else self.percent).setChecked(True)
        if existing is not None:
            self.field.setText(self._existing_text(existing))
        self.field.setPlaceholderText("10 for 10%, or $5")
        self.remove = self.key_button("No discount", "F8", self._remove)
        self.remove.setVisible(existing is not None)
        self.buttons.insertWidget(0, self.remove)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.percent)
        kind_row.addWidget(self.amount)
        kind_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Discount", self.field)
        form.addRow("", kind_row)
        form.addRow("Reason  (↑ ↓)", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "subtitle"))
        layout.addWidget(label(what, "muted"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(self.buttons)
        self.field.selectAll()
        self.field.setFocus()

    def _kind_button(self, text: str, keys: str) -> QPushButton:
        widget = self.key_button(text, keys, lambda: widget.setChecked(True))
        widget.setCheckable(True)
        return widget

    def _existing_text(self, existing: Discount) -> str:
        if existing.kind is DiscountKind.PERCENT:
            return existing.describe().removesuffix(" off").removesuffix("%")
        return format_money(Money(existing.value, self._view.total.currency), symbol=False)

    def discount(self) -> Discount:
        text = self.field.text().strip()
        reason = self.chosen_reason()
        percent = text.endswith("%") or (self.percent.isChecked() and not text.startswith("$"))
        if percent:
            return Discount.percent(parse_percent(text), reason)
        amount = parse_money(text, self._view.total.currency)
        if amount.amount <= 0:
            raise DomainError("A discount must be more than zero.")
        return Discount.amount(amount.amount, reason)

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        try:
            discount = self.discount()
        except DomainError as exc:
            self.fail(exc)
            return
        self._apply(discount)

    def _remove(self) -> None:
        self._apply(None)

    def _apply(self, discount: Discount | None) -> None:
        register, actor = self.till.register(), self.till.actor
        sale_id, line = self._view.sale_id, self._line
        if line is None:
            self.write(
                lambda approval: register.set_sale_discount(actor, sale_id, discount, approval)
            )
        else:
            line_id = line.line_id
            self.write(
                lambda approval: register.set_line_discount(
                    actor, sale_id, line_id, discount, approval
                )
            )


class PriceDialog(_ReasonDialog):
    """F5: sell the chosen line at another unit price (lower is a discount with a reason)."""

    def __init__(
        self, till: Till, sale_id: uuid.UUID, line: LineView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            till, "Change price", list(DiscountReason), DiscountReason.PRICE_CHANGE, parent
        )
        self._sale_id, self._line = sale_id, line
        self.field.setText(money(line.unit_price))
        self.field.setPlaceholderText("New unit price")
        self.ok.setText("Set price  (Enter)")
        self.list_price = self.key_button("List price", "F8", lambda: self._apply(None))
        self.list_price.setVisible(line.price_changed)
        self.buttons.insertWidget(0, self.list_price)
        form = QFormLayout()
        form.addRow("Unit price", self.field)
        form.addRow("Reason  (↑ ↓)", self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"Price of {line.name}", "subtitle"))
        layout.addWidget(label(f"List price {money(line.list_price)}", "muted"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(self.buttons)
        self.field.selectAll()
        self.field.setFocus()

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        try:
            price = parse_money(self.field.text(), self._line.unit_price.currency)
        except DomainError as exc:
            self.fail(exc)
            return
        self._apply(price)

    def _apply(self, price: Money | None) -> None:
        register, actor = self.till.register(), self.till.actor
        sale_id, line_id, reason = self._sale_id, self._line.line_id, self.chosen_reason()
        self.write(
            lambda approval: register.set_price(actor, sale_id, line_id, price, reason, approval)
        )
