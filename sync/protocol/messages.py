"""Requests and replies of the sync API (`/v1/...`), as pydantic models.

Acknowledgement rule: every `EventResult` in a `PushResponse` is an acknowledgement. The
register may forget that event (after recording a rejected, quarantined or flagged one for a
manager to see). Events at or after `PushResponse.retry_from` were NOT acknowledged and must
be sent again later, in order.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

API_PREFIX = "/v1"
PROTOCOL_VERSION = 1
# A push carries at most this many events; the register sends them in order, oldest first.
MAX_BATCH_EVENTS = 500
# The server refuses a request body larger than this (HTTP 413) before parsing it.
MAX_BODY_BYTES = 8 * 1024 * 1024
# A pull returns at most this many changes; `limit` above it is refused.
MAX_PULL_LIMIT = 5000

EventType = Annotated[
    str, StringConstraints(min_length=3, max_length=60, pattern=r"^[a-z_]+(\.[a-z_]+)+$")
]
TableName = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z_]+$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- errors --------------------------------------------------------------------------------


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"  # 401: no token, an unknown token or a revoked one
    FORBIDDEN = "forbidden"  # 403: the device may not do this (another company's data)
    NOT_FOUND = "not_found"  # 404
    SEQUENCE_GAP = "sequence_gap"  # 409: `expected_sequence` says where to start
    PAIRING_CODE_INVALID = "pairing_code_invalid"  # 400: unknown, used or expired code
    PAIRING_REFUSED = "pairing_refused"  # 409: e.g. the device id is paired elsewhere
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    INVALID_REQUEST = "invalid_request"  # 422: the body does not match the schema
    UNAVAILABLE = "unavailable"  # 503: try again after `retry_after_seconds`


class ErrorBody(_Message):
    """Every error reply (4xx, 5xx) has this body; `message` is plain words for a manager."""

    code: ErrorCode
    message: str
    expected_sequence: int | None = None
    retry_after_seconds: int | None = None


# -- pairing -------------------------------------------------------------------------------


class CompanyInfo(_Message):
    id: uuid.UUID
    name: ShortText
    currency: Currency


class LocationInfo(_Message):
    id: uuid.UUID
    code: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    name: ShortText
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class DeviceInfo(_Message):
    id: uuid.UUID
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    kind: Literal["register", "bench", "office"]
    prefix: Annotated[str, StringConstraints(min_length=1, max_length=8)]


class PairRequest(_Message):
    """A one-time pairing code and the register's own identity.

    For a code made with `--new-company`, `company` and `location` are the register's own
    (its store was set up locally first) and the server creates them with these ids. For a
    code made for an existing location they are omitted, or must name that company.
    """

    code: Annotated[str, StringConstraints(min_length=4, max_length=40)]
    device: DeviceInfo
    company: CompanyInfo | None = None
    location: LocationInfo | None = None


class PairResponse(_Message):
    """`token` is shown once; the server keeps only its hash."""

    token: str
    device_id: uuid.UUID
    company: CompanyInfo
    location: LocationInfo


# -- push ----------------------------------------------------------------------------------


class OutboxEventIn(_Message):
    id: uuid.UUID
    sequence: Annotated[int, Field(ge=1)]
    schema_version: Annotated[int, Field(ge=1, le=1000)]
    type: EventType
    payload: dict[str, Any]
    # Informational only: the server orders by sequence and never trusts this clock.
    device_time: AwareDatetime


class PushRequest(_Message):
    """Events of the authenticated device, consecutive sequences, oldest first."""

    events: Annotated[list[OutboxEventIn], Field(min_length=1, max_length=MAX_BATCH_EVENTS)]


class EventStatus(StrEnum):
    APPLIED = "applied"  # applied now
    DUPLICATE = "duplicate"  # the same event was applied before; nothing was done again
    # Applied, with something odd recorded for review (a sale is never refused).
    FLAGGED = "flagged"
    # Permanently unusable; kept on the server for review, not applied.
    REJECTED = "rejected"
    # Differs from what was applied under this sequence; kept for review, not applied.
    QUARANTINED = "quarantined"


class EventResult(_Message):
    id: uuid.UUID
    sequence: int
    status: EventStatus
    message: str = ""


class PushResponse(_Message):
    results: list[EventResult]
    # The highest sequence of this device the server has accounted for after this push.
    last_sequence: int
    # A transient failure stopped the batch here: this and later events were not
    # acknowledged and must be sent again after `retry_after_seconds`.
    retry_from: int | None = None
    retry_after_seconds: int | None = None
    message: str = ""


# -- pull ----------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    UPSERT = "upsert"  # `data` is the whole record as the server holds it now
    DELETE = "delete"  # the record is gone (a hard delete; soft deletes are upserts)
    STOCK = "stock"  # `data` is one stock movement (a delta) made by another device


class Change(_Message):
    kind: ChangeKind
    table: TableName
    id: uuid.UUID
    location_id: uuid.UUID | None = None
    data: dict[str, Any] | None = None
    origin_device_id: uuid.UUID | None = None


class PullResponse(_Message):
    """Changes after the cursor, in commit-safe order; pass `cursor` back for the next page.

    `more` is true when another page is ready now. An empty page means the register is up to
    date (rows of transactions still in flight come in a later pull, never skipped).
    """

    changes: list[Change]
    cursor: str
    more: bool


# -- status and reports ----------------------------------------------------------------------


class Health(_Message):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]
    version: str


class DeviceStatus(_Message):
    device_id: uuid.UUID
    company_id: uuid.UUID
    location_id: uuid.UUID
    last_sequence: int
    server_time: datetime


class LocationTotals(_Message):
    location_id: uuid.UUID
    sales: int  # completed sales and returns, not voided
    total: int  # minor units, returns negative, voided sales excluded
    tax: int


class SalesTotals(_Message):
    company_id: uuid.UUID
    currency: str
    locations: list[LocationTotals]
