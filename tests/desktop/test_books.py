"""The books area: the journal browser, the chart of accounts and the QuickBooks export,
driven from the keyboard with every ledger call off the GUI thread."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QDate, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from core.ledger.export import parse_amount
from core.sales.tenders import TenderKind
from core.services.demo_store import DEMO_PASSWORD, DEMO_USERS
from core.services.ledger import LedgerService
from desktop.approval_dialog import ApprovalDialog
from desktop.books.chart import RenameDialog
from desktop.books.export_dialog import ExportDialog
from desktop.books.models import BALANCED, to_qdate
from desktop.books.page import CHART_TAB, BooksPage
from desktop.window import MainWindow

Opener = Callable[..., MainWindow]
WAIT = 5_000
FIRST = date(2026, 3, 1)  # the demo store opened its drawer on 2 March 2026
PIN = {user.username: user.pin for user in DEMO_USERS}
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


# -- as in test_register and test_areas (copied: those modules are not type-checked) ----------


class ThreadChecked:
    """A service whose calls made on the GUI thread are noted (there must be none)."""

    def __init__(self, real: Any, gui_calls: list[str]) -> None:
        self.real = real
        self.gui_calls = gui_calls

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.real, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                self.gui_calls.append(name)
            return attribute(*args, **kwargs)

        return call


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key, modifier: Any = NO_MODIFIER) -> None:
    qtbot.keyClick(widget, key, modifier)  # type: ignore[no-untyped-call]  # pytest-qt: untyped


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    qtbot.keyClicks(widget, text)  # type: ignore[no-untyped-call]  # pytest-qt: untyped


def double_click_at(qtbot: QtBot, widget: QWidget, where: QPoint) -> None:
    """Qt 6's QTest sends a double click without its first press: press first, as a hand does."""
    left = Qt.MouseButton.LeftButton
    qtbot.mouseClick(widget, left, pos=where)  # type: ignore[no-untyped-call]  # pytest-qt: untyped
    qtbot.mouseDClick(widget, left, pos=where)  # type: ignore[no-untyped-call]  # pytest-qt: untyped


def sign_in(qtbot: QtBot, window: MainWindow, user: str) -> None:
    window.login.username.setText(user)
    window.login.password.setText(DEMO_PASSWORD)
    press(qtbot, window.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.shell, timeout=WAIT)


def approve_with_pin(qtbot: QtBot, pin: str) -> list[str]:
    """Answer the manager-approval dialog, once it opens (its exec() blocks), with a PIN."""
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalDialog):
            QTimer.singleShot(30, poll)
            return
        seen.append(dialog.windowTitle())
        type_text(qtbot, dialog.pin, pin)
        press(qtbot, dialog.pin, Qt.Key.Key_Return)

    QTimer.singleShot(30, poll)
    return seen


# -- the books page -------------------------------------------------------------------------------


@dataclass
class Books:
    window: MainWindow
    page: BooksPage
    ledger: LedgerService  # the real one, for the test's own checks
    exports: Path
    last: date  # the end of a range holding every entry

    def dialog(self, qtbot: QtBot) -> ExportDialog:
        press(qtbot, self.page.journal.table, Qt.Key.Key_E, CTRL)
        dialog = self.page.dialog
        assert isinstance(dialog, ExportDialog)
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
        return dialog


def ring_cash_sale(window: MainWindow) -> None:
    """One item paid in cash: a sale entry beside the demo's "Drawer opened"."""
    context, actor = window.context, window.actor
    assert context is not None
    assert context.services is not None
    assert actor is not None
    services = context.services
    rows = services.catalog.search("", location_id=window._device().location_id)
    product = next(row for row in rows if not row.is_serialized)
    view = services.register.add_product(actor, product.id, 2)
    view = services.register.add_tender(actor, view.sale_id, TenderKind.CASH, view.due)
    services.register.complete(actor, view.sale_id)


