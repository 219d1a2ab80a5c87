"""What can go wrong between the register and its receipt printer, in words for the cashier.

Every message names the printer as the settings describe it ("The printer at
192.168.1.50:9100 …"), says what happened, and what to do; the operating system's own reason
may follow in brackets, never on its own. `retryable` says whether printing again can help
(all but "no printer set up"); `transient` marks the faults that fail fast and often clear by
themselves within a second (a printer still starting up), which the spooler retries once or
twice before asking the cashier.
"""

from __future__ import annotations

import errno
import os
import re
import socket
from typing import ClassVar

from core.errors import DomainError
from core.hardware.settings import PrinterSettings

__all__ = [
    "CoverOpenError",
    "PaperOutError",
    "PrintQueueMissingError",
    "PrintQueueUnavailableError",
    "PrinterDisconnectedError",
    "PrinterError",
    "PrinterFailedError",
    "PrinterFileError",
    "PrinterNotSetUpError",
    "PrinterNotTakingDataError",
    "PrinterOfflineError",
    "PrinterRefusedError",
    "PrinterStatusError",
    "PrinterUnconfirmedError",
    "PrinterUnreachableError",
    "SerialPortError",
    "UsbNotFoundError",
    "UsbSupportMissingError",
    "connect_error",
    "os_reason",
    "seconds",
    "write_error",
]

# The far end went away while we were writing to it.
_GONE = {errno.EPIPE, errno.ECONNRESET, errno.ECONNABORTED, errno.ENODEV, errno.EIO, errno.ENXIO}
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


class PrinterError(DomainError):
    """A job could not be printed. Subclasses set `what` (the printer is named in front of it,
    the reason, if any, follows in brackets) and `advice`."""

    what: ClassVar[str] = "could not print"
    advice: ClassVar[str] = "Check the printer, then print again."
    retryable: bool = True
    transient: bool = False

    def __init__(self, settings: PrinterSettings, reason: str = "") -> None:
        self.printer = settings.describe()
        self.reason = reason
        printer = self.printer[:1].upper() + self.printer[1:]
        bracket = f" ({reason})" if reason else ""
        super().__init__(f"{printer} {self._what(settings)}{bracket}. {self.advice}")

    def _what(self, settings: PrinterSettings) -> str:
        return self.what


class PrinterNotSetUpError(PrinterError):
    retryable = False

    def __init__(self, settings: PrinterSettings) -> None:
        self.printer = settings.describe()
        self.reason = ""
        DomainError.__init__(
            self,
            "No receipt printer is set up on this register. Choose one in Devices, "
            "or print the receipt later from the sale.",
        )


class PrinterRefusedError(PrinterError):
    """Nothing listens at the address: the printer is off, or still starting up."""

    what = "is not answering"
    advice = "Check that it is switched on and connected to the network."
    transient = True

    def __init__(self, settings: PrinterSettings, reason: str = "connection refused") -> None:
        super().__init__(settings, reason)


class PrinterUnreachableError(PrinterError):
    """No answer to the connection at all (switched off, unplugged, a wrong address)."""

    what = "cannot be reached"
    advice = (
        "Check that it is switched on, its network cable is plugged in "
        "and its address in Devices is right."
    )


class PrinterNotTakingDataError(PrinterError):
    """Connected, but the printer neither reads what is sent nor answers its status."""

    what = "is not taking data"
    advice = (
        "It may be busy, jammed or showing an error light: check it, switch it off and on "
        "if needed, then print again."
    )

    def __init__(self, settings: PrinterSettings, reason: str = "") -> None:
        super().__init__(
            settings, reason or f"nothing taken in {seconds(settings.write_timeout_ms)}"
        )


class PrinterUnconfirmedError(PrinterError):
    what = "took the receipt but did not confirm it printed"
    advice = "Check whether the receipt came out before printing it again."


class PrinterDisconnectedError(PrinterError):
    what = "stopped mid-receipt"
    advice = "Check the printer and its cable, then print the whole receipt again."

    def __init__(
        self, settings: PrinterSettings, reason: str = "the connection was closed"
    ) -> None:
        super().__init__(settings, reason)


