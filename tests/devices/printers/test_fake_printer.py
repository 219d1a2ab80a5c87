"""The fake network printer itself: other tests (the desktop's too) rely on it."""

from __future__ import annotations

import socket

import pytest

from devices.printers.status import STATUS_QUERY, parse_status
from tests.devices.fake_printer import (
    FakeNetworkPrinter,
    never_answering_address,
    refusing_address,
    status_requests,
    strip_status_requests,
)


def test_status_requests_are_found_even_when_split_across_reads() -> None:
    assert status_requests(b"abc\x10\x04\x01def\x10\x04\x04") == ([1, 4], b"")
    assert status_requests(b"job\x10") == ([], b"\x10")
    assert status_requests(b"job\x10\x04") == ([], b"\x10\x04")
    assert status_requests(b"\x10\x04" + b"\x02") == ([2], b"")
    assert status_requests(b"\x10\x04\x09\x10\x04\x03") == ([3], b"")
    assert strip_status_requests(STATUS_QUERY + b"job" + STATUS_QUERY) == b"job"


def test_it_answers_each_status_request_and_records_every_byte() -> None:
    with FakeNetworkPrinter(cover_open=True) as printer:
        with socket.create_connection((printer.host, printer.port), timeout=2) as client:
            client.sendall(STATUS_QUERY[:4])
            client.sendall(STATUS_QUERY[4:] + b"hello")
            reply = b""
            while len(reply) < 3:
                reply += client.recv(3)
            assert parse_status(reply).cover_open
        assert printer.wait_for(1)
        assert printer.received == [STATUS_QUERY + b"hello"]
        assert printer.jobs == [b"hello"]
        assert printer.wait_for(lambda received: received[0].endswith(b"hello"), timeout=0)
        assert not printer.wait_for(2, timeout=0.01)


def test_the_two_addresses_with_nothing_behind_them() -> None:
    with refusing_address() as address, pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2)
    with never_answering_address() as address, pytest.raises(TimeoutError):
        socket.create_connection(address, timeout=0.2)