@pytest.fixture
def books_as(
    qtbot: QtBot, open_window: Opener, demo_dir: Path, tmp_path: Path
) -> Iterator[Callable[[str], Books]]:
    """The books page for a signed-in user, over a demo store with a cash sale rung up."""
    gui_calls: list[str] = []
    opened: list[MainWindow] = []

    def opener(user: str) -> Books:
        window = open_window(demo_dir)
        opened.append(window)
        sign_in(qtbot, window, user)
        ring_cash_sale(window)
        context = window.context
        assert context is not None
        assert context.services is not None
        real = context.services.ledger
        watched = ThreadChecked(real, gui_calls)
        exports = tmp_path / "exports"
        page = BooksPage(
            window.runner,
            window.ops,
            lambda: watched,  # type: ignore[arg-type,return-value]
            lambda: window._device().currency,
            lambda: exports,
        )
        qtbot.addWidget(page)
        page.resize(1050, 740)
        page.show()
        last = date.today() + timedelta(days=1)  # noqa: DTZ011 (the page's dates are local too)
        page.journal.date_from.setDate(to_qdate(FIRST))
        page.journal.date_to.setDate(to_qdate(last))
        page.activate()
        page.activateWindow()
        qtbot.waitUntil(lambda: page.journal.entries.rowCount() == 2, timeout=WAIT)
        qtbot.waitUntil(lambda: page.chart.accounts.rowCount() > 0, timeout=WAIT)
        return Books(window, page, real, exports, last)

    yield opener
    # Operations leaves each approval dialog it exec'd as a child of the window; left there
    # until the process ends, they abort it about one run in three ("shared QObject was
    # deleted directly"). Deleted here, on the GUI thread, they never do (reported).
    for window in opened:
        for dialog in window.findChildren(ApprovalDialog):
            shiboken6.delete(dialog)
    assert gui_calls == [], "a ledger call was made on the GUI thread"


def kinds(books: Books) -> list[str]:
    return [row.kind_label for row in books.page.journal.entries.rows]


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not in the list"
    combo.setCurrentIndex(index)


