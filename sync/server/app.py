"""The sync server's FastAPI application: routes, error replies, middleware.

Every error reply is an `ErrorBody`: the server's own errors (`sync.server.errors`), HTTP
errors (unknown route 404, wrong method 405), validation errors (422 `invalid_request`, in
plain words), an oversized body (413), the database unreachable or busy (503, with
`retry_after_seconds`), and anything unexpected (500, generic message, logged with its
traceback by `RequestLogMiddleware`).

The app keeps no state between requests but its connection pool, so any number of server
processes can serve the same PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException

from sync.protocol import ErrorBody, ErrorCode
from sync.server.config import ServerConfig
from sync.server.database import Database, unavailable_from
from sync.server.errors import ServerError
from sync.server.limits import BodyLimitMiddleware
from sync.server.logs import RequestLogMiddleware, configure_logging
from sync.server.routes import api, public
from sync.server.validation import validation_message
from sync.server.version import server_version

INTERNAL_ERROR = ErrorBody(
    code=ErrorCode.UNAVAILABLE,
    message="The sync server had an unexpected problem; it was logged. Try again later",
)
_HTTP_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}


def create_app(config: ServerConfig) -> FastAPI:
    database = Database(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="LunarFront sync server",
        version=server_version(),
        description=(
            "Registers push their outbox events and pull what changed elsewhere. Every error "
            "reply is an ErrorBody."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.database = database
    app.include_router(public)
    app.include_router(api)
    app.add_exception_handler(ServerError, _server_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(sa_exc.SQLAlchemyError, _database_error)  # type: ignore[arg-type]
    # Added last = outermost: the request log sees every reply, including the 413.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestLogMiddleware, internal_error_body=_json(INTERNAL_ERROR))
    return app


def app_from_env() -> FastAPI:
    """The uvicorn factory (`uvicorn --factory sync.server.app:app_from_env`)."""
    config = ServerConfig.from_env()
    configure_logging(config.log_level)
    return create_app(config)


def error_response(
    status: int, body: ErrorBody, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status, headers)


async def _server_error(_: Request, error: ServerError) -> JSONResponse:
    return error_response(error.status, error.body(), error.headers())


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    status = error.status_code
    if status == 400:
        # FastAPI's "error parsing the body" (bytes that are not text, say): a malformed
        # request like any other, so it is answered as the 422 the description promises.
        return error_response(
            422,
            ErrorBody(
                code=ErrorCode.INVALID_REQUEST,
                message="The sync server could not read the request body as JSON text",
            ),
        )
    if status == 404:
        message = "There is no such address on the sync server"
    elif status == 405:
        message = f"This address of the sync server does not accept {request.method}"
    elif isinstance(error.detail, str) and error.detail:
        message = error.detail
    else:
        message = "The sync server could not accept this request"
    code = _HTTP_CODES.get(status, ErrorCode.INVALID_REQUEST)
    headers = dict(error.headers) if error.headers else None
    return error_response(status, ErrorBody(code=code, message=message), headers)


async def _validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    body = ErrorBody(code=ErrorCode.INVALID_REQUEST, message=validation_message(error.errors()))
    return error_response(422, body)


async def _database_error(_: Request, error: sa_exc.SQLAlchemyError) -> JSONResponse:
    unavailable = unavailable_from(error)
    if unavailable is None:
        raise error  # unexpected: RequestLogMiddleware logs it and answers 500
    return error_response(unavailable.status, unavailable.body(), unavailable.headers())


def _json(body: ErrorBody) -> bytes:
    return body.model_dump_json(exclude_none=True).encode()
