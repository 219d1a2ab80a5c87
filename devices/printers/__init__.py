"""Receipt printers: getting rendered ESC/POS bytes to the printer reliably.

`send_job` writes one job to the printer the settings name (network, USB, serial, the
computer's print queue, a file or device path, or the simulated printer) and raises a
`PrinterError` in plain words when it cannot. `PrintSpooler` runs jobs one at a time on their
own thread, so a sale never waits on the printer, and keeps a failed job for the cashier to
retry, print later or cancel. `check_printer` is the devices screen's "test connection".
"""

from devices.printers.connection import check_printer, send_job
from devices.printers.errors import PrinterError, PrinterNotSetUpError
from devices.printers.simulated import SimulatedPrinter
from devices.printers.spooler import (
    HealthState,
    JobKind,
    JobState,
    PrinterHealth,
    PrintJob,
    PrintJobError,
    PrintSpooler,
)
from devices.printers.status import PrinterStatus

__all__ = [
    "HealthState",
    "JobKind",
    "JobState",
    "PrintJob",
    "PrintJobError",
    "PrintSpooler",
    "PrinterError",
    "PrinterHealth",
    "PrinterNotSetUpError",
    "PrinterStatus",
    "SimulatedPrinter",
    "check_printer",
    "send_job",
]
