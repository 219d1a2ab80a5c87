"""A barcode scanner on a serial or virtual COM port, read on a thread of its own.

The scanner sends each code followed by its terminator (CR, LF, CR LF or Tab). Codes come to
`on_code` and the port's state to `on_state`, both on the scanner's thread: the desktop
re-emits them as signals on the GUI thread. A scanner that is unplugged (or not plugged in yet)
is waited for: the port is tried again every half second until it opens, and a code it was
sending when it went away is dropped rather than delivered in part.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from serial import SerialException

from core.hardware.settings import SerialScannerSettings, Terminator
from devices.scanners.ports import SerialPort, gone_message, open_port, open_problem

__all__ = ["MAX_CODE_LENGTH", "CodeSplitter", "ScannerState", "SerialScanner"]

log = logging.getLogger(__name__)

MAX_CODE_LENGTH = 64
# Bytes without a terminator after which the scanner is taken to end codes differently from
# its setting: the bytes are dropped (and the cashier told) rather than kept without end.
MAX_PENDING = 1024
READ_TIMEOUT_S = 0.1  # how long a read waits, so `stop` is noticed promptly
RETRY_S = 0.5  # between attempts to open a port that is not there

Opener = Callable[[str, int], SerialPort]

_TERMINATOR_LABELS = {
    Terminator.CR: "CR",
    Terminator.ENTER: "CR",
    Terminator.LF: "LF",
    Terminator.CRLF: "CR LF",
    Terminator.TAB: "Tab",
}


@dataclass(frozen=True, slots=True)
class ScannerState:
    connected: bool
    message: str  # for the status bar and the devices screen, in plain words


class CodeSplitter:
    """Bytes as they arrive → the codes between terminators, however the reads cut them."""

    def __init__(self, terminator: Terminator) -> None:
        self._end = terminator.chars.encode("ascii")
        self._pending = bytearray()

    @property
    def pending(self) -> int:
        """Bytes of a code not finished yet."""
        return len(self._pending)

    def feed(self, data: bytes) -> list[str]:
        """The codes `data` completes, in order, cleaned (see `clean`); some may be empty."""
        self._pending += data
        *complete, rest = bytes(self._pending).split(self._end)
        self._pending = bytearray(rest)
        return [clean(raw) for raw in complete]

    def reset(self) -> None:
        self._pending.clear()


def clean(raw: bytes) -> str:
    """A code as text: bytes read as Latin-1 (every byte is a character, so nothing fails),
    control and formatting characters removed, surrounding spaces stripped."""
    text = raw.decode("latin-1")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


class SerialScanner:
    """`start()` reads the port on a daemon thread until `stop()`; see the module's notes."""

    def __init__(
        self,
        settings: SerialScannerSettings,
        on_code: Callable[[str], None],
        on_state: Callable[[ScannerState], None],
        *,
        opener: Opener | None = None,
        retry_s: float = RETRY_S,
    ) -> None:
        self._settings = settings
        self._on_code = on_code
        self._on_state = on_state
        self._open = opener or _open
        self._retry_s = retry_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: ScannerState | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self._last = None
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """End the thread; it notices within `READ_TIMEOUT_S` (or a retry's wait, cut short)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        port_name = self._settings.port
        ever_connected = False
        while not self._stopping.is_set():
            try:
                port = self._open(port_name, self._settings.baudrate)
            except (OSError, ValueError) as error:  # SerialException is an OSError
                if ever_connected:
                    self._report(False, gone_message("scanner", port_name))
                else:
                    self._report(False, open_problem(error, "scanner", port_name))
                self._stopping.wait(self._retry_s)
                continue
            ever_connected = True
            self._report(True, f"The scanner on {port_name} is ready.")
            try:
                self._read(port)
            except (OSError, SerialException):
                log.info("The scanner on %s went away", port_name, exc_info=True)
                self._report(False, gone_message("scanner", port_name))
                # Wait before reopening: a device that vanishes and returns at once is
                # usually re-enumerating, and reopening it in a tight loop only burns CPU.
                self._stopping.wait(self._retry_s)
            finally:
                _close(port)

    def _read(self, port: SerialPort) -> None:
        # A fresh splitter per connection: the half code of a scanner that went away is dropped.
        splitter = CodeSplitter(self._settings.terminator)
        while not self._stopping.is_set():
            data = port.read(max(1, port.in_waiting))
            for code in splitter.feed(data):
                self._deliver(code)
            if splitter.pending > MAX_PENDING:
                splitter.reset()
                label = _TERMINATOR_LABELS[self._settings.terminator]
                self._warn(
                    f"The scanner on {self._settings.port} sent {MAX_PENDING} characters "
                    f"without ending a code; check that it ends each code with {label}."
                )

    def _deliver(self, code: str) -> None:
        if not code:
            return  # a blank line: a scanner that sends CR LF when set to CR, or a stray key
        if len(code) > MAX_CODE_LENGTH:
            self._warn(
                f"A code of {len(code)} characters from the scanner on {self._settings.port} "
                f"was ignored: a code is at most {MAX_CODE_LENGTH}."
            )
            return
        try:
            self._on_code(code)
        except Exception:  # the scanner keeps reading whatever a receiver does
            log.exception("A scanned code's receiver failed")

    def _warn(self, message: str) -> None:
        self._last = None  # the next state change is reported even if it repeats the last
        self._emit(ScannerState(True, message))

    def _report(self, connected: bool, message: str) -> None:
        state = ScannerState(connected, message)
        if state != self._last:  # one report per change, not one per attempt to reopen
            self._last = state
            self._emit(state)

    def _emit(self, state: ScannerState) -> None:
        try:
            self._on_state(state)
        except Exception:  # as in `_deliver`
            log.exception("A scanner state's receiver failed")


def _open(port: str, baudrate: int) -> SerialPort:
    return open_port(port, baudrate, timeout=READ_TIMEOUT_S)


def _close(port: SerialPort) -> None:
    try:
        port.close()
    except (OSError, SerialException):
        log.debug("Closing a vanished port failed", exc_info=True)
