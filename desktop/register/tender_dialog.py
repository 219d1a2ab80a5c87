"""Taking payment (or paying a refund back): cash, card, store credit, split across several.

The amount box starts at what is due, so Enter takes exact cash; a quick-cash key takes a
common note. Each payment is saved at once. When nothing is left to pay the sale completes
by itself (a manager's PIN is asked for if something still needs approval), and the change
is shown very large with the receipt number, to print, save as PDF or give as a gift
receipt. A refund is the same dialog with the money going the other way.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.currency import get_currency
from core.errors import DomainError
from core.money import Money, parse_money
from core.sales.errors import SaleError
from core.sales.payments import CardRequest, CardResult, ExternalTerminal, idempotency_key
from core.sales.tenders import Tender, TenderKind, check_tender
from core.services.approval import Approval
from core.services.register_rows import CompletedSale, SaleView, TenderView
from core.staff.permissions import Permission, PermissionDeniedError
from desktop.register.dialogs import RegisterDialog
from desktop.register.picker import move_selection
from desktop.register.receipt_files import save_receipt
from desktop.register.till import Till, magnitude, money
from desktop.table_model import Column, RowsModel
from desktop.widgets import label, plain_table

NOTES = (1, 5, 10, 20, 50, 100)  # in the currency's major unit
QUICK_KEYS = ("F5", "F6", "F7", "F8", "F9")
TENDER_COLUMNS: list[Column[TenderView]] = [
    Column("Payment", lambda t: t.kind.label),
    Column("Amount", lambda t: money(t.amount), align_right=True),
    Column("Reference", lambda t: t.reference),
]


def quick_cash(due: int, exponent: int) -> list[int]:
    """Exact, then the next whole unit and the next 5, 10, 20, 50, 100 above what is due."""
    if due <= 0:
        return []
    amounts = [due]
    for note in NOTES:
        step = note * 10**exponent
        rounded = -(-due // step) * step
        if rounded > due and rounded not in amounts:
            amounts.append(rounded)
    return amounts[: len(QUICK_KEYS)]


class TenderDialog(RegisterDialog):
    changed = Signal(object)  # SaleView after each payment taken or removed
    completed = Signal(object)  # CompletedSale

    def __init__(self, till: Till, view: SaleView, parent: QWidget | None = None) -> None:
        super().__init__("Payment", parent)
        self.setMinimumSize(780, 640)
        self.till = till
        self.view = view
        self.completed_sale: CompletedSale | None = None
        self.saved_path = ""
        self._card_attempt = 0
        self._approvals: dict[Permission, Approval] = {}  # given by a manager on this sale
        self._card_amount = 0
        self._exponent = get_currency(view.total.currency).exponent
        self.refund = view.total.amount < 0

        self.stack = QStackedWidget()
        self.pay_page = self._pay_page()
        self.card_page = self._card_page()
        self.done_page = self._done_page()
        for page in (self.pay_page, self.card_page, self.done_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._show_view(view)
        self.amount.setFocus()
        self.amount.selectAll()

    # -- pages -----------------------------------------------------------------------------
    def _pay_page(self) -> QWidget:
        page = QWidget()
        self.heading = label("Pay back the refund" if self.refund else "Take payment", "subtitle")
        self.due_caption = label("To pay back" if self.refund else "Amount due", "muted")
        self.due_label = QLabel()
        self.due_label.setProperty("role", "total")
        self.due_label.setAccessibleName("Amount due")
        self.summary = label("", "muted")
        self.amount = QLineEdit()
        self.amount.setProperty("role", "amount")
        self.amount.setAccessibleName("Amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.installEventFilter(self)
        self.amount.returnPressed.connect(self._enter)
        cash_text = "Cash back" if self.refund else "Cash"
        self.cash_button = self.key_button(cash_text, "Enter", self._enter, "primary", page)
        self.card_button = self.key_button("Card", "F2", self.start_card, None, page)
        self.card_button.setText("Card\nF2")
        self.credit_button = self.key_button(
            "Store credit", "F3", self.take_store_credit, None, page
        )
        for widget in (self.cash_button, self.card_button, self.credit_button):
            widget.setProperty("role", "tender")
        self.cash_button.setProperty("primary", True)
        kinds = QHBoxLayout()
        kinds.addWidget(self.cash_button, 2)
        kinds.addWidget(self.card_button, 1)
        kinds.addWidget(self.credit_button, 1)
        self.quick_row = QHBoxLayout()
        self.quick_buttons: list[QPushButton] = []
        for index, keys in enumerate(QUICK_KEYS):
            quick = self.key_button("", keys, partial(self._quick, index), "cash", page)
            self.quick_buttons.append(quick)
            self.quick_row.addWidget(quick)
        self.tenders: RowsModel[TenderView] = RowsModel(TENDER_COLUMNS)
        self.tender_table = plain_table(self.tenders)
        self.tender_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tender_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tender_table.setMaximumHeight(150)
        self.remove_button = self.key_button("Remove payment", "Ctrl+Del", self.remove_tender)
        self.back_button = self.key_button("Back to the sale", "Esc", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.back_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        figures = QVBoxLayout()
        figures.addWidget(self.due_caption, 0, Qt.AlignmentFlag.AlignRight)
        figures.addWidget(self.due_label, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(figures)
        layout.addLayout(top)
        layout.addWidget(label("Amount  (↑ ↓ choose a payment below)", "hint"))
        layout.addWidget(self.amount)
        layout.addLayout(kinds)
        layout.addLayout(self.quick_row)
        layout.addWidget(self.error)
        self.tenders_caption = label("Payments taken", "muted")
        layout.addWidget(self.tenders_caption)
        layout.addWidget(self.tender_table)
        layout.addStretch(1)
        layout.addLayout(bottom)
        return page

    def _card_page(self) -> QWidget:
        page = QWidget()
        self.card_title = label("", "subtitle")
        self.card_amount_label = QLabel()
        self.card_amount_label.setProperty("role", "total")
        explain = label(
            "Run the card on the terminal. When the terminal says APPROVED, confirm here. "
            "The approval code or the card's last 4 digits can go on the receipt."
        )
        self.reference = QLineEdit(placeholderText="Approval code or last 4 digits (optional)")
        self.reference.setAccessibleName("Card reference")
        self.reference.returnPressed.connect(self.confirm_card)
        self.card_error = label("", "error")
        self.approved_button = self.key_button(
            "Approved", "Enter", self.confirm_card, "primary", page
        )
        cancel = self.key_button("Not approved", "Esc", self._back_to_pay, None, page)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.approved_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.card_title)
        layout.addWidget(self.card_amount_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(explain)
        layout.addWidget(self.reference)
        layout.addWidget(self.card_error)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.change_caption = label("CHANGE DUE", "subtitle")
        self.change_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.change_label = QLabel()
        self.change_label.setProperty("role", "huge")
        self.change_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.change_label.setAccessibleName("Change due")
        self.receipt_label = label("", "strong")
        self.receipt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.paid_with = label("", "muted")
        self.paid_with.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved_label = label("", "hint")
        self.saved_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pdf_button = self.key_button(
            "Print / save PDF receipt", "P", lambda: self.save_pdf(gift=False), None, page
        )
        self.gift_button = self.key_button(
            "Gift receipt", "G", lambda: self.save_pdf(gift=True), None, page
        )
        self.open_button = self.key_button("Open receipt", "O", self.open_pdf, None, page)
        self.open_button.setEnabled(False)
        self.new_sale_button = self.key_button("New sale", "Enter", self.accept, "primary", page)
        self.new_sale_button.setMinimumHeight(64)
        receipts = QHBoxLayout()
        receipts.addWidget(self.pdf_button)
        receipts.addWidget(self.gift_button)
        receipts.addWidget(self.open_button)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.change_caption)
        layout.addWidget(self.change_label)
        layout.addWidget(self.receipt_label)
        layout.addWidget(self.paid_with)
        layout.addStretch(1)
        layout.addLayout(receipts)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.new_sale_button)
        return page

    # -- showing ---------------------------------------------------------------------------
    def _show_view(self, view: SaleView) -> None:
        self.view = view
        due = magnitude(view.due)
        self.due_label.setText(money(due))
        summary = f"Total {money(magnitude(view.total))}"
        if view.tenders:
            paid = "Paid back" if self.refund else "Paid"
            summary += f"  ·  {paid} {money(magnitude(view.paid))}"
        if view.customer is not None:
            summary += f"\n{view.customer.name} ({view.customer.account_number})"
        self.summary.setText(summary)
        self.amount.setText(money(due) if due.amount else "")
        self.amount.selectAll()
        self.tenders.set_rows(view.tenders)
        self.tender_table.setVisible(bool(view.tenders))
        self.tenders_caption.setVisible(bool(view.tenders))
        self.remove_button.setVisible(bool(view.tenders))
        if view.tenders:
            self.tender_table.selectRow(len(view.tenders) - 1)
        customer = view.customer
        has_credit = customer is not None and customer.store_credit.amount > 0
        self.credit_button.setEnabled(customer is not None and (self.refund or has_credit))
        if customer is None:
            self.credit_button.setText("Store credit  F3\nno customer")
        else:
            self.credit_button.setText(f"Store credit  F3\n{money(customer.store_credit)}")
        settled = due.amount == 0
        self.cash_button.setText("Complete sale\nEnter" if settled else self._cash_text())
        self.card_button.setEnabled(not settled)
        amounts = [] if self.refund else quick_cash(view.due.amount, self._exponent)
        for index, quick in enumerate(self.quick_buttons):
            if index < len(amounts) and not settled:
                value = Money(amounts[index], view.due.currency)
                name = "Exact" if index == 0 else money(value)
                quick.setText(f"{name}\n{QUICK_KEYS[index]}")
                quick.setProperty("amount", amounts[index])
                quick.show()
            else:
                quick.hide()

    def _cash_text(self) -> str:
        return "Cash back\nEnter" if self.refund else "Cash\nEnter"

    def _paid(self, view: SaleView) -> None:
        self._show_view(view)
        self.changed.emit(view)
        if view.due.amount == 0 and self.alive():
            self.complete()

    # -- taking payments -------------------------------------------------------------------
    def typed_amount(self) -> int | None:
        """The amount box as signed minor units (negative when paying back), or None."""
        try:
            amount = parse_money(self.amount.text(), self.view.total.currency)
        except DomainError as exc:
            self.fail(exc)
            return None
        if amount.amount <= 0:
            self.fail("Type an amount above zero.")
            return None
        return -amount.amount if self.refund else amount.amount

    def _enter(self) -> None:
        if self.view.due.amount == 0:
            self.complete()
            return
        amount = self.typed_amount()
        if amount is not None:
            self.take(TenderKind.CASH, amount)

    def _quick(self, index: int) -> None:
        value = self.quick_buttons[index].property("amount")
        if isinstance(value, int):
            self.take(TenderKind.CASH, value)

    def take_store_credit(self) -> None:
        customer = self.view.customer
        if customer is None:
            self.fail("Attach the customer's account (F3 on the register) to use store credit.")
            return
        amount = self.typed_amount()
        if amount is None:
            return
        if amount > 0:
            if customer.store_credit.amount <= 0:
                self.fail(f"{customer.name} has no store credit.")
                return
            amount = min(amount, customer.store_credit.amount)
        self.take(TenderKind.STORE_CREDIT, amount)

    def take(self, kind: TenderKind, amount: int, provider: str = "", reference: str = "") -> None:
        self.error.setText("Saving the payment…")
        register, actor, view = self.till.register(), self.till.actor, self.view
        value = Money(amount, view.total.currency)

        def run(approval: Approval | None) -> tuple[SaleView, Approval | None]:
            taken = register.add_tender(
                actor,
                view.sale_id,
                kind,
                value,
                provider=provider,
                reference=reference,
                approval=approval,
            )
            return taken, approval

        self.till.ops.write(run, self._taken_with, self._refused)

    def _taken_with(self, result: tuple[SaleView, Approval | None]) -> None:
        view, approval = result
        if approval is not None:
            self._approvals[approval.permission] = approval
        self._taken(view)

    def _taken(self, view: SaleView) -> None:
        if self.alive():
            self.error.setText("")
            self.refocus(self.amount)
            self._paid(view)
        else:
            self.changed.emit(view)

    def _refused(self, error: BaseException) -> None:
        if self.alive():
            self.fail(error)
            self.refocus(self.amount)
            self.amount.selectAll()

    def remove_tender(self) -> None:
        index = self.tender_table.currentIndex()
        if not index.isValid():
            return
        tender = self.tenders.row(index.row())
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id
        self.till.ops.write(
            lambda _a: register.remove_tender(actor, sale_id, tender.tender_id),
            self._taken,
            self._refused,
        )

    # -- card ------------------------------------------------------------------------------
    def start_card(self) -> None:
        amount = self.typed_amount()
        if amount is None:
            return
        tenders = [Tender(t.tender_id, t.kind, t.amount.amount) for t in self.view.tenders]
        try:  # before the customer is charged, not after
            check_tender(self.view.total.amount, tenders, TenderKind.CARD, amount)
        except SaleError as exc:
            self.fail(exc)
            return
        self.error.setText("")
        self._card_amount = amount
        value = Money(abs(amount), self.view.total.currency)
        self.card_title.setText("Refund to the card" if amount < 0 else "Card payment")
        self.card_amount_label.setText(money(value))
        self.card_error.setText("")
        self.reference.clear()
        self.approved_button.setEnabled(True)
        self.stack.setCurrentWidget(self.card_page)
        self.reference.setFocus()

    def confirm_card(self) -> None:
        if not self.approved_button.isEnabled():
            return
        self.approved_button.setEnabled(False)
        self.card_error.setText("Recording the card payment…")
        self._card_attempt += 1
        request = CardRequest(
            sale_id=self.view.sale_id,
            amount=Money(self._card_amount, self.view.total.currency),
            idempotency_key=idempotency_key(self.view.sale_id, self._card_attempt),
            reference=self.reference.text(),
        )
        terminal = ExternalTerminal()
        self.till.runner.run_net(
            lambda: terminal.take(request), self._card_result, self._card_failed
        )

    def _card_result(self, result: CardResult) -> None:
        if not result.approved:
            self._card_failed(SaleError(result.message or "The card was not approved."))
            return
        self.stack.setCurrentWidget(self.pay_page)
        self.amount.setFocus()
        self.take(TenderKind.CARD, self._card_amount, result.provider, result.reference)

    def _card_failed(self, error: BaseException) -> None:
        if self.alive():
            self.approved_button.setEnabled(True)
            self.card_error.setText(
                error.message if isinstance(error, DomainError) else f"Card error: {error}"
            )

    def _back_to_pay(self) -> None:
        self.stack.setCurrentWidget(self.pay_page)
        self.amount.setFocus()
        self.amount.selectAll()

    # -- completing ------------------------------------------------------------------------
    def complete(self) -> None:
        """Complete the sale. An approval a manager already gave on this sale for the same
        permission (cash back without a receipt, say) is offered again, so the manager is
        not asked twice for one refund; anything else opens the approval dialog."""
        self.error.setText("Completing the sale…")
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id
        kept = dict(self._approvals)

        def run(approval: Approval | None) -> CompletedSale:
            given = approval
            while True:
                try:
                    return register.complete(actor, sale_id, given)
                except PermissionDeniedError as denied:
                    again = kept.pop(denied.permission, None)
                    if again is None:
                        raise
                    given = again

        self.till.ops.write(run, self._completed, self._refused)

    def _completed(self, done: CompletedSale) -> None:
        self.completed_sale = done
        self.completed.emit(done)
        if not self.alive():
            return
        if done.total.amount < 0:
            self.change_caption.setText("REFUND — GIVE BACK")
            self.change_label.setText(money(magnitude(done.total)))
        else:
            self.change_caption.setText("CHANGE DUE")
            self.change_label.setText(money(done.change))
        self.receipt_label.setText(f"Receipt {done.receipt_number}")
        self.paid_with.setText(
            "  ·  ".join(f"{t.kind.label} {money(magnitude(t.amount))}" for t in self.view.tenders)
        )
        self.stack.setCurrentWidget(self.done_page)
        self.refocus(self.done_page)

    def save_pdf(self, *, gift: bool) -> None:
        done = self.completed_sale
        if done is None:
            return
        register, folder = self.till.register(), self.till.receipts_dir()
        self.saved_label.setText("Saving the receipt…")
        self.till.ops.read(
            lambda: save_receipt(register, done.sale_id, folder, gift=gift),
            self._saved,
            lambda error: self.saved_label.setText(f"Could not save the receipt: {error}"),
        )

    def _saved(self, path: object) -> None:
        if not self.alive():
            return
        self.saved_path = str(path)
        self.saved_label.setText(f"Saved to {path}  —  O to open it")
        self.open_button.setEnabled(True)

    def open_pdf(self) -> None:
        if self.saved_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.saved_path))

    # -- keys ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.amount
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        ):
            move_selection(self.tender_table, -1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        on_done = self.stack.currentWidget() is self.done_page
        if on_done and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.stack.currentWidget() is self.card_page:
            self._back_to_pay()  # Esc on the card page: not approved, back to the amounts
        elif self.completed_sale is not None:
            self.accept()  # the sale is complete: Esc is "new sale" too
        else:
            super().reject()
