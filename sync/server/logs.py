"""Structured logs: one JSON object per line, so a log shipper can index them as they are.

Each line has `time` (UTC), `level`, `logger`, `message`, the `request_id` and `device_id` of
the request being served (null outside one), and any `extra={...}` fields; the request log
adds `method`, `path`, `status` and `duration_ms`. Tokens and pairing codes are never passed
to a logger, and the request log records the path without its query string.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_LOGGER = "lunarfront.server.request"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


@dataclass(slots=True)
class RequestContext:
    """Mutable on purpose: the auth dependency runs in a worker thread with a copy of the
    context variables, and fills `device_id` in on this shared object."""

    request_id: str
    device_id: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("lunarfront_request", default=None)


def current_request() -> RequestContext | None:
    return _current.get()


def set_device(device_id: uuid.UUID) -> None:
    context = _current.get()
    if context is not None:
        context.device_id = str(device_id)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = _current.get()
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": context.request_id if context else None,
            "device_id": context.device_id if context else None,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger (ours, uvicorn's, SQLAlchemy's) through one JSON handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
    # Requests are logged by RequestLogMiddleware, once, with their device and duration.
    logging.getLogger("uvicorn.access").disabled = True
    return handler


class RequestLogMiddleware:
    """Logs every request once, and answers an unexpected exception with a generic 500
    (logged with its traceback) instead of letting it reach the client or the server."""

    def __init__(self, app: ASGIApp, internal_error_body: bytes) -> None:
        self.app = app
        self.internal_error_body = internal_error_body
        self.logger = logging.getLogger(REQUEST_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        context = RequestContext(request_id)
        token = _current.set(context)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_logged(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        except Exception:
            self.logger.exception("unexpected error while serving a request")
            if not response_started:
                await _send_json(send_logged, 500, self.internal_error_body)
        finally:
            fields = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            level = logging.ERROR if status >= 500 else logging.INFO
            self.logger.log(
                level, "%s %s %s", fields["method"], fields["path"], status, extra=fields
            )
            _current.reset(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_json(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
