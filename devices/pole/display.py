"""A two-line customer pole display on a serial port.

The commands are Epson's customer display set (DM-D110/D210 in ESC/POS mode), which the
common pole displays (Bematech, Logic Controls, Partner, the unbranded VFD and LCD poles) also
speak, usually as their "Epson" or "ESC/POS" emulation:

    ESC @        1B 40        initialise: clear the screen, cursor home, overwrite mode
    ESC t n      1B 74 n      character table n (the numbering of `core.hardware.codepages`)
    US C 0       1F 43 00     cursor not shown
    US $ x y     1F 24 x y    cursor to column x, line y (both from 1)

A frame puts the cursor at the start of each line and writes the line padded to the display's
width, so every character on the glass is rewritten and no clear (which flickers) is needed.
The initialisation is sent on each (re)connection, as a display switched off and on has
forgotten its character table.

`PoleDisplay.show` never waits: a thread writes the latest frame, and frames shown while the
port was busy are dropped, since only the current total matters to the customer. A display
that goes away is reopened every half second; the latest frame is sent again when it is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from serial import SerialException

from core.hardware.codepages import code_page
from core.hardware.settings import PoleKind, PoleSettings
from devices.receipts.layout import readable
from devices.scanners.ports import SerialPort, gone_message, open_port, open_problem

__all__ = ["PoleDisplay", "PoleState", "item_line", "pole_frame", "pole_init", "pole_lines"]

log = logging.getLogger(__name__)

ESC, US = 0x1B, 0x1F
RETRY_S = 0.5  # between attempts to open a display that is not there
PROBE_S = 1.0  # how often an idle display is checked for having gone away
WRITE_TIMEOUT_S = 1.0  # a display holding its port busy (flow control) longer is given up on

Opener = Callable[[str, int], SerialPort]


@dataclass(frozen=True, slots=True)
class PoleState:
    connected: bool
    message: str  # for the status bar and the devices screen, in plain words


def pole_init(codec: str = "cp437") -> bytes:
    """What a display needs once after it is opened: reset, character table, no cursor."""
    page = code_page(codec)
    if page is None:
        raise ValueError(f"No display character table for {codec}")
    return bytes([ESC, ord("@"), ESC, ord("t"), page.number, US, ord("C"), 0])


def pole_lines(top: str, bottom: str, columns: int, codec: str = "cp437") -> tuple[str, str]:
    """The two lines as the glass shows them: each exactly `columns` characters, in
    characters the display's table has (accents it lacks dropped, "€" as "EUR" ...)."""
    return _fit(top, columns, codec), _fit(bottom, columns, codec)


def pole_frame(top: str, bottom: str, columns: int, codec: str = "cp437") -> bytes:
    """The bytes that put `top` and `bottom` on the display."""
    first, second = pole_lines(top, bottom, columns, codec)
    return b"".join(
        (
            bytes([US, ord("$"), 1, 1]),
            first.encode(codec, errors="replace"),
            bytes([US, ord("$"), 1, 2]),
            second.encode(codec, errors="replace"),
        )
    )


def item_line(name: str, amount_text: str, columns: int, codec: str = "cp437") -> str:
    """`name` on the left, cut to leave room, and `amount_text` flush right:
    "Guitar strings   $12.00". An amount too wide for the line keeps its beginning."""
    amount = _drawable(amount_text, codec).strip()
    room = columns - len(amount) - 1  # one space at least between the two
    if room < 1:
        return amount.rjust(columns)[:columns]
    return _drawable(name, codec).strip()[:room].ljust(room) + " " + amount


def _fit(text: str, columns: int, codec: str) -> str:
    return _drawable(text, codec)[:columns].ljust(columns)


def _drawable(text: str, codec: str) -> str:
    # Any space (a line break, a no-break space) is a plain space: one cell, blank on any table.
    return "".join(" " if ch.isspace() else ch for ch in readable(text, _can_draw(codec)))


@lru_cache(maxsize=16)
def _can_draw(codec: str) -> Callable[[str], bool]:
    def can_draw(ch: str) -> bool:
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    return can_draw


