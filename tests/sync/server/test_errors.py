"""Every error reply is an ErrorBody: unknown routes, wrong methods, bad JSON, oversized
bodies (declared or chunked), unexpected exceptions (500, logged with a traceback), and a
database that is down or too slow (503 with a retry delay). And a request's transaction
commits only when its route returned normally."""

from __future__ import annotations

import logging
import select as socket_select
import socket
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from sync.protocol import MAX_BODY_BYTES, ErrorBody
from sync.server import admin
from sync.server.app import create_app
from sync.server.auth import RequestSession
from sync.server.errors import InvalidRequest
from sync.server.models import Company
from tests.sync.fixtures import (
    LiveServer,
    ServerDb,
    UvicornThread,
    free_port,
    pair_device,
    server_config,
)


def error_body(reply: httpx.Response, status: int, code: str) -> ErrorBody:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/json"
    body = ErrorBody.model_validate_json(reply.text)
    assert body.code == code
    return body


def test_unknown_route_and_wrong_method(live_server: LiveServer) -> None:
    body = error_body(httpx.get(live_server.url + "/v1/nowhere"), 404, "not_found")
    assert body.message == "There is no such address on the sync server"
    body = error_body(httpx.get(live_server.url + "/v1/pair"), 405, "invalid_request")
    assert body.message == "This address of the sync server does not accept GET"


def test_bad_json_is_422_in_plain_words(live_server: LiveServer) -> None:
    reply = httpx.post(
        live_server.url + "/v1/pair",
        content=b'{"code": ',
        headers={"content-type": "application/json"},
    )
    body = error_body(reply, 422, "invalid_request")
    assert body.message.startswith("The request does not match what the sync server expects")
    assert "JSON decode error" in body.message


def test_a_body_that_is_not_text_is_422(live_server: LiveServer) -> None:
    reply = httpx.post(
        live_server.url + "/v1/pair",
        content=b"\x10\xff\xfe",
        headers={"content-type": "application/json"},
    )
    body = error_body(reply, 422, "invalid_request")
    assert body.message == "The sync server could not read the request body as JSON text"


def test_a_validation_message_never_repeats_the_values(live_server: LiveServer) -> None:
    secret = "ZZZZZ-ZZZZZ-SECRET-CODE-TOO-LONG-FOR-THE-FIELD"
    reply = httpx.post(
        live_server.url + "/v1/pair", json={"code": secret, "device": {"id": str(uuid.uuid4())}}
    )
    body = error_body(reply, 422, "invalid_request")
    assert "SECRET" not in reply.text
    assert "(and" in body.message  # more than three problems: the rest are counted


# -- oversized bodies -------------------------------------------------------------------------


