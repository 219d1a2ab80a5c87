"""The register: scan, adjust, take payment, all from the keyboard.

The focus lives in the scan box. Enter there scans (or opens the return of a scanned
receipt, or pays when the box is empty); arrows move through the cart while typing stays in
the box; the other keys are listed on the buttons that do the same. Every service call runs
on the database thread through `Operations`, so the screen never waits on the disk, and a
write a manager must approve opens the approval dialog by itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.errors import DomainError
from core.services.approval import Approval
from core.services.customer_queries import CustomerRow
from core.services.register import NotInCatalogError, UnitNeededError
from core.services.register_rows import (
    CompletedSale,
    HeldSale,
    LineView,
    ReturnableSale,
    SaleView,
)
from desktop.operations import plain_message
from desktop.register.cart_model import DISCOUNT, ITEM, NUMBER, CartModel, ItemDelegate
from desktop.register.dialogs import PromptDialog
from desktop.register.discount_dialog import DiscountDialog, PriceDialog
from desktop.register.held_dialog import held_dialog
from desktop.register.picker import MOVES, move_selection
from desktop.register.pickers import customer_picker, product_picker, unit_picker
from desktop.register.receipts_dialog import ReceiptsDialog
from desktop.register.return_dialog import ReturnDialog
from desktop.register.scanning import QUANTITY_PREFIX, quantity_problem, scan_or_receipt
from desktop.register.side import CustomerBox, TotalsPanel
from desktop.register.tender_dialog import TenderDialog
from desktop.register.till import Till, money
from desktop.register.wording import (
    EMPTY_HINT,
    completed_text,
    line_change,
    pay_text,
    returned_change,
    sale_discount_change,
)
from desktop.widgets import button, label, page_shortcut, set_role

WIDE_SIDE, NARROW_SIDE = 400, 300
NO_SALE_KEY = "Shift+F12"  # F12 alone hands the register to the next cashier


def _own(line: LineView) -> tuple[object, ...]:
    """What the cashier changes on a line (not its share of a sale discount)."""
    return (line.quantity, line.unit_price, line.discount, line.serial)


class RegisterPage(QWidget):
    sale_shown = Signal(object)  # the SaleView now on screen, or None for an empty register
    sale_completed = Signal(object)  # CompletedSale

    def __init__(self, till: Till, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register")
        self.till = till
        self.view: SaleView | None = None
        self.pending_quantity: int | None = None
        self.dialog: QDialog | None = None  # the dialog open over the register, if any
        self._unknown_code = ""
        self._ready = False  # the store is open and someone signed in

        # -- left: scan box, status, cart, line keys -------------------------------------------
        self.quantity_chip = label("", "chip")
        self.quantity_chip.setWordWrap(False)
        self.quantity_chip.hide()
        self.scan = QLineEdit(placeholderText="Scan item or receipt")
        self.scan.setToolTip("A barcode, SKU, serial number or receipt number; 3* first for 3")
        self.scan.setProperty("role", "scan")
        self.scan.setAccessibleName("Scan")
        self.scan.installEventFilter(self)
        self.status = label("Ready. Scan the first item.", "hint")
        self.status.setAccessibleName("Register status")
        self.cart = CartModel()
        self.table = QTableView()
        self.table.setProperty("role", "cart")
        self.table.setModel(self.cart)
        self.table.setItemDelegateForColumn(ITEM, ItemDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the scan box
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(62)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(36)
        self.empty = label(EMPTY_HINT, "hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cart_stack = QStackedWidget()
        self.cart_stack.addWidget(self.empty)
        self.cart_stack.addWidget(self.table)

        self.qty_button = self._key("Qty", "F4", self.change_quantity)
        self.plus_button = self._key("+1", "+", lambda: self.bump(1))
        self.minus_button = self._key("−1", "−", lambda: self.bump(-1))
        self.price_button = self._key("Price", "F5", self.change_price)
        self.line_discount_button = self._key("Discount", "F6", self.line_discount)
        self.remove_button = self._key("Remove", "Del", self.remove_line)
        self.find_button = self._key("Find item", "F2", self.find_item)

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.quantity_chip)
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(self.find_button)
        line_keys = QHBoxLayout()
        line_keys.setSpacing(6)
        for widget in (
            self.qty_button,
            self.plus_button,
            self.minus_button,
            self.price_button,
            self.line_discount_button,
            self.remove_button,
        ):
            widget.setProperty("role", "linekey")
            line_keys.addWidget(widget)
        line_keys.addStretch(1)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addLayout(scan_row)
        left.addWidget(self.status)
        left.addWidget(self.cart_stack, 1)
        left.addLayout(line_keys)

        # -- right: customer, totals, sale keys, pay -------------------------------------------
        self.customer_box = CustomerBox()
        self.customer_button = self._key("Customer", "F3", self.choose_customer)
        self.totals = TotalsPanel()
        self.sale_discount_button = self._key("Sale discount", "F7", self.sale_discount)
        self.hold_button = self._key("Hold", "F8", self.hold)
        self.held_button = self._key("Held sales", "Shift+F8", self.show_held)
        self.return_button = self._key("Return", "F9", self.start_return)
        self.receipts_button = self._key("Receipts", "F11", self.show_receipts)
        self.void_button = self._key("Void sale", "Ctrl+Del", self.void_sale)
        self.no_sale_button = self._key("No sale", NO_SALE_KEY, self.no_sale)
        self.pay_button = button("PAY  (F10)", "pay")
        self.pay_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pay_button.setAccessibleName("Pay")
        self.pay_button.clicked.connect(self.pay)
        keys = QGridLayout()
        keys.setSpacing(6)
        self.void_button.setProperty("role", "sidekey")
        self.no_sale_button.setProperty("role", "sidekey")
        for index, widget in enumerate(
            (
                self.customer_button,
                self.sale_discount_button,
                self.hold_button,
                self.held_button,
                self.return_button,
                self.receipts_button,
            )
        ):
            widget.setProperty("role", "sidekey")
            keys.addWidget(widget, index // 2, index % 2)
        keys.addWidget(self.void_button, 3, 0)
        keys.addWidget(self.no_sale_button, 3, 1)
        self.right_side = right_widget = QWidget()
        right_widget.setFixedWidth(WIDE_SIDE)
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(10)
        right.addWidget(self.customer_box)
        right.addWidget(self.totals)
        right.addStretch(1)
        right.addLayout(keys)
        right.addWidget(self.pay_button)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(16)
        layout.addLayout(left, 1)
        layout.addWidget(right_widget)

        self.scan.returnPressed.connect(self._enter)
        self.scan.textChanged.connect(self._typed)
        for keys_, slot in (
            ("F2", self.find_item),
            ("F3", self.choose_customer),
            ("Shift+F3", self.remove_customer),
            ("F4", self.change_quantity),
            ("F5", self.change_price),
            ("F6", self.line_discount),
            ("F7", self.sale_discount),
            ("F8", self.hold),
            ("Shift+F8", self.show_held),
            ("F9", self.start_return),
            ("F10", self.pay),
            ("F11", self.show_receipts),
            (NO_SALE_KEY, self.no_sale),
            ("Ctrl+F", self.focus_scan),
        ):
            page_shortcut(keys_, self, slot)
        self.show_view(None)

    def _key(self, text: str, keys: str, slot: Callable[[], object]) -> QPushButton:
        widget = button(f"{text}\n{keys}")
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch never takes the scan box's focus
        widget.setAccessibleName(text)
        widget.setToolTip(f"{text} ({keys})")
        widget.clicked.connect(lambda _checked=False: slot())
        return widget

    # -- showing the sale ------------------------------------------------------------------
    def activate(self) -> None:
        """The area is shown: pick up the sale open on this register (after a crash or a
        change of cashier), and put the focus in the scan box."""
        self._ready = True
        self.focus_scan()
        self.reload()

    def reload(self) -> None:
        register, ops = self.till.register(), self.till.ops
        try:
            actor = ops.actor
        except DomainError:
            return  # nobody is signed in
        ops.read(lambda: register.current(actor), self.show_view, self._failed)

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def show_view(self, view: SaleView | None) -> None:
        old = self.view
        self.view = view if view is not None and view.status == "open" else None
        chosen = self._line_to_select(old, self.view)
        lines = () if self.view is None else self.view.lines
        self.cart.set_lines(lines)
        self.cart_stack.setCurrentWidget(self.table if lines else self.empty)
        if lines:
            row = self.cart.row_of(chosen) if chosen is not None else -1
            self.table.selectRow(row if row >= 0 else len(lines) - 1)
            self.table.scrollTo(self.table.currentIndex())
        self.customer_box.show_sale(self.view)
        self.totals.show_sale(self.view, self.till.currency() if self._ready else None)
        self.pay_button.setText(pay_text(self.view))
        self.pay_button.setEnabled(bool(lines))
        for widget in (
            self.qty_button,
            self.plus_button,
            self.minus_button,
            self.price_button,
            self.line_discount_button,
            self.remove_button,
            self.sale_discount_button,
            self.hold_button,
        ):
            widget.setEnabled(bool(lines))
        self.void_button.setEnabled(self.view is not None)
        self.sale_shown.emit(self.view)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """On a 1024-pixel screen the right side narrows and the cart drops its # and
        discount columns (a line's discount still shows under its name)."""
        narrow = event.size().width() < 1000
        self.right_side.setFixedWidth(NARROW_SIDE if narrow else WIDE_SIDE)
        self.table.setColumnHidden(NUMBER, narrow)
        self.table.setColumnHidden(DISCOUNT, narrow)
        compact = narrow or event.size().height() < 740
        if compact != bool(self.property("compact")):
            self.setProperty("compact", compact)  # smaller type on the right (theme.py)
            for widget in (self, *self.findChildren(QWidget)):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        super().resizeEvent(event)

    def _line_to_select(self, old: SaleView | None, new: SaleView | None) -> uuid.UUID | None:
        """The line just added or changed; else the one selected before."""
        if new is None or not new.lines:
            return None
        before = {} if old is None else {line.line_id: _own(line) for line in old.lines}
        for line in reversed(new.lines):
            if before.get(line.line_id) != _own(line):  # new, or its own figures changed
                return line.line_id
        current = self.selected_line()
        return None if current is None else current.line_id

    def selected_line(self) -> LineView | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.cart.rowCount():
            return None
        return self.cart.line(index.row())

    def say(self, text: str, role: str = "hint") -> None:
        """The status line under the scan box: the last thing done, or what went wrong."""
        self.status.setText(text)
        set_role(self.status, role)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.say(plain_message(error), "error")
        else:
            self.till.ops.show_error(error)

    def _write(
        self,
        fn: Callable[[Approval | None], SaleView],
        done: Callable[[SaleView], str],
    ) -> None:
        def shown(view: SaleView) -> None:
            self.show_view(view)
            self.say(done(view), "ok")

        self.till.ops.write(fn, shown, self._failed)

    # -- the scan box ----------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        match = QUANTITY_PREFIX.match(text)
        if match is not None and not match.group(2):
            self.set_pending_quantity(int(match.group(1)))
            self.scan.clear()
        elif text.strip() == "*":
            self.scan.clear()
            self.ask_pending_quantity()

    def set_pending_quantity(self, quantity: int | None) -> None:
        problem = None if quantity is None else quantity_problem(quantity)
        if problem is not None:
            self.say(problem, "error")
            quantity = None
        elif quantity is not None:
            self.say(f"Quantity {quantity} for the next item: scan it now.")
        self.pending_quantity = quantity
        self.quantity_chip.setText("" if quantity is None else f"{quantity} ×")
        self.quantity_chip.setVisible(quantity is not None)

    def ask_pending_quantity(self) -> None:
        prompt = PromptDialog(
            "Quantity", "How many of the next item?", "1", "Set quantity", parent=self
        )

        def entered(text: str) -> None:
            value = text.strip()
            problem = (
                quantity_problem(int(value))
                if value.isascii() and value.isdigit()
                else "Type a whole number, for example 3."
            )
            if problem is not None:
                prompt.fail(problem)
                return
            self.set_pending_quantity(int(value))
            prompt.accept()

        prompt.entered.connect(entered)
        self._open(prompt)

    def _enter(self) -> None:
        text = self.scan.text().strip()
        if not text:
            if self.view is not None and self.view.lines:
                self.pay()
            else:
                self.say("Scan an item, or type a barcode, SKU, serial or receipt number.")
            return
        quantity = self.pending_quantity or 1
        match = QUANTITY_PREFIX.match(text)
        if match is not None:
            quantity, text = int(match.group(1)), match.group(2).strip()
            problem = quantity_problem(quantity)
            if problem is not None:
                self.say(problem, "error")
                self.scan.selectAll()
                return
        self.scan.clear()
        self.set_pending_quantity(None)
        self._look_up(text, quantity)

    def accept_scan(self, code: str) -> None:
        """A code from a scanner, wherever the focus is (the customer search, a picker):
        rung up into the cart, or a scanned receipt opens its return. While a payment is
        being taken, the scan waits for the cashier to finish or cancel it."""
        if not self._ready:
            return
        if isinstance(self.dialog, TenderDialog):
            self.dialog.fail(f"Scanned {code}: finish the payment, or Esc, before adding items.")
            return
        # "3*" typed by hand, then a scan: three of the scanned item.
        typed = self.scan.text().strip()
        prefix = typed if typed.endswith("*") and QUANTITY_PREFIX.match(typed) else ""
        self.scan.setText(prefix + code.strip())
        self._enter()

    def _look_up(self, text: str, quantity: int) -> None:
        self.say(f"Looking up {text}…")
        register, actor = self.till.register(), self.till.actor
        sale_id = None if self.view is None else self.view.sale_id
        self.till.ops.write(
            lambda _approval: scan_or_receipt(register, actor, text, quantity, sale_id),
            self._scanned,
            lambda error: self._scan_failed(text, quantity, error),
        )

    def _scanned(self, found: SaleView | ReturnableSale) -> None:
        if isinstance(found, ReturnableSale):
            self.say(f"Receipt {found.receipt_number}: choose what comes back.")
            self.start_return(found)
            return
        self.show_view(found)
        line = self.selected_line()
        if line is not None:
            self.say(f"{line.name} — {line.quantity} × {money(line.unit_price)}", "ok")

    def _scan_failed(self, code: str, quantity: int, error: BaseException) -> None:
        if quantity != 1 and self.pending_quantity is None:
            self.set_pending_quantity(quantity)  # still meant for the item they look for
        if isinstance(error, NotInCatalogError):
            self._unknown_code = code
            self.say(f"{plain_message(error)} Press F2 to search.", "error")
        elif isinstance(error, UnitNeededError) and error.units:
            self.choose_unit(error)
        else:
            self._failed(error)

    def choose_unit(self, needed: UnitNeededError) -> None:
        dialog = unit_picker(self.till, needed, self)
        product_id = needed.product_id
        dialog.picked.connect(lambda unit: self.add_product(product_id, unit.unit_id))
        self._open(dialog)

    def add_product(self, product_id: uuid.UUID, unit_id: uuid.UUID | None = None) -> None:
        quantity = 1 if unit_id is not None else (self.pending_quantity or 1)
        self.set_pending_quantity(None)
        register, actor = self.till.register(), self.till.actor
        sale_id = None if self.view is None else self.view.sale_id
        self.till.ops.write(
            lambda _a: register.add_product(actor, product_id, quantity, unit_id, sale_id=sale_id),
            self._scanned,
            lambda error: self._scan_failed("", quantity, error),
        )

    def find_item(self) -> None:
        """Type-ahead search of the catalog, for an item without a barcode (or an unknown one)."""
        typed = self.scan.text().strip() or self._unknown_code
        text = typed if any(ch.isalpha() or ch.isspace() for ch in typed) else ""
        self.scan.clear()
        dialog = product_picker(self.till, text, self)
        dialog.picked.connect(lambda row: self.add_product(row.id))
        self._open(dialog)

    # -- the selected line -----------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.scan and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._scan_key(event)
        return super().eventFilter(watched, event)

    def _scan_key(self, event: QKeyEvent) -> bool:
        """Keys the scan box passes on: arrows move through the cart; with the box empty,
        + and − change the chosen line's quantity and Delete removes it."""
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        action: Callable[[], object] | None = None
        if key in MOVES:
            action = partial(move_selection, self.table, MOVES[Qt.Key(key)])
        elif key == Qt.Key.Key_Delete and control:
            action = self.void_sale
        elif key == Qt.Key.Key_Escape:
            action = self._escape if self.scan.text() or self.pending_quantity else None
        elif not self.scan.text():
            on_line: dict[Qt.Key, Callable[[], object]] = {
                Qt.Key.Key_Plus: partial(self.bump, 1),
                Qt.Key.Key_Minus: partial(self.bump, -1),
                Qt.Key.Key_Delete: self.remove_line,
            }
            action = on_line.get(Qt.Key(key))
        if action is None:
            return False
        action()
        return True

    def _escape(self) -> None:
        self.scan.clear()
        self.set_pending_quantity(None)
        self.say("Cleared.")

    def _line_or_say(self) -> LineView | None:
        line = self.selected_line()
        if line is None:
            self.say("Choose a line first (↑ ↓).", "error")
        return line

    def bump(self, step: int) -> None:
        line = self._line_or_say()
        if line is None or self.view is None:
            return
        if line.is_return:
            self.say(
                "Change a returned quantity by removing the line and returning again.", "error"
            )
            return
        self._set_quantity(line, line.quantity + step)

    def _set_quantity(self, line: LineView, quantity: int) -> None:
        assert self.view is not None
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id
        self._write(
            lambda _a: register.set_quantity(actor, sale_id, line.line_id, quantity),
            lambda _v: f"{line.name}: quantity {quantity}",
        )

    def change_quantity(self) -> None:
        """F4: the number in the scan box is for the next item; else change the chosen line."""
        typed = self.scan.text().strip()
        if typed:
            if typed.isascii() and typed.isdigit():
                self.scan.clear()
                self.set_pending_quantity(int(typed))
            else:
                self.say("Type a number, then F4 (or *), for the next item's quantity.", "error")
            return
        line = self.selected_line()
        if line is None or self.view is None:
            self.ask_pending_quantity()
            return
        prompt = PromptDialog(
            "Quantity", f"Quantity of {line.name}", str(abs(line.quantity)), "Set", parent=self
        )
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id

        def entered(text: str) -> None:
            value = text.strip()
            if not (value.isascii() and value.isdigit()):
                prompt.fail("Type a whole number, for example 2.")
                return

            def done(view: SaleView) -> None:
                prompt.accept()
                self.show_view(view)
                self.say(f"{line.name}: quantity {value}", "ok")

            self.till.ops.write(
                lambda _a: register.set_quantity(actor, sale_id, line.line_id, int(value)),
                done,
                prompt.fail,
            )

        prompt.entered.connect(entered)
        self._open(prompt)

    def remove_line(self) -> None:
        line = self._line_or_say()
        if line is None or self.view is None:
            return
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id
        self._write(
            lambda _a: register.remove_line(actor, sale_id, line.line_id),
            lambda _v: f"Removed {line.name}.",
        )

    def change_price(self) -> None:
        line = self._line_or_say()
        if line is None or self.view is None:
            return
        dialog = PriceDialog(self.till, self.view.sale_id, line, self)
        dialog.changed.connect(partial(self._changed_in_dialog, line_change(line.line_id, "price")))
        self._open(dialog)

    def line_discount(self) -> None:
        line = self._line_or_say()
        if line is None or self.view is None:
            return
        dialog = DiscountDialog(self.till, self.view, line, self)
        what = line_change(line.line_id, "discount")
        dialog.changed.connect(partial(self._changed_in_dialog, what))
        self._open(dialog)

    # -- the whole sale --------------------------------------------------------------------
    def sale_discount(self) -> None:
        if self.view is None or not self.view.lines:
            self.say("Ring up an item before giving a sale discount.", "error")
            return
        dialog = DiscountDialog(self.till, self.view, None, self)
        dialog.changed.connect(partial(self._changed_in_dialog, sale_discount_change))
        self._open(dialog)

    def choose_customer(self) -> None:
        dialog = customer_picker(self.till, self)
        dialog.picked.connect(self.attach_customer)
        self._open(dialog)

    def attach_customer(self, row: CustomerRow) -> None:
        register, actor = self.till.register(), self.till.actor
        sale_id = None if self.view is None else self.view.sale_id
        self._write(
            lambda _a: register.attach_customer(actor, row.id, sale_id=sale_id),
            lambda _v: f"Customer: {row.name} ({row.account_number})",
        )

    def remove_customer(self) -> None:
        if self.view is None or self.view.customer is None:
            self.say("No customer is on this sale.")
            return
        register, actor, sale_id = self.till.register(), self.till.actor, self.view.sale_id
        self._write(
            lambda _a: register.attach_customer(actor, None, sale_id=sale_id),
            lambda _v: "Customer taken off the sale.",
        )

    def hold(self) -> None:
        view = self.view
        if view is None or not view.lines:
            self.say("There is nothing on the sale to hold.", "error")
            return
        register, actor = self.till.register(), self.till.actor

        def held(_none: None) -> None:
            self.show_view(None)
            count = len(view.lines)
            self.say(
                f"Sale held ({count} line{'s' if count != 1 else ''}, {money(view.total)}). "
                "Shift+F8 brings it back.",
                "ok",
            )

        self.till.ops.write(lambda _a: register.hold(actor, view.sale_id), held, self._failed)

    def show_held(self) -> None:
        register, actor = self.till.register(), self.till.actor

        def loaded(held: list[HeldSale]) -> None:
            if not held:
                self.say("No sales are on hold at this store.")
                return
            dialog = held_dialog(self.till, held, self.till.timezone(), self)
            dialog.picked.connect(self.resume)
            self._open(dialog)

        self.till.ops.read(lambda: register.held(actor), loaded, self._failed)

    def resume(self, held: HeldSale) -> None:
        register, actor = self.till.register(), self.till.actor
        self._write(
            lambda _a: register.resume(actor, held.sale_id),
            lambda _v: f"Resumed the sale held by {held.held_by}.",
        )

    def void_sale(self) -> None:
        view = self.view
        if view is None:
            self.say("There is no sale to void.", "error")
            return
        prompt = PromptDialog(
            "Void sale",
            f"Void this sale of {money(view.total)}? Say why.",
            "",
            "Void sale",
            "e.g. customer changed their mind",
            parent=self,
        )
        register, actor = self.till.register(), self.till.actor

        def entered(reason: str) -> None:
            def voided(_none: None) -> None:
                prompt.accept()
                self.show_view(None)
                self.say("Sale voided.", "ok")

            self.till.ops.write(
                lambda _a: register.void_open(actor, view.sale_id, reason), voided, prompt.fail
            )

        prompt.entered.connect(entered)
        self._open(prompt)

    def no_sale(self) -> None:
        """Open the drawer without a sale: logged, and a manager's PIN when the cashier
        may not do it alone."""
        drawer, actor = self.till.drawer(), self.till.actor

        def answered(error: BaseException | None) -> None:
            self.activateWindow()  # the manager-approval dialog may have had the keys
            self.focus_scan()
            if error is None:
                if self.till.printing is not None:
                    self.till.printing.hub.open_drawer()
                self.say("Drawer opened without a sale; it is logged.", "ok")
            else:
                self._failed(error)

        self.till.ops.write(
            lambda a: drawer.no_sale(actor, approval=a), lambda _none: answered(None), answered
        )

    def start_return(self, found: ReturnableSale | None = None) -> None:
        sale_id = None if self.view is None else self.view.sale_id
        dialog = ReturnDialog(self.till, sale_id, found, self)
        dialog.changed.connect(partial(self._changed_in_dialog, returned_change))
        self._open(dialog)

    def show_receipts(self) -> None:
        self._open(ReceiptsDialog(self.till, self))

    def pay(self) -> None:
        view = self.view
        if view is None or not view.lines:
            self.say("Ring up an item first.", "error")
            return
        dialog = TenderDialog(self.till, view, self)
        dialog.changed.connect(self.show_view)
        dialog.completed.connect(self._completed)
        self._open(dialog)

    def _completed(self, done: CompletedSale) -> None:
        self.show_view(None)
        self.say(completed_text(done), "ok")
        self.sale_completed.emit(done)

    # -- dialogs ---------------------------------------------------------------------------
    def _changed_in_dialog(self, describe: Callable[[SaleView], str], view: SaleView) -> None:
        self.show_view(view)
        self.say(describe(view), "ok")

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.activateWindow()  # not every window manager gives it back when a dialog closes
        self.focus_scan()
        self.reload()  # whatever the dialog did, show what the database holds
