"""Two server processes on one PostgreSQL serving the same device at once (the server keeps
no state between requests): threads push identical, consecutive and overlapping batches to
both; every sequence is applied exactly once and the device's last sequence is right."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from sync.server.models import AppliedEvent, Device, DeviceEvent
from tests.sync.fixtures import ServerDb, ServerProcess, pair_request

EVENTS = 120
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def outbox(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid.uuid4()),
            "sequence": sequence,
            "schema_version": 2,
            "type": "drawer.no_sale",
            "payload": {"reason": f"change for a customer {sequence}"},
            "device_time": (START + timedelta(seconds=sequence)).isoformat(),
        }
        for sequence in range(1, count + 1)
    ]


class Pusher(threading.Thread):
    """One app instance draining the same outbox in batches of its own size, through the
    server processes in turn, as a register does: resend from where the server says."""

    def __init__(
        self, urls: list[str], token: str, events: list[dict[str, Any]], size: int
    ) -> None:
        super().__init__()
        self.urls, self.events, self.size = urls, events, size
        self.headers = {"Authorization": f"Bearer {token}"}
        self.statuses: Counter[str] = Counter()
        self.replies: Counter[int] = Counter()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._drain()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def _drain(self) -> None:
        next_sequence, turn = 1, 0
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=30) as client:
            while next_sequence <= len(self.events):
                assert time.monotonic() < deadline, "the outbox did not drain"
                batch = self.events[next_sequence - 1 : next_sequence - 1 + self.size]
                url = self.urls[turn % len(self.urls)]
                turn += 1
                reply = client.post(url + "/v1/push", json={"events": batch}, headers=self.headers)
                self.replies[reply.status_code] += 1
                if reply.status_code == 503:
                    time.sleep(0.05)
                    continue
                assert reply.status_code == 200, reply.text
                body = reply.json()
                for result in body["results"]:
                    self.statuses[result["status"]] += 1
                next_sequence = body["retry_from"] or body["last_sequence"] + 1


def test_two_processes_serving_one_device_apply_each_event_once(
    server_db: ServerDb, server_process: Callable[..., ServerProcess]
) -> None:
    company = server_db.create_company()
    location = server_db.create_location(company.id)
    first, second = server_process(), server_process()
    code = server_db.pairing_code(location_id=location.id)
    paired = httpx.post(first.url + "/v1/pair", json=pair_request(code), timeout=30)
    assert paired.status_code == 200, paired.text
    token, device_id = paired.json()["token"], uuid.UUID(paired.json()["device_id"])
    events = outbox(EVENTS)
    urls = [first.url, second.url]
    pushers = [
        Pusher(urls, token, events, 10),
        Pusher(list(reversed(urls)), token, events, 10),  # the same batches, other order
        Pusher(urls, token, events, 7),  # batches overlapping the others
        Pusher(list(reversed(urls)), token, events, 25),
    ]
    for pusher in pushers:
        pusher.start()
    for pusher in pushers:
        pusher.join(timeout=90)
    for pusher in pushers:
        assert pusher.error is None, repr(pusher.error)
    totals: Counter[str] = sum((pusher.statuses for pusher in pushers), Counter())
    # Each event was applied by exactly one of the requests; every other answer was
    # "duplicate" (an acknowledgement, nothing done again).
    assert totals["applied"] == EVENTS
    assert set(totals) <= {"applied", "duplicate"}
    assert totals["duplicate"] > 0  # the instances did race each other
    with server_db.session() as session:
        sequences = session.scalars(
            select(AppliedEvent.sequence).where(AppliedEvent.device_id == device_id)
        ).all()
        kept = session.scalar(select(func.count()).select_from(DeviceEvent))
        device = session.get_one(Device, device_id)
    assert sorted(sequences) == list(range(1, EVENTS + 1))
    assert kept == EVENTS
    assert device.last_sequence == EVENTS
    for url in urls:
        status = httpx.get(url + "/v1/device", headers={"Authorization": f"Bearer {token}"})
        assert status.json()["last_sequence"] == EVENTS
