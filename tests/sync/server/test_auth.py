"""Device tokens: every authenticated route refuses a missing, malformed, unknown or revoked
token, or one of a closed company, with a 401 ErrorBody; a good token marks the device seen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from sync.protocol import ErrorBody
from sync.server import admin
from sync.server.models import Device
from tests.sync.fixtures import LiveServer, ServerDb, pair_device

ROUTES = [
    ("GET", "/v1/device", None),
    ("GET", "/v1/pull", None),
    ("GET", "/v1/reports/sales", None),
    (
        "POST",
        "/v1/push",
        {
            "events": [
                {
                    "id": str(uuid.uuid4()),
                    "sequence": 1,
                    "schema_version": 2,
                    "type": "drawer.no_sale",
                    "payload": {},
                    "device_time": "2026-03-02T15:00:00+00:00",
                }
            ]
        },
    ),
]
REVOKED = "This register's pairing was revoked; pair it again from its settings"


def call(
    server: LiveServer, method: str, path: str, body: object, headers: dict[str, str]
) -> httpx.Response:
    return httpx.request(method, server.url + path, json=body, headers=headers, timeout=10)


def assert_unauthenticated(reply: httpx.Response, message: str | None = None) -> None:
    assert reply.status_code == 401, reply.text
    body = ErrorBody.model_validate_json(reply.text)
    assert body.code == "unauthenticated"
    assert reply.headers["www-authenticate"] == "Bearer"
    if message is not None:
        assert body.message == message


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "This register is not paired with the sync server; pair it from its settings"),
        ({"Authorization": "Bearer"}, None),
        ({"Authorization": "Bearer two words"}, REVOKED),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, None),
        ({"Authorization": "token-without-scheme"}, None),
        ({"Authorization": "Bearer not-a-token-anyone-was-given"}, REVOKED),
    ],
    ids=["missing", "empty", "two-words", "basic", "no-scheme", "unknown"],
)
def test_refused_tokens(
    live_server: LiveServer,
    method: str,
    path: str,
    body: object,
    headers: dict[str, str],
    message: str | None,
) -> None:
    assert_unauthenticated(call(live_server, method, path, body, headers), message)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_revoked_token_is_refused_everywhere(
    live_server: LiveServer, method: str, path: str, body: object
) -> None:
    paired = pair_device(live_server)
    live_server.revoke(paired.device_id)
    assert_unauthenticated(call(live_server, method, path, body, paired.headers), REVOKED)


def test_a_device_of_a_closed_company_is_refused(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    paired = pair_device(live_server)
    assert httpx.get(live_server.url + "/v1/device", headers=paired.headers).status_code == 200
    with server_db.session() as session:
        admin.close_company(session, paired.company_id)
    reply = httpx.get(live_server.url + "/v1/device", headers=paired.headers)
    assert_unauthenticated(reply, REVOKED)


def test_a_good_token_gives_the_device_and_marks_it_seen(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    paired = pair_device(live_server)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    with server_db.session() as session:
        session.execute(update(Device).values(last_seen_at=long_ago, last_sequence=7))
    reply = httpx.get(live_server.url + "/v1/device", headers=paired.headers)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["device_id"] == str(paired.device_id)
    assert body["company_id"] == str(paired.company_id)
    assert body["location_id"] == str(paired.location_id)
    assert body["last_sequence"] == 7
    server_time = datetime.fromisoformat(body["server_time"])
    assert abs(server_time - datetime.now(UTC)) < timedelta(minutes=1)
    with server_db.session() as session:
        seen = session.get_one(Device, paired.device_id).last_seen_at
    assert seen is not None
    assert seen > long_ago + timedelta(days=2)


def test_revoking_an_unknown_device_says_so(server_db: ServerDb) -> None:
    from sync.server.errors import NotFound

    with pytest.raises(NotFound, match="There is no device"):
        server_db.revoke(uuid.uuid4())


def test_the_token_is_only_a_hash_on_the_server(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    paired = pair_device(live_server)
    with server_db.engine.connect() as connection:
        dump = connection.exec_driver_sql("SELECT row_to_json(d)::text FROM device d").scalar_one()
    assert paired.token not in dump
