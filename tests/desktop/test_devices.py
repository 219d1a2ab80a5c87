"""The counter's hardware as a cashier and a manager meet it: a sale prints (on the simulated
printer and on a network printer standing in on 127.0.0.1), the drawer opens, a scanner's
burst lands in the cart whatever has the focus, a printer unplugged mid-receipt says so and
reprints, and the devices screen refuses settings that cannot work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.hardware.settings import DeviceSettings, PrinterKind
from db.models import DrawerEvent
from desktop.register.picker import PickDialog
from desktop.register.receipts_dialog import ReceiptsDialog
from desktop.register.tender_dialog import TenderDialog
from desktop.window import MainWindow
from devices.escpos import EscposDecodeError, decode
from devices.printers.spooler import JobState
from tests.desktop.test_areas import area, sign_in
from tests.desktop.test_register import barcodes, focused, press, scan, type_text, wait_dialog
from tests.devices.fake_printer import FakeNetworkPrinter, strip_status_requests

Opener = Callable[..., MainWindow]
WAIT = 10_000


def cash_sale(qtbot: QtBot, window: MainWindow, code: str) -> str:
    """Ring up one item and take exact cash; the receipt number."""
    page = window.register
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: page.cart.rowCount() == 1, timeout=WAIT)
    press(qtbot, Qt.Key.Key_F10)
    tender = wait_dialog(qtbot, window, TenderDialog)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tender.completed_sale is not None, timeout=WAIT)
    number = str(tender.completed_sale.receipt_number)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)
    return number


def use_printer(window: MainWindow, printer: FakeNetworkPrinter) -> None:
    window.hub.apply(replace(window.hub.settings, printer=printer.settings()))


def receipts(printer: FakeNetworkPrinter) -> list[str]:
    """The text of each whole job the printer got (one still arriving does not decode)."""
    texts = []
    for job in printer.jobs:
        try:
            texts.append(decode(strip_status_requests(job)).text)
        except EscposDecodeError:
            continue
    return texts


def test_a_cash_sale_prints_on_the_simulated_printer_and_opens_the_drawer(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    qtbot.waitUntil(lambda: window.hub.settings.printer.kind is PrinterKind.SIMULATED, timeout=WAIT)
    assert "Printer: " not in window.status.devices.text()  # nothing wrong to report
    ((code, name),) = barcodes(window, serialized=False, count=1)
    number = cash_sale(qtbot, window, code)

    simulated = window.hub.simulated
    qtbot.waitUntil(lambda: len(simulated.jobs) == 2, timeout=WAIT)
    kick, receipt = (decode(job) for job in simulated.jobs)
    assert kick.drawer_pulses == (2,)
    assert not kick.lines
    assert receipt.barcodes == (("CODE128", number),)
    assert receipt.cuts == 1
    assert name[:20] in receipt.text
    assert any(line.text.startswith("TOTAL") for line in receipt.lines)
    # On screen: the receipt as printed, and the drawer shown open.
    qtbot.waitUntil(lambda: number in window.simulated.paper.toPlainText(), timeout=WAIT)
    assert window.simulated.drawer.text().startswith("Drawer: OPEN")
    assert window.simulated.pole_top.text().strip() == "Thank you!"


def test_a_network_printer_unplugged_mid_receipt_says_so_then_retries_and_reprints(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    qtbot.waitUntil(lambda: window.hub.settings.printer.enabled, timeout=WAIT)
    (first, _n), (second, _m) = barcodes(window, serialized=False, count=2)
    with FakeNetworkPrinter() as printer:
        use_printer(window, printer)
        number = cash_sale(qtbot, window, first)
        qtbot.waitUntil(lambda: any(number in text for text in receipts(printer)), timeout=WAIT)
        (text,) = [t for t in receipts(printer) if number in t]
        assert "TOTAL" in text
        port = printer.port

    # Switched off mid-receipt: it takes 60 bytes, then the connection drops.
    with FakeNetworkPrinter(port=port, close_after=60) as failing:
        unprinted = cash_sale(qtbot, window, second)
        banner = window.print_banner
        qtbot.waitUntil(banner.isVisible, timeout=WAIT)
        assert f"Receipt {unprinted} did not print" in banner.text.text()
        assert f"The printer at 127.0.0.1:{port}" in banner.text.text()
        assert "Printer:" in window.status.devices.text()
        assert focused() is window.register.scan  # the cashier's keys stay where they were
        assert failing.received  # it had started

    # Back on: Ctrl+R prints it whole.
    with FakeNetworkPrinter(port=port) as back:
        press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: any(unprinted in text for text in receipts(back)), timeout=WAIT)
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT)
        assert all(job.state is not JobState.FAILED for job in window.hub.jobs())

        # And a reprint from Receipts (F11, F2), marked as one.
        press(qtbot, Qt.Key.Key_F11)
        dialog = wait_dialog(qtbot, window, ReceiptsDialog)
        qtbot.waitUntil(lambda: dialog.panel.model.rowCount() > 0, timeout=WAIT)
        press(qtbot, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: any("REPRINT" in text for text in receipts(back)), timeout=WAIT)


def test_a_scan_lands_in_the_cart_while_the_customer_search_has_the_focus(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir, scanner=True)
    sign_in(qtbot, window, "jamie")
    qtbot.waitUntil(window.register.scan.hasFocus, timeout=WAIT)
    ((code, name),) = barcodes(window, serialized=False, count=1)
    page = window.register
    press(qtbot, Qt.Key.Key_F3)  # the customer search
    picker = wait_dialog(qtbot, window, PickDialog)
    search = focused()
    assert isinstance(search, QLineEdit)

    # At scanner speed: into the cart, nothing in the search box.
    qtbot.keyClicks(search, code, delay=1)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.cart.rowCount() == 1, timeout=WAIT)
    assert page.cart.line(0).name == name
    assert search.text() == ""
    assert picker.isVisible()

    # A person typing a name at human speed: into the search box, nothing rung up.
    qtbot.keyClicks(search, "Lee", delay=120)
    qtbot.waitUntil(lambda: search.text() == "Lee", timeout=WAIT)
    assert page.cart.rowCount() == 1


def test_the_devices_screen_refuses_what_cannot_work_and_tests_the_printer_and_drawer(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    page = window.devices
    window.shell.show_area(area(window, page))
    qtbot.waitUntil(lambda: page.printer.kind.currentData() == PrinterKind.SIMULATED, timeout=WAIT)
    form = page.printer

    form.kind.setCurrentIndex(form.kind.findData(PrinterKind.NETWORK))
    form.host.setText("")
    press(qtbot, Qt.Key.Key_F10)
    assert "printer's address" in page.message.text()
    form.kind.setCurrentIndex(form.kind.findData(PrinterKind.USB))
    form.usb_vendor.setText("zz")
    form.usb_product.setText("0202")
    press(qtbot, Qt.Key.Key_F10)
    assert "“zz” is not" in page.message.text()

    with FakeNetworkPrinter() as printer:
        form.kind.setCurrentIndex(form.kind.findData(PrinterKind.NETWORK))
        form.host.setText(printer.host)
        form.port.setValue(printer.port)
        press(qtbot, Qt.Key.Key_F5)  # test print, before saving
        qtbot.waitUntil(lambda: any("test print" in t for t in receipts(printer)), timeout=WAIT)
        qtbot.waitUntil(lambda: "Test page sent" in page.message.text(), timeout=WAIT)

        press(qtbot, Qt.Key.Key_F6)  # open the drawer: logged as a no-sale opening
        qtbot.waitUntil(
            lambda: any(decode(strip_status_requests(j)).drawer_pulses for j in printer.jobs),
            timeout=WAIT,
        )
        context = window.context
        assert context is not None
        with context.store.read_sessions() as session:
            notes = session.scalars(
                select(DrawerEvent.note).where(DrawerEvent.kind == "no_sale")
            ).all()
        assert "Drawer test from the devices screen" in notes

        press(qtbot, Qt.Key.Key_F10)
        qtbot.waitUntil(lambda: page.message.text().startswith("Saved."), timeout=WAIT)
        assert window.hub.settings.printer.port == printer.port
        services = context.services
        assert services is not None
        saved = services.devices.load().settings
        assert saved.printer.kind is PrinterKind.NETWORK
        assert saved.printer.port == printer.port
        assert saved != DeviceSettings.simulated()


def test_a_scan_on_another_screen_is_typing(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir, scanner=True)
    sign_in(qtbot, window, "morgan")
    window.shell.show_area(area(window, window.inventory))
    box = QLineEdit()
    window.inventory.layout().addWidget(box)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=WAIT)
    type_text(qtbot, "0123456789012")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.text() == "0123456789012", timeout=WAIT)
    assert window.register.cart.rowCount() == 0
    assert QApplication.focusWidget() is box
