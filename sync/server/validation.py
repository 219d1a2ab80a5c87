"""Validation errors in plain words: which field, and what is wrong with it.

The offending values are never repeated back (a pairing code or token could be one of them);
only where the problem is and pydantic's description of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_LISTED = 3


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    if not errors:
        return "The request does not match what the sync server expects"
    parts = [
        f"{_where(error.get('loc', ()))}: {error.get('msg', 'is not valid')}" for error in errors
    ]
    listed = "; ".join(parts[:MAX_LISTED])
    more = len(parts) - MAX_LISTED
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"The request does not match what the sync server expects — {listed}{suffix}"


def _where(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        kind, rest = parts[0], parts[1:]
        if not rest:
            return "the request body" if kind == "body" else f"the {kind}"
        return ".".join(rest) if kind == "body" else f"the {kind} parameter {'.'.join(rest)}"
    return ".".join(parts) or "the request"
