"""Getting a rendered job's bytes to the receipt printer, whatever it hangs on.

`send_job` opens the printer the settings name, writes the whole job and, where the link
can read (network, serial, USB) and the status check is on, asks the printer's status before
(a printer out of paper gets nothing, so nothing half-prints) and after (the printer confirms
it took the job). Every wait is bounded by the settings' short timeouts, never the library's
minute-long default, and every failure becomes a `PrinterError` the cashier can read. It
blocks, so it runs on the spooler's thread, never the GUI's.

python-escpos opens serial, USB and queue printers (its messages are never shown); the link
then owns the port or device, because closing well differs per link and python-escpos would
close again when it is garbage-collected.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import stat
import sys
import time
from typing import Any, Protocol

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers.errors import (
    CoverOpenError,
    PaperOutError,
    PrinterDisconnectedError,
    PrinterFailedError,
    PrinterFileError,
    PrinterNotSetUpError,
    PrinterNotTakingDataError,
    PrinterOfflineError,
    PrinterStatusError,
    PrinterUnconfirmedError,
    SerialPortError,
    UsbNotFoundError,
    UsbSupportMissingError,
    connect_error,
    os_reason,
    seconds,
    write_error,
)
from devices.printers.print_queue import LpLink, Win32Link, escpos_module
from devices.printers.simulated import SimulatedPrinter
from devices.printers.status import STATUS_QUERY, PrinterStatus, StatusReplyError, parse_status

__all__ = ["check_printer", "send_job"]

_REPLY_LENGTH = len(STATUS_QUERY) // 3

if sys.platform == "win32":
    _PORT_FAULTS: tuple[type[Exception], ...] = (OSError,)
else:
    import termios

    # pyserial lets termios.error, which is not an OSError, out of a vanished port's tcflush.
    _PORT_FAULTS = (OSError, termios.error)


def send_job(
    settings: PrinterSettings, data: bytes, *, simulated: SimulatedPrinter | None = None
) -> None:
    """Print `data` (a rendered ESC/POS job) or raise the `PrinterError` saying why not."""
    link = _open(settings, simulated, start=True)
    try:
        asks = settings.status_check and link.can_read
        if asks:
            try:
                _require_ready(settings, _ask(settings, link, after_job=False))
            # Nothing of the job was sent yet, so nothing stopped "mid-receipt".
            except PrinterDisconnectedError as error:
                raise PrinterNotTakingDataError(settings, "it closed the connection") from error
            except SerialPortError as error:
                raise SerialPortError(settings, error.reason) from error
        link.send(data)
        if asks:
            _require_ready(settings, _ask(settings, link, after_job=True))
        link.finish()
    except BaseException:
        link.abort()
        raise


def check_printer(
    settings: PrinterSettings, *, simulated: SimulatedPrinter | None = None
) -> PrinterStatus:
    """Open the printer, ask its status and close: the devices screen's "test connection".
    A printer that cannot be asked (a queue, a file, the status check off) reports
    `reported=False` once it is known to be there."""
    link = _open(settings, simulated, start=False)
    try:
        if settings.status_check and link.can_read:
            status = _ask(settings, link, after_job=False)
        else:
            status = PrinterStatus(reported=False)
        link.finish()
    except BaseException:
        link.abort()
        raise
    return status


class _Link(Protocol):
    """An open printer. `ask_status` sends `STATUS_QUERY` and returns what came back in time
    (short when nothing did); `finish` delivers and closes, and may raise; `abort` closes after
    a failure and never raises."""

    @property
    def can_read(self) -> bool: ...
    def send(self, data: bytes) -> None: ...
    def ask_status(self, timeout_s: float) -> bytes: ...
    def finish(self) -> None: ...
    def abort(self) -> None: ...


def _open(settings: PrinterSettings, simulated: SimulatedPrinter | None, *, start: bool) -> _Link:
    match settings.kind:
        case PrinterKind.SIMULATED if simulated is not None:
            return _SimulatedLink(simulated)
        case PrinterKind.NETWORK:
            return _NetworkLink(settings)
        case PrinterKind.SERIAL:
            return _SerialLink(settings)
        case PrinterKind.USB:
            return _UsbLink(settings)
        case PrinterKind.QUEUE:
            queue = Win32Link if sys.platform == "win32" else LpLink
            return queue(settings, start)
        case PrinterKind.FILE:
            return _FileLink(settings)
    raise PrinterNotSetUpError(settings)


def _ask(settings: PrinterSettings, link: _Link, *, after_job: bool) -> PrinterStatus:
    reply = link.ask_status(settings.write_timeout_ms / 1000)
    if len(reply) < _REPLY_LENGTH:
        fault = PrinterUnconfirmedError if after_job else PrinterNotTakingDataError
        raise fault(settings, f"no reply in {seconds(settings.write_timeout_ms)}")
    try:
        return parse_status(reply)
    except StatusReplyError as error:
        raise PrinterStatusError(settings) from error


def _require_ready(settings: PrinterSettings, status: PrinterStatus) -> None:
    # Paper first: loading a roll means opening the cover, and its advice says to close it.
    if status.paper_out:
        raise PaperOutError(settings)
    if status.cover_open:
        raise CoverOpenError(settings)
    if not status.ready:
        raise PrinterOfflineError(settings)


class _SimulatedLink:
    can_read = True

    def __init__(self, printer: SimulatedPrinter) -> None:
        self._printer = printer

    def send(self, data: bytes) -> None:
        self._printer.receive(data)

    def ask_status(self, timeout_s: float) -> bytes:
        return self._printer.answer(STATUS_QUERY)

    # In memory: nothing to flush or close.
    def finish(self) -> None:
        return None

    def abort(self) -> None:
        return None


class _NetworkLink:
    can_read = True

    def __init__(self, settings: PrinterSettings) -> None:
        self._settings = settings
        self._timeout = settings.write_timeout_ms / 1000
        # Not python-escpos's Network: its open() is this one call, and when the connect
        # fails it drops the socket unclosed (a ResourceWarning on every failed attempt).
        try:
            self._socket = socket.create_connection(
                (settings.host, settings.port), timeout=settings.connect_timeout_ms / 1000
            )
        except OSError as error:
            raise connect_error(settings, error) from error
        # From here on every send and receive waits at most the write timeout.
        self._socket.settimeout(self._timeout)
        # The status query after the job is a small write behind a large one: without this,
        # Nagle's algorithm holds it for the printer's delayed ACK (40 ms and more).
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data: bytes) -> None:
        try:
            self._socket.sendall(data)
        except TimeoutError as error:
            raise PrinterNotTakingDataError(self._settings) from error
        except OSError as error:
            raise write_error(self._settings, error) from error

    def ask_status(self, timeout_s: float) -> bytes:
        self._discard_waiting()
        self.send(STATUS_QUERY)
        reply = b""
        deadline = time.monotonic() + timeout_s
        try:
            while len(reply) < _REPLY_LENGTH and (left := deadline - time.monotonic()) > 0:
                self._socket.settimeout(left)
                chunk = self._socket.recv(_REPLY_LENGTH - len(reply))
                if not chunk:
                    raise PrinterDisconnectedError(self._settings)
                reply += chunk
        except TimeoutError:
            pass
        except OSError as error:
            raise write_error(self._settings, error) from error
        finally:
            self._socket.settimeout(self._timeout)
        return reply

    def finish(self) -> None:
        try:
            # Unread bytes at close make the kernel reset the connection, and a reset can
            # make the printer drop the end of the job it has not read yet.
            self._discard_waiting()
            self._socket.shutdown(socket.SHUT_WR)
        except OSError as error:
            raise write_error(self._settings, error) from error
        finally:
            self._socket.close()

    def abort(self) -> None:
        self._socket.close()

    def _discard_waiting(self) -> None:
        """Drop what the printer sent unasked (an automatic status), so it is not taken for
        the reply."""
        self._socket.setblocking(False)
        try:
            while self._socket.recv(256):
                pass
        except BlockingIOError:
            pass
        except OSError as error:
            raise write_error(self._settings, error) from error
        finally:
            self._socket.settimeout(self._timeout)


class _SerialLink:
    can_read = True

    def __init__(self, settings: PrinterSettings) -> None:
        import serial  # noqa: PLC0415 - with python-escpos, only when a printer is opened

        escpos = escpos_module()
        self._settings = settings
        self._timeout = settings.write_timeout_ms / 1000
        self._timed_out: type[Exception] = serial.SerialTimeoutException
        printer = escpos.printer.Serial(
            settings.serial_port, settings.baudrate, timeout=self._timeout
        )
        try:
            printer.open()
        except escpos.exceptions.DeviceNotFoundError as error:
            raise SerialPortError(settings, os_reason(error.__context__ or error)) from error
        self._port: Any = printer.device
        printer.device = False
        self._on_the_wire = 0  # bytes sent since the printer last answered

    def _wire_s(self, count: int) -> float:
        # write() returns once the bytes are in the driver's buffer, which empties at the
        # port's speed: ten bits a byte (8N1). A logo at 9600 baud takes seconds to go out.
        return count * 10 / self._settings.baudrate

    def send(self, data: bytes) -> None:
        self._port.write_timeout = self._timeout + self._wire_s(len(data))
        try:
            self._port.write(data)
        except self._timed_out as error:
            raise PrinterNotTakingDataError(self._settings) from error
        except _PORT_FAULTS as error:  # serial.SerialException is an OSError
            raise SerialPortError(self._settings, os_reason(error), during_job=True) from error
        self._on_the_wire += len(data)

    def ask_status(self, timeout_s: float) -> bytes:
        try:
            self._port.reset_input_buffer()
            self.send(STATUS_QUERY)
            # The answer comes after the job's bytes have gone out.
            self._port.timeout = timeout_s + self._wire_s(self._on_the_wire)
            reply: bytes = self._port.read(_REPLY_LENGTH)
        except _PORT_FAULTS as error:
            raise SerialPortError(self._settings, os_reason(error), during_job=True) from error
        self._on_the_wire = 0
        return reply

    def finish(self) -> None:
        # Closing a real port waits for its buffer to drain, so the job goes out whole.
        self._port.close()

    def abort(self) -> None:
        # Discard what is left, or closing would wait for a stalled printer to take it. A
        # vanished port fails this (with termios.error, not an OSError) and is closed anyway.
        with contextlib.suppress(Exception):
            self._port.reset_output_buffer()
        self._port.close()


class _UsbLink:
    can_read = True

    def __init__(self, settings: PrinterSettings) -> None:
        import usb.core  # noqa: PLC0415 - with python-escpos, only when a printer is opened
        import usb.util  # noqa: PLC0415

        escpos = escpos_module()
        self._settings = settings
        self._usb: Any = usb
        printer = escpos.printer.Usb(
            settings.usb_vendor, settings.usb_product, timeout=settings.write_timeout_ms
        )
        try:
            printer.open()
        except usb.core.NoBackendError as error:
            raise UsbSupportMissingError(settings) from error
        except escpos.exceptions.DeviceNotFoundError as error:
            if isinstance(error.__context__, usb.core.USBError):  # there, but not ours to use
                raise PrinterFailedError(settings, os_reason(error.__context__)) from error
            raise UsbNotFoundError(settings) from error
        self._device: Any = printer.device
        self._in, self._out = printer.in_ep, printer.out_ep
        printer.device = False

    def send(self, data: bytes) -> None:
        try:
            self._device.write(self._out, data, self._settings.write_timeout_ms)
        except self._usb.core.USBTimeoutError as error:
            raise PrinterNotTakingDataError(self._settings) from error
        except self._usb.core.USBError as error:
            raise write_error(self._settings, error) from error

    def ask_status(self, timeout_s: float) -> bytes:
        self.send(STATUS_QUERY)
        reply = b""
        deadline = time.monotonic() + timeout_s
        while len(reply) < _REPLY_LENGTH and (left := deadline - time.monotonic()) > 0:
            try:
                reply += bytes(self._device.read(self._in, 16, max(1, int(left * 1000))))
            except self._usb.core.USBTimeoutError:
                break
            except self._usb.core.USBError as error:
                raise write_error(self._settings, error) from error
        return reply[-_REPLY_LENGTH:]

    def finish(self) -> None:
        self._usb.util.dispose_resources(self._device)

    def abort(self) -> None:
        self.finish()


class _FileLink:
    """A device path (/dev/usb/lp0) or a file. A device may block on a printer that is off,
    so it is written without blocking and waited for with a deadline; a file never blocks."""

    can_read = False

    def __init__(self, settings: PrinterSettings) -> None:
        self._settings = settings
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)
        if not settings.path.startswith("/dev/"):  # a missing device must not become a file
            flags |= os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            self._fd = os.open(settings.path, flags, 0o644)
        except OSError as error:
            raise PrinterFileError(settings, os_reason(error)) from error
        self._regular = stat.S_ISREG(os.fstat(self._fd).st_mode)

    def send(self, data: bytes) -> None:
        left = memoryview(data)
        silence = self._settings.write_timeout_ms / 1000
        deadline = time.monotonic() + silence
        while left:
            try:
                left = left[os.write(self._fd, left) :]
                # A slow device that keeps taking bytes is not stuck: the deadline is for silence.
                deadline = time.monotonic() + silence
            except BlockingIOError:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([], [self._fd], [], wait)[1]:
                    raise PrinterNotTakingDataError(self._settings) from None
            except OSError as error:
                fault = write_error(self._settings, error)
                if isinstance(fault, PrinterFailedError):
                    fault = PrinterFileError(self._settings, os_reason(error))
                raise fault from error

    def ask_status(self, timeout_s: float) -> bytes:
        raise NotImplementedError("a file cannot be asked for the printer's status")

    def finish(self) -> None:
        try:
            if self._regular:
                os.fsync(self._fd)  # on the disk before it counts as printed
        except OSError as error:
            raise PrinterFileError(self._settings, os_reason(error)) from error
        finally:
            os.close(self._fd)

    def abort(self) -> None:
        os.close(self._fd)
