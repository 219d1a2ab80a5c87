"""Receipt printing over the network: how soon a cashier hears that the printer is not there,
and what a receipt costs on the wire.

- `printing.unreachable_reported`: from `PrintSpooler.submit` until the job is FAILED with its
  message, with the default printer settings (2 s connect timeout, two quick retries of a
  refused connection). The samples are an address that never answers (a printer switched
  off or unplugged: the connect times out, and is not retried); `refused_*` is a port where
  nothing listens (answered at once, retried twice half a second apart). The target is 3 s.
  The baseline is a bare `socket.connect` to the silent address with the same 2 s timeout:
  what no code can make shorter.
- `printing.network_receipt`: `send_job` of a typical ~2 KB receipt to the fake printer on
  127.0.0.1, with the status asked before and after (connect, DLE EOT, the job, DLE EOT, close).
  The baseline is a bare connect + `sendall` of the same bytes and one status request + one
  `recv` of its reply.

Both use the fake printer of the device tests (`tests/devices/fake_printer.py`), so they run
from the repository's root.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

from bench.harness import BenchmarkError, Measurement, RunContext, time_ms
from bench.registry import benchmark
from bench.stats import summarize

if TYPE_CHECKING:
    from core.hardware.settings import PrinterSettings

UNREACHABLE_SAMPLES = 5
RECEIPT_SAMPLES = 100
TARGET_REPORTED_MS = 3_000.0


def _receipt() -> bytes:
    """~2 KB: a header, 22 items with their SKU lines, totals, a barcode and the cut."""
    lines = [b"\x1b@\x1ba\x01\x1d!\x11Harmony Music\x1d!\x00\n12 Main St\n\x1ba\x00"]
    for n in range(22):
        lines.append(f"Item {n:02d} strings, picks, etc.          $12.{n:02d}\n".encode())
        lines.append(f"  SKU 0123456{n:02d}  1 x $12.{n:02d}\n".encode())
    lines.append(b"-" * 48 + b"\n")
    lines.append(b"\x1bE\x01TOTAL                                    $152.66\n\x1bE\x00")
    lines.append(b"Cash $160.00   Change $7.34\nThank you!\n" * 4)
    lines.append(b"\x1dh\x3c\x1dw\x02\x1dk\x49\x0c{B0001-000123\n\n\n\n\x1dV\x01")
    return b"".join(lines)


@benchmark(
    "printing.unreachable_reported",
    "submit to FAILED for a printer that never answers (refused_* for connection refused), "
    "default 2 s connect timeout (vs. a bare 2 s connect timeout)",
)
def unreachable_reported(context: RunContext) -> Measurement:
    from core.hardware.settings import PrinterKind, PrinterSettings  # noqa: PLC0415
    from tests.devices.fake_printer import never_answering_address, refusing_address  # noqa: PLC0415

    silent: list[float] = []
    bare: list[float] = []
    refused: list[float] = []
    for _ in range(context.samples(UNREACHABLE_SAMPLES)):
        with never_answering_address() as (host, port):
            settings = PrinterSettings(kind=PrinterKind.NETWORK, host=host, port=port)
            silent.append(_until_failed(settings))
            bare.append(time_ms(lambda: _bare_connect(host, port)))
        with refusing_address() as (host, port):
            settings = PrinterSettings(kind=PrinterKind.NETWORK, host=host, port=port)
            refused.append(_until_failed(settings))
    context.log(f"never answers {silent}; refused {refused}")
    refused_stats = summarize(refused)
    return Measurement(
        samples=tuple(silent),
        baseline=tuple(bare),
        target=TARGET_REPORTED_MS,
        extra={
            "refused_median_ms": round(refused_stats.median, 3),
            "refused_max_ms": round(refused_stats.max, 3),
            "refused_meets_target": refused_stats.max < TARGET_REPORTED_MS,
            "never_answers_max_ms": round(max(silent), 3),
        },
    )


def _until_failed(settings: PrinterSettings) -> float:
    """Milliseconds from submit until a listener hears the job FAILED."""
    from devices.printers.spooler import JobKind, JobState, PrintJob, PrintSpooler  # noqa: PLC0415

    failed = threading.Event()
    at: list[float] = []

    def heard(job: PrintJob) -> None:
        if job.state is JobState.FAILED and not failed.is_set():
            at.append(time.perf_counter())
            failed.set()

    spooler = PrintSpooler(settings)
    spooler.add_listener(heard)
    spooler.start()  # the worker thread exists before the clock starts, as in the app
    began = time.perf_counter()
    spooler.submit("Receipt", _receipt(), kind=JobKind.RECEIPT)
    if not failed.wait(10):
        raise BenchmarkError("the unreachable printer was never reported")
    spooler.close()
    return (at[0] - began) * 1000


def _bare_connect(host: str, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(2.0)
    try:
        sock.connect((host, port))
    except TimeoutError:
        return
    finally:
        sock.close()
    raise BenchmarkError("the silent address answered")


@benchmark(
    "printing.network_receipt",
    "send_job of a ~2 KB receipt to the fake printer on 127.0.0.1, status asked before and "
    "after (vs. bare connect + sendall + one status recv)",
)
def network_receipt(context: RunContext) -> Measurement:
    from devices.printers.connection import send_job  # noqa: PLC0415
    from devices.printers.status import StatusRequest  # noqa: PLC0415
    from tests.devices.fake_printer import FakeNetworkPrinter  # noqa: PLC0415

    receipt = _receipt()
    samples: list[float] = []
    baseline: list[float] = []
    with FakeNetworkPrinter() as printer:
        settings = printer.settings(connect_timeout_ms=2_000, write_timeout_ms=5_000)
        address = (printer.host, printer.port)
        bare_job = receipt + StatusRequest.PRINTER.command
        send_job(settings, receipt)  # warm-up: imports and the first connection
        for _ in range(context.samples(RECEIPT_SAMPLES)):
            samples.append(time_ms(lambda: send_job(settings, receipt)))
            baseline.append(time_ms(lambda: _bare_send(address, bare_job)))
        if not printer.wait_for(len(samples) * 2 + 1):
            raise BenchmarkError("the fake printer did not get every job")
    return Measurement(
        samples=tuple(samples),
        baseline=tuple(baseline),
        extra={"receipt_bytes": len(receipt)},
    )


def _bare_send(address: tuple[str, int], data: bytes) -> None:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(data)
        if not sock.recv(1):
            raise BenchmarkError("the fake printer closed without answering")
