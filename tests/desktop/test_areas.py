"""The signed-in areas: navigation by keyboard, inventory and customers searched as you type."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.catalog.stock import AdjustmentReason
from core.imports.mapping import RecordKind
from core.money import Money
from core.services.demo_store import DEMO_PASSWORD
from core.services.stock import ReceiveLine
from db.models import AuditEntry, Location, User
from desktop.approval_dialog import ApprovalDialog
from desktop.customers.editor import CustomerEditor
from desktop.import_dialog import ImportDialog
from desktop.inventory.dialogs import AdjustDialog, ReceiveDialog
from desktop.inventory.moves import AddUnitDialog, TransferDialog
from desktop.window import MainWindow

Opener = Callable[..., MainWindow]


def sign_in(qtbot: QtBot, window: MainWindow, user: str) -> None:
    window.login.username.setText(user)
    window.login.password.setText(DEMO_PASSWORD)
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.shell, timeout=5_000)


def area(window: MainWindow, page: QWidget) -> int:
    """The area's place in the navigation (Ctrl+1 is place 0)."""
    index = window.shell.stack.indexOf(page)
    assert index >= 0
    return index


def test_ctrl_digit_moves_between_areas(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    window.activateWindow()
    assert [b.text() for b in window.shell.buttons[:4]] == [
        "Register",
        "Drawer",
        "Home",
        "Inventory",
    ]
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.drawer
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.shell.stack.currentWidget() is window.inventory
    # The inventory's first search opens its first product: let both finish before closing.
    qtbot.waitUntil(lambda: window.inventory._detail is not None, timeout=5_000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5_000)


def when_modal(qtbot: QtBot, kind: type[QWidget], act: Callable[[QWidget], None]) -> None:
    """Act on a modal dialog of `kind` once it opens (its exec() blocks the test's call)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(30, poll)

    QTimer.singleShot(30, poll)


def first_product(window: MainWindow) -> tuple[uuid.UUID, str]:
    rows = window.context.services.catalog.search("", location_id=window._device().location_id)
    product = next(r for r in rows if not r.is_serialized)
    return product.id, product.sku


def test_scanning_a_barcode_into_the_search_box_opens_the_product(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    window.shell.show_area(area(window, window.inventory))
    page = window.inventory
    detail = window.context.services.catalog.product_detail(*_ids(window))
    code = detail.barcodes[0].code
    qtbot.keyClicks(page.search.box, code)
    qtbot.keyClick(page.search.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.detail.name.text().startswith(detail.name), timeout=5_000)
    assert page.detail.facts["Barcodes"].text().startswith(code)


def _ids(window: MainWindow) -> tuple[uuid.UUID, uuid.UUID]:
    product_id, _sku = first_product(window)
    return product_id, window._device().location_id


def test_manager_receives_stock_and_history_explains_it(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    window.shell.show_area(area(window, window.inventory))
    product_id, sku = first_product(window)
    stock = window.context.services.stock
    before = stock.on_hand(product_id, window._device().location_id)
    dialog = ReceiveDialog(
        window.ops,
        lambda: window.context.services.catalog,
        lambda: stock,
        window._device().location_id,
        "USD",
        window,
    )
    dialog.code.setText(sku.lower())
    dialog.quantity.setText("abc")
    dialog.add_line()
    assert "not a whole number" in dialog.error.text() or "number" in dialog.error.text()
    dialog.quantity.setText("5")
    dialog.cost.setText("12.50")
    dialog.add_line()
    qtbot.waitUntil(lambda: len(dialog.lines.rows) == 1, timeout=5_000)
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        dialog.submit()
    after = stock.on_hand(product_id, window._device().location_id)
    assert after == before + 5
    history = stock.movements(product_id, window._device().location_id)
    assert history[0].quantity == 5
    assert history[0].balance == after


def test_cashier_adjustment_needs_a_manager_pin(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    product_id, location_id = _ids(window)
    catalog, stock = window.context.services.catalog, window.context.services.stock
    detail = catalog.product_detail(product_id, location_id)
    dialog = AdjustDialog(window.ops, lambda: stock, detail, location_id, window)
    dialog.quantity.setText("+2")
    attempts: list[str] = []

    def approve(approval: QWidget) -> None:
        assert isinstance(approval, ApprovalDialog)
        if not attempts:
            attempts.append("wrong")
            approval.pin.setText("5555")  # the technician's PIN does not approve
            approval._submit()
            qtbot.waitUntil(lambda: "does not belong" in approval.error.text(), timeout=5_000)
        approval.pin.setText("2222")
        approval._submit()

    when_modal(qtbot, ApprovalDialog, approve)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.submit()
    assert stock.on_hand(product_id, location_id) == detail.on_hand + 2
    with window.context.store.read_sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "stock.adjust")).one()
        users = {u.id: u.username for u in session.scalars(select(User))}
    assert users[entry.user_id] == "jamie"
    assert entry.approved_by_id is not None
    assert users[entry.approved_by_id] == "morgan"


def test_cancelled_approval_changes_nothing(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "priya")
    product_id, location_id = _ids(window)
    stock = window.context.services.stock
    detail = window.context.services.catalog.product_detail(product_id, location_id)
    dialog = AdjustDialog(window.ops, lambda: stock, detail, location_id, window)
    dialog.quantity.setText("-1")
    when_modal(qtbot, ApprovalDialog, lambda approval: approval.reject())
    dialog.submit()
    qtbot.waitUntil(lambda: "manager" in dialog.error.text().lower(), timeout=5_000)
    assert stock.on_hand(product_id, location_id) == detail.on_hand


def test_cashier_does_not_see_users(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    users = area(window, window.users)
    assert window.shell.buttons[users].text() == "Users"
    assert window.shell.buttons[users].isHidden()
    window.shell.show_area(users)
    assert window.shell.stack.currentWidget() is not window.users
    window._lock()
    sign_in(qtbot, window, "alex")
    assert not window.shell.buttons[users].isHidden()


def test_customer_found_by_phone_and_duplicate_warned(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    window.shell.show_area(area(window, window.customers))
    page = window.customers
    qtbot.keyClicks(page.search.box, "312.555.0001")
    qtbot.waitUntil(lambda: page.search.model.rowCount() >= 1, timeout=5_000)
    found = page.search.model.row(0)
    assert found.phone == "(312) 555-0001"
    editor = CustomerEditor(window.ops, lambda: window.context.services.customers, None, window)
    editor.name.setText("Someone New")
    editor.phone.setText("+1 312 555 0001")

    def decline(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert found.name in box.text()
        box.button(QMessageBox.StandardButton.No).click()

    when_modal(qtbot, QMessageBox, decline)
    editor.save()
    qtbot.waitUntil(lambda: "existing customer" in editor.error.text(), timeout=5_000)
    assert not editor.isVisible() or editor.result() == 0


OLD_SYSTEM_CSV = (
    "Item ID,SKU,Item Name,UPC,Department,Retail,Cost\n"
    "OLD-1,EB-2221,Ernie Ball Slinky 10-46,,Strings,$6.99,3.10\n"
    'OLD-2,BOSS-TU3,Boss TU-3 Tuner,,Effects Pedals,"1,099.00",55.00\n'
    "OLD-3,MYST-1,Mystery item,,Strings,-4.00,1.00\n"
    "OLD-4,NONAME,,,Strings,5.00,1.00\n"
    "OLD-5,STRAP-9,Bad barcode strap,036000291453,Accessories,12.00,4.00\n"
)


def test_manager_imports_a_csv_twice_without_duplicates(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, tmp_path: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    path = tmp_path / "oldpos.csv"
    path.write_text(OLD_SYSTEM_CSV, encoding="utf-8")
    dialog = ImportDialog(
        window.ops, lambda: window.context.services.imports, RecordKind.PRODUCTS, window
    )
    dialog.load(path)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=5_000)
    assert dialog.columns["name"].currentText() == "Item Name"
    assert dialog.columns["price"].currentText() == "Retail"
    dialog.run(dry_run=True)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    dry = dialog.report
    assert dry is not None
    assert dry.dry_run
    assert (dry.created, len(dry.rejected)) == (2, 3)
    assert sorted(r.line for r in dry.rejected) == [4, 5, 6]
    catalog = window.context.services.catalog
    assert catalog.lookup("OLD-1") is None or catalog.search("Slinky") == []
    for attempt in range(2):
        dialog.report = None
        dialog.run(dry_run=False)
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
        report = dialog.report
        assert report is not None
        assert report.created == (2 if attempt == 0 else 0)
        assert len(report.rejected) == 3
        assert "line 4" in report.to_text().lower() or "4" in report.to_text()
    found = catalog.search("Slinky 10-46")
    assert [p.name for p in found] == ["Ernie Ball Slinky 10-46"]
    assert found[0].price.amount == 699


def test_units_are_added_and_retired_and_stock_transferred(
    qtbot: QtBot, open_window: Opener, demo_dir: Path
) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "morgan")
    services, here = window.context.services, window._device().location_id
    serialized = next(r for r in services.catalog.search("", location_id=here) if r.is_serialized)
    detail = services.catalog.product_detail(serialized.id, here)
    add = AddUnitDialog(window.ops, lambda: services.catalog, detail, here, window)
    add.serial.setText("SN-TEST-0001")
    with qtbot.waitSignal(add.accepted, timeout=5_000):
        add.submit()
    after_add = services.catalog.product_detail(serialized.id, here)
    assert after_add.on_hand == detail.on_hand + 1
    unit = next(u for u in after_add.units if u.serial_number == "SN-TEST-0001")
    services.catalog.retire_unit(window.actor, unit.id, AdjustmentReason.DAMAGED)
    assert services.catalog.product_detail(serialized.id, here).on_hand == detail.on_hand

    # A second store to send stock to.
    with window.context.store.uow() as uow:
        now = datetime.now(UTC)
        other = Location(
            id=uuid.uuid4(),
            company_id=window._device().company_id,
            code="NORTH",
            name="Moonlight Music — North",
            timezone="America/Chicago",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(other)
        uow.commit()
    product_id, _sku = first_product(window)
    services.stock.receive(
        window.actor, here, None, "", [ReceiveLine(product_id, 6, Money(100, "USD"))]
    )
    plain = services.catalog.product_detail(product_id, here)
    transfer = TransferDialog(window.ops, lambda: services.stock, plain, here, window)
    qtbot.waitUntil(transfer.ok.isEnabled, timeout=5_000)
    assert transfer.to_location.currentText() == "Moonlight Music — North"
    transfer.quantity.setText("4")
    with qtbot.waitSignal(transfer.accepted, timeout=5_000):
        transfer.submit()
    assert services.stock.on_hand(product_id, here) == plain.on_hand - 4
    assert services.stock.on_hand(product_id, other.id) == 4


def test_member_removed_from_an_account(qtbot: QtBot, open_window: Opener, demo_dir: Path) -> None:
    window = open_window(demo_dir)
    sign_in(qtbot, window, "jamie")
    window.shell.show_area(area(window, window.customers))
    page = window.customers
    account = window.context.services.customers.search("A000001")[0]
    page.show_customer(account.id)
    qtbot.waitUntil(lambda: page.members.rowCount() >= 1, timeout=5_000)
    before = page.members.rowCount()
    page.members_table.selectRow(0)
    page.remove_member()
    qtbot.waitUntil(lambda: page.members.rowCount() == before - 1, timeout=5_000)
