"""Talking to the sync server over HTTPS, every failure turned into plain words.

One `httpx.Client` per server address, token and certificate authority: connections are
kept alive between the pushes and pulls of a cycle. The server's certificate is always
verified — against the system's authorities, or a custom CA file when the store runs its
own — and never switched off. An injectable transport lets tests put a proxy or a fault
in the path without a network.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from sync.client.errors import ServerProblemError, SyncError
from sync.protocol import (
    API_PREFIX,
    Change,
    DeviceStatus,
    ErrorBody,
    ErrorCode,
    PairRequest,
    PairResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)

__all__ = ["TIMEOUT", "ServerApi", "check_server_url"]

TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class EventBody(Protocol):
    """One outbox event, already written as the JSON of an `OutboxEventIn`."""

    def json(self) -> bytes: ...


_Reply = TypeVar("_Reply", bound=BaseModel)

_REVOKED = (
    "This register's pairing was revoked or is no longer known to the sync server. "
    "Pair it again from its settings with a new pairing code."
)
_NOT_UNDERSTOOD = (
    "The sync server sent a reply this register does not understand. Check that the address "
    "is a LunarFront sync server; it will be tried again."
)


def check_server_url(url: str) -> str:
    """The address normalised (no trailing slash), or SyncError saying what is wrong.

    https is required: the token and the store's data cross the network. Plain http is
    allowed only for a server on this same computer (a test, a one-machine store).
    """
    text = url.strip()
    if not text:
        raise SyncError("Type the sync server's address, for example https://sync.example.com.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise SyncError(f"“{text}” is not a web address ({exc}).") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise SyncError(f"“{text}” is not a web address. Type it like https://sync.example.com.")
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise SyncError(
            "The sync server's address must start with https:// so the connection is "
            "encrypted and the server is verified. Plain http:// is only allowed for a "
            "server on this same computer (localhost)."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SyncError(
            f"“{text}” should be just the server's address, e.g. https://sync.example.com."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def ssl_context(ca_file: Path | None) -> ssl.SSLContext | bool:
    """Default verification, or verification against the store's own CA file."""
    if ca_file is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except FileNotFoundError as exc:
        raise SyncError(f"The certificate authority file {ca_file} does not exist.") from exc
    except (OSError, ssl.SSLError) as exc:
        raise SyncError(
            f"The certificate authority file {ca_file} cannot be used ({exc}). "
            "It should be a PEM file from whoever runs the sync server."
        ) from exc


