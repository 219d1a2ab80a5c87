"""Every way a reply can go wrong becomes plain words — over real sockets, with another web
server (not a sync server) at the address, or one that stops answering."""

from __future__ import annotations

import json
import random
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

import sync.client.http as client_http
from sync.client.backoff import MAX_DELAY_S, backoff_seconds
from sync.client.errors import ServerProblemError
from sync.client.http import ServerApi
from sync.protocol import DeviceInfo, ErrorCode, PairRequest


class OtherServer(ThreadingHTTPServer):
    """A web server answering every request with one canned reply."""

    def __init__(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        self.reply = (status, body, content_type)
        self.paths: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: OtherServer

    def _answer(self) -> None:
        self.server.paths.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, body, content_type = self.server.reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def serve() -> Iterator[list[OtherServer]]:
    servers: list[OtherServer] = []
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def start(servers: list[OtherServer], status: int, body: bytes, **kwargs: str) -> OtherServer:
    server = OtherServer(status, body, **kwargs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers.append(server)
    return server


def a_pair_request() -> PairRequest:
    device = DeviceInfo(id=uuid.uuid4(), name="Till", kind="register", prefix="R9")
    return PairRequest(code="ABCDE-FGHJK", device=device)


def test_a_web_page_where_the_server_should_be(serve: list[OtherServer]) -> None:
    server = start(serve, 404, b"<html>Not here</html>")
    with ServerApi(server.url, token="t") as api, pytest.raises(ServerProblemError) as caught:
        api.device()
    assert "does not look like a LunarFront sync server" in caught.value.message
    assert caught.value.answered is True
    assert server.paths == ["/v1/device"]


def test_a_reply_that_is_not_the_protocol(serve: list[OtherServer]) -> None:
    server = start(serve, 200, b"<html>Welcome to your router</html>")
    with ServerApi(server.url) as api, pytest.raises(ServerProblemError) as caught:
        api.pair(a_pair_request())
    assert "a reply this register does not understand" in caught.value.message


def test_a_server_error_is_transient_and_says_so(serve: list[OtherServer]) -> None:
    server = start(serve, 500, b"Internal Server Error", content_type="text/plain")
    with ServerApi(server.url, token="t") as api, pytest.raises(ServerProblemError) as caught:
        api.pull(None, 10)
    assert caught.value.message == (
        "The sync server has a problem (HTTP 500); it will be tried again."
    )


def test_an_unavailable_server_is_waited_for_as_long_as_it_asks(serve: list[OtherServer]) -> None:
    body = {
        "code": "unavailable",
        "message": "The sync server cannot reach its database right now",
        "retry_after_seconds": 40,
    }
    server = start(serve, 503, json.dumps(body).encode(), content_type="application/json")
    with ServerApi(server.url, token="t") as api, pytest.raises(ServerProblemError) as caught:
        api.device()
    problem = caught.value
    assert problem.code == ErrorCode.UNAVAILABLE
    assert problem.retry_after == 40
    assert "cannot reach its database right now" in problem.message
    assert backoff_seconds(1, retry_after=problem.retry_after) == 40


def test_a_server_that_accepts_and_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        client_http, "TIMEOUT", httpx.Timeout(connect=1.0, read=0.3, write=1.0, pool=1.0)
    )
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with ServerApi(url, token="t") as api, pytest.raises(ServerProblemError) as caught:
            api.device()
    finally:
        silent.close()
    assert caught.value.message.startswith("The sync server did not answer (no reply in time")
    assert caught.value.answered is False


def test_the_token_and_user_agent_go_with_every_call(serve: list[OtherServer]) -> None:
    seen: list[httpx.Request] = []

    class Spy(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return super().handle_request(request)

    server = start(serve, 404, b"no")
    with (
        ServerApi(server.url, token="secret-token", transport=Spy()) as api,
        pytest.raises(ServerProblemError),
    ):
        api.device()
    assert seen[0].headers["Authorization"] == "Bearer secret-token"
    assert seen[0].headers["User-Agent"].startswith("LunarFront-register/")


@pytest.mark.parametrize(
    ("failures", "low", "high"),
    [
        (0, 0.0, 0.0),
        (1, 1.6, 2.0),
        (2, 3.2, 4.0),
        (3, 6.4, 8.0),
        (9, 240.0, 300.0),
        (40, 240.0, 300.0),
    ],
)
def test_backoff_doubles_from_two_seconds_to_five_minutes_with_jitter(
    failures: int, low: float, high: float
) -> None:
    rng = random.Random(failures)  # noqa: S311  (seeded jitter, not a secret)
    for _ in range(50):
        assert low <= backoff_seconds(failures, rng=rng) <= high
    if failures:  # a server asking for an hour is retried after five minutes at most
        assert backoff_seconds(failures, retry_after=10_000, rng=rng) == MAX_DELAY_S
