"""Telling a keyboard-wedge scanner from a person by the timing of the keys.

A USB scanner types like a keyboard, only faster and always the same way: every key within a
few milliseconds of the last, then Enter (or Tab). `WedgeDetector` watches the keys as they
come and, for each, says whether to keep it back for now (HOLD), let it through together with
anything held before it (PASS), or swallow the whole burst because it was a scan (SCAN).

It has no clock and no timer of its own: the caller stamps each key with a monotonic time in
milliseconds and calls `expire` when `max_gap_ms` has passed with no further key (its
`deadline_ms`). Keeping time outside makes the rules testable key by key, and the Qt filter
that drives it (`desktop.devices.wedge_filter`) owns the one timer.

Whatever the detector holds is given back, in order, exactly once: in a Decision's `release`,
from `expire`, or from `flush`. Only a scan swallows keys, and then all of them form the code.
The held things are opaque to the detector (the Qt filter holds its key events), so that what
is replayed is always what was typed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.hardware.settings import WedgeSettings

__all__ = ["MAX_CODE_LENGTH", "Decision", "Verdict", "WedgeDetector"]

T = TypeVar("T")

MAX_CODE_LENGTH = 64  # longer than any 1D barcode a store prints; a longer burst is typing


class Verdict(enum.Enum):
    HOLD = enum.auto()  # the key is kept back: it may be part of a scan
    PASS = enum.auto()  # the key goes through now, after the decision's `release`
    SCAN = enum.auto()  # the key ends a scan: it and the held burst are swallowed


@dataclass(frozen=True, slots=True)
class Decision(Generic[T]):
    """What to do with the key just given, and with the keys held before it.

    `release` are held keys that turned out to be typing: deliver them first, in order, then
    deal with the current key as `verdict` says. On SCAN, `swallowed` are the held keys that
    made up the code (the current key, the terminator, is swallowed too)."""

    verdict: Verdict
    release: tuple[T, ...] = ()
    code: str = ""
    swallowed: tuple[T, ...] = ()


class WedgeDetector(Generic[T]):
    """Feed it every key press bound for the focused widget, in order.

    `text` is the key's character: one printable character, the terminator ("\\r" for Enter,
    "\\t" for Tab), or "" for anything else (a key with Ctrl, Alt or Meta, an arrow, Escape,
    a function key, Enter when the scanner ends with Tab ...). `item` is what the caller wants
    back when the key is released (its event, or anything that stands for it).
    """

    def __init__(self, settings: WedgeSettings) -> None:
        self._settings = settings
        self._terminator = settings.terminator.chars
        # The prefix and suffix a burst carries around its code, and the longest burst that can
        # still be a code: anything longer is typing, however fast.
        self._longest = len(settings.prefix) + MAX_CODE_LENGTH + len(settings.suffix)
        self._held: list[tuple[str, T]] = []
        self._last_ms = 0.0

    @property
    def settings(self) -> WedgeSettings:
        return self._settings

    @property
    def held(self) -> tuple[T, ...]:
        """The keys held back now, oldest first."""
        return tuple(item for _, item in self._held)

    @property
    def deadline_ms(self) -> float | None:
        """When the held burst is over unless another key comes: call `expire` after it."""
        if not self._held:
            return None
        return self._last_ms + self._settings.max_gap_ms

    def key(self, text: str, at_ms: float, item: T) -> Decision[T]:
        released: list[T] = []
        if self._held and at_ms - self._last_ms > self._settings.max_gap_ms:
            # The gap timer should have fired already (a busy event loop runs it late):
            # the held keys were typing, whatever comes now.
            released += self.flush()

        if text == self._terminator and self._held:
            code = self._code()
            if code is not None:
                swallowed = self.held
                self._held.clear()
                return Decision(Verdict.SCAN, code=code, swallowed=swallowed)
            return Decision(Verdict.PASS, release=(*released, *self.flush()))

        if len(text) != 1 or not text.isprintable() or text == self._terminator:
            # A person's key (a shortcut, an arrow, Enter on its own): everything held was
            # typing too, and goes first so nothing is reordered.
            return Decision(Verdict.PASS, release=(*released, *self.flush()))

        self._held.append((text, item))
        self._last_ms = at_ms
        released += self._trim()
        if not self._held:
            return Decision(Verdict.PASS, release=tuple(released[:-1]))
        return Decision(Verdict.HOLD, release=tuple(released))

    def expire(self, at_ms: float) -> list[T]:
        """The gap timer fired: if no key came within the gap, the held keys were typing."""
        deadline = self.deadline_ms
        if deadline is None or at_ms <= deadline:
            return []  # a timer that fires early (or a key that came since) changes nothing
        return self.flush()

    def flush(self) -> list[T]:
        """Give back everything held, oldest first, as typing (focus lost, settings changed)."""
        items = [item for _, item in self._held]
        self._held.clear()
        return items

    def _trim(self) -> list[T]:
        """Release the oldest held keys until what is left can still become a scan."""
        released: list[T] = []
        while self._held and not self._could_be_scan("".join(ch for ch, _ in self._held)):
            released.append(self._held.pop(0)[1])
        return released

    def _could_be_scan(self, burst: str) -> bool:
        prefix = self._settings.prefix
        if len(burst) > self._longest:
            return False
        # Until the burst is as long as the prefix, it must be the prefix's beginning.
        return burst.startswith(prefix) if len(burst) >= len(prefix) else prefix.startswith(burst)

    def _code(self) -> str | None:
        burst = "".join(ch for ch, _ in self._held)
        prefix, suffix = self._settings.prefix, self._settings.suffix
        if len(burst) < len(prefix) + len(suffix):
            return None  # the prefix and the suffix would overlap: there is no code between
        if not burst.startswith(prefix) or not burst.endswith(suffix):
            return None
        code = burst[len(prefix) : len(burst) - len(suffix)]
        if not self._settings.min_length <= len(code) <= MAX_CODE_LENGTH:
            return None
        return code