class ServerApi:
    """The sync API's four calls; each returns a protocol model or raises ServerProblemError."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_file: Path | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_server_url(base_url)
        self._host = urlsplit(self.base_url).netloc
        headers = {"User-Agent": _user_agent(), "Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=TIMEOUT,
            verify=ssl_context(ca_file) if transport is None else True,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def pair(self, request: PairRequest) -> PairResponse:
        return self._call(PairResponse, "POST", "/pair", body=request)

    def push(self, request: PushRequest) -> PushResponse:
        return self._call(PushResponse, "POST", "/push", body=request)

    def pull(self, cursor: str | None, limit: int) -> PullResponse:
        return self.read_pull(self.pull_bytes(cursor, limit))

    def pull_bytes(self, cursor: str | None, limit: int) -> bytes:
        """A pull page's body, unparsed: the puller fetches the next page on another thread
        while it applies this one, and parsing there would hold the GIL against SQLite."""
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = self._send("GET", API_PREFIX + "/pull", None, params)
        if not response.is_success:
            raise self._refusal(response)
        return response.content

    def read_pull(self, content: bytes) -> PullResponse:
        """Parsed change by change, not in one call: one call over a page of thousands of
        changes holds the GIL for a quarter of a second and the register's screen with it;
        many short calls let the GUI thread in between."""
        try:
            raw = json.loads(content)
            changes = raw.pop("changes")
            if not isinstance(changes, list):
                raise TypeError("changes")
            envelope = PullResponse.model_validate({**raw, "changes": []})
            parsed = [Change.model_validate(change) for change in changes]
        except (ValueError, TypeError, KeyError, AttributeError, ValidationError) as exc:
            raise ServerProblemError(_NOT_UNDERSTOOD, answered=True, status=200) from exc
        return envelope.model_copy(update={"changes": parsed})

    def push_events(self, events: Sequence[EventBody]) -> PushResponse:
        """A push whose body is written event by event from the outbox's own JSON text,
        for the same reason: no single call over the whole batch."""
        body = b'{"events":[' + b",".join(event.json() for event in events) + b"]}"
        response = self._send_bytes("POST", API_PREFIX + "/push", body)
        if not response.is_success:
            raise self._refusal(response)
        return self._parse(PushResponse, response.content, response.status_code)

    def device(self) -> DeviceStatus:
        return self._call(DeviceStatus, "GET", "/device")

    def _call(
        self,
        reply: type[_Reply],
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        params: dict[str, str | int] | None = None,
    ) -> _Reply:
        response = self._send(method, API_PREFIX + path, body, params)
        if not response.is_success:
            raise self._refusal(response)
        return self._parse(reply, response.content, response.status_code)

    def _parse(self, reply: type[_Reply], content: bytes, status: int) -> _Reply:
        try:
            return reply.model_validate_json(content)
        except ValidationError as exc:
            raise ServerProblemError(_NOT_UNDERSTOOD, answered=True, status=status) from exc

    def _send(
        self,
        method: str,
        path: str,
        body: BaseModel | None,
        params: dict[str, str | int] | None,
    ) -> httpx.Response:
        content = None if body is None else body.model_dump_json().encode()
        return self._send_bytes(method, path, content, params)

    def _send_bytes(
        self,
        method: str,
        path: str,
        content: bytes | None,
        params: dict[str, str | int] | None = None,
    ) -> httpx.Response:
        headers = {} if content is None else {"Content-Type": "application/json"}
        try:
            return self._client.request(
                method, path, content=content, headers=headers, params=params
            )
        except httpx.TimeoutException as exc:
            raise self._silent(f"no reply in time from {self._host}") from exc
        except httpx.ConnectError as exc:
            raise _connect_problem(exc, self._host) from exc
        except httpx.TransportError as exc:
            raise self._silent(f"the connection to {self._host} was cut") from exc

    def _silent(self, why: str) -> ServerProblemError:
        return ServerProblemError(
            f"The sync server did not answer ({why}). This register keeps working and sends "
            "its changes when the server is back.",
            answered=False,
        )

    def _refusal(self, response: httpx.Response) -> ServerProblemError:
        status = response.status_code
        body = _error_body(response)
        code = None if body is None else body.code
        retry_after = _retry_after(response, body)
        if status == 401:
            return ServerProblemError(_REVOKED, answered=True, status=status, code=code)
        if status >= 500:
            said = body.message.rstrip(".") if body is not None else f"HTTP {status}"
            return ServerProblemError(
                f"The sync server has a problem ({said}); it will be tried again.",
                answered=True,
                status=status,
                code=code,
                retry_after=retry_after,
            )
        if body is not None:
            return ServerProblemError(
                _sentence(body.message),
                answered=True,
                status=status,
                code=code,
                retry_after=retry_after,
                expected_sequence=body.expected_sequence,
            )
        return ServerProblemError(
            f"{self._host} refused the request (HTTP {status}) and does not look like a "
            "LunarFront sync server. Check the address.",
            answered=True,
            status=status,
        )


def _connect_problem(exc: httpx.ConnectError, host: str) -> ServerProblemError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = cause.verify_message or str(cause)
            return ServerProblemError(
                f"The sync server's certificate could not be verified: {reason}. Check the "
                "address, or the certificate authority file in the sync settings.",
                answered=False,
            )
        if isinstance(cause, ssl.SSLError):
            return ServerProblemError(
                f"The sync server at {host} did not answer securely ({cause.reason or cause}). "
                "Check the address: it should start with https:// only if the server uses TLS.",
                answered=False,
            )
        cause = cause.__cause__ or cause.__context__
    why = "connection refused" if "refused" in str(exc).lower() else f"cannot connect to {host}"
    return ServerProblemError(
        f"The sync server did not answer ({why}). This register keeps working and sends "
        "its changes when the server is back.",
        answered=False,
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return None


def _retry_after(response: httpx.Response, body: ErrorBody | None) -> float | None:
    if body is not None and body.retry_after_seconds is not None:
        return float(body.retry_after_seconds)
    header = response.headers.get("Retry-After", "")
    return float(header) if header.isdigit() else None


def _user_agent() -> str:
    try:
        version = metadata.version("lunarfront")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"LunarFront-register/{version}"


def is_gap(problem: ServerProblemError) -> bool:
    return problem.code == ErrorCode.SEQUENCE_GAP and problem.expected_sequence is not None
