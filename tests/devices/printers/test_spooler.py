"""The print queue: one job at a time, in order, failures waiting for the cashier, through
the fake network printer and the simulated printer."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers import (
    HealthState,
    JobKind,
    JobState,
    PrinterHealth,
    PrintJob,
    PrintJobError,
    PrintSpooler,
    SimulatedPrinter,
)
from devices.printers.errors import PaperOutError, PrinterRefusedError, PrinterUnreachableError
from tests.devices.fake_printer import (
    FakeNetworkPrinter,
    never_answering_address,
    refusing_address,
)

KICK = b"\x1bp\x00\x19\xfa"
R1, R2, R3 = (f"\x1b@Receipt {n}\n\x1dV\x00".encode() for n in (1, 2, 3))
SIMULATED = PrinterSettings(kind=PrinterKind.SIMULATED)


class Recorder:
    """What the listeners heard, and on which thread."""

    def __init__(self, spooler: PrintSpooler) -> None:
        self.jobs: list[PrintJob] = []
        self.health: list[PrinterHealth] = []
        self.threads: set[str] = set()
        self.failed = threading.Event()
        self.failed_at = 0.0
        spooler.add_listener(self._job)
        spooler.add_health_listener(self.health.append)

    def _job(self, job: PrintJob) -> None:
        self.jobs.append(job)
        self.threads.add(threading.current_thread().name)
        if job.state is JobState.FAILED and not self.failed.is_set():
            self.failed_at = time.monotonic()
            self.failed.set()

    def states(self, job_id: int) -> list[JobState]:
        return [job.state for job in self.jobs if job.id == job_id]


@pytest.fixture
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as fake:
        yield fake


def spooler_for(settings: PrinterSettings, **options: object) -> PrintSpooler:
    return PrintSpooler(settings, retry_backoff_s=0.01, **options)  # type: ignore[arg-type]


def states(spooler: PrintSpooler) -> list[tuple[str, JobState]]:
    return [(job.title, job.state) for job in spooler.jobs()]


def test_a_receipt_prints_and_every_change_is_told_in_order(printer: FakeNetworkPrinter) -> None:
    clock = itertools.count(100)
    spooler = spooler_for(printer.settings(), clock=lambda: float(next(clock)))
    heard = Recorder(spooler)
    job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    assert (job.state, job.attempts, job.created) == (JobState.QUEUED, 0, 100.0)
    assert spooler.wait_idle(5)
    assert printer.wait_for(1)
    assert printer.jobs == [R1]
    done = spooler.job(job.id)
    assert (done.state, done.attempts, done.finished, done.error) == (JobState.DONE, 1, 101.0, None)
    assert heard.states(job.id) == [
        JobState.QUEUED,
        JobState.PRINTING,
        JobState.PRINTING,  # the attempt counted
        JobState.DONE,
    ]
    assert [h.state for h in heard.health] == [HealthState.PRINTING, HealthState.READY]
    assert heard.health[0].message == "Printing Receipt 1"
    assert "receipt-printer" in heard.threads
    spooler.close()


def test_connection_refused_is_retried_quickly_and_reported_within_3_seconds() -> None:
    with refusing_address() as (host, port):
        settings = PrinterSettings(kind=PrinterKind.NETWORK, host=host, port=port)
        spooler = PrintSpooler(settings)  # the defaults: 2 s connect timeout, 2 quick retries
        heard = Recorder(spooler)
        began = time.monotonic()
        job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        assert heard.failed.wait(5)
        assert heard.failed_at - began < 3.0
        assert spooler.wait_idle(5)
    failed = spooler.job(job.id)
    assert failed.state is JobState.FAILED
    assert failed.attempts == 3
    assert isinstance(failed.error, PrinterRefusedError)
    assert failed.message.endswith("is not answering (connection refused). Check that it is "
                                   "switched on and connected to the network.")  # fmt: skip
    assert spooler.health() == PrinterHealth(HealthState.FAILED, failed.message)
    spooler.close()


def test_an_address_that_never_answers_is_reported_within_3_seconds() -> None:
    with never_answering_address() as (host, port):
        settings = PrinterSettings(kind=PrinterKind.NETWORK, host=host, port=port)
        spooler = PrintSpooler(settings)
        heard = Recorder(spooler)
        began = time.monotonic()
        job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        assert not spooler.wait_idle(0.2)  # still connecting
        assert heard.failed.wait(5)
        assert heard.failed_at - began < 3.0
        assert spooler.wait_idle(5)
    failed = spooler.job(job.id)
    assert failed.attempts == 1  # a timeout is not retried automatically
    assert isinstance(failed.error, PrinterUnreachableError)
    spooler.close()


def test_retry_prints_once_the_printer_is_back() -> None:
    with FakeNetworkPrinter() as gone:
        settings = gone.settings()
    spooler = spooler_for(settings)
    first = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    second = spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    assert states(spooler) == [("Receipt 1", JobState.FAILED), ("Receipt 2", JobState.QUEUED)]
    assert spooler.job(first.id).attempts == 3
    with FakeNetworkPrinter(port=settings.port) as back:
        retried = spooler.retry(first.id)
        assert (retried.state, retried.error) == (JobState.QUEUED, None)
        assert spooler.wait_idle(5)
        assert back.wait_for(2)
        assert back.jobs == [R1, R2]
    assert spooler.job(second.id).state is JobState.DONE
    assert spooler.health() == PrinterHealth(HealthState.READY)
    spooler.close()


def test_receipts_wait_in_order_behind_a_failed_one_but_a_drawer_kick_does_not() -> None:
    with FakeNetworkPrinter(paper_out=True) as printer:
        spooler = spooler_for(printer.settings())
        first = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        assert spooler.wait_idle(5)
        spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
        spooler.submit("Receipt 3", R3, kind=JobKind.RECEIPT)
        assert spooler.wait_idle(5)
        assert spooler.job(first.id).attempts == 1  # paper out is for the cashier to fix
        assert isinstance(spooler.job(first.id).error, PaperOutError)
        # A printer out of paper still opens the drawer.
        spooler.submit("Drawer", KICK, kind=JobKind.DRAWER)
        assert spooler.wait_idle(5)
        assert states(spooler) == [
            ("Drawer", JobState.DONE),
            ("Receipt 1", JobState.FAILED),
            ("Receipt 2", JobState.QUEUED),
            ("Receipt 3", JobState.QUEUED),
        ]
        assert spooler.health().state is HealthState.FAILED
        printer.paper_out = False
        spooler.retry(first.id)
        assert spooler.wait_idle(5)
        assert printer.wait_for(lambda received: len(printer.jobs) == 4)
        assert printer.jobs == [KICK, R1, R2, R3]
        spooler.close()


def test_later_lets_the_rest_go_on_and_print_held_brings_it_back() -> None:
    with FakeNetworkPrinter(paper_out=True) as printer:
        spooler = spooler_for(printer.settings())
        first = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
        assert spooler.wait_idle(5)
        printer.paper_out = False
        held = spooler.later(first.id)
        assert held.state is JobState.HELD
        assert spooler.wait_idle(5)
        assert states(spooler) == [("Receipt 2", JobState.DONE), ("Receipt 1", JobState.HELD)]
        assert spooler.health() == PrinterHealth(HealthState.READY)
        with pytest.raises(PrintJobError, match="already put aside"):
            spooler.later(first.id)
        assert [job.id for job in spooler.print_held()] == [first.id]
        assert spooler.wait_idle(5)
        assert printer.wait_for(lambda received: len(printer.jobs) == 2)
        assert printer.jobs == [R2, R1]
        spooler.close()


def test_cancel_takes_a_job_out_and_the_queue_goes_on() -> None:
    clock = itertools.count(1)
    simulated = SimulatedPrinter()
    simulated.cover_open = True
    spooler = spooler_for(SIMULATED, simulated=simulated, clock=lambda: float(next(clock)))
    first = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    second = spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    simulated.cover_open = False
    cancelled = spooler.cancel(first.id)
    assert cancelled.state is JobState.CANCELLED
    assert cancelled.finished is not None
    assert spooler.wait_idle(5)
    assert simulated.jobs == [R2]
    assert states(spooler) == [("Receipt 1", JobState.CANCELLED), ("Receipt 2", JobState.DONE)]
    with pytest.raises(PrintJobError, match="It was cancelled"):
        spooler.retry(first.id)
    with pytest.raises(PrintJobError, match="It has already printed"):
        spooler.cancel(second.id)
    with pytest.raises(PrintJobError, match="no longer listed"):
        spooler.cancel(999)
    with pytest.raises(PrintJobError, match="no longer listed"):
        spooler.job(999)
    spooler.close()


def test_while_a_job_prints_a_drawer_kick_goes_right_behind_it() -> None:
    with never_answering_address() as (host, port):
        settings = PrinterSettings(
            kind=PrinterKind.NETWORK, host=host, port=port, connect_timeout_ms=500
        )
        spooler = spooler_for(settings)
        printing = threading.Event()

        def note(job: PrintJob) -> None:
            if job.state is JobState.PRINTING:
                printing.set()

        spooler.add_listener(note)
        first = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        assert printing.wait(5)  # and connecting for half a second
        second = spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
        spooler.submit("Drawer", KICK, kind=JobKind.DRAWER)
        assert states(spooler) == [
            ("Receipt 1", JobState.PRINTING),
            ("Drawer", JobState.QUEUED),
            ("Receipt 2", JobState.QUEUED),
        ]
        with pytest.raises(PrintJobError, match="It is printing now"):
            spooler.cancel(first.id)
        with pytest.raises(PrintJobError, match="It is waiting its turn"):
            spooler.retry(second.id)
        assert spooler.wait_idle(5)
        # The kick was tried although the receipt before it failed; the next receipt waits.
        assert states(spooler) == [
            ("Receipt 1", JobState.FAILED),
            ("Drawer", JobState.FAILED),
            ("Receipt 2", JobState.QUEUED),
        ]
        spooler.close()


def test_set_settings_moves_to_another_printer_and_failed_jobs_wait(
    printer: FakeNetworkPrinter,
) -> None:
    with refusing_address() as (_, port):
        spooler = spooler_for(replace(printer.settings(), port=port))
        job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
        assert spooler.wait_idle(5)
    spooler.set_settings(printer.settings())
    assert spooler.settings == printer.settings()
    assert spooler.job(job.id).state is JobState.FAILED  # the cashier decides
    spooler.retry(job.id)
    assert spooler.wait_idle(5)
    assert printer.wait_for(1)
    assert printer.jobs == [R1]
    assert spooler.health() == PrinterHealth(HealthState.READY)
    spooler.close()


def test_with_no_printer_set_up_a_job_fails_at_once_and_waits() -> None:
    spooler = spooler_for(PrinterSettings())
    heard = Recorder(spooler)
    assert spooler.health().state is HealthState.NOT_SET_UP
    job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    failed = spooler.job(job.id)
    assert (failed.state, failed.attempts) == (JobState.FAILED, 1)
    assert failed.error is not None
    assert not failed.error.retryable
    assert spooler.health().state is HealthState.NOT_SET_UP
    spooler.set_settings(SIMULATED)
    assert spooler.health() == PrinterHealth(HealthState.FAILED, failed.message)
    spooler.retry(job.id)
    assert spooler.wait_idle(5)
    assert spooler.simulated.jobs == [R1]
    assert heard.health[-1] == PrinterHealth(HealthState.READY)
    spooler.close()


def test_the_simulated_printer_shows_the_fault_path() -> None:
    simulated = SimulatedPrinter()
    printed: list[str] = []
    simulated.add_listener(lambda data: printed.append(threading.current_thread().name))
    spooler = spooler_for(SIMULATED, simulated=simulated)
    simulated.offline = True
    job = spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    assert spooler.job(job.id).message == (
        "The simulated printer is offline. Check it for an error light or jammed paper, "
        "switch it off and on if needed, then print again."
    )
    simulated.offline = False
    spooler.retry(job.id)
    assert spooler.wait_idle(5)
    assert simulated.jobs == [R1]
    assert printed == ["receipt-printer"]
    spooler.close()


def test_a_listener_that_fails_does_not_stop_the_printing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spooler = spooler_for(SIMULATED)

    def broken(job: PrintJob) -> None:
        raise RuntimeError("screen gone")

    spooler.add_listener(broken)
    spooler.add_health_listener(lambda health: None)
    spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    assert spooler.simulated.jobs == [R1]
    assert "listener failed" in caplog.text
    spooler.remove_listener(broken)
    spooler.remove_listener(broken)  # twice is harmless
    spooler.close()


def test_close_waits_for_the_worker_and_keeps_the_jobs_listed() -> None:
    simulated = SimulatedPrinter()
    simulated.paper_out = True
    spooler = spooler_for(SIMULATED, simulated=simulated)
    spooler.start()
    spooler.submit("Receipt 1", R1, kind=JobKind.RECEIPT)
    spooler.submit("Receipt 2", R2, kind=JobKind.RECEIPT)
    assert spooler.wait_idle(5)
    spooler.close()
    assert not any(t.name == "receipt-printer" for t in threading.enumerate())
    assert states(spooler) == [("Receipt 1", JobState.FAILED), ("Receipt 2", JobState.QUEUED)]
    assert spooler.wait_idle(0)
