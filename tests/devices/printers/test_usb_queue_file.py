"""`send_job` to a USB printer, the computer's print queue, a file or device path, and with no
printer set up: each failure in the words the cashier sees."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
import usb.backend.libusb1

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers import check_printer, send_job
from devices.printers.errors import (
    PrinterFileError,
    PrinterNotSetUpError,
    PrinterNotTakingDataError,
    PrintQueueMissingError,
    PrintQueueUnavailableError,
    UsbNotFoundError,
    UsbSupportMissingError,
)
from devices.printers.status import PrinterStatus

RECEIPT = b"\x1b@Capo, trigger style     $14.00\n\x1dV\x00"


def test_no_printer_set_up_is_not_worth_retrying() -> None:
    with pytest.raises(PrinterNotSetUpError) as caught:
        send_job(PrinterSettings(), RECEIPT)
    assert caught.value.message == (
        "No receipt printer is set up on this register. Choose one in Devices, "
        "or print the receipt later from the sale."
    )
    assert not caught.value.retryable
    with pytest.raises(PrinterNotSetUpError):
        check_printer(PrinterSettings())


def test_a_usb_printer_that_is_not_plugged_in() -> None:
    settings = PrinterSettings(kind=PrinterKind.USB, usb_vendor=0x04B8, usb_product=0x0E15)
    if usb.backend.libusb1.get_backend() is None:
        # This machine has no libusb: that is what the cashier is told.
        with pytest.raises(UsbSupportMissingError) as missing:
            send_job(settings, RECEIPT)
        assert missing.value.message == (
            "The USB printer 04b8:0e15 cannot be used: USB printing needs the libusb library, "
            "which is not installed. Install libusb, or connect the printer by network or "
            "through its print queue."
        )
    else:
        with pytest.raises(UsbNotFoundError) as not_found:
            send_job(settings, RECEIPT)
        assert not_found.value.message == (
            "The USB printer 04b8:0e15 is not plugged in or is switched off (no such USB "
            "device found). Check its USB cable and power, then print again."
        )


def test_a_print_queue_this_computer_cannot_use() -> None:
    settings = PrinterSettings(kind=PrinterKind.QUEUE, queue="lunarfront-no-such-queue")
    if sys.platform != "win32" and shutil.which("lp") is None:
        with pytest.raises(PrintQueueUnavailableError) as unavailable:
            send_job(settings, RECEIPT)
        assert unavailable.value.message == (
            "The print queue lunarfront-no-such-queue cannot be used: this computer cannot "
            "print to a queue (there is no lp command). Install CUPS (the lp command), or "
            "connect the printer by network or USB."
        )
    else:
        with pytest.raises(PrintQueueMissingError) as missing:
            send_job(settings, RECEIPT)
        assert missing.value.message == (
            "The print queue lunarfront-no-such-queue does not exist on this computer. "
            "Check the queue's name in Devices."
        )


def file_at(path: Path | str, **changes: int) -> PrinterSettings:
    return PrinterSettings(kind=PrinterKind.FILE, path=str(path), write_timeout_ms=300, **changes)  # type: ignore[arg-type]


def test_jobs_are_appended_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "receipts.bin"
    send_job(file_at(path), RECEIPT)
    send_job(file_at(path), b"second")
    assert path.read_bytes() == RECEIPT + b"second"
    assert check_printer(file_at(path)) == PrinterStatus(reported=False)
    assert path.read_bytes() == RECEIPT + b"second"


def test_a_path_that_cannot_be_written(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "receipts.bin"
    with pytest.raises(PrinterFileError) as caught:
        send_job(file_at(path), RECEIPT)
    assert caught.value.message == (
        f"The printer at {path} cannot be written to (No such file or directory). Check the "
        "path in Devices and that this computer's user may write to it."
    )
    with pytest.raises(PrinterFileError, match=r"cannot be written to \(Is a directory\)"):
        send_job(file_at(tmp_path), RECEIPT)


def test_a_missing_device_is_not_created_as_a_file() -> None:
    path = Path("/dev/usb/lunarfront-lp9")
    with pytest.raises(PrinterFileError, match=r"\(No such file or directory\)"):
        send_job(file_at(path), RECEIPT)
    assert not path.exists()


def test_a_device_with_nothing_behind_it(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterFileError, match=r"\(No such device or address\)"):
        send_job(file_at(fifo), RECEIPT)


def test_a_device_that_stops_taking_data(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # there, but never reads
    try:
        with pytest.raises(PrinterNotTakingDataError, match=r"nothing taken in 0\.3 seconds"):
            send_job(file_at(fifo), RECEIPT * 100_000)
    finally:
        os.close(reader)


def test_a_slow_device_that_keeps_taking_data_is_not_stuck(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    job = RECEIPT * 20_000  # ~1 MB: many times the pipe's buffer
    got = bytearray()

    def drain() -> None:
        os.set_blocking(reader, True)
        while len(got) < len(job):
            got.extend(os.read(reader, 65536))

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        send_job(file_at(fifo), job)
        thread.join(5)
        assert bytes(got) == job
    finally:
        os.close(reader)
