"""`send_job` and `check_printer` to a network printer: the fake printer on 127.0.0.1 and
the two addresses with nothing behind them, through real sockets."""

from __future__ import annotations

import time

import pytest

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers import check_printer, send_job
from devices.printers.errors import (
    CoverOpenError,
    PaperOutError,
    PrinterDisconnectedError,
    PrinterNotTakingDataError,
    PrinterOfflineError,
    PrinterRefusedError,
    PrinterStatusError,
    PrinterUnconfirmedError,
    PrinterUnreachableError,
)
from devices.printers.status import STATUS_QUERY, PrinterStatus
from tests.devices.fake_printer import (
    FakeNetworkPrinter,
    never_answering_address,
    refusing_address,
)

RECEIPT = (
    b"\x1b@" + b"".join(b"Guitar strings, 10-46      $7.99\n" for _ in range(60)) + b"\x1dV\x00"
)


def raster(size: int) -> bytes:
    """A large job (a logo's raster) without a byte that could be read as DLE."""
    return bytes(range(0x20, 0x80)) * (size // 96 + 1)


def at(host: str, port: int, **changes: int) -> PrinterSettings:
    return PrinterSettings(kind=PrinterKind.NETWORK, host=host, port=port, **changes)  # type: ignore[arg-type]


def test_the_job_arrives_byte_exact_between_two_status_checks() -> None:
    with FakeNetworkPrinter() as printer:
        send_job(printer.settings(), RECEIPT)
        assert printer.wait_for(1)
        assert printer.received == [STATUS_QUERY + RECEIPT + STATUS_QUERY]
        assert printer.jobs == [RECEIPT]


def test_without_the_status_check_only_the_job_is_sent() -> None:
    with FakeNetworkPrinter() as printer:
        send_job(printer.settings(status_check=False), RECEIPT)
        send_job(printer.settings(status_check=False), b"second")
        assert printer.wait_for(2)
        assert printer.received == [RECEIPT, b"second"]


def test_a_large_job_arrives_whole() -> None:
    job = raster(1_000_000)
    with FakeNetworkPrinter() as printer:
        send_job(printer.settings(), job)
        assert printer.wait_for(1)
        assert printer.jobs == [job]


def test_a_printer_out_of_paper_gets_nothing_of_the_receipt() -> None:
    with FakeNetworkPrinter(paper_out=True) as printer:
        with pytest.raises(PaperOutError) as caught:
            send_job(printer.settings(), RECEIPT)
        assert caught.value.message == (
            f"The printer at 127.0.0.1:{printer.port} is out of paper. "
            "Load a new roll, close the cover and print again."
        )
        assert printer.wait_for(1)
        assert printer.received == [STATUS_QUERY]


def test_a_cover_open_and_an_offline_printer_are_told_apart() -> None:
    with FakeNetworkPrinter(cover_open=True) as printer:
        with pytest.raises(CoverOpenError, match=r"has its cover open\. Close the cover"):
            send_job(printer.settings(), RECEIPT)
        printer.cover_open, printer.offline = False, True
        with pytest.raises(PrinterOfflineError, match=r"is offline\. Check it for an error light"):
            send_job(printer.settings(), RECEIPT)
        printer.offline = False
        send_job(printer.settings(), RECEIPT)
        assert printer.wait_for(3)
        assert printer.jobs == [RECEIPT]


def test_connection_refused_is_reported_at_once() -> None:
    with refusing_address() as (host, port):
        began = time.monotonic()
        with pytest.raises(PrinterRefusedError) as caught:
            send_job(at(host, port), RECEIPT)
        assert time.monotonic() - began < 0.5
    assert caught.value.message == (
        f"The printer at 127.0.0.1:{port} is not answering (connection refused). "
        "Check that it is switched on and connected to the network."
    )
    assert caught.value.retryable
    assert caught.value.transient


def test_an_address_that_never_answers_is_reported_within_the_connect_timeout() -> None:
    with never_answering_address() as (host, port):
        began = time.monotonic()
        with pytest.raises(PrinterUnreachableError) as caught:
            send_job(at(host, port), RECEIPT)  # the default 2 s connect timeout
        took = time.monotonic() - began
    assert 1.9 < took < 3.0
    assert caught.value.message == (
        f"The printer at 127.0.0.1:{port} cannot be reached (no answer in 2 seconds). Check "
        "that it is switched on, its network cable is plugged in and its address in Devices "
        "is right."
    )
    assert not caught.value.transient


def test_a_printer_that_takes_the_connection_but_never_reads_is_not_taking_data() -> None:
    with FakeNetworkPrinter(never_read=True) as printer:
        began = time.monotonic()
        with pytest.raises(PrinterNotTakingDataError) as caught:
            send_job(printer.settings(), RECEIPT)
        assert time.monotonic() - began < 1.5
        assert caught.value.message.startswith(
            f"The printer at 127.0.0.1:{printer.port} is not taking data (no reply in 0.5 seconds)."
        )
        # Without the status check it is the write that times out: the job is larger than
        # what the two kernels' buffers take.
        with pytest.raises(PrinterNotTakingDataError, match=r"nothing taken in 0\.5 seconds"):
            send_job(printer.settings(status_check=False), raster(16_000_000))


def test_a_printer_that_takes_the_job_but_does_not_confirm_it() -> None:
    with FakeNetworkPrinter(status_replies=3) as printer:
        with pytest.raises(PrinterUnconfirmedError) as caught:
            send_job(printer.settings(), RECEIPT)
        assert printer.wait_for(1)
        assert printer.jobs == [RECEIPT]
    assert "took the receipt but did not confirm it printed (no reply in 0.5 seconds)" in (
        caught.value.message
    )


def test_a_printer_that_cannot_report_its_status_prints_with_the_check_off() -> None:
    with FakeNetworkPrinter(status_replies=0) as printer:
        with pytest.raises(PrinterNotTakingDataError):
            send_job(printer.settings(), RECEIPT)
        send_job(printer.settings(status_check=False), RECEIPT)
        assert printer.wait_for(2)
        assert printer.jobs == [RECEIPT]


def test_a_reply_that_is_not_a_status_is_reported_with_what_to_do() -> None:
    with (
        FakeNetworkPrinter(garbled=True) as printer,
        pytest.raises(PrinterStatusError, match="turn off “Ask the printer for its status”"),
    ):
        send_job(printer.settings(), RECEIPT)


def test_a_connection_closed_mid_receipt() -> None:
    with FakeNetworkPrinter(close_after=4096) as printer:
        with pytest.raises(PrinterDisconnectedError) as caught:
            send_job(printer.settings(), raster(500_000))
        assert printer.wait_for(1)
        assert len(printer.received[0]) == 4096
    assert caught.value.message == (
        f"The printer at 127.0.0.1:{printer.port} stopped mid-receipt (the connection was "
        "closed). Check the printer and its cable, then print the whole receipt again."
    )


def test_a_printer_back_on_the_same_port_prints_again() -> None:
    with FakeNetworkPrinter() as printer:
        port = printer.port
    with pytest.raises(PrinterRefusedError):
        send_job(at("127.0.0.1", port, connect_timeout_ms=300), RECEIPT)
    with FakeNetworkPrinter(port=port) as printer:
        send_job(printer.settings(), RECEIPT)
        assert printer.wait_for(1)
        assert printer.jobs == [RECEIPT]


def test_check_printer_reports_the_status_without_printing() -> None:
    with FakeNetworkPrinter(paper_out=True) as printer:
        status = check_printer(printer.settings())
        assert status.paper_out
        assert not status.ready
        printer.paper_out = False
        assert check_printer(printer.settings()) == PrinterStatus()
        assert check_printer(printer.settings(status_check=False)) == PrinterStatus(reported=False)
        assert printer.wait_for(3)
        assert printer.received == [STATUS_QUERY, STATUS_QUERY, b""]
        assert printer.jobs == []


def test_check_printer_raises_what_send_job_would() -> None:
    with refusing_address() as (host, port), pytest.raises(PrinterRefusedError):
        check_printer(at(host, port))
    with FakeNetworkPrinter(never_read=True) as printer, pytest.raises(PrinterNotTakingDataError):
        check_printer(printer.settings())
