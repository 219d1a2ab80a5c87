"""The operating system's print queue as a receipt printer's link: CUPS through the `lp`
command on macOS and Linux, the Windows spooler (a RAW document) on Windows. Neither can read
the printer's status back. Used by `devices.printers.connection`; imports on any platform,
python-escpos guarding the Windows-only parts itself.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from typing import Any

from core.hardware.settings import PrinterSettings
from devices.printers.errors import (
    PrinterError,
    PrinterFailedError,
    PrinterNotTakingDataError,
    PrintQueueMissingError,
    PrintQueueUnavailableError,
    os_reason,
)

__all__ = ["LpLink", "Win32Link", "escpos_module"]


def escpos_module() -> Any:
    """python-escpos takes a third of a second to import: pay it when a printer is opened,
    not when the app starts."""
    import escpos.exceptions  # noqa: PLC0415
    import escpos.printer  # noqa: PLC0415

    return escpos


class LpLink:
    """CUPS (macOS, Linux): a raw job piped to the `lp` command."""

    can_read = False

    def __init__(self, settings: PrinterSettings, start: bool) -> None:
        self._settings = settings
        self._job: subprocess.Popen[bytes] | None = None
        if shutil.which("lp") is None:
            raise PrintQueueUnavailableError(settings, "there is no lp command")
        escpos = escpos_module()
        printer = escpos.printer.LP(settings.queue)
        try:
            if settings.queue not in printer.printers:  # the queues lpstat lists
                raise PrintQueueMissingError(settings)
            if start:
                printer.open(job_name="LunarFront")
                self._job = printer.device
                printer.device = False
        except escpos.exceptions.DeviceNotFoundError as error:
            raise PrintQueueMissingError(settings) from error
        except OSError as error:  # lpstat missing, lp failing to start
            raise PrintQueueUnavailableError(settings, os_reason(error)) from error

    def send(self, data: bytes) -> None:
        assert self._job is not None
        assert self._job.stdin is not None
        try:
            self._job.stdin.write(data)
        except OSError as error:
            raise PrinterFailedError(self._settings, os_reason(error)) from error

    def ask_status(self, timeout_s: float) -> bytes:
        raise NotImplementedError("a print queue cannot be asked for the printer's status")

    def finish(self) -> None:
        job, self._job = self._job, None
        if job is None or job.stdin is None:
            return
        try:
            job.stdin.close()  # the end of the job: lp hands it to the queue and exits
            code = job.wait(timeout=self._settings.write_timeout_ms / 1000)
        except subprocess.TimeoutExpired as error:
            _stop(job)
            raise PrinterNotTakingDataError(self._settings) from error
        except OSError as error:
            _stop(job)
            raise PrinterFailedError(self._settings, os_reason(error)) from error
        if code != 0:
            raise PrinterFailedError(self._settings, f"lp ended with status {code}")

    def abort(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            _stop(job)


def _stop(job: subprocess.Popen[bytes]) -> None:
    job.kill()
    job.wait()
    if job.stdin is not None:
        with contextlib.suppress(OSError):  # flushing into a dead lp: nothing to deliver
            job.stdin.close()


class Win32Link:
    """Windows: a RAW document on the printer's queue, through the spooler."""

    can_read = False

    def __init__(self, settings: PrinterSettings, start: bool) -> None:
        escpos = escpos_module()
        self._settings = settings
        self._printer: Any = None
        printer = escpos.printer.Win32Raw(settings.queue)
        if not printer.is_usable():
            raise PrintQueueUnavailableError(settings, "pywin32 is not installed")
        try:
            if settings.queue not in printer.printers:
                raise PrintQueueMissingError(settings)
            if start:
                printer.open(job_name="LunarFront")
                self._printer = printer
        except escpos.exceptions.DeviceNotFoundError as error:
            raise PrintQueueMissingError(settings, os_reason(error.__context__ or error)) from error
        except PrinterError:
            raise
        except Exception as error:  # pywintypes.error (the spooler) cannot be named off Windows
            raise PrintQueueUnavailableError(settings, os_reason(error)) from error

    def send(self, data: bytes) -> None:
        try:
            self._printer._raw(data)
        except Exception as error:  # pywintypes.error cannot be named off Windows
            raise PrinterFailedError(self._settings, os_reason(error)) from error

    def ask_status(self, timeout_s: float) -> bytes:
        raise NotImplementedError("a print queue cannot be asked for the printer's status")

    def finish(self) -> None:
        printer, self._printer = self._printer, None
        try:
            if printer is not None:
                printer.close()  # ends the document: the spooler sends it to the printer
        except Exception as error:  # as in send
            raise PrinterFailedError(self._settings, os_reason(error)) from error

    def abort(self) -> None:
        with contextlib.suppress(PrinterError):
            self.finish()
