"""Which handler applies each event type; an unknown type is rejected for good."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.records import RECORD_DELETED, RECORD_SAVED, SALE_COMPLETED, SALE_VOIDED, STOCK_MOVED
from sync.protocol import OutboxEventIn
from sync.server.handlers.known import Wanted
from sync.server.handlers.recorded import apply_recorded
from sync.server.handlers.records import apply_deleted, apply_saved, wants_deleted, wants_saved
from sync.server.handlers.sales import (
    apply_completed,
    apply_voided,
    wants_completed,
    wants_voided,
)
from sync.server.handlers.scope import EventScope
from sync.server.handlers.stock import apply_moved


def _wants_nothing(event: OutboxEventIn, payload: dict[str, Any], wanted: Wanted) -> None:
    """The handler needs only what every batch loads (the company's stores)."""


@dataclass(frozen=True, slots=True)
class Handler:
    apply: Callable[[EventScope], None]
    # Adds what the handler will read to the batch's one read of the database.
    wants: Callable[[OutboxEventIn, dict[str, Any], Wanted], None] = _wants_nothing


_RECORDED = Handler(apply_recorded)

HANDLERS: dict[str, Handler] = {
    RECORD_SAVED: Handler(apply_saved, wants_saved),
    RECORD_DELETED: Handler(apply_deleted, wants_deleted),
    STOCK_MOVED: Handler(apply_moved),
    SALE_COMPLETED: Handler(apply_completed, wants_completed),
    SALE_VOIDED: Handler(apply_voided, wants_voided),
    "sale.held": _RECORDED,
    "sale.resumed": _RECORDED,
    "sale.voided_open": _RECORDED,
}

# Every drawer event (opened, pay_in, pay_out, no_sale, closed …) is kept as it is.
_RECORDED_PREFIXES = ("drawer.",)


def handler_for(event_type: str) -> Handler | None:
    handler = HANDLERS.get(event_type)
    if handler is None and event_type.startswith(_RECORDED_PREFIXES):
        return _RECORDED
    return handler