def read_export(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def check_balanced_once(rows: list[dict[str, str]], numbers: set[str]) -> None:
    """Each entry is one run of rows, once, whose debits equal its credits."""
    runs = [(number, list(group)) for number, group in groupby(rows, lambda r: r["Journal No"])]
    assert sorted(number for number, _ in runs) == sorted(numbers)
    for number, lines in runs:
        debits = sum(parse_amount(r["Debits"], 2) for r in lines if r["Debits"])
        credits = sum(parse_amount(r["Credits"], 2) for r in lines if r["Credits"])
        assert debits == credits > 0, number


# -- the journal ------------------------------------------------------------------------------


def test_the_journal_lists_the_entries_and_filters_narrow_them(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    journal = books.page.journal
    assert sorted(kinds(books)) == ["Drawer opened", "Sale"]
    assert journal.status.text() == "2 entries"

    choose(journal.kind, "Drawer opened")
    qtbot.waitUntil(lambda: kinds(books) == ["Drawer opened"], timeout=WAIT)
    choose(journal.kind, "All kinds")
    qtbot.waitUntil(lambda: len(kinds(books)) == 2, timeout=WAIT)

    # The sale credits merchandise sales; the float does not. Both touch the drawer.
    choose(journal.account, "4000  Merchandise sales")
    qtbot.waitUntil(lambda: kinds(books) == ["Sale"], timeout=WAIT)
    choose(journal.account, "1000  Cash in drawers")
    qtbot.waitUntil(lambda: len(kinds(books)) == 2, timeout=WAIT)
    choose(journal.account, "All accounts")

    press(qtbot, books.page.journal.table, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is journal.text
    type_text(qtbot, journal.text, "float")
    qtbot.waitUntil(lambda: kinds(books) == ["Drawer opened"], timeout=WAIT)
    journal.text.clear()
    choose(journal.exported, "Exported")
    qtbot.waitUntil(lambda: journal.entries.rowCount() == 0, timeout=WAIT)
    assert journal.status.text() == "No journal entries match these filters."
    choose(journal.exported, "Not exported")
    qtbot.waitUntil(lambda: journal.entries.rowCount() == 2, timeout=WAIT)


def test_choosing_an_entry_shows_its_lines_balancing(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    journal = books.page.journal
    sale_row = kinds(books).index("Sale")
    journal.table.selectRow(sale_row)
    sale = journal.entries.row(sale_row)
    qtbot.waitUntil(lambda: journal.heading.text().startswith(sale.number), timeout=WAIT)
    lines = journal.lines.rows
    *posted, total = lines
    assert posted == list(sale.lines)
    assert total.account == "Total"
    assert total.debit == total.credit == sale.amount == sum(line.debit for line in posted)
    assert total.memo == BALANCED
    shown = [journal.lines.index(row, 0).data() for row in range(len(lines))]
    assert "1000  Cash in drawers" in shown
    assert "4000  Merchandise sales" in shown

    drawer_row = kinds(books).index("Drawer opened")
    press(qtbot, journal.table, Qt.Key.Key_Down if drawer_row > sale_row else Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: "Drawer opened" in journal.heading.text(), timeout=WAIT)
    assert journal.lines.total is not None
    assert journal.lines.total.debit == journal.lines.total.credit == 20_000


# -- the chart of accounts -----------------------------------------------------------------------


def open_rename(
    qtbot: QtBot, books: Books, code: str, *, double_click: bool = False
) -> RenameDialog:
    page = books.page
    page.tabs.setCurrentIndex(CHART_TAB)
    table = page.chart.table
    row = [account.code for account in page.chart.accounts.rows].index(code)
    table.selectRow(row)
    if double_click:
        where = table.visualRect(page.chart.accounts.index(row, 1)).center()
        double_click_at(qtbot, table.viewport(), where)
    else:
        press(qtbot, table, Qt.Key.Key_F2)
    dialog = page.dialog
    assert isinstance(dialog, RenameDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert len([d for d in page.findChildren(RenameDialog) if d.isVisible()]) == 1
    return dialog


def test_renaming_an_account_shows_in_the_chart_and_the_journal(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    page = books.page
    dialog = open_rename(qtbot, books, "4000")
    assert dialog.name.text() == "Merchandise sales"
    dialog.name.clear()
    type_text(qtbot, dialog.name, "Sales of Product Income")
    press(qtbot, dialog.name, Qt.Key.Key_Return)

    def chart_name() -> str:
        return next(a.name for a in page.chart.accounts.rows if a.code == "4000")

    qtbot.waitUntil(lambda: chart_name() == "Sales of Product Income", timeout=WAIT)
    assert page.journal.account.findText("4000  Sales of Product Income") >= 0
    qtbot.waitUntil(
        lambda: any(
            line.account == "Sales of Product Income"
            for entry in page.journal.entries.rows
            for line in entry.lines
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: page.dialog is None, timeout=WAIT)


def test_a_blank_account_name_is_refused_in_plain_words(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    dialog = open_rename(qtbot, books, "1000", double_click=True)
    dialog.name.clear()
    type_text(qtbot, dialog.name, "   ")
    press(qtbot, dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() == "An account needs a name.", timeout=WAIT)
    assert dialog.isVisible()
    actor = books.window.actor
    assert actor is not None
    names = {a.code: a.name for a in books.ledger.accounts(actor)}
    assert names["1000"] == "Cash in drawers"


# -- the export -----------------------------------------------------------------------------------


def test_export_writes_a_balanced_file_with_every_entry_once(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    numbers = {row.number for row in books.page.journal.entries.rows}
    dialog = books.dialog(qtbot)
    qtbot.waitUntil(lambda: dialog.preview.text() == "2 entries, 2 not yet exported.", timeout=WAIT)
    expected = books.exports / f"journal-{FIRST:%Y-%m-%d}-to-{books.last:%Y-%m-%d}.csv"
    assert dialog.path.text() == str(expected)

    press(qtbot, dialog.date_from, Qt.Key.Key_Return)  # Enter anywhere exports
    qtbot.waitUntil(lambda: dialog.outcome.text() != "", timeout=WAIT)
    assert dialog.outcome.text() == f"Exported 2 entries to {expected}."
    check_balanced_once(read_export(expected), numbers)
    qtbot.waitUntil(
        lambda: dialog.preview.text() == "2 entries, all exported before.", timeout=WAIT
    )
    # The journal behind shows them exported.
    journal = books.page.journal
    qtbot.waitUntil(
        lambda: (
            journal.entries.rowCount() == 2 and all(row.exported for row in journal.entries.rows)
        ),
        timeout=WAIT,
    )
    assert {journal.entries.index(r, 7).data() for r in range(2)} == {"✓"}


def test_a_range_without_entries_says_so(qtbot: QtBot, books_as: Callable[[str], Books]) -> None:
    books = books_as("morgan")
    dialog = books.dialog(qtbot)
    dialog.date_from.setDate(QDate(2025, 1, 1))
    dialog.date_to.setDate(QDate(2025, 1, 31))
    qtbot.waitUntil(
        lambda: dialog.preview.text() == "No journal entries in these dates.", timeout=WAIT
    )
    assert dialog.path.text().endswith("journal-2025-01-01-to-2025-01-31.csv")
    dialog.export_button.click()
    qtbot.waitUntil(
        lambda: (
            dialog.error.text() == "There are no journal entries from 2025-01-01 to 2025-01-31."
        ),
        timeout=WAIT,
    )
    assert not dialog.again_button.isVisible()
    assert not books.exports.exists() or not any(books.exports.iterdir())


def export_and_wait(qtbot: QtBot, dialog: ExportDialog, *, again: bool = False) -> None:
    dialog.outcome.setText("")
    dialog.error.setText("")
    (dialog.again_button if again else dialog.export_button).click()
    qtbot.waitUntil(lambda: bool(dialog.outcome.text() or dialog.error.text()), timeout=WAIT)


def test_a_manager_exports_a_range_again_when_asked(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("morgan")
    numbers = {row.number for row in books.page.journal.entries.rows}
    dialog = books.dialog(qtbot)
    export_and_wait(qtbot, dialog)
    first = dialog.last_export
    assert first is not None
    assert first.entries == 2

    export_and_wait(qtbot, dialog)
    assert dialog.error.text() == (
        "All 2 entries in these dates were exported before. "
        "“Export again” sends them once more, with a manager's approval."
    )
    assert dialog.again_button.isVisible()
    assert dialog.last_export is first  # nothing written

    export_and_wait(qtbot, dialog, again=True)
    again = dialog.last_export
    assert again is not None
    assert again is not first
    assert again.path != first.path  # the earlier file is kept
    assert dialog.outcome.text() == (
        f"Exported 2 entries to {again.path}. 2 entries had been exported before."
    )
    check_balanced_once(read_export(again.path), numbers)
    check_balanced_once(read_export(first.path), numbers)
    assert not dialog.again_button.isVisible()


def test_a_cashier_exports_with_a_managers_pin(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("jamie")
    dialog = books.dialog(qtbot)
    asked = approve_with_pin(qtbot, PIN["morgan"])
    export_and_wait(qtbot, dialog)
    assert asked == ["Manager approval"]
    assert dialog.outcome.text().startswith("Exported 2 entries to ")

    asked = approve_with_pin(qtbot, PIN["morgan"])
    export_and_wait(qtbot, dialog)
    assert asked == ["Manager approval"]
    assert dialog.error.text().startswith("All 2 entries in these dates were exported before.")
    assert dialog.again_button.isVisible()


def test_a_cashier_exports_again_with_a_managers_pin(
    qtbot: QtBot, books_as: Callable[[str], Books]
) -> None:
    books = books_as("jamie")
    numbers = {row.number for row in books.page.journal.entries.rows}
    dialog = books.dialog(qtbot)
    approve_with_pin(qtbot, PIN["morgan"])
    export_and_wait(qtbot, dialog)
    first = dialog.last_export
    approve_with_pin(qtbot, PIN["morgan"])
    export_and_wait(qtbot, dialog)
    assert dialog.again_button.isVisible()

    asked = approve_with_pin(qtbot, PIN["morgan"])
    export_and_wait(qtbot, dialog, again=True)
    assert asked == ["Manager approval"]
    # Today: "Jamie Chen may not export journal entries that were already exported. …"
    assert dialog.error.text() == ""
    again = dialog.last_export
    assert again is not None
    assert again is not first
    assert again.again == 2
    check_balanced_once(read_export(again.path), numbers)
