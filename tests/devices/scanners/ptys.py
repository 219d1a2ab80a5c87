"""Pseudo-terminals standing in for serial devices, and a thread-safe record of what a driver
reported. Shared by the scanner and pole display tests."""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

WAIT_S = 5.0  # generous: a loaded CI machine may take a while to schedule the driver's thread

T = TypeVar("T")


class Pty:
    """A serial cable with the test at one end: the driver opens `path` (the slave side), the
    test writes and reads the master side. Closing the master is pulling the plug."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)  # the driver opens it by name, like a real port
        # Kept open: a pty whose slave side nobody holds reads as hung up on the master side.
        self.closed = False

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def read_exactly(self, size: int, timeout: float = WAIT_S) -> bytes:
        """`size` bytes the driver wrote, waiting for them up to `timeout` seconds."""
        data = bytearray()
        deadline = time.monotonic() + timeout
        while len(data) < size:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(0.0, left))
            if not ready:
                raise AssertionError(f"got {bytes(data)!r}, waited for {size} bytes")
            data += os.read(self.master, size - len(data))
        return bytes(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.master)
            os.close(self._slave)


def plug(link: Path, pty: Pty) -> None:
    """Point `link` (a /dev/serial/by-id style name) at `pty`, as udev does on plugging in."""
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(pty.path)


def unplug(link: Path, pty: Pty) -> None:
    """The cable is pulled: the device goes (reads and writes fail) and so does its name."""
    pty.close()
    link.unlink()


class Record(Generic[T]):
    """What a driver's thread reported, waited on with a timeout rather than slept for."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = threading.Condition()

    def __call__(self, item: T) -> None:
        with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    def wait(self, predicate: Callable[[list[T]], bool], timeout: float = WAIT_S) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.items), timeout):
                raise AssertionError(f"not reported within {timeout} s: {self.items!r}")

    def snapshot(self) -> list[T]:
        with self._changed:
            return list(self.items)


class Connectable(Protocol):
    connected: bool


def connected(states: Sequence[Connectable]) -> bool:
    """The driver's latest report says it has its device."""
    return bool(states) and states[-1].connected


def disconnected(states: Sequence[Connectable]) -> bool:
    return bool(states) and not states[-1].connected
