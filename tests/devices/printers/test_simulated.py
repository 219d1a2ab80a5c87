"""The simulated printer: keeps what it prints, tells its listeners, and shows faults."""

from __future__ import annotations

import threading

import pytest

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers import SimulatedPrinter, check_printer, send_job
from devices.printers.errors import (
    CoverOpenError,
    PaperOutError,
    PrinterNotSetUpError,
    PrinterOfflineError,
)
from devices.printers.status import STATUS_QUERY, PrinterStatus, parse_status

SIMULATED = PrinterSettings(kind=PrinterKind.SIMULATED)
RECEIPT = b"\x1b@Metronome, clip-on     $19.95\n\x1dV\x00"


def test_it_keeps_each_job_and_tells_its_listeners_on_the_printing_thread() -> None:
    printer = SimulatedPrinter()
    heard: list[tuple[bytes, str]] = []
    printer.add_listener(lambda data: heard.append((data, threading.current_thread().name)))
    worker = threading.Thread(
        target=lambda: send_job(SIMULATED, RECEIPT, simulated=printer), name="printing"
    )
    worker.start()
    worker.join(5)
    send_job(SIMULATED, b"second", simulated=printer)
    assert printer.jobs == [RECEIPT, b"second"]
    assert heard == [(RECEIPT, "printing"), (b"second", threading.current_thread().name)]


def test_a_listener_that_fails_does_not_fail_the_job(caplog: pytest.LogCaptureFixture) -> None:
    printer = SimulatedPrinter()

    def broken(data: bytes) -> None:
        raise RuntimeError("preview crashed")

    printer.add_listener(broken)
    send_job(SIMULATED, RECEIPT, simulated=printer)
    assert printer.jobs == [RECEIPT]
    assert "listener failed" in caplog.text
    printer.remove_listener(broken)
    printer.clear()
    assert printer.jobs == []


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("paper_out", PaperOutError, "The simulated printer is out of paper."),
        ("cover_open", CoverOpenError, "The simulated printer has its cover open."),
        ("offline", PrinterOfflineError, "The simulated printer is offline."),
    ],
)
def test_a_fault_refuses_the_job_before_it_prints(
    fault: str, error: type[Exception], words: str
) -> None:
    printer = SimulatedPrinter()
    setattr(printer, fault, True)
    assert getattr(printer, fault)
    assert not check_printer(SIMULATED, simulated=printer).ready
    with pytest.raises(error, match=words):
        send_job(SIMULATED, RECEIPT, simulated=printer)
    assert printer.jobs == []
    setattr(printer, fault, False)
    send_job(SIMULATED, RECEIPT, simulated=printer)
    assert printer.jobs == [RECEIPT]


def test_without_the_status_check_it_takes_the_job_as_a_real_printer_buffers_it() -> None:
    printer = SimulatedPrinter()
    printer.paper_out = True
    send_job(
        PrinterSettings(kind=PrinterKind.SIMULATED, status_check=False), RECEIPT, simulated=printer
    )
    assert printer.jobs == [RECEIPT]


def test_it_answers_status_requests_like_a_printer() -> None:
    printer = SimulatedPrinter()
    printer.paper_near_end = True
    printer.drawer_open = True
    assert printer.paper_near_end
    assert printer.drawer_open
    status = parse_status(printer.answer(STATUS_QUERY))
    assert status == PrinterStatus(paper_near_end=True, drawer_open=True)
    assert check_printer(SIMULATED, simulated=printer) == status
    assert printer.answer(b"\x10\x04\x01") == b"\x16"
    with pytest.raises(ValueError, match="not a status query"):
        printer.answer(b"\x1b@")


def test_the_simulated_kind_needs_a_simulated_printer() -> None:
    with pytest.raises(PrinterNotSetUpError):
        send_job(SIMULATED, RECEIPT)
