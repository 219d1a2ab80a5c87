"""DLE EOT status: the requests, and every possible reply byte read as Epson defines it."""

from __future__ import annotations

import itertools

import pytest

from devices.printers.status import (
    STATUS_QUERY,
    PrinterStatus,
    StatusReplyError,
    StatusRequest,
    is_status_byte,
    parse_status,
    status_reply,
)

OK = 0x12  # bits 1 and 4 on: a status byte reporting nothing wrong


def test_the_query_asks_printer_offline_cause_and_paper_in_that_order() -> None:
    assert StatusRequest.PRINTER.command == b"\x10\x04\x01"
    assert StatusRequest.OFFLINE_CAUSE.command == b"\x10\x04\x02"
    assert StatusRequest.PAPER.command == b"\x10\x04\x04"
    assert STATUS_QUERY == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


@pytest.mark.parametrize("value", range(256))
def test_a_status_byte_has_bits_1_and_4_on_and_0_and_7_off(value: int) -> None:
    expected = bool(value & 0x02) and bool(value & 0x10) and not value & 0x01 and not value & 0x80
    assert is_status_byte(value) is expected


def test_a_printer_with_nothing_to_report_is_ready() -> None:
    status = parse_status(bytes((OK, OK, OK)))
    assert status == PrinterStatus()
    assert status.ready
    assert status.reported


@pytest.mark.parametrize("value", [v for v in range(256) if is_status_byte(v)])
def test_every_printer_status_byte(value: int) -> None:
    status = parse_status(bytes((value, OK, OK)))
    assert status.online is not bool(value & 0x08)
    assert status.drawer_open is bool(value & 0x04)
    # Bits 5 and 6 are model-specific (waiting for recovery, feed button): ignored.
    assert (status.cover_open, status.paper_out, status.paper_near_end, status.error) == (
        False,
        False,
        False,
        False,
    )


@pytest.mark.parametrize("value", [v for v in range(256) if is_status_byte(v)])
def test_every_offline_cause_byte(value: int) -> None:
    status = parse_status(bytes((OK, value, OK)))
    assert status.cover_open is bool(value & 0x04)
    assert status.paper_out is bool(value & 0x20)
    assert status.error is bool(value & 0x40)
    # Bit 3 (paper fed by the button) is not a fault.
    assert status.online
    assert status.ready is not (value & 0x64)


@pytest.mark.parametrize("value", [v for v in range(256) if is_status_byte(v)])
def test_every_paper_sensor_byte(value: int) -> None:
    status = parse_status(bytes((OK, OK, value)))
    assert status.paper_near_end is bool(value & 0x0C)
    assert status.paper_out is bool(value & 0x60)
    assert status.ready is not (value & 0x60)


def test_the_values_epson_documents() -> None:
    assert parse_status(bytes((0x16, OK, OK))).drawer_open
    assert not parse_status(bytes((0x1A, OK, OK))).online
    assert parse_status(bytes((0x1A, 0x16, OK))).cover_open
    assert parse_status(bytes((0x1A, 0x32, 0x7E))).paper_out
    assert parse_status(bytes((OK, OK, 0x1E))).paper_near_end
    assert parse_status(bytes((OK, OK, 0x1E))).ready


@pytest.mark.parametrize("value", [v for v in range(256) if not is_status_byte(v)])
def test_a_byte_that_is_not_a_status_byte_is_refused_in_any_position(value: int) -> None:
    for position in range(3):
        reply = bytearray((OK, OK, OK))
        reply[position] = value
        with pytest.raises(StatusReplyError):
            parse_status(bytes(reply))


@pytest.mark.parametrize("reply", [b"", b"\x12", b"\x12\x12", b"\x12\x12\x12\x12"])
def test_a_reply_of_the_wrong_length_is_refused(reply: bytes) -> None:
    with pytest.raises(StatusReplyError):
        parse_status(reply)


FLAGS = ("online", "cover_open", "paper_near_end", "paper_out", "drawer_open", "error")


@pytest.mark.parametrize("values", list(itertools.product((False, True), repeat=len(FLAGS))))
def test_what_a_printer_answers_reads_back_as_it_is(values: tuple[bool, ...]) -> None:
    status = PrinterStatus(**dict(zip(FLAGS, values, strict=True)))
    reply = b"".join(status_reply(request, status) for request in StatusRequest)
    assert all(is_status_byte(value) for value in reply)
    read = parse_status(reply)
    assert (read.cover_open, read.paper_out, read.drawer_open, read.error) == (
        status.cover_open,
        status.paper_out,
        status.drawer_open,
        status.error,
    )
    # A real printer goes offline with its cover open, out of paper or in error, and its
    # near-end sensor sees no paper when the roll is gone.
    assert read.online is (status.ready)
    assert read.paper_near_end is (status.paper_near_end or status.paper_out)
    assert read.ready is status.ready


def test_the_error_cause_request_reports_no_error_and_others_are_refused() -> None:
    assert status_reply(3, PrinterStatus(error=True)) == bytes((OK,))
    with pytest.raises(ValueError, match="not a status request"):
        status_reply(5, PrinterStatus())
