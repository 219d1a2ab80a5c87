"""The sync API's routes. Each is a thin shell: authenticate, call one function on the
request's session, return its reply. The session commits after the route returns and before
the reply is sent (see `sync.server.database`), so a reply always describes committed work.

Routes never take a company or location from the request as authority: the authenticated
device's `company_id` / `location_id` scope every query.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from sync.protocol import (
    API_PREFIX,
    MAX_PULL_LIMIT,
    DeviceStatus,
    ErrorBody,
    Health,
    PairRequest,
    PairResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SalesTotals,
)
from sync.server import pairing, reports
from sync.server.auth import AuthenticatedDevice, RequestSession
from sync.server.database import database_of
from sync.server.pull import pull_changes
from sync.server.push import apply_push
from sync.server.version import server_version

_DESCRIPTIONS = {
    400: "The pairing code is unknown, already used or expired.",
    401: "No device token, or a token that is unknown or was revoked.",
    404: "No such thing in this device's company.",
    409: "Refused: see `code` (`sequence_gap` carries `expected_sequence`).",
    413: "The request body is larger than the server accepts.",
    422: "The request does not match the schema.",
    500: "An unexpected error on the server (it is logged).",
    503: "The server cannot reach its database or is busy: retry after `retry_after_seconds`.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses (plus 413, 422, 500 and 503: any request
    can be too large, malformed, hit a bug or find the database down)."""
    wanted = sorted({*statuses, 413, 422, 500, 503})
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in wanted}


public = APIRouter()
api = APIRouter(prefix=API_PREFIX)


@public.get(
    "/health",
    response_model=Health,
    responses={
        503: {"model": Health, "description": "The database is unreachable."},
        413: {"model": ErrorBody, "description": _DESCRIPTIONS[413]},
        500: {"model": ErrorBody, "description": _DESCRIPTIONS[500]},
    },
    summary="Is the server up, and can it reach its database?",
)
def health(request: Request) -> Any:
    reachable = database_of(request).reachable()
    body = Health(
        status="ok" if reachable else "degraded",
        database="ok" if reachable else "unreachable",
        version=server_version(),
    )
    if reachable:
        return body
    return JSONResponse(body.model_dump(mode="json"), status_code=503)


@api.post(
    "/pair",
    response_model=PairResponse,
    responses=errors(400, 409),
    summary="Pair a register with a one-time pairing code; returns its device token once.",
)
def pair(body: PairRequest, session: RequestSession) -> PairResponse:
    return pairing.pair(session, body, datetime.now(UTC))


@api.post(
    "/push",
    response_model=PushResponse,
    responses=errors(401, 409),
    summary="Push the device's outbox events, in order; each result is an acknowledgement.",
)
def push(body: PushRequest, session: RequestSession, device: AuthenticatedDevice) -> PushResponse:
    return apply_push(session, device, body)


@api.get(
    "/pull",
    response_model=PullResponse,
    responses=errors(401),
    summary="Changes made elsewhere since the cursor, in commit-safe order.",
)
def pull(
    session: RequestSession,
    device: AuthenticatedDevice,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 1000,
) -> Response:
    # Serialised once here: letting FastAPI dump and re-validate a page of 5,000 changes
    # costs about as much as reading them. `response_model` still describes it.
    reply = pull_changes(session, device, cursor, limit)
    return Response(reply.model_dump_json(), media_type="application/json")


@api.get(
    "/device",
    response_model=DeviceStatus,
    responses=errors(401),
    summary="This device as the server sees it (its last accounted sequence).",
)
def device_status(device: AuthenticatedDevice) -> DeviceStatus:
    return DeviceStatus(
        device_id=device.id,
        company_id=device.company_id,
        location_id=device.location_id,
        last_sequence=device.last_sequence,
        server_time=datetime.now(UTC),
    )


@api.get(
    "/reports/sales",
    response_model=SalesTotals,
    responses=errors(401, 404),
    summary="Sales totals of the device's company, per store (optionally one store).",
)
def sales_report(
    session: RequestSession,
    device: AuthenticatedDevice,
    location_id: uuid.UUID | None = None,
) -> SalesTotals:
    return reports.sales_totals(session, device.company_id, location_id)
