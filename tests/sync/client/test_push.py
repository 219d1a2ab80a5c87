"""Pushing the outbox to a real sync server, with the network and the server misbehaving."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from core.services import outbox
from db.store import DATABASE_NAME
from tests.sync.client.proxy import FaultyProxy
from tests.sync.client.support import (
    START,
    MemoryKeyring,
    device_id_of,
    paired_register,
    queue_events,
    register_at,
    server_scalar,
    store_on,
)
from tests.sync.fixtures import LiveServer


class RecordingTransport(httpx.HTTPTransport):
    """The real HTTP transport, noting each push's size; `after_push` runs after a reply."""

    def __init__(self) -> None:
        super().__init__()
        self.pushes: list[int] = []
        self.after_push: Callable[[int], None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/v1/push":
            self.pushes.append(len(json.loads(request.content)["events"]))
            if self.after_push is not None:
                response.read()
                self.after_push(len(self.pushes))
        return response


def applied(server: LiveServer) -> int:
    value = server_scalar(server, "SELECT count(*) FROM applied_event")
    assert isinstance(value, int)
    return value


def recorded(server: LiveServer) -> int:
    value = server_scalar(server, "SELECT count(*) FROM device_event")
    assert isinstance(value, int)
    return value


def last_sequence(server: LiveServer, register_device: object) -> object:
    return server_scalar(
        server, "SELECT last_sequence FROM device WHERE id = :id", id=register_device
    )


def test_push_drains_1200_events_in_batches_of_500(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    transport = RecordingTransport()
    register = paired_register(
        live_server, store_on(live_server), tmp_path / "till", transport=transport
    )
    try:
        queue_events(register, 1200)
        assert register.engine.status().waiting == 1200
        report = register.engine.sync_once()
        assert report.pushed == 1200
        assert transport.pushes == [500, 500, 200]
        assert report.status.waiting == 0
        assert report.status.last_error is None
        assert report.status.issues == 0
        assert applied(live_server) == 1200
        assert recorded(live_server) == 1200
        assert last_sequence(live_server, device_id_of(register)) == 1200
    finally:
        register.close()


def test_a_reply_lost_after_the_server_committed_is_neither_lost_nor_doubled(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    proxy = FaultyProxy(live_server.port)
    register = paired_register(live_server, store_on(live_server), tmp_path / "till", url=proxy.url)
    try:
        queue_events(register, 700)
        proxy.drop_push_replies = 1
        report = register.engine.sync_once()
        assert proxy.dropped == 1
        assert report.pushed == 0
        assert report.status.waiting == 700  # nothing forgotten without an acknowledgement
        assert report.status.online is False
        assert report.status.last_error is not None
        assert report.status.last_error.startswith("The sync server did not answer")
        assert applied(live_server) == 500  # the server did commit the first batch
        again = register.engine.sync_once()
        assert again.pushed == 700  # 500 acknowledged as duplicates, 200 applied
        assert again.status.waiting == 0
        assert again.status.last_error is None
        assert again.status.issues == 0  # a duplicate is an acknowledgement, not a problem
        assert applied(live_server) == 700
        assert recorded(live_server) == 700
    finally:
        register.close()
        proxy.close()


def test_the_network_cut_and_restored_keeps_the_queue_and_drains_it_after(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    proxy = FaultyProxy(live_server.port)
    register = paired_register(live_server, store_on(live_server), tmp_path / "till", url=proxy.url)
    try:
        proxy.refuse()
        queue_events(register, 30)
        report = register.engine.sync_once()
        assert report.status.online is False
        assert report.status.waiting == 30
        assert report.status.last_error is not None
        assert "connection refused" in report.status.last_error
        first_wait = register.engine.retry_in()
        assert first_wait is not None
        assert 1.5 <= first_wait <= 2.0
        register.engine.sync_once()
        second_wait = register.engine.retry_in()
        assert second_wait is not None
        assert 3.0 <= second_wait <= 4.0  # backing off
        queue_events(register, 5)  # still selling
        proxy.accept()
        report = register.engine.sync_once()  # called directly, it tries at once
        assert report.pushed == 35
        assert report.status.online is True
        assert report.status.waiting == 0
        assert report.status.last_error is None
        assert register.engine.retry_in() is None
        assert applied(live_server) == 35
    finally:
        register.close()
        proxy.close()


def test_the_server_restarted_in_the_middle_of_a_long_push(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    transport = RecordingTransport()
    register = paired_register(
        live_server, store_on(live_server), tmp_path / "till", transport=transport
    )
    try:
        queue_events(register, 1400)

        def stop_after_second(pushes: int) -> None:
            if pushes == 2:
                live_server.stop()

        transport.after_push = stop_after_second
        report = register.engine.sync_once()
        assert report.pushed == 1000
        assert report.status.waiting == 400
        assert report.status.online is False
        transport.after_push = None
        live_server.start()
        report = register.engine.sync_once()
        assert report.pushed == 400
        assert report.status.waiting == 0
        assert applied(live_server) == 1400
        assert recorded(live_server) == 1400
    finally:
        register.close()


def test_two_app_instances_on_one_data_folder_push_at_once_without_doubling(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    first = paired_register(live_server, store_on(live_server), tmp_path / "till")
    second = register_at(tmp_path / "till")  # a second app instance, same folder
    try:
        queue_events(first, 1500)
        reports: list[object] = []
        barrier = threading.Barrier(2)

        def run(engine_owner: object) -> None:
            barrier.wait()
            reports.append(engine_owner.engine.sync_once())  # type: ignore[attr-defined]

        threads = [threading.Thread(target=run, args=(owner,)) for owner in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(reports) == 2
        assert first.engine.status().waiting == 0
        assert first.engine.status().issues == 0
        assert applied(live_server) == 1500
        assert recorded(live_server) == 1500
        assert last_sequence(live_server, device_id_of(first)) == 1500
    finally:
        first.close()
        second.close()


def test_a_revoked_register_deletes_nothing_and_says_so(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    try:
        queue_events(register, 12)
        live_server.revoke(device_id_of(register))
        report = register.engine.sync_once()
        assert report.pushed == 0
        assert report.status.waiting == 12
        assert report.status.last_error is not None
        assert "pairing was revoked" in report.status.last_error
        assert "Traceback" not in report.status.last_error
        assert applied(live_server) == 0
    finally:
        register.close()


def test_a_sequence_gap_is_reported_once_with_both_numbers_and_stops_the_push(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    try:
        queue_events(register, 5)
        with register.store.uow() as uow:  # events 1 and 2 lost on this side
            uow.session.execute(
                __import__("sqlalchemy").text("DELETE FROM outbox_event WHERE sequence <= 2")
            )
            uow.commit()
        report = register.engine.sync_once()
        assert report.pushed == 0
        assert report.status.waiting == 3
        issues = register.engine.issues()
        assert [issue.kind for issue in issues] == ["gap"]
        assert "expects change number 1" in issues[0].message
        assert "oldest change waiting here is number 3" in issues[0].message
        assert report.status.last_error == issues[0].message
        register.engine.sync_once()
        assert len(register.engine.issues()) == 1  # seen once, not every cycle
        assert applied(live_server) == 0
    finally:
        register.close()


def test_a_rejected_event_is_acknowledged_and_kept_as_an_issue(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    try:
        queue_events(register, 2)
        queue_events(register, 1, kind="gadget.frobbed")
        queue_events(register, 2)
        report = register.engine.sync_once()
        assert report.pushed == 5
        assert report.status.waiting == 0
        assert report.status.last_error is None  # one bad event does not block the queue
        (issue,) = register.engine.issues()
        assert issue.kind == "rejected"
        assert issue.event_type == "gadget.frobbed"
        assert issue.sequence == 3
        assert "gadget.frobbed" in issue.message
        assert recorded(live_server) == 4
    finally:
        register.close()


def test_a_register_restored_from_a_backup_is_detected_and_nothing_counts_twice(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    folder = tmp_path / "till"
    register = paired_register(live_server, store_on(live_server), folder)
    queue_events(register, 3)
    assert register.engine.sync_once().pushed == 3
    register.close()
    backup = tmp_path / "backup"
    shutil.copytree(folder, backup)  # the store closed: a consistent copy
    register = register_at(folder)
    queue_events(register, 3)  # sequences 4-6, pushed
    assert register.engine.sync_once().pushed == 3
    device_id = device_id_of(register)
    register.close()
    shutil.rmtree(folder)
    shutil.copytree(backup, folder)  # restored: the outbox counter is back at 3
    register = register_at(folder)
    try:
        queue_events(register, 2)  # numbered 4 and 5 here: they collide with the server's
        report = register.engine.sync_once()
        kinds = sorted(issue.kind for issue in register.engine.issues())
        assert kinds == ["quarantined", "quarantined", "restored"]
        assert report.status.waiting == 0
        assert last_sequence(live_server, device_id) == 6
        queue_events(register, 1)  # continues after the server's number
        assert register.scalar("SELECT max(sequence) FROM outbox_event") == 7
        report = register.engine.sync_once()
        assert report.status.last_error is None
        assert (
            recorded(live_server) == 7
        )  # 1-6 once each, then 7; the colliding two were not counted
        quarantined = server_scalar(
            live_server, "SELECT count(*) FROM event_issue WHERE status = 'quarantined'"
        )
        assert quarantined == 2
        assert (folder / DATABASE_NAME).exists()
    finally:
        register.close()


@pytest.mark.parametrize("count", [0, 1])
def test_an_empty_or_tiny_queue_pushes_only_what_there_is(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path, count: int
) -> None:
    transport = RecordingTransport()
    register = paired_register(
        live_server, store_on(live_server), tmp_path / "till", transport=transport
    )
    try:
        queue_events(register, count)
        report = register.engine.sync_once()
        assert report.pushed == count
        assert transport.pushes == ([count] if count else [])
    finally:
        register.close()


def test_a_payload_that_is_not_strict_json_still_travels_and_is_kept(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    # A NaN (which Python's json writes but JSON does not allow) must neither break the batch
    # nor be lost: it goes up wrapped as text, for the server to keep as it is.
    register = paired_register(live_server, store_on(live_server), tmp_path / "till")
    try:
        queue_events(register, 1)
        with register.store.uow() as uow:
            outbox.emit(
                uow, device_id_of(register), "drawer.no_sale", {"weird": float("nan")}, START
            )
            uow.commit()
        queue_events(register, 1, kind="drawer.no_sale")
        report = register.engine.sync_once()
        assert report.pushed == 3
        assert report.status.last_error is None
        kept = server_scalar(
            live_server,
            "SELECT payload->>'unreadable_payload' FROM device_event "
            "WHERE payload ? 'unreadable_payload'",
        )
        assert kept == '{"weird": NaN}'
        assert recorded(live_server) == 3
    finally:
        register.close()