class PoleDisplay:
    """A serial pole display (`PoleKind.SERIAL`): `show()` as often as the sale changes,
    `close()` at the end. States go to `on_state` on the display's thread.

    The port is opened at once, so the devices screen can say whether the display is there
    before the first sale; `start=False` leaves that to `start()`."""

    def __init__(
        self,
        settings: PoleSettings,
        on_state: Callable[[PoleState], None],
        *,
        codec: str = "cp437",
        opener: Opener | None = None,
        retry_s: float = RETRY_S,
        probe_s: float = PROBE_S,
        start: bool = True,
    ) -> None:
        if settings.kind is not PoleKind.SERIAL:
            raise ValueError("PoleDisplay drives a pole display on a serial port")
        self._settings = settings
        self._on_state = on_state
        self._codec = codec
        self._init = pole_init(codec)
        self._open = opener or _open
        self._retry_s = retry_s
        self._probe_s = probe_s
        self._changed = threading.Condition()
        self._latest: bytes | None = None  # the frame the display should show
        self._unsent = False  # `_latest` has not reached the display yet
        self._closing = False
        self._thread: threading.Thread | None = None
        self._last: PoleState | None = None
        if start:
            self.start()

    @property
    def columns(self) -> int:
        return self._settings.columns

    def start(self) -> None:
        """Open the port and serve frames (while running, a second call does nothing)."""
        with self._changed:
            if self._thread is not None:
                return
            self._closing = False
            thread = self._thread = threading.Thread(
                target=self._run, name="pole-display", daemon=True
            )
        thread.start()

    def show(self, top: str, bottom: str) -> None:
        """Put two lines on the display, soon; returns at once."""
        frame = pole_frame(top, bottom, self._settings.columns, self._codec)
        with self._changed:
            self._latest, self._unsent = frame, True
            self._changed.notify_all()

    def close(self, timeout: float = 2.0) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    # -- the display's thread ---------------------------------------------------------------

    def _run(self) -> None:
        name = self._settings.port
        ever_connected = False
        while True:
            try:
                port = self._open(name, self._settings.baudrate)
            except (OSError, ValueError) as error:  # SerialException is an OSError
                if ever_connected:
                    self._report(False, gone_message("pole display", name))
                else:
                    self._report(False, open_problem(error, "pole display", name))
                if self._pause(self._retry_s):
                    return
                continue
            ever_connected = True
            try:
                port.write(self._init)
                with self._changed:
                    self._unsent = self._latest is not None  # a display back on shows it again
                self._report(True, f"The pole display on {name} is ready.")
                self._serve(port)
                return  # closing
            except OSError:  # SerialException is an OSError
                log.info("The pole display on %s went away", name, exc_info=True)
                self._report(False, gone_message("pole display", name))
            finally:
                _close(port)
            if self._pause(self._retry_s):
                return

    def _serve(self, port: SerialPort) -> None:
        """Write each latest frame until closing; raise OSError when the display is gone."""
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._unsent or self._closing, self._probe_s)
                if self._closing:
                    return
                frame = self._latest if self._unsent else None
                self._unsent = False
            if frame is None:
                _ = port.in_waiting  # idle: asking the port fails if the device has gone
                continue
            try:
                port.write(frame)
            except OSError:
                with self._changed:
                    self._unsent = True  # shown once the display is back (unless replaced)
                raise

    def _pause(self, seconds: float) -> bool:
        """Wait `seconds`, or less if closing; True when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self._closing, seconds)
            return self._closing

    def _report(self, connected: bool, message: str) -> None:
        state = PoleState(connected, message)
        if state == self._last:
            return  # one report per change, not one per attempt to reopen
        self._last = state
        try:
            self._on_state(state)
        except Exception:  # the display keeps running whatever a receiver does
            log.exception("A pole display state's receiver failed")


def _open(port: str, baudrate: int) -> SerialPort:
    return open_port(port, baudrate, timeout=0.1, write_timeout=WRITE_TIMEOUT_S)


def _close(port: SerialPort) -> None:
    try:
        port.close()
    except (OSError, SerialException):
        log.debug("Closing a vanished port failed", exc_info=True)
