"""Reading event payloads defensively, and making them safe to store.

A payload comes from a register that may be older, newer, buggy or restored from a backup:
every field is read with a reader that returns None instead of raising, so a handler decides
what an unreadable field means (a sale is still stored and flagged; a record is rejected).

PostgreSQL's `jsonb` refuses a NUL character, a lone UTF-16 surrogate, NaN and infinities,
all of which JSON from a register can carry; `storable` replaces them, so storing an odd
payload for review can never fail the batch.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

_INT64 = 2**63

# In `canonical` text (ASCII-escaped): a NUL, a surrogate, or a non-finite number.
_UNSTORABLE = re.compile(r"\\u0000|\\ud[89a-f]|NaN|Infinity")


def canonical(event_type: str, schema_version: int, payload: dict[str, Any]) -> str:
    """The event's content as one canonical JSON text: what `payload_hash` is taken of."""
    return json.dumps(
        {"type": event_type, "schema_version": schema_version, "payload": payload},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def payload_hash(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def storable_payload(payload: dict[str, Any], canonical_text: str) -> dict[str, Any]:
    """The payload itself when `jsonb` takes it as it is (nearly always), else a cleaned copy."""
    if _UNSTORABLE.search(canonical_text) is None:
        return payload
    cleaned = storable(payload)
    return cleaned if isinstance(cleaned, dict) else {}


def storable(value: Any) -> Any:
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {_clean_text(str(k)): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clean_text(text: str) -> str:
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def as_uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def as_int(value: object) -> int | None:
    """An integer that fits a PostgreSQL bigint; never a bool, a float or a string."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -_INT64 <= value < _INT64 else None


def as_text(value: object, max_length: int) -> str | None:
    if not isinstance(value, str):
        return None
    return _clean_text(value)[:max_length]


def as_time(value: object) -> datetime | None:
    """An ISO 8601 time with its offset, in UTC; a time without an offset is unreadable."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            return None
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def as_dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
