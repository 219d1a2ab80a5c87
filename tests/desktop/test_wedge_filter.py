"""The keyboard-wedge filter on a real QApplication: scanner-speed bursts become `scanned`,
typing reaches the focused widget exactly as typed.

Timing margins hold on a loaded machine: a scanner burst is sent with 1 ms waits (2 to 4 ms
between presses) against a 50 ms gap, and people type with waits of 60 ms or more against a
40 ms gap (a busy machine only makes those gaps longer). Nothing sleeps to synchronise: the
tests wait for the text, the signal, or the filter to hold nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from core.hardware.settings import Terminator, WedgeSettings
from desktop.devices.wedge_filter import WedgeFilter

SCANNER = WedgeSettings(max_gap_ms=50, min_length=4)
PEOPLE = WedgeSettings(max_gap_ms=40, min_length=4)
FAST_KEYS = 1  # ms QTest waits before each press and each release
WAIT = 5_000
CODE = "0123456789012"


class KeyLog(QObject):
    """The key events a widget actually receives, after the application's filters."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.events: list[tuple[str, str]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            self.events.append(("press", event.text()))  # type: ignore[attr-defined]
        elif event.type() == QEvent.Type.KeyRelease:
            self.events.append(("release", event.text()))  # type: ignore[attr-defined]
        return False


@dataclass
class Counter:
    window: QWidget
    search: QLineEdit  # the customer search box, where the focus is
    other: QLineEdit
    wedge: WedgeFilter
    scans: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)  # the search box's text at each Enter

    def use(self, settings: WedgeSettings) -> None:
        self.wedge.set_settings(settings)

    def wait_idle(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: not self.wedge.holding, timeout=WAIT)


@pytest.fixture
def counter(qtbot: QtBot, qapp: QApplication) -> Iterator[Counter]:
    window = QWidget()
    layout = QVBoxLayout(window)
    search, other = QLineEdit(), QLineEdit()
    layout.addWidget(search)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    search.setFocus()
    qtbot.waitUntil(search.hasFocus, timeout=WAIT)
    wedge = WedgeFilter(SCANNER)
    state = Counter(window, search, other, wedge)
    wedge.scanned.connect(state.scans.append)
    search.returnPressed.connect(lambda: state.entered.append(search.text()))
    qapp.installEventFilter(wedge)
    yield state
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


def scan(qtbot: QtBot, widget: QWidget, text: str, end: Qt.Key = Qt.Key.Key_Return) -> None:
    qtbot.keyClicks(widget, text, delay=FAST_KEYS)
    qtbot.keyClick(widget, end, delay=FAST_KEYS)


def test_a_scan_is_one_signal_and_the_search_box_stays_empty(
    qtbot: QtBot, counter: Counter
) -> None:
    log = KeyLog(counter.search)
    scan(qtbot, counter.search, CODE)
    assert counter.scans == [CODE]
    counter.wait_idle(qtbot)
    assert counter.search.text() == ""
    assert log.events == [], "neither the presses nor their releases reach the box"
    assert counter.entered == []


def test_two_scans_in_a_row_are_two_signals(qtbot: QtBot, counter: Counter) -> None:
    scan(qtbot, counter.search, "4006381333931")
    scan(qtbot, counter.search, "9780306406157")
    assert counter.scans == ["4006381333931", "9780306406157"]
    assert counter.search.text() == ""


def test_typing_at_human_speed_lands_in_the_box_as_typed(qtbot: QtBot, counter: Counter) -> None:
    counter.use(PEOPLE)
    log = KeyLog(counter.search)
    qtbot.keyClicks(counter.search, "Ann 42", delay=120)
    qtbot.keyClick(counter.search, Qt.Key.Key_Return, delay=120)
    qtbot.waitUntil(lambda: counter.entered == ["Ann 42"], timeout=WAIT)
    counter.wait_idle(qtbot)
    assert counter.search.text() == "Ann 42"
    assert counter.scans == []
    typed = [event for ch in "Ann 42\r" for event in (("press", ch), ("release", ch))]
    assert log.events == typed, "each press then its release, in the order typed"


def test_a_fast_typist_is_still_typing(qtbot: QtBot, counter: Counter) -> None:
    counter.use(PEOPLE)
    qtbot.keyClicks(counter.search, "Maria", delay=60)
    qtbot.keyClick(counter.search, Qt.Key.Key_Return, delay=60)
    qtbot.waitUntil(lambda: counter.entered == ["Maria"], timeout=WAIT)
    assert counter.scans == []


def test_a_short_code_at_scanner_speed_is_typing(qtbot: QtBot, counter: Counter) -> None:
    scan(qtbot, counter.search, "123")
    assert counter.entered == ["123"], "the digits reach the box before its Enter"
    assert counter.scans == []


def test_a_burst_without_its_terminator_is_typed_once_the_gap_passes(
    qtbot: QtBot, counter: Counter
) -> None:
    qtbot.keyClicks(counter.search, "5551234", delay=FAST_KEYS)
    qtbot.waitUntil(lambda: counter.search.text() == "5551234", timeout=WAIT)
    assert counter.scans == []


