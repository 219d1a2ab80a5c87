"""The keyboard-wedge scanner in the app: a filter on every key press that keeps a fast burst
back until it knows whether it is a scan (`devices.scanners.wedge` decides).

Installed on the QApplication, it sees each key press bound for the focused widget before the
widget does. A press the detector holds is swallowed and a copy of it kept; when the burst
turns out to be typing (the gap timer fires with no further key, or a key comes that cannot be
part of a scan) the copies are sent to the widget they were meant for, in the order typed, and
synchronously, before the key that decided it goes on. When it is a scan, the copies are
dropped and `scanned` is emitted with the code, unless `wants_scan` says the focused widget
should have the code as typing (a product editor's barcode field): then it is replayed like
any other typing, Enter included.

Copies are sent (`sendEvent`), not posted: a posted copy would queue behind the very key that
decided the burst was typing, and a test's QTest keys (sent, not queued) would overtake it.

The matching key releases are held with their presses and replayed after them; a scan's
releases are swallowed. Presses of Shift, Ctrl, Alt and friends on their own go straight
through without breaking a burst: a scanner presses Shift for every capital letter.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from core.hardware.settings import WedgeSettings
from devices.scanners.wedge import Verdict, WedgeDetector

__all__ = ["WedgeFilter"]

Key = Qt.Key
Mod = Qt.KeyboardModifier

_MODIFIER_KEYS = frozenset(
    {
        Key.Key_Shift,
        Key.Key_Control,
        Key.Key_Alt,
        Key.Key_AltGr,
        Key.Key_Meta,
        Key.Key_Super_L,
        Key.Key_Super_R,
        Key.Key_CapsLock,
        Key.Key_NumLock,
    }
)
_ALT_GR = Mod.ControlModifier | Mod.AltModifier  # how Windows reports AltGr on a character
_FOCUS_LOST = (QEvent.Type.ApplicationDeactivate, QEvent.Type.ApplicationStateChange)
# A scan's releases trail its last press by a few milliseconds; a release this much later
# belongs to a key pressed since.
_RELEASE_WINDOW_MS = 1_000.0


@dataclass(slots=True)
class _HeldKey:
    receiver: QWidget
    press: QKeyEvent
    release: QKeyEvent | None = None


class WedgeFilter(QObject):
    """Tells a keyboard-wedge scanner from a person; `app.installEventFilter(wedge_filter)`.

    `wants_scan(focused_widget)` is asked when a scan completes; False makes the scan ordinary
    typing for that widget. `clock` gives seconds on a monotonic clock (for tests).
    """

    scanned = Signal(str)

    def __init__(
        self,
        settings: WedgeSettings,
        parent: QObject | None = None,
        *,
        wants_scan: Callable[[QWidget | None], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._detector: WedgeDetector[_HeldKey] = WedgeDetector(settings)
        self._enabled = settings.enabled
        self.wants_scan: Callable[[QWidget | None], bool] = wants_scan or (lambda _widget: True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may fire up to 5% early; the detector would only ask to re-arm it.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._gap_passed)
        self._replaying: list[QKeyEvent] = []  # copies on their way to their widget
        self._scan_releases: list[tuple[QWidget, int, float]] = []  # releases of a scan's keys

    # -- settings ---------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        if not value:
            self.flush()
        self._enabled = value

    @property
    def settings(self) -> WedgeSettings:
        return self._detector.settings

    @property
    def holding(self) -> bool:
        """Keys are held back, waiting for the burst to end."""
        return bool(self._detector.held)

    def set_settings(self, settings: WedgeSettings) -> None:
        self.flush()
        self._detector = WedgeDetector(settings)
        self._enabled = settings.enabled

    def flush(self) -> None:
        """Deliver every held key now, as typing."""
        self._timer.stop()
        self._deliver(self._detector.flush())

    # -- the filter -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            if not self._enabled or any(event is copy for copy in self._replaying):
                return False
            # Qt offers a key to the window, then the focused widget, then its parents; only
            # the focused widget's turn counts, once.
            if not isinstance(watched, QWidget) or watched is not QApplication.focusWidget():
                return False
            assert isinstance(event, QKeyEvent)
            if kind == QEvent.Type.KeyPress:
                return self._press(watched, event)
            return self._release(watched, event)
        if kind in _FOCUS_LOST and self._detector.held and not _app_active(kind):
            self.flush()  # the app lost the keyboard: nothing more of a scan will come
        return False

    def _press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False
        now = self._clock() * 1000.0
        held = _HeldKey(receiver, event.clone())
        decision = self._detector.key(_text(event), now, held)
        self._deliver(decision.release)
        match decision.verdict:
            case Verdict.HOLD:
                self._arm(now)
                return True
            case Verdict.SCAN:
                self._timer.stop()
                return self._scan(receiver, decision.code, [*decision.swallowed, held], now)
        self._timer.stop()
        return False

    def _scan(self, receiver: QWidget, code: str, keys: list[_HeldKey], now: float) -> bool:
        if not self.wants_scan(receiver):  # the focused widget: only its keys are filtered
            self._deliver(keys[:-1])
            return False  # the terminator goes on to the widget as typed
        self._scan_releases = [
            *((key.receiver, key.press.key(), now) for key in keys if key.release is None),
            *(item for item in self._scan_releases if now - item[2] < _RELEASE_WINDOW_MS),
        ]
        self.scanned.emit(code)
        return True

    def _release(self, receiver: QWidget, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():
            return False
        for held in reversed(self._detector.held):
            mine = held.receiver is receiver and held.press.key() == event.key()
            if mine and held.release is None:
                held.release = event.clone()
                return True
        now = self._clock() * 1000.0
        for index, (widget, key, at) in enumerate(self._scan_releases):
            if widget is receiver and key == event.key() and now - at < _RELEASE_WINDOW_MS:
                del self._scan_releases[index]
                return True
        return False

    # -- timing and replay ------------------------------------------------------------------

    def _arm(self, now: float) -> None:
        deadline = self._detector.deadline_ms
        if deadline is not None:
            # One millisecond past the deadline: a key exactly at the gap still counts as fast.
            self._timer.start(max(1, math.ceil(deadline - now) + 1))

    def _gap_passed(self) -> None:
        now = self._clock() * 1000.0
        self._deliver(self._detector.expire(now))
        self._arm(now)  # still holding: the timer fired before the deadline

    def _deliver(self, keys: tuple[_HeldKey, ...] | list[_HeldKey]) -> None:
        """Send held keys to their widgets, in order, now. A widget deleted meanwhile gets
        nothing (there is nowhere for its keys to go)."""
        for held in keys:
            for copy in (held.press, held.release):
                if copy is None or not shiboken6.isValid(held.receiver):
                    continue
                self._replaying.append(copy)
                try:
                    QCoreApplication.sendEvent(held.receiver, copy)
                finally:
                    self._replaying.remove(copy)


def _app_active(kind: QEvent.Type) -> bool:
    if kind == QEvent.Type.ApplicationDeactivate:
        return False
    return QGuiApplication.applicationState() == Qt.ApplicationState.ApplicationActive


def _text(event: QKeyEvent) -> str:
    """The detector's view of a key: its character, the terminator's, or "" for the rest."""
    modifiers = event.modifiers()
    text = event.text()
    if event.isAutoRepeat():
        return ""  # a held-down key is a person
    alt_gr = (modifiers & _ALT_GR) == _ALT_GR and len(text) == 1 and text.isprintable()
    if modifiers & (Mod.ControlModifier | Mod.AltModifier | Mod.MetaModifier) and not alt_gr:
        return ""
    key = event.key()
    if key in (Key.Key_Return, Key.Key_Enter):
        return "\r"
    if key == Key.Key_Tab:
        return "\t"
    return text if len(text) == 1 and text.isprintable() else ""
