"""Pushing over HTTP to the real app (uvicorn on a real socket): acknowledgements, the 409
for a later batch first, and requests the push route refuses before applying anything."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from sync.protocol import MAX_BATCH_EVENTS, PushResponse
from tests.sync.fixtures import LiveServer
from tests.sync.server.test_push_support import (
    Register,
    open_store,
    pair_register,
    sale,
    sales_total,
)


@pytest.fixture
def register(live_server: LiveServer) -> Register:
    return pair_register(live_server.server_db, open_store(live_server.server_db))


def client(live_server: LiveServer, register: Register) -> httpx.Client:
    return httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {register.token}"}, timeout=30
    )


def body(events: list[Any]) -> dict[str, Any]:
    return {"events": [event.model_dump(mode="json") for event in events]}


def test_a_push_is_acknowledged_and_a_later_batch_first_gets_a_409(
    live_server: LiveServer, register: Register
) -> None:
    events = [
        register.event("sale.completed", sale(register, [(uuid.uuid4(), 1, 250)])) for _ in range(4)
    ]
    with client(live_server, register) as http:
        early = http.post("/v1/push", json=body(events[2:]))
        assert early.status_code == 409
        assert early.json()["code"] == "sequence_gap"
        assert early.json()["expected_sequence"] == 1
        first = http.post("/v1/push", json=body(events[:2]))
        assert first.status_code == 200
        reply = PushResponse.model_validate(first.json())
        assert [r.status for r in reply.results] == ["flagged", "flagged"]  # unknown products
        again = PushResponse.model_validate(http.post("/v1/push", json=body(events)).json())
        assert [r.status for r in again.results] == ["duplicate"] * 2 + ["flagged"] * 2
        assert again.last_sequence == 4
    assert sales_total(live_server.server_db, register.company_id) == (4, 1000)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda e: {"events": []},
        lambda e: {"events": [dict(e, sequence=0)]},
        lambda e: {"events": [dict(e, payload=[1, 2])]},
        lambda e: {"events": [dict(e, device_time="2025-03-14T15:00:00")]},
        lambda e: {"events": [dict(e, type="Sale Completed")]},
        lambda e: {"events": [dict(e, schema_version=0)]},
        lambda e: {"events": [e] * (MAX_BATCH_EVENTS + 1)},
        lambda e: {"events": [dict(e, id="not-a-uuid")]},
        lambda e: {"events": [dict(e, company_id=str(uuid.uuid4()))]},
    ],
)
def test_a_malformed_push_is_refused_with_a_plain_422(
    live_server: LiveServer, register: Register, mangle: Any
) -> None:
    event = register.event("drawer.no_sale", {}).model_dump(mode="json")
    with client(live_server, register) as http:
        refused = http.post("/v1/push", json=mangle(event))
        assert refused.status_code == 422
        assert refused.json()["code"] == "invalid_request"
        status = http.get("/v1/device").json()
        assert status["last_sequence"] == 0


def test_a_push_without_a_valid_token_applies_nothing(
    live_server: LiveServer, register: Register
) -> None:
    event = register.event("sale.completed", sale(register, [(uuid.uuid4(), 1, 250)]))
    with httpx.Client(base_url=live_server.url) as http:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            refused = http.post("/v1/push", json=body([event]), headers=headers)
            assert refused.status_code == 401
            assert refused.json()["code"] == "unauthenticated"
    live_server.revoke(register.id)
    with client(live_server, register) as http:
        assert http.post("/v1/push", json=body([event])).status_code == 401
    assert sales_total(live_server.server_db, register.company_id) == (0, 0)