def test_prefix_and_suffix_are_required_and_stripped(qtbot: QtBot, counter: Counter) -> None:
    counter.use(WedgeSettings(max_gap_ms=50, prefix="]C", suffix="#"))
    scan(qtbot, counter.search, "]C0042#")
    assert counter.scans == ["0042"]
    scan(qtbot, counter.search, "0042#")
    assert counter.entered == ["0042#"], "without the prefix it is typing"
    assert counter.scans == ["0042"]


def test_tab_as_the_terminator(qtbot: QtBot, counter: Counter) -> None:
    counter.use(WedgeSettings(max_gap_ms=50, terminator=Terminator.TAB))
    scan(qtbot, counter.search, CODE, end=Qt.Key.Key_Tab)
    assert counter.scans == [CODE]
    assert counter.search.hasFocus(), "the scanner's Tab did not move the focus"


def test_ctrl_a_passes_after_what_was_held(qtbot: QtBot, counter: Counter) -> None:
    qtbot.keyClicks(counter.search, "12", delay=FAST_KEYS)
    qtbot.keyClick(counter.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert counter.search.selectedText() == "12", "the held digits came first, then select all"
    qtbot.keyClicks(counter.search, "9", delay=FAST_KEYS)
    qtbot.waitUntil(lambda: counter.search.text() == "9", timeout=WAIT)


def test_capital_letters_with_shift_are_still_a_scan(qtbot: QtBot, counter: Counter) -> None:
    shift = Qt.KeyboardModifier.ShiftModifier
    for ch in "ABC-123":
        qtbot.keyPress(counter.search, Qt.Key.Key_Shift, shift, delay=FAST_KEYS)
        qtbot.keyClick(counter.search, ch, shift, delay=FAST_KEYS)
        qtbot.keyRelease(counter.search, Qt.Key.Key_Shift, delay=FAST_KEYS)
    qtbot.keyClick(counter.search, Qt.Key.Key_Return, delay=FAST_KEYS)
    assert counter.scans == ["ABC-123"]
    assert counter.search.text() == ""


def test_disabled_everything_passes(qtbot: QtBot, counter: Counter) -> None:
    counter.wedge.enabled = False
    scan(qtbot, counter.search, CODE)
    assert counter.entered == [CODE], "typed straight away, nothing held"
    assert counter.scans == []
    counter.wedge.enabled = True
    scan(qtbot, counter.search, CODE)
    assert counter.scans == [CODE]


def test_a_widget_that_wants_no_scan_gets_the_code_as_typing(
    qtbot: QtBot, counter: Counter
) -> None:
    asked: list[QWidget | None] = []

    def wants_scan(widget: QWidget | None) -> bool:
        asked.append(widget)
        return widget is not counter.search

    counter.wedge.wants_scan = wants_scan
    scan(qtbot, counter.search, CODE)
    assert counter.entered == [CODE]
    assert counter.scans == []
    counter.other.setFocus()
    qtbot.waitUntil(counter.other.hasFocus, timeout=WAIT)
    scan(qtbot, counter.other, CODE)
    assert counter.scans == [CODE]
    assert counter.other.text() == ""
    assert asked == [counter.search, counter.other]


def test_losing_the_application_focus_delivers_held_keys_at_once(
    qtbot: QtBot, counter: Counter, qapp: QApplication
) -> None:
    qtbot.keyClicks(counter.search, "12", delay=FAST_KEYS)
    assert counter.wedge.holding
    QApplication.sendEvent(qapp, QEvent(QEvent.Type.ApplicationDeactivate))
    assert counter.search.text() == "12"
    assert not counter.wedge.holding


def test_keys_held_for_a_widget_deleted_meanwhile_are_dropped(
    qtbot: QtBot, counter: Counter
) -> None:
    doomed = QLineEdit(counter.window)
    counter.window.layout().addWidget(doomed)
    doomed.setFocus()
    qtbot.waitUntil(doomed.hasFocus, timeout=WAIT)
    qtbot.keyClicks(doomed, "77", delay=FAST_KEYS)
    assert counter.wedge.holding
    with qtbot.waitSignal(doomed.destroyed, timeout=WAIT):
        doomed.deleteLater()
    counter.wait_idle(qtbot)
    assert counter.search.text() == ""
    assert counter.other.text() == ""


def test_new_settings_deliver_what_was_held(qtbot: QtBot, counter: Counter) -> None:
    qtbot.keyClicks(counter.search, "ab", delay=FAST_KEYS)
    counter.use(PEOPLE)
    assert counter.search.text() == "ab"
    assert counter.wedge.settings == PEOPLE


def test_keys_coming_after_the_gap_release_the_held_ones_before_the_timer_runs(
    qtbot: QtBot, counter: Counter, qapp: QApplication
) -> None:
    """A busy event loop runs the gap timer late: the next key then finds the burst over."""
    readings = iter(range(0, 100_000, 100))  # each look at the clock is 100 ms after the last
    late = WedgeFilter(PEOPLE, clock=lambda: next(readings) / 1000)
    qapp.removeEventFilter(counter.wedge)
    qapp.installEventFilter(late)
    try:
        qtbot.keyClicks(counter.search, "abc")  # no waits: the timer cannot run in between
        assert counter.search.text() == "ab", "released by the keys after them, in order"
        qtbot.waitUntil(lambda: counter.search.text() == "abc", timeout=WAIT)
    finally:
        qapp.removeEventFilter(late)
        late.deleteLater()
