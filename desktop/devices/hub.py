"""The register's devices, as the GUI sees them: one object that owns the print queue, the
simulated printer, the serial scanner and the pole display, and re-emits what they report
(from their own threads) as Qt signals, which Qt delivers on the GUI thread.

Nothing here waits on a device: printing goes through the spooler's thread, test prints and
port discovery through the task runner's network pool, the scanner and pole display through
their own threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from core.hardware.settings import (
    DeviceSettings,
    PoleKind,
    PrinterKind,
    PrinterSettings,
)
from desktop.tasks import TaskRunner
from devices.escpos import decode, drawer_kick, logo_raster, test_page
from devices.pole.display import PoleDisplay, PoleState
from devices.printers.connection import send_job
from devices.printers.simulated import SimulatedPrinter
from devices.printers.spooler import JobKind, JobState, PrintJob, PrintSpooler
from devices.scanners.ports import serial_ports
from devices.scanners.serial_scanner import ScannerState, SerialScanner

log = logging.getLogger(__name__)

__all__ = ["DeviceHub", "Health"]


@dataclass(frozen=True, slots=True)
class Health:
    device: str  # "Printer"
    text: str  # "ready", "not answering: …"
    ok: bool


class DeviceHub(QObject):
    job_changed = Signal(object)  # PrintJob, on every state change
    health_changed = Signal()
    scanned = Signal(str)  # a code from the serial scanner or the simulated one
    printed = Signal(object)  # the Printout of a job the simulated printer received
    drawer_kicked = Signal()  # the simulated drawer opened
    pole_shown = Signal(str, str)  # what the simulated pole display shows
    show_simulated_requested = Signal()

    # Re-emitted from device threads; Qt queues them to the GUI thread.
    _job = Signal(object)
    _scanner = Signal(object)
    _pole = Signal(object)
    _simulated = Signal(bytes)
    _serial_code = Signal(str)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = DeviceSettings()
        self.logo = b""
        self.logo_problem = ""
        self.simulated = SimulatedPrinter()
        self.spooler = PrintSpooler(self.settings.printer, simulated=self.simulated)
        self._scanner_state: ScannerState | None = None
        self._pole_state: PoleState | None = None
        self._serial_scanner: SerialScanner | None = None
        self._pole_display: PoleDisplay | None = None
        self._job.connect(self._job_changed)
        self._scanner.connect(self._scanner_changed)
        self._pole.connect(self._pole_changed)
        self._simulated.connect(self._simulated_printed)
        self._serial_code.connect(self.scanned)
        self.spooler.add_listener(self._job.emit)
        self.simulated.add_listener(self._simulated.emit)

    # -- settings --------------------------------------------------------------------------
    def apply(self, settings: DeviceSettings) -> None:
        """Put `settings` in use: the spooler switches printer (queued jobs go to the new
        one; a failed one waits for the cashier's retry), the scanner and pole display reopen
        if their port changed."""
        before, self.settings = self.settings, settings
        self.spooler.set_settings(settings.printer)
        if settings.printer.profile.logo_path != before.printer.profile.logo_path or (
            settings.printer.profile.paper_mm != before.printer.profile.paper_mm
        ):
            self._load_logo(settings.printer)
        if settings.serial_scanner != before.serial_scanner or self._serial_scanner is None:
            self._restart_scanner(settings)
        if settings.pole != before.pole or self._pole_display is None:
            self._restart_pole(settings)
        self.health_changed.emit()

    def _load_logo(self, printer: PrinterSettings) -> None:
        path, paper = printer.profile.logo_path, printer.profile.paper_mm
        if not path:
            self.logo, self.logo_problem = b"", ""
            return

        def loaded(data: bytes) -> None:
            self.logo, self.logo_problem = data, ""
            self.health_changed.emit()

        def failed(error: BaseException) -> None:
            self.logo, self.logo_problem = b"", str(error)
            self.health_changed.emit()

        self.runner.run_net(lambda: logo_raster(path, paper), loaded, failed)

    def _restart_scanner(self, settings: DeviceSettings) -> None:
        if self._serial_scanner is not None:
            self._serial_scanner.stop()
            self._serial_scanner = None
        self._scanner_state = None
        if settings.serial_scanner.enabled:
            scanner = SerialScanner(
                settings.serial_scanner, self._serial_code.emit, self._scanner.emit
            )
            scanner.start()
            self._serial_scanner = scanner

    def _restart_pole(self, settings: DeviceSettings) -> None:
        if self._pole_display is not None:
            self._pole_display.close()
            self._pole_display = None
        self._pole_state = None
        if settings.pole.kind is PoleKind.SERIAL:
            self._pole_display = PoleDisplay(settings.pole, self._pole.emit)

    # -- printing --------------------------------------------------------------------------
    @property
    def can_print(self) -> bool:
        return self.settings.printer.enabled

    def submit(self, title: str, data: bytes, kind: JobKind) -> PrintJob | None:
        if not self.can_print:
            return None
        return self.spooler.submit(title, data, kind=kind)

    def open_drawer(self) -> None:
        """Kick the drawer through the printer in use, ahead of any receipt waiting."""
        if self.can_print:
            self.spooler.submit(
                "Open drawer", drawer_kick(self.settings.printer.drawer_pin), kind=JobKind.DRAWER
            )

    def retry(self, job_id: int) -> None:
        self.spooler.retry(job_id)

    def later(self, job_id: int) -> None:
        self.spooler.later(job_id)

    def cancel(self, job_id: int) -> None:
        self.spooler.cancel(job_id)

    def print_held(self) -> None:
        self.spooler.print_held()

    def jobs(self) -> list[PrintJob]:
        return self.spooler.jobs()

    def test_print(
        self,
        printer: PrinterSettings,
        on_done: Callable[[], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """A test page on `printer` (perhaps not yet saved), bypassing the queue."""
        data = test_page(printer.profile)
        simulated = self.simulated
        self.runner.run_net(
            lambda: send_job(printer, data, simulated=simulated), lambda _r: on_done(), on_error
        )

    def kick_drawer(
        self,
        printer: PrinterSettings,
        on_done: Callable[[], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        data, simulated = drawer_kick(printer.drawer_pin), self.simulated
        self.runner.run_net(
            lambda: send_job(printer, data, simulated=simulated), lambda _r: on_done(), on_error
        )

    def discover_ports(self, on_done: Callable[[list[tuple[str, str]]], None]) -> None:
        self.runner.run_net(
            lambda: [(port.device, port.description) for port in serial_ports()], on_done
        )

    # -- pole display ----------------------------------------------------------------------
    def show_pole(self, top: str, bottom: str) -> None:
        kind = self.settings.pole.kind
        if kind is PoleKind.SIMULATED:
            self.pole_shown.emit(top, bottom)
        elif kind is PoleKind.SERIAL and self._pole_display is not None:
            self._pole_display.show(top, bottom)

    # -- simulated devices -----------------------------------------------------------------
    def show_simulated(self) -> None:
        self.show_simulated_requested.emit()

    def _simulated_printed(self, data: bytes) -> None:
        try:
            printout = decode(data)
        except Exception:  # a preview must never take the register down
            log.exception("the simulated printer could not read a job")
            return
        if printout.drawer_pulses:
            self.drawer_kicked.emit()
        if printout.lines or printout.barcodes or printout.images:
            self.printed.emit(printout)

    # -- health ----------------------------------------------------------------------------
    def _job_changed(self, job: PrintJob) -> None:
        self.job_changed.emit(job)
        if job.state in (JobState.FAILED, JobState.DONE):
            self.health_changed.emit()

    def _scanner_changed(self, state: ScannerState) -> None:
        self._scanner_state = state
        self.health_changed.emit()

    def _pole_changed(self, state: PoleState) -> None:
        self._pole_state = state
        self.health_changed.emit()

    def health(self) -> list[Health]:
        out = [self._printer_health()]
        wedge = self.settings.wedge
        out.append(
            Health("Keyboard scanner", "recognised by speed" if wedge.enabled else "off", True)
        )
        serial = self.settings.serial_scanner
        if serial.enabled:
            state = self._scanner_state
            if state is None:
                out.append(Health("Serial scanner", f"opening {serial.port}…", True))
            else:
                text = f"ready on {serial.port}" if state.connected else state.message
                out.append(Health("Serial scanner", text, state.connected))
        pole = self.settings.pole
        if pole.kind is PoleKind.SERIAL:
            shown = self._pole_state
            if shown is None or shown.connected:
                out.append(Health("Pole display", f"on {pole.port}", True))
            else:
                out.append(Health("Pole display", shown.message, False))
        elif pole.kind is PoleKind.SIMULATED:
            out.append(Health("Pole display", "simulated (on screen)", True))
        return out

    def _printer_health(self) -> Health:
        printer = self.settings.printer
        if printer.kind is PrinterKind.NONE:
            return Health("Printer", "none set up", True)
        failed = [job for job in self.spooler.jobs() if job.state is JobState.FAILED]
        if failed:
            return Health("Printer", failed[0].message, False)
        if self.logo_problem:
            return Health("Printer", self.logo_problem, False)
        return Health("Printer", f"ready ({printer.describe().removeprefix('the ')})", True)

    def summary(self) -> str:
        return " · ".join(f"{h.device}: {h.text}" for h in self.health())

    def close(self) -> None:
        self.spooler.close()
        if self._serial_scanner is not None:
            self._serial_scanner.stop()
        if self._pole_display is not None:
            self._pole_display.close()
