"""The register as a cashier uses it: the keyboard only, every service call off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.money import Money, format_money
from core.services.register import RegisterService
from db.models import CustomerAccount, Product, ProductBarcode
from desktop.approval_dialog import ApprovalDialog
from desktop.register.dialogs import PromptDialog
from desktop.register.page import RegisterPage
from desktop.register.picker import PickDialog
from desktop.register.receipts_dialog import ReceiptsDialog
from desktop.register.return_dialog import ReturnDialog
from desktop.register.tender_dialog import TenderDialog
from desktop.window import MainWindow
from devices.escpos import decode
from tests.desktop.test_areas import sign_in, when_modal

Opener = Callable[..., MainWindow]
WAIT = 5_000


class ThreadChecked:
    """A service whose calls are noted, and any made on the GUI thread (there must be none)."""

    def __init__(self, real: Any, gui_calls: list[str]) -> None:
        self.real = real
        self.gui_calls = gui_calls
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.real, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            if threading.current_thread() is threading.main_thread():
                self.gui_calls.append(name)
            return attribute(*args, **kwargs)

        return call


@dataclass
class Register:
    window: MainWindow
    service: RegisterService  # the real one, for the test's own checks
    calls: list[str]

    @property
    def page(self) -> RegisterPage:
        return self.window.register


@pytest.fixture
def till(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> Iterator[Register]:
    """Jamie at the register; the register, catalog and customer services are watched."""
    window = open_window(demo_dir)
    context = window.context
    assert context is not None
    services = context.services
    assert services is not None
    gui_calls: list[str] = []
    register = ThreadChecked(services.register, gui_calls)
    context.services = replace(
        services,
        register=register,  # type: ignore[arg-type]
        catalog=ThreadChecked(services.catalog, gui_calls),  # type: ignore[arg-type]
        customers=ThreadChecked(services.customers, gui_calls),  # type: ignore[arg-type]
    )
    sign_in(qtbot, window, "jamie")
    qtbot.waitUntil(window.register.scan.hasFocus, timeout=WAIT)
    yield Register(window, services.register, register.calls)
    assert gui_calls == [], "a service was called on the GUI thread"


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def barcodes(window: MainWindow, *, serialized: bool, count: int) -> list[tuple[str, str]]:
    """(barcode, name) of demo products in stock here, in SKU order."""
    context = window.context
    assert context is not None
    with context.store.read_sessions() as session:
        rows = session.execute(
            select(ProductBarcode.code, Product.name)
            .join(Product, Product.id == ProductBarcode.product_id)
            .where(Product.is_serialized.is_(serialized), Product.tax_class == "standard")
            .order_by(Product.sku)
        ).all()
    return [(code, name) for code, name in rows[:count]]


def scan(qtbot: QtBot, window: MainWindow, code: str) -> None:
    assert focused() is window.register.scan
    type_text(qtbot, code)
    press(qtbot, Qt.Key.Key_Return)


def lines(window: MainWindow) -> int:
    return window.register.cart.rowCount()


def wait_dialog(qtbot: QtBot, window: MainWindow, kind: type[QWidget]) -> Any:
    page = window.register
    qtbot.waitUntil(lambda: isinstance(page.dialog, kind) and page.dialog.isVisible(), timeout=WAIT)
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.isAncestorOf(focused()) or focused() is dialog, timeout=WAIT)
    return dialog


def approve_with_pin(qtbot: QtBot, pin: str) -> list[str]:
    """Answer the manager-approval dialog, when it opens, by typing the PIN."""
    seen: list[str] = []

    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, ApprovalDialog)
        seen.append(dialog.windowTitle())
        qtbot.waitUntil(lambda: focused() is dialog.pin, timeout=WAIT)
        type_text(qtbot, pin)
        press(qtbot, Qt.Key.Key_Return)

    when_modal(qtbot, ApprovalDialog, act)
    return seen


def test_register_is_first_with_the_focus_in_the_scan_box(qtbot: QtBot, till: Register) -> None:
    window = till.window
    assert window.shell.stack.currentWidget() is window.register
    assert window.shell.buttons[0].text() == "Register"
    assert focused() is window.register.scan
    # The empty sale's figures arrive from the database thread.
    qtbot.waitUntil(lambda: window.register.totals.total.text() == "$0.00", timeout=WAIT)
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.drawer
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.register
    assert focused() is window.register.scan
    assert "current" in till.calls  # an open sale is looked for each time (crash recovery)


def test_a_whole_sale_and_a_return_by_keyboard(
    qtbot: QtBot, till: Register, tmp_path: Path
) -> None:
    window, register, page = till.window, till.service, till.page
    (first, first_name), (second, _name) = barcodes(window, serialized=False, count=2)
    ((guitar, guitar_name),) = barcodes(window, serialized=True, count=1)

    # Two items by barcode, and a serialized one whose unit is chosen from the list.
    scan(qtbot, window, first)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert first_name in page.status.text()
    scan(qtbot, window, second)
    qtbot.waitUntil(lambda: lines(window) == 2, timeout=WAIT)
    scan(qtbot, window, guitar)
    chooser = wait_dialog(qtbot, window, PickDialog)
    qtbot.waitUntil(lambda: chooser.panel.model.rowCount() > 0, timeout=WAIT)
    serial = chooser.panel.model.row(0).serial_number
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines(window) == 3, timeout=WAIT)
    assert page.cart.line(2).serial == serial
    assert page.cart.line(2).name == guitar_name
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.scan, timeout=WAIT)

    # A 5% line discount on the first line: within the cashier's limit.
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Up)
    assert page.selected_line() == page.cart.line(0)
    press(qtbot, Qt.Key.Key_F6)
    wait_dialog(qtbot, window, QWidget)
    type_text(qtbot, "5")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.cart.line(0).discount is not None, timeout=WAIT)
    assert page.cart.line(0).discount_total.amount > 0
    assert "5% off" in page.cart.data(page.cart.index(0, 1), Qt.ItemDataRole.UserRole + 1)

    # A 15% sale discount is over the limit: Morgan approves it with her PIN.
    press(qtbot, Qt.Key.Key_F7)
    wait_dialog(qtbot, window, QWidget)
    type_text(qtbot, "15")
    approvals = approve_with_pin(qtbot, "2222")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.view is not None and page.view.sale_discount is not None, timeout=10_000
    )
    assert approvals == ["Manager approval"]
    assert page.view is not None
    assert page.view.sale_discount is not None
    assert page.view.sale_discount.value == 1500
    assert "discount" in page.totals.figures

    # The customer, found by typing part of the account number.
    customer = _first_customer(window)
    press(qtbot, Qt.Key.Key_F3)
    wait_dialog(qtbot, window, PickDialog)
    type_text(qtbot, customer.account_number)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.view is not None and page.view.customer is not None, timeout=WAIT)
    assert page.customer_box.name.text() == customer.name
    assert customer.account_number in page.customer_box.account.text()

    # Pay $100 by card, the rest in cash with a quick-cash key.
    sale_id = page.view.sale_id
    total = page.view.total
    assert page.totals.total.text() == format_money(total)
    press(qtbot, Qt.Key.Key_F10)
    tender = wait_dialog(qtbot, window, TenderDialog)
    assert focused() is tender.amount
    assert tender.due_label.text() == format_money(total)
    type_text(qtbot, "100")
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: focused() is tender.reference, timeout=WAIT)
    type_text(qtbot, "4242")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(tender.view.tenders) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: focused() is tender.amount, timeout=WAIT)
    card = tender.view.tenders[0]
    assert (card.kind.value, card.amount.amount, card.reference) == ("card", 10_000, "4242")
    due = tender.view.due.amount
    assert due == total.amount - 10_000
    assert tender.due_label.text() == format_money(Money(due, "USD"))
    cash = tender.quick_buttons[1].property("amount")
    assert tender.quick_buttons[1].isVisible()
    assert cash > due
    press(qtbot, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: tender.completed_sale is not None, timeout=10_000)
    done = tender.completed_sale
    completed = register.view(sale_id)
    assert completed.status == "completed"
    assert completed.change.amount == cash - due == done.change.amount
    assert tender.change_label.text() == format_money(completed.change)
    assert tender.receipt_label.text() == f"Receipt {done.receipt_number}"
    assert page.cart.rowCount() == 0  # the register is clear for the next customer

    # The PDF receipt, saved in the data folder.
    qtbot.waitUntil(lambda: focused() is tender.done_page, timeout=WAIT)
    press(qtbot, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: tender.saved_path != "", timeout=10_000)
    saved = Path(tender.saved_path)
    assert saved.parent == window.context.store.data_dir / "receipts"
    assert saved.read_bytes().startswith(b"%PDF")
    assert str(saved) in tender.saved_label.text()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None and focused() is page.scan, timeout=WAIT)
    assert done.receipt_number in page.status.text()

    # A return: the receipt number typed into the scan box opens it; one of the first item.
    scan(qtbot, window, done.receipt_number.lower())
    returns = wait_dialog(qtbot, window, ReturnDialog)
    assert focused() is returns.quantity
    assert returns.receipt is not None
    assert returns.receipt.sale_id == sale_id
    assert returns._current_line() is not None
    assert returns._current_line().name == first_name
    type_text(qtbot, "1")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    returned = page.cart.line(0)
    assert returned.is_return
    assert returned.quantity == -1
    assert returned.name == first_name
    assert page.view is not None
    assert page.view.total.amount < 0
    assert page.totals.caption.text() == "Refund due"
    assert page.customer_box.name.text() == customer.name  # carried over from the receipt

    # Paid back in cash: Enter takes the exact amount, and the sale completes.
    refund = page.view.total
    qtbot.waitUntil(lambda: focused() is page.scan, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F10)
    payback = wait_dialog(qtbot, window, TenderDialog)
    assert payback.refund
    assert payback.amount.text() == format_money(Money(-refund.amount, "USD"))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: payback.completed_sale is not None, timeout=10_000)
    assert payback.completed_sale.total == refund
    assert payback.change_label.text() == format_money(Money(-refund.amount, "USD"))
    assert "REFUND" in payback.change_caption.text()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None and focused() is page.scan, timeout=WAIT)
    assert lines(window) == 0
    left = register.find_receipt(done.receipt_number)
    assert left is not None
    assert [line.returned for line in left.lines] == [1, 0, 0]


def _first_customer(window: MainWindow) -> CustomerAccount:
    context = window.context
    assert context is not None
    with context.store.read_sessions() as session:
        return session.scalars(
            select(CustomerAccount).order_by(CustomerAccount.account_number)
        ).first()


def test_unknown_barcode_and_zero_quantity_are_refused_inline(qtbot: QtBot, till: Register) -> None:
    window = till.window
    page = window.register
    scan(qtbot, window, "999999999999")
    qtbot.waitUntil(lambda: "Nothing in the catalog" in page.status.text(), timeout=WAIT)
    assert "999999999999" in page.status.text()
    assert page.status.property("role") == "error"
    assert lines(window) == 0
    assert page.view is None
    assert QApplication.activeModalWidget() is None  # no pop-up for a routine mistake
    assert focused() is page.scan

    type_text(qtbot, "0*")
    assert page.scan.text() == ""
    assert "0 cannot be rung up" in page.status.text()
    assert page.pending_quantity is None
    assert not page.quantity_chip.isVisible()

    # 3* sets the quantity for the next scan; the chip shows it until then.
    ((code, name),) = barcodes(window, serialized=False, count=1)
    type_text(qtbot, "3*")
    assert page.pending_quantity == 3
    assert page.quantity_chip.text() == "3 ×"
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.cart.line(0).quantity == 3
    assert page.cart.line(0).name == name
    assert page.pending_quantity is None
    assert not page.quantity_chip.isVisible()

    # + and − on the chosen line with the box empty; F4 sets it; Delete removes it.
    press(qtbot, Qt.Key.Key_Plus)
    qtbot.waitUntil(lambda: page.cart.line(0).quantity == 4, timeout=WAIT)
    press(qtbot, Qt.Key.Key_Minus)
    qtbot.waitUntil(lambda: page.cart.line(0).quantity == 3, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F4)
    prompt = wait_dialog(qtbot, window, PromptDialog)
    type_text(qtbot, "0")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "zero" in prompt.error.text(), timeout=WAIT)
    type_text(qtbot, "2")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.cart.line(0).quantity == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: focused() is page.scan, timeout=WAIT)
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: lines(window) == 0, timeout=WAIT)
    assert "scan" in till.calls
    assert "remove_line" in till.calls


def test_an_unknown_code_is_found_by_name_instead(qtbot: QtBot, till: Register) -> None:
    window = till.window
    page = window.register
    ((_code, name),) = barcodes(window, serialized=False, count=1)
    scan(qtbot, window, "12345")
    qtbot.waitUntil(lambda: "F2" in page.status.text(), timeout=WAIT)
    press(qtbot, Qt.Key.Key_F2)
    search = wait_dialog(qtbot, window, PickDialog)
    assert focused() is search.panel.box
    type_text(qtbot, name)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.cart.line(0).name == name


def test_hold_then_resume_from_the_held_list(qtbot: QtBot, till: Register) -> None:
    window = till.window
    page = window.register
    (first, _a), (second, _b) = barcodes(window, serialized=False, count=2)
    scan(qtbot, window, first)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.view is not None
    held_id, held_total = page.view.sale_id, page.view.total
    press(qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: lines(window) == 0, timeout=WAIT)
    assert "held" in page.status.text().lower()

    # The next customer is served meanwhile.
    scan(qtbot, window, second)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: lines(window) == 0, timeout=WAIT)

    press(qtbot, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    held = wait_dialog(qtbot, window, PickDialog)
    assert held.panel.model.rowCount() == 2  # oldest first
    assert held.panel.model.row(0).sale_id == held_id
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.view is not None
    assert page.view.sale_id == held_id
    assert page.view.total == held_total
    assert "Resumed" in page.status.text()


def test_void_an_open_sale_with_a_reason(qtbot: QtBot, till: Register) -> None:
    window = till.window
    page = window.register
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.view is not None
    sale_id = page.view.sale_id
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    prompt = wait_dialog(qtbot, window, PromptDialog)
    press(qtbot, Qt.Key.Key_Return)  # no reason: refused, in the dialog
    qtbot.waitUntil(lambda: "reason" in prompt.error.text(), timeout=WAIT)
    type_text(qtbot, "customer left")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines(window) == 0 and page.dialog is None, timeout=WAIT)
    assert page.status.text() == "Sale voided."
    voided = till.service.view(sale_id)
    assert voided.status == "voided"
    assert till.service.current(window.actor) is None


def test_the_open_sale_survives_a_change_of_cashier_and_a_restart(
    qtbot: QtBot,
    till: Register,
    open_window: Opener,
) -> None:
    window = till.window
    page = window.register
    ((code, name),) = barcodes(window, serialized=False, count=1)
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F12)
    assert window.pages.currentWidget() is window.login
    sign_in(qtbot, window, "priya")
    assert window.shell.stack.currentWidget() is page
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    assert page.cart.line(0).name == name

    context = window.context
    assert context is not None
    data_dir = context.store.data_dir
    window.close()
    again = open_window(data_dir)
    sign_in(qtbot, again, "jamie")
    qtbot.waitUntil(lambda: again.register.cart.rowCount() == 1, timeout=WAIT)
    assert again.register.cart.line(0).name == name


def test_a_past_sale_is_voided_with_a_manager_and_reprinted(qtbot: QtBot, till: Register) -> None:
    window = till.window
    page = window.register
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_Return)  # Enter on the empty scan box pays
    tender = wait_dialog(qtbot, window, TenderDialog)
    press(qtbot, Qt.Key.Key_Return)  # exact cash
    qtbot.waitUntil(lambda: tender.completed_sale is not None, timeout=10_000)
    number = tender.completed_sale.receipt_number
    assert tender.change_label.text() == "$0.00"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None and focused() is page.scan, timeout=WAIT)

    press(qtbot, Qt.Key.Key_F11)
    receipts = wait_dialog(qtbot, window, ReceiptsDialog)
    type_text(qtbot, number)
    qtbot.waitUntil(
        lambda: (
            receipts.panel.model.rowCount() == 1
            and receipts.panel.model.row(0).receipt_number == number
        ),
        timeout=WAIT,
    )
    press(qtbot, Qt.Key.Key_F3)  # a gift receipt, on the demo's simulated printer
    simulated = window.hub.simulated
    qtbot.waitUntil(lambda: any(b"Gift receipt" in j for j in simulated.jobs), timeout=10_000)
    gift = decode(next(job for job in simulated.jobs if b"Gift receipt" in job))
    assert "$" not in gift.text  # no prices on a gift receipt
    assert gift.barcodes == (("CODE128", number),)
    press(qtbot, Qt.Key.Key_F6)  # and a copy as a PDF
    qtbot.waitUntil(lambda: receipts.saved_path.endswith("-copy.pdf"), timeout=10_000)
    assert Path(receipts.saved_path).read_bytes().startswith(b"%PDF")
    press(qtbot, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: isinstance(receipts.prompt, PromptDialog), timeout=WAIT)
    prompt = receipts.prompt
    qtbot.waitUntil(lambda: focused() is prompt.field, timeout=WAIT)
    type_text(qtbot, "rung up twice")
    approve_with_pin(qtbot, "2222")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "reversing receipt" in receipts.saved.text(), timeout=10_000)
    summary = next(s for s in till.service.recent(number) if s.receipt_number == number)
    assert summary.voided


def test_a_return_without_a_receipt_refunded_in_cash_with_a_manager(
    qtbot: QtBot, till: Register
) -> None:
    window, page = till.window, till.page
    ((_code, name),) = barcodes(window, serialized=False, count=1)
    press(qtbot, Qt.Key.Key_F9)
    returns = wait_dialog(qtbot, window, ReturnDialog)
    assert focused() is returns.receipts.box
    press(qtbot, Qt.Key.Key_F2)  # no receipt
    qtbot.waitUntil(lambda: focused() is returns.products.box, timeout=WAIT)
    type_text(qtbot, name)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is returns.loose_quantity, timeout=WAIT)
    assert name in returns.product_title.text()
    press(qtbot, Qt.Key.Key_Return)  # quantity 1
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    line = page.cart.line(0)
    assert line.is_return
    assert line.original_line_id is None
    assert "no receipt" in page.cart.data(page.cart.index(0, 1), Qt.ItemDataRole.UserRole + 1)

    # Cash back without a receipt needs a manager.
    qtbot.waitUntil(lambda: focused() is page.scan, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F10)
    payback = wait_dialog(qtbot, window, TenderDialog)
    approvals = approve_with_pin(qtbot, "2222")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: payback.completed_sale is not None, timeout=10_000)
    assert approvals == ["Manager approval"]
    assert payback.completed_sale is not None
    assert payback.completed_sale.total.amount < 0
    press(qtbot, Qt.Key.Key_Escape)  # Esc after completing is "new sale" too
    qtbot.waitUntil(lambda: page.dialog is None and lines(window) == 0, timeout=WAIT)


def test_a_price_change_within_the_limit(qtbot: QtBot, till: Register) -> None:
    window, page = till.window, till.page
    ((code, _name),) = barcodes(window, serialized=False, count=1)
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: lines(window) == 1, timeout=WAIT)
    listed = page.cart.line(0).list_price
    lower = Money(listed.amount * 95 // 100, listed.currency)
    press(qtbot, Qt.Key.Key_F5)
    dialog = wait_dialog(qtbot, window, QWidget)
    assert dialog.field.text() == format_money(listed)
    type_text(qtbot, format_money(lower))
    press(qtbot, Qt.Key.Key_Down)  # the reason: the one after "price change"
    assert dialog.reason.currentText() == "Other"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.cart.line(0).price_changed, timeout=WAIT)
    assert page.cart.line(0).unit_price == lower
    assert "price changed from" in page.cart.data(
        page.cart.index(0, 1), Qt.ItemDataRole.UserRole + 1
    )
