"""A fake network receipt printer for tests: a real TCP listener on 127.0.0.1 that records
what it is sent and answers status requests like a printer on port 9100.

    with FakeNetworkPrinter() as printer:
        send_job(printer.settings(), job)
        assert printer.wait_for(1)
        assert printer.jobs == [job]

Modes, set when it is made (the status flags can also be changed while it runs):

- `paper_out`, `cover_open`, `offline`: its answers to DLE EOT say so (it still reads what it
  is sent, as a real printer buffers it);
- `never_read`: accepts the connection and never reads a byte, nor answers; its receive buffer
  is made as small as the kernel allows, so a job of a few megabytes fills the sender's buffer
  too and `sendall` blocks;
- `close_after=N`: reads N bytes of each connection, then resets it (a printer switched off
  mid-receipt);
- `status_replies=N`: answers only the first N status requests of each connection (3 answers
  one `STATUS_QUERY`: it confirms before the job, then falls silent); 0 for a printer that
  cannot report its status;
- `garbled`: answers status requests with bytes that are not status bytes.

Two addresses with nothing behind them: `refusing_address()` (a port bound but not listening:
the kernel answers a connection with a reset, "connection refused"), and
`never_answering_address()` (a connection that is never answered, see there).

Restarting at the same port (`FakeNetworkPrinter(port=old.port)`) brings "the printer" back.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from core.hardware.settings import PrinterKind, PrinterSettings
from devices.printers.status import PrinterStatus, status_reply

__all__ = [
    "FakeNetworkPrinter",
    "never_answering_address",
    "refusing_address",
    "status_requests",
    "strip_status_requests",
]

HOST = "127.0.0.1"
_DLE_EOT = b"\x10\x04"


class FakeNetworkPrinter:
    def __init__(
        self,
        *,
        port: int = 0,
        paper_out: bool = False,
        cover_open: bool = False,
        offline: bool = False,
        never_read: bool = False,
        close_after: int | None = None,
        status_replies: int | None = None,
        garbled: bool = False,
    ) -> None:
        self.host = HOST
        self.port = port
        self.paper_out = paper_out
        self.cover_open = cover_open
        self.offline = offline
        self.never_read = never_read
        self.close_after = close_after
        self.status_replies = status_replies
        self.garbled = garbled
        self._cond = threading.Condition()
        self._received: list[bytearray] = []
        self._ended = 0  # connections the sender has closed
        self._connections: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._stopping = False

    # -- running it --------------------------------------------------------------------------

    def start(self) -> FakeNetworkPrinter:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Restarting at the port of a fake just stopped must not wait out TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.never_read:
            # Set before listen() so accepted connections get it (the kernel rounds it up).
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        listener.bind((self.host, self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, "fake-printer-accept")
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            sockets = [s for s in (self._listener, *self._connections) if s is not None]
        for sock in sockets:
            # shutdown() wakes a thread blocked in accept() or recv() on it; close() alone
            # does not on Linux.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> FakeNetworkPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self, **changes: Any) -> PrinterSettings:
        """Settings for this printer, with timeouts short enough for a test."""
        base = PrinterSettings(
            kind=PrinterKind.NETWORK,
            host=self.host,
            port=self.port,
            connect_timeout_ms=300,
            write_timeout_ms=500,
        )
        return replace(base, **changes)

    # -- what it got -------------------------------------------------------------------------

    @property
    def received(self) -> list[bytes]:
        """Every byte received, one entry per connection in the order they came."""
        with self._cond:
            return [bytes(data) for data in self._received]

    @property
    def jobs(self) -> list[bytes]:
        """What each finished connection sent without its status requests: the jobs. A
        connection that carried nothing else (a status check, a job refused for want of
        paper) is left out."""
        with self._cond:
            jobs = [strip_status_requests(bytes(d)) for d in self._received[: self._ended]]
        return [job for job in jobs if job]

    def wait_for(self, what: int | Callable[[list[bytes]], bool], timeout: float = 5.0) -> bool:
        """Wait until `what` connections have ended (`what` jobs were sent), or until
        `what(received)` is true; False if `timeout` passed first."""
        with self._cond:
            if isinstance(what, int):
                return self._cond.wait_for(lambda: self._ended >= what, timeout)
            return self._cond.wait_for(lambda: what(self.received), timeout)

    def status(self) -> PrinterStatus:
        return PrinterStatus(
            online=not self.offline, paper_out=self.paper_out, cover_open=self.cover_open
        )

    # -- inside ------------------------------------------------------------------------------

    def _answer(self, requests: list[int]) -> bytes:
        if self.garbled:
            return bytes(len(requests))
        status = self.status()
        return b"".join(status_reply(n, status) for n in requests)

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._cond:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # stopped
            with self._cond:
                if self._stopping:
                    connection.close()
                    return
                self._connections.append(connection)
                self._received.append(bytearray())
                index = len(self._received) - 1
            self._spawn(self._serve, f"fake-printer-{index}", connection, index)

    def _serve(self, connection: socket.socket, index: int) -> None:
        if self.never_read:
            return  # holds the connection open until stop()
        pending = b""  # the start of a status request split across two reads
        count = 0
        answered = 0
        while True:
            limit = 65536 if self.close_after is None else self.close_after - count
            try:
                chunk = connection.recv(min(65536, limit))
            except OSError:
                chunk = b""
            if not chunk:
                break
            count += len(chunk)
            with self._cond:
                self._received[index] += chunk
                self._cond.notify_all()
            requests, pending = status_requests(pending + chunk)
            if self.status_replies is not None:
                requests = requests[: max(0, self.status_replies - answered)]
            answered += len(requests)
            if requests:
                with contextlib.suppress(OSError):
                    connection.sendall(self._answer(requests))
            if self.close_after is not None and count >= self.close_after:
                # Linger 0: close with a reset, as a printer losing power would.
                linger = struct.pack("ii", 1, 0)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                with self._cond:
                    self._connections.remove(connection)
                connection.close()
                break
        with self._cond:
            self._ended += 1
            self._cond.notify_all()


def status_requests(data: bytes) -> tuple[list[int], bytes]:
    """The n of each DLE EOT n in `data`, and the tail that may begin the next one."""
    found: list[int] = []
    at = data.find(_DLE_EOT)
    while at != -1 and at + 2 < len(data):
        if data[at + 2] in (1, 2, 3, 4):
            found.append(data[at + 2])
            at = data.find(_DLE_EOT, at + 3)
        else:
            at = data.find(_DLE_EOT, at + 1)
    if data.endswith(_DLE_EOT):
        return found, _DLE_EOT
    return found, b"\x10" if data.endswith(b"\x10") else b""


def strip_status_requests(data: bytes) -> bytes:
    """`data` without its DLE EOT n requests (fine for test jobs, which contain none)."""
    for n in (1, 2, 3, 4):
        data = data.replace(_DLE_EOT + bytes((n,)), b"")
    return data


@contextlib.contextmanager
def refusing_address() -> Iterator[tuple[str, int]]:
    """A port where nothing listens: bound (so nothing else takes it) but not listening, so
    the kernel refuses every connection at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))
        yield HOST, sock.getsockname()[1]
    finally:
        sock.close()


@contextlib.contextmanager
def never_answering_address(probe_timeout: float = 0.25) -> Iterator[tuple[str, int]]:
    """An address whose connections are never answered, like a printer that is off: a
    listener that never accepts, with its accept queue full.

    Linux drops a SYN arriving at a listener whose accept queue is full (it does not reset),
    so the connecting side retransmits until its own timeout: exactly what an unplugged
    printer looks like, with no firewall rule and no route to fake. With listen(0) one
    connection fills the queue; to be sure on any kernel this fills it until a connection
    really goes unanswered for `probe_timeout` (a loopback connection that can complete does
    so within the connect call).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fillers: list[socket.socket] = []
    try:
        listener.bind((HOST, 0))
        listener.listen(0)
        address = listener.getsockname()
        for _ in range(64):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.settimeout(probe_timeout)
            try:
                probe.connect(address)
            except TimeoutError:
                probe.close()
                break
            fillers.append(probe)
        else:
            raise RuntimeError("this system answers every connection; no silent address")
        yield address
    finally:
        for sock in fillers:
            sock.close()
        listener.close()
