"""Structured logs: one JSON object per line, each request logged once with its device and
duration, and never a token or a pairing code."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest

from sync.server.logs import JsonFormatter, configure_logging
from tests.sync.fixtures import LiveServer, pair_request


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        logging.getLogger("uvicorn.access").disabled = False


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_requests_are_logged_as_json_without_secrets(
    live_server: LiveServer, log_stream: io.StringIO
) -> None:
    company = live_server.create_company()
    location = live_server.create_location(company.id)
    code = live_server.pairing_code(location_id=location.id)
    device_id = uuid.uuid4()
    paired = httpx.post(live_server.url + "/v1/pair", json=pair_request(code, device_id=device_id))
    token = paired.json()["token"]
    reply = httpx.get(
        live_server.url + "/v1/device",
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "till-7-abc"},
    )
    assert reply.headers["x-request-id"] == "till-7-abc"
    httpx.get(live_server.url + "/v1/device", headers={"Authorization": "Bearer wrong-token"})
    httpx.get(live_server.url + "/v1/pull?cursor=abc&limit=0", headers={"X-Request-ID": "a b"})

    text = log_stream.getvalue()
    assert token not in text
    assert code not in text
    assert code.replace("-", "") not in text
    assert "wrong-token" not in text
    records = [line for line in lines(log_stream) if line["logger"] == "lunarfront.server.request"]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [
        ("POST", "/v1/pair", 200),
        ("GET", "/v1/device", 200),
        ("GET", "/v1/device", 401),
        ("GET", "/v1/pull", 401),
    ]
    pair_line, device_line, refused_line, pull_line = records
    for record in records:
        assert set(record) >= {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "device_id",
            "method",
            "path",
            "status",
            "duration_ms",
        }
        assert isinstance(record["duration_ms"], float)
        assert str(record["time"]).endswith("+00:00")
        assert record["level"] == "INFO"
    assert device_line["request_id"] == "till-7-abc"
    assert device_line["device_id"] == str(device_id)
    assert pair_line["device_id"] is None
    assert refused_line["device_id"] is None
    # A request id that is not a plain token is replaced by one of the server's own.
    assert pull_line["request_id"] != "a b"
    assert len(str(pull_line["request_id"])) == 32
    assert len({r["request_id"] for r in records}) == 4


def test_extra_fields_and_tracebacks_are_kept() -> None:
    formatter = JsonFormatter()
    logger = logging.getLogger("lunarfront.test")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            "lunarfront.test",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("once",),
            exc_info=__import__("sys").exc_info(),
            extra={"events": 12, "batch": uuid.UUID(int=1)},
        )
    data = json.loads(formatter.format(record))
    assert data["message"] == "failed once"
    assert data["events"] == 12
    assert data["batch"] == str(uuid.UUID(int=1))
    assert data["level"] == "ERROR"
    assert data["request_id"] is None
    assert "ValueError: boom" in data["traceback"]