def raw_exchange(port: int, head: bytes, body: bytes) -> bytes:
    """Send a request's head, then its body for as long as the server reads it; return the
    server's answer. A complete answer while the body is still unsent proves the body was
    refused before it was read whole."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head)
        pending = memoryview(body)
        answer = b""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            writable = [connection] if pending else []
            readable, can_write, _ = socket_select.select([connection], writable, [], 1)
            if readable:
                part = connection.recv(65536)
                if not part:
                    break
                answer += part
                if _complete(answer):
                    break
            elif can_write:
                try:
                    sent = connection.send(pending[:65536])
                except (BrokenPipeError, ConnectionResetError):
                    pending = pending[:0]
                else:
                    pending = pending[sent:]
        assert pending, "the whole body was sent: nothing shows it was refused early"
        return answer


def _complete(answer: bytes) -> bool:
    head, separator, body = answer.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def _status_and_body(answer: bytes) -> tuple[int, ErrorBody]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, ErrorBody.model_validate_json(body)


def test_a_declared_oversized_body_is_refused_before_it_is_read(
    live_server: LiveServer,
) -> None:
    paired = pair_device(live_server)
    head = (
        "POST /v1/push HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {paired.token}\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    ).encode()
    answer = raw_exchange(live_server.port, head, b" " * (MAX_BODY_BYTES + 1))
    status, body = _status_and_body(answer)
    assert status == 413
    assert body.code == "payload_too_large"
    assert body.message.startswith("The request is larger than the sync server accepts (8 MB)")


def test_a_chunked_oversized_body_is_refused_once_it_passes_the_limit(
    live_server: LiveServer,
) -> None:
    head = (
        b"POST /v1/pair HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b" " * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    # Twice the limit is offered, and the terminating chunk is never sent.
    body_sent = chunk * (2 * MAX_BODY_BYTES // len(piece))
    status, body = _status_and_body(raw_exchange(live_server.port, head, body_sent))
    assert status == 413
    assert body.code == "payload_too_large"
    # The server is fine afterwards.
    assert httpx.get(live_server.url + "/health").status_code == 200


def test_a_chunked_body_under_the_limit_is_read(live_server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"code": "ABCDE-FGHJK", '
        yield b'"device": {"id": "' + str(uuid.uuid4()).encode() + b'", "name": "Front", '
        yield b'"kind": "register", "prefix": "R1"}}'

    reply = httpx.post(
        live_server.url + "/v1/pair",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    error_body(reply, 400, "pairing_code_invalid")  # parsed whole, and the code is unknown


# -- an app with extra routes, to fail on purpose -----------------------------------------------


@pytest.fixture
def rigged(server_db: ServerDb) -> Iterator[str]:
    """The real app plus routes that write and then fail, and a slow query."""
    config = server_config(server_db.url, statement_timeout_ms=300, lock_timeout_ms=150)
    app = create_app(config)
    _add_rigged_routes(app)
    runner = UvicornThread(app, free_port())
    runner.start()
    try:
        yield f"http://127.0.0.1:{runner.port}"
    finally:
        runner.stop()


def _add_rigged_routes(app: FastAPI) -> None:
    @app.post("/test/write/{outcome}")
    def write(outcome: str, session: RequestSession) -> dict[str, str]:
        admin.create_company(session, f"Written then {outcome}", "USD")
        if outcome == "refused":
            raise InvalidRequest("refused on purpose")
        if outcome == "sql":
            session.execute(text("SELECT 1 / 0"))  # a database error that is not an outage
        if outcome == "crash":
            raise RuntimeError("a bug, token=abc123 must not reach the client")
        return {"outcome": outcome}

    @app.get("/test/limits")
    def limits(session: RequestSession) -> dict[str, str]:
        statement = session.execute(text("SHOW statement_timeout")).scalar_one()
        lock = session.execute(text("SHOW lock_timeout")).scalar_one()
        return {"statement_timeout": str(statement), "lock_timeout": str(lock)}

    @app.get("/test/slow")
    def slow(session: RequestSession) -> dict[str, str]:
        session.execute(text("SELECT pg_sleep(3)"))
        return {}


def companies(server_db: ServerDb) -> list[str]:
    with server_db.session() as session:
        return list(session.scalars(select(Company.name)))


def test_a_request_commits_only_when_its_route_returns(
    rigged: str, server_db: ServerDb, caplog: pytest.LogCaptureFixture
) -> None:
    assert httpx.post(rigged + "/test/write/returned").status_code == 200
    assert companies(server_db) == ["Written then returned"]
    error_body(httpx.post(rigged + "/test/write/refused"), 422, "invalid_request")
    with caplog.at_level(logging.ERROR, logger="lunarfront.server.request"):
        reply = httpx.post(rigged + "/test/write/crash")
    body = error_body(reply, 500, "unavailable")
    assert body.message == (
        "The sync server had an unexpected problem; it was logged. Try again later"
    )
    assert "abc123" not in reply.text
    with caplog.at_level(logging.ERROR, logger="lunarfront.server.request"):
        error_body(httpx.post(rigged + "/test/write/sql"), 500, "unavailable")
    assert companies(server_db) == ["Written then returned"]
    crashes = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert [type(error).__name__ for error in crashes] == ["RuntimeError", "DataError"]


def test_every_transaction_carries_the_configured_timeouts(rigged: str) -> None:
    assert httpx.get(rigged + "/test/limits").json() == {
        "statement_timeout": "300ms",
        "lock_timeout": "150ms",
    }


def test_a_statement_over_its_timeout_is_a_503_busy(rigged: str) -> None:
    reply = httpx.get(rigged + "/test/slow", timeout=10)
    body = error_body(reply, 503, "unavailable")
    assert body.retry_after_seconds == 1
    assert reply.headers["retry-after"] == "1"
    assert body.message == "The sync server is busy; it will try again in a moment"


# -- the database down -------------------------------------------------------------------------


@pytest.fixture
def no_database(server_db: ServerDb) -> Iterator[str]:
    """The real app pointed at a port where no PostgreSQL listens."""
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    runner = UvicornThread(create_app(server_config(closed)), free_port())
    runner.start()
    try:
        yield f"http://127.0.0.1:{runner.port}"
    finally:
        runner.stop()


def test_health_is_ok_with_the_database_up(live_server: LiveServer) -> None:
    reply = httpx.get(live_server.url + "/health")
    assert reply.status_code == 200
    body = reply.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["version"]


def test_health_is_degraded_with_the_database_unreachable(no_database: str) -> None:
    reply = httpx.get(no_database + "/health", timeout=15)
    assert reply.status_code == 503
    assert reply.json()["status"] == "degraded"
    assert reply.json()["database"] == "unreachable"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/device", None),
        ("GET", "/v1/reports/sales", None),
        (
            "POST",
            "/v1/pair",
            {
                "code": "ABCDE-FGHJK",
                "device": {"id": str(uuid.uuid4()), "name": "F", "kind": "register", "prefix": "R"},
            },
        ),
    ],
)
def test_routes_answer_503_with_the_database_unreachable(
    no_database: str, method: str, path: str, body: object
) -> None:
    reply = httpx.request(
        method,
        no_database + path,
        json=body,
        headers={"Authorization": "Bearer some-token"},
        timeout=15,
    )
    error = error_body(reply, 503, "unavailable")
    assert error.message == "The sync server cannot reach its database right now"
    assert error.retry_after_seconds == 5
    assert reply.headers["retry-after"] == "5"