class PaperOutError(PrinterError):
    what = "is out of paper"
    advice = "Load a new roll, close the cover and print again."


class CoverOpenError(PrinterError):
    what = "has its cover open"
    advice = "Close the cover and print again."


class PrinterOfflineError(PrinterError):
    what = "is offline"
    advice = (
        "Check it for an error light or jammed paper, switch it off and on if needed, "
        "then print again."
    )


class PrinterStatusError(PrinterError):
    what = "answered in a way this register does not understand"
    advice = (
        "If this printer cannot report its status, turn off “Ask the printer for its "
        "status” in Devices."
    )


class SerialPortError(PrinterError):
    """The serial port is not there (unplugged USB-serial adapter, wrong name), or went away
    while the receipt was being sent."""

    advice = (
        "Check that its cable or USB-serial adapter is plugged in and that the port "
        "in Devices is right, then print again."
    )
    transient = True  # an adapter re-appears a moment after it is plugged back in

    def __init__(
        self, settings: PrinterSettings, reason: str = "", *, during_job: bool = False
    ) -> None:
        self.during_job = during_job
        super().__init__(settings, reason)
        if during_job:
            # Sending again would print the top of the receipt twice: let the cashier decide.
            self.transient = False

    def _what(self, settings: PrinterSettings) -> str:
        return "went away mid-receipt" if self.during_job else "cannot be opened"


class UsbNotFoundError(PrinterError):
    what = "is not plugged in or is switched off (no such USB device found)"
    advice = "Check its USB cable and power, then print again."
    transient = True


class UsbSupportMissingError(PrinterError):
    what = "cannot be used: USB printing needs the libusb library, which is not installed"
    advice = "Install libusb, or connect the printer by network or through its print queue."


class PrintQueueMissingError(PrinterError):
    what = "does not exist on this computer"
    advice = "Check the queue's name in Devices."


class PrintQueueUnavailableError(PrinterError):
    """The computer has no way to print to a queue (no `lp` command, no Windows spooler)."""

    what = "cannot be used: this computer cannot print to a queue"
    advice = "Install CUPS (the lp command), or connect the printer by network or USB."


class PrinterFileError(PrinterError):
    what = "cannot be written to"
    advice = "Check the path in Devices and that this computer's user may write to it."


class PrinterFailedError(PrinterError):
    """A fault none of the others describe; the reason in brackets says what it was."""


def os_reason(error: BaseException) -> str:
    """The operating system's short reason ("Connection reset by peer") for the brackets,
    without the paths and numbers libraries wrap it in."""
    code = getattr(error, "errno", None)
    if not isinstance(code, int) and error.args and isinstance(error.args[0], int):
        code = error.args[0]  # termios.error: (errno, text)
    if not isinstance(code, int):
        found = re.search(r"\[Errno (\d+)\]", str(error))
        code = int(found.group(1)) if found else None
    if code:
        return os.strerror(code)
    text = str(error).strip().splitlines()
    reason = text[0] if text else type(error).__name__
    return reason if len(reason) <= 80 else reason[:79] + "…"


def seconds(milliseconds: int) -> str:
    value = milliseconds / 1000
    amount = f"{value:g}"
    return f"{amount} second" if value == 1 else f"{amount} seconds"


def connect_error(settings: PrinterSettings, error: BaseException | None) -> PrinterError:
    """What a failed connection to a network printer means."""
    if isinstance(error, ConnectionRefusedError):
        return PrinterRefusedError(settings)
    if isinstance(error, TimeoutError):
        return PrinterUnreachableError(
            settings, f"no answer in {seconds(settings.connect_timeout_ms)}"
        )
    if isinstance(error, socket.gaierror):
        return PrinterUnreachableError(settings, "this computer does not know that address")
    if isinstance(error, OSError) and error.errno in _NO_ROUTE:
        return PrinterUnreachableError(settings, os_reason(error))
    return PrinterFailedError(settings, os_reason(error) if error else "")


def write_error(settings: PrinterSettings, error: OSError) -> PrinterError:
    """What a failed write to an open connection means."""
    if error.errno in _GONE:
        return PrinterDisconnectedError(settings)
    return PrinterFailedError(settings, os_reason(error))
