"""The background runner: its own thread, a timer, nudges, backoff, and a clean stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from sync.client import SyncRunner, SyncStatus
from tests.sync.client.proxy import FaultyProxy, wait_until
from tests.sync.client.support import (
    MemoryKeyring,
    paired_register,
    queue_events,
    register_at,
    store_on,
)
from tests.sync.fixtures import LiveServer


class Listener:
    def __init__(self) -> None:
        self.statuses: list[SyncStatus] = []
        self.threads: set[str] = set()
        self.lock = threading.Lock()

    def __call__(self, status: SyncStatus) -> None:
        with self.lock:
            self.statuses.append(status)
            self.threads.add(threading.current_thread().name)

    @property
    def starts(self) -> int:
        with self.lock:
            return sum(1 for status in self.statuses if status.running)

    @property
    def ends(self) -> int:
        with self.lock:
            return sum(1 for status in self.statuses if not status.running)


def test_the_runner_syncs_on_its_own_thread_and_after_a_nudge(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    listener = Listener()
    runner = SyncRunner(register.engine, interval_s=3600, on_status=listener)
    try:
        runner.start()
        wait_until(lambda: listener.ends >= 1)  # a first cycle at start
        assert listener.threads == {"lunarfront-sync"}
        assert listener.statuses[0].running is True
        queue_events(register, 4)  # a sale completed
        runner.nudge()
        wait_until(lambda: register.engine.status().waiting == 0)
        wait_until(lambda: listener.ends >= 2)
        assert listener.statuses[-1].waiting == 0
        assert listener.statuses[-1].last_error is None
    finally:
        runner.stop()
        register.close()
    assert not runner.running


def test_the_timer_respects_the_backoff_but_a_nudge_tries_at_once(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    proxy = FaultyProxy(live_server.port)
    register = paired_register(live_server, store_on(live_server), tmp_path / "till", url=proxy.url)
    proxy.refuse()
    listener = Listener()
    runner = SyncRunner(register.engine, interval_s=0.05, on_status=listener)
    try:
        runner.start()
        wait_until(lambda: listener.ends >= 1)
        assert listener.statuses[-1].online is False
        time.sleep(0.6)  # twelve timer ticks, all inside the 2 s backoff
        assert listener.starts == 1
        proxy.accept()
        queue_events(register, 2)
        runner.nudge()
        wait_until(lambda: listener.ends >= 2)
        assert listener.statuses[-1].online is True
        assert listener.statuses[-1].waiting == 0
    finally:
        runner.stop()
        register.close()
        proxy.close()


def test_a_failing_listener_does_not_stop_sync(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    calls: list[SyncStatus] = []

    def broken(status: SyncStatus) -> None:
        calls.append(status)
        raise RuntimeError("the status bar is gone")

    runner = SyncRunner(register.engine, interval_s=3600, on_status=broken)
    try:
        runner.start()
        wait_until(lambda: len(calls) >= 2)
        queue_events(register, 1)
        runner.nudge()
        wait_until(lambda: register.engine.status().waiting == 0)
        assert runner.running
    finally:
        runner.stop()
        register.close()


def test_an_unpaired_register_runs_quietly_and_stops_at_once(tmp_path: Path) -> None:
    register = register_at(tmp_path / "till")
    listener = Listener()
    runner = SyncRunner(register.engine, interval_s=0.01, on_status=listener)
    try:
        runner.start()
        runner.start()  # a second start is harmless
        wait_until(lambda: listener.ends >= 3)
        assert all(not status.paired for status in listener.statuses)
        assert all(status.last_error is None for status in listener.statuses)
        began = time.monotonic()
        runner.stop(timeout=5)
        assert time.monotonic() - began < 1
        assert not runner.running
    finally:
        register.close()


def test_the_interval_must_be_positive(tmp_path: Path) -> None:
    register = register_at(tmp_path / "till")
    try:
        with pytest.raises(ValueError, match="positive"):
            SyncRunner(register.engine, interval_s=0)
    finally:
        register.close()
