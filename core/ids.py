"""Record ids: UUIDv7 (RFC 9562), generated on the store machine, even offline.

Why version 7: its leading 48 bits are the Unix time in milliseconds, so ids made
one after another are close together in a B-tree; SQLite and Postgres inserts
then touch the same few index pages instead of random ones, as UUIDv4 would.

Ids are never used to order events or settle conflicts: the timestamp comes from
the device clock, which may be wrong. They only need to be unique and roughly
local; within one process they also sort in the order they were made.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable

from core.errors import DomainError, quoted

__all__ = ["IdGenerator", "InvalidIdError", "new_id", "parse_id"]

_COUNTER_MAX = 0xFFF  # rand_a is 12 bits
_MS_MASK = (1 << 48) - 1
# Canonical 8-4-4-4-12 or bare 32 hex digits; uuid.UUID alone would also take
# "+", "_" or stray hyphens, which only a mistyped or corrupted id contains.
_ID_TEXT = re.compile(
    r"[0-9a-f]{8}(-?)[0-9a-f]{4}\1[0-9a-f]{4}\1[0-9a-f]{4}\1[0-9a-f]{12}", re.IGNORECASE
)


class InvalidIdError(DomainError):
    def __init__(self, text: str) -> None:
        super().__init__(f"{quoted(text)} is not a valid record id.")
        self.text = text


class IdGenerator:
    """Makes UUIDv7 ids that strictly increase within this generator, across threads.

    rand_a holds a counter (RFC 9562 section 6.2, method 1). A new millisecond
    starts it at a random value below 2048, so at least 2048 ids fit in one
    millisecond; past 4095 the generator borrows the next millisecond rather than
    block. If the wall clock steps back, the last timestamp is kept, so order
    within the process survives a clock correction.
    """

    def __init__(
        self,
        time_ns: Callable[[], int] = time.time_ns,
        randbits: Callable[[int], int] = secrets.randbits,
    ) -> None:
        self._time_ns = time_ns
        self._randbits = randbits
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def __call__(self) -> uuid.UUID:
        with self._lock:
            ms = self._time_ns() // 1_000_000
            if ms > self._last_ms:
                counter = self._randbits(11)
            else:
                ms, counter = self._last_ms, self._counter + 1
                if counter > _COUNTER_MAX:
                    ms, counter = ms + 1, self._randbits(11)
            self._last_ms, self._counter = ms, counter
        rand_b = self._randbits(62)
        # RFC 9562 layout: unix_ts_ms:48 | ver:4 = 7 | rand_a:12 | var:2 = 0b10 | rand_b:62
        value = (ms & _MS_MASK) << 80 | 7 << 76 | counter << 64 | 0b10 << 62 | rand_b
        return uuid.UUID(int=value)


_default = IdGenerator()


def new_id() -> uuid.UUID:
    """A new UUIDv7 record id."""
    return _default()


def parse_id(text: str) -> uuid.UUID:
    """Read an id from text (a scanned tag, a URL, a file), hyphenated or bare hex."""
    if not isinstance(text, str):
        raise TypeError(f"an id is parsed from str, not {type(text).__name__}")
    stripped = text.strip()
    if _ID_TEXT.fullmatch(stripped) is None:
        raise InvalidIdError(stripped)
    return uuid.UUID(stripped)
