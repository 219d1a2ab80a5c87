"""`send_job` to a serial printer, played by the far end of a pseudo-terminal.

python-escpos opens its port with `serial.Serial(port=...)`, which takes a device path, not
pyserial's `loop://` URLs; a pty is a real tty device the app opens by its path.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers import check_printer, send_job
from devices.printers.errors import PaperOutError, PrinterNotTakingDataError, SerialPortError
from devices.printers.status import STATUS_QUERY, PrinterStatus, status_reply
from tests.devices.fake_printer import status_requests

RECEIPT = (
    b"\x1b@" + b"".join(b"Drum sticks 5A, pair      $12.50\n" for _ in range(40)) + b"\x1dV\x00"
)


class PtyPrinter:
    """The printer end of a pseudo-terminal: a thread reads what the app writes and answers
    status requests; `vanish_after` closes it after that many bytes, as an unplugged
    USB-serial adapter would."""

    def __init__(
        self, *, status: PrinterStatus | None = None, answer: bool = True, vanish_after: int = 0
    ) -> None:
        self.status = status or PrinterStatus()
        self.answer = answer
        self.vanish_after = vanish_after
        self.master, self._slave = os.openpty()  # the slave stays open: no hang-up between jobs
        self.path = os.ttyname(self._slave)
        self._wake_read, self._wake_write = os.pipe()
        self._cond = threading.Condition()
        self._received = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def received(self) -> bytes:
        with self._cond:
            return bytes(self._received)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self._received) >= count, timeout)

    def settings(self, **changes: object) -> PrinterSettings:
        return serial_settings(self.path, **changes)

    def close(self) -> None:
        os.write(self._wake_write, b"x")
        self._thread.join(5)
        for fd in (self._slave, self._wake_read, self._wake_write):
            os.close(fd)
        if self.master >= 0:
            os.close(self.master)

    def _serve(self) -> None:
        pending = b""
        while True:
            ready, _, _ = select.select([self.master, self._wake_read], [], [])
            if self._wake_read in ready:
                return
            chunk = os.read(self.master, 65536)
            with self._cond:
                self._received += chunk
                self._cond.notify_all()
                count = len(self._received)
            if self.vanish_after and count >= self.vanish_after:
                os.close(self.master)
                self.master = -1
                return
            requests, pending = status_requests(pending + chunk)
            if self.answer and requests:
                os.write(self.master, b"".join(status_reply(n, self.status) for n in requests))


def serial_settings(path: str, **changes: object) -> PrinterSettings:
    settings = PrinterSettings(
        kind=PrinterKind.SERIAL,
        serial_port=path,
        baudrate=115200,
        connect_timeout_ms=300,
        write_timeout_ms=300,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


@pytest.fixture
def printer() -> Iterator[PtyPrinter]:
    far_end = PtyPrinter()
    yield far_end
    far_end.close()


def test_the_job_arrives_at_the_port(printer: PtyPrinter) -> None:
    send_job(printer.settings(status_check=False), RECEIPT)
    assert printer.wait_for(len(RECEIPT))
    assert printer.received == RECEIPT


def test_the_status_is_asked_before_and_after_the_job(printer: PtyPrinter) -> None:
    send_job(printer.settings(), RECEIPT)
    expected = STATUS_QUERY + RECEIPT + STATUS_QUERY
    assert printer.wait_for(len(expected))
    assert printer.received == expected
    assert check_printer(printer.settings()) == PrinterStatus()


def test_a_printer_out_of_paper_gets_nothing() -> None:
    far_end = PtyPrinter(status=PrinterStatus(paper_out=True))
    try:
        with pytest.raises(PaperOutError, match=f"The printer on {far_end.path} is out of paper"):
            send_job(far_end.settings(), RECEIPT)
        assert far_end.received == STATUS_QUERY
    finally:
        far_end.close()


def test_a_printer_that_does_not_answer_is_not_taking_data() -> None:
    far_end = PtyPrinter(answer=False)
    try:
        with pytest.raises(PrinterNotTakingDataError, match=r"\(no reply in 0\.3 seconds\)"):
            send_job(far_end.settings(), RECEIPT)
    finally:
        far_end.close()


def test_a_port_that_is_not_there(tmp_path: Path) -> None:
    port = tmp_path / "ttyUSB0"
    with pytest.raises(SerialPortError) as caught:
        send_job(serial_settings(str(port)), RECEIPT)
    assert caught.value.message == (
        f"The printer on {port} cannot be opened (No such file or directory). Check that its "
        "cable or USB-serial adapter is plugged in and that the port in Devices is right, "
        "then print again."
    )
    assert caught.value.transient


def test_a_port_removed_between_jobs(printer: PtyPrinter, tmp_path: Path) -> None:
    link = tmp_path / "ttyUSB0"
    link.symlink_to(printer.path)
    send_job(printer.settings(serial_port=str(link), status_check=False), RECEIPT)
    link.unlink()
    with pytest.raises(SerialPortError, match="cannot be opened"):
        send_job(printer.settings(serial_port=str(link), status_check=False), RECEIPT)
    assert printer.wait_for(len(RECEIPT))
    assert printer.received == RECEIPT


def test_a_port_that_goes_away_mid_job() -> None:
    far_end = PtyPrinter(vanish_after=1024)
    try:
        with pytest.raises(SerialPortError) as caught:
            send_job(far_end.settings(status_check=False), bytes(range(32, 128)) * 20_000)
        assert caught.value.message.startswith(
            f"The printer on {far_end.path} went away mid-receipt"
        )
        assert not caught.value.transient  # sending again would print the top twice
    finally:
        far_end.close()


def test_a_port_that_goes_away_before_confirming() -> None:
    far_end = PtyPrinter(vanish_after=len(STATUS_QUERY) + len(RECEIPT))
    try:
        with pytest.raises(SerialPortError, match="went away mid-receipt"):
            send_job(far_end.settings(), RECEIPT)
    finally:
        far_end.close()
