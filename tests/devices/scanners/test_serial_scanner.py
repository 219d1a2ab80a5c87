"""A serial scanner over a pseudo-terminal: codes in order whatever the terminator or however
the bytes are cut, and a scanner unplugged and plugged back in (a by-id symlink that goes
away with its device and comes back pointing at a new one)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from serial import SerialException

from core.hardware.settings import SerialScannerSettings, Terminator
from devices.scanners.serial_scanner import (
    MAX_CODE_LENGTH,
    CodeSplitter,
    ScannerState,
    SerialScanner,
    clean,
)
from tests.devices.scanners.ptys import (
    Pty,
    Record,
    connected,
    disconnected,
    plug,
    unplug,
)

RETRY_S = 0.05  # the scanner's wait between attempts to reopen; the app's is 0.5 s

Make = Callable[..., tuple[SerialScanner, Record[str], Record[ScannerState]]]


@pytest.fixture
def make() -> Iterator[Make]:
    scanners: list[SerialScanner] = []

    def maker(
        port: str, terminator: Terminator = Terminator.CR, **kwargs: object
    ) -> tuple[SerialScanner, Record[str], Record[ScannerState]]:
        codes: Record[str] = Record()
        states: Record[ScannerState] = Record()
        settings = SerialScannerSettings(enabled=True, port=port, terminator=terminator)
        scanner = SerialScanner(settings, codes, states, retry_s=RETRY_S, **kwargs)  # type: ignore[arg-type]
        scanners.append(scanner)
        scanner.start()
        return scanner, codes, states

    yield maker
    for scanner in scanners:
        scanner.stop()


@pytest.mark.parametrize(
    "terminator", [Terminator.CR, Terminator.LF, Terminator.CRLF, Terminator.TAB]
)
def test_codes_arrive_in_order_with_each_terminator(
    make: Make, ptys: Callable[[], Pty], terminator: Terminator
) -> None:
    pty = ptys()
    _, codes, states = make(pty.path, terminator)
    states.wait(connected)
    end = terminator.chars.encode()
    pty.write(b"4006381333931" + end + b"ABC-42" + end)
    pty.write(b"9780306406157" + end)
    codes.wait(lambda seen: len(seen) == 3)
    assert codes.snapshot() == ["4006381333931", "ABC-42", "9780306406157"]
    assert states.snapshot() == [ScannerState(True, f"The scanner on {pty.path} is ready.")]


def test_a_code_split_across_writes_is_joined(make: Make, ptys: Callable[[], Pty]) -> None:
    pty = ptys()
    _, codes, states = make(pty.path, Terminator.CRLF)
    states.wait(connected)
    for part in (b"400", b"6381", b"333931\r", b"\n0042", b"\r\n"):
        pty.write(part)
    codes.wait(lambda seen: len(seen) == 2)
    assert codes.snapshot() == ["4006381333931", "0042"]


def test_noise_blank_lines_and_overlong_codes_are_not_codes(
    make: Make, ptys: Callable[[], Pty]
) -> None:
    pty = ptys()
    _, codes, states = make(pty.path)
    states.wait(connected)
    pty.write(b"\r \r\x02 12345 \x03\r" + b"9" * (MAX_CODE_LENGTH + 1) + b"\r" + b"777\r")
    codes.wait(lambda seen: seen[-1:] == ["777"])
    assert codes.snapshot() == ["12345", "777"]
    warning = states.snapshot()[-1]
    assert warning.connected
    assert f"A code of {MAX_CODE_LENGTH + 1} characters" in warning.message


def test_a_scanner_sending_no_terminator_is_reported_not_kept_forever(
    make: Make, ptys: Callable[[], Pty]
) -> None:
    pty = ptys()
    _, codes, states = make(pty.path, Terminator.TAB)
    states.wait(connected)
    pty.write(b"0123456789\r" * 110)  # a scanner set to CR, read as if it sent Tab
    states.wait(lambda seen: "without ending a code" in seen[-1].message)
    assert "ends each code with Tab" in states.snapshot()[-1].message
    pty.write(b"\t0042\t")
    codes.wait(lambda seen: seen[-1:] == ["0042"])


def test_unplugged_and_plugged_back_in(make: Make, ptys: Callable[[], Pty], tmp_path: Path) -> None:
    link = tmp_path / "serial" / "by-id" / "usb-Datalogic_Gryphon-if00"
    first = ptys()
    plug(link, first)
    _, codes, states = make(str(link))
    states.wait(connected)
    first.write(b"111\r")
    codes.wait(lambda seen: seen == ["111"])

    first.write(b"22")  # the plug is pulled in the middle of a code
    unplug(link, first)
    states.wait(disconnected)
    assert states.snapshot()[-1].message == (
        f"The scanner on {link} was unplugged or turned off; waiting for it to come back."
    )

    second = ptys()
    plug(link, second)
    states.wait(connected)
    second.write(b"333\r")
    codes.wait(lambda seen: seen[-1:] == ["333"])
    assert codes.snapshot() == ["111", "333"], "the half code was dropped"
    assert [state.connected for state in states.snapshot()] == [True, False, True]


def test_a_scanner_not_there_at_start_is_waited_for(
    make: Make, ptys: Callable[[], Pty], tmp_path: Path
) -> None:
    link = tmp_path / "serial" / "by-id" / "usb-Honeywell_1900-if00"
    _, codes, states = make(str(link))
    states.wait(disconnected)
    assert states.snapshot()[-1].message == (
        f"The scanner on {link} is not plugged in or turned on; waiting for it."
    )
    pty = ptys()
    plug(link, pty)
    states.wait(connected)
    pty.write(b"0042\r")
    codes.wait(lambda seen: seen == ["0042"])
    assert len(states.snapshot()) == 2, "one report per change, not one per attempt"


def test_stop_ends_the_thread_promptly(make: Make, ptys: Callable[[], Pty], tmp_path: Path) -> None:
    pty = ptys()
    reading, _, states = make(pty.path)
    waiting, _, waiting_states = make(str(tmp_path / "nothing-here"))
    states.wait(connected)
    waiting_states.wait(disconnected)
    for scanner in (reading, waiting):
        started = time.monotonic()
        scanner.stop()
        assert time.monotonic() - started < 1.0
        assert not scanner.running


class FlakyPort:
    """A port that hands out its chunks, then fails like an unplugged device (or, at the end,
    waits quietly for more)."""

    def __init__(self, chunks: list[bytes], fail: bool) -> None:
        self.chunks = chunks
        self.fail = fail
        self.idle = threading.Event()

    @property
    def in_waiting(self) -> int:
        return len(self.chunks[0]) if self.chunks else 0

    def read(self, size: int = 1) -> bytes:
        if self.chunks:
            return self.chunks.pop(0)
        if self.fail:
            raise SerialException("read failed: [Errno 5] Input/output error")
        self.idle.wait(0.01)  # a read's timeout: nothing came
        return b""

    def write(self, data: bytes) -> int:
        return len(data)

    def close(self) -> None:
        pass


def test_a_code_cut_by_a_disconnect_is_never_delivered_in_part(make: Make) -> None:
    ports = [FlakyPort([b"11", b"1\r", b"123"], fail=True), FlakyPort([b"456\r"], fail=False)]
    _, codes, states = make("fake", opener=lambda _port, _baud: ports.pop(0))
    codes.wait(lambda seen: len(seen) == 2)
    assert codes.snapshot() == ["111", "456"]
    assert [state.connected for state in states.snapshot()] == [True, False, True]


def test_a_receiver_that_fails_does_not_stop_the_scanner() -> None:
    codes: Record[str] = Record()

    def fussy(code: str) -> None:
        codes(code)
        if code == "bad1":
            raise RuntimeError("the receiver broke")

    port = FlakyPort([b"bad1\rgood\r"], fail=False)
    settings = SerialScannerSettings(enabled=True, port="fake")
    scanner = SerialScanner(settings, fussy, Record(), opener=lambda _port, _baud: port)
    scanner.start()
    try:
        codes.wait(lambda seen: seen == ["bad1", "good"])
    finally:
        scanner.stop()


# -- the splitting on its own ---------------------------------------------------------------


@pytest.mark.parametrize("terminator", list(Terminator))
def test_the_splitter_joins_any_cut_of_the_bytes(terminator: Terminator) -> None:
    end = terminator.chars.encode()
    stream = b"4006381333931" + end + b"ABC-42" + end + b"77"
    for cut in range(len(stream) + 1):
        splitter = CodeSplitter(terminator)
        got = splitter.feed(stream[:cut]) + splitter.feed(stream[cut:])
        assert got == ["4006381333931", "ABC-42"]
        assert splitter.pending == 2
    one_by_one = CodeSplitter(terminator)
    got = [code for byte in stream for code in one_by_one.feed(bytes([byte]))]
    assert got == ["4006381333931", "ABC-42"]


def test_clean_keeps_the_code_and_drops_the_noise() -> None:
    assert clean(b"\x02  AB 12\x00 \x03") == "AB 12"
    assert clean(b"Caf\xe9") == "Café", "Latin-1, never an error"
    assert clean(b"\x85\x9b") == "", "C1 controls are not characters of a code"
