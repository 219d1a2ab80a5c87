"""Time: stored in UTC, shown in the store's time zone.

Services take a `Clock` instead of calling `datetime.now()` so tests and demos
can pin time. A device clock may be wrong, so nothing here is meant for ordering
events or settling conflicts between devices.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import DomainError, quoted

__all__ = [
    "Clock",
    "FixedClock",
    "SystemClock",
    "UnknownTimeZoneError",
    "ensure_utc",
    "to_store_time",
    "utc_now",
]


class UnknownTimeZoneError(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"{quoted(name)} is not a known time zone. Use a name like America/New_York."
        )
        self.name = name


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to, for tests and demos."""

    def __init__(self, at: datetime) -> None:
        self._at = ensure_utc(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def set(self, at: datetime) -> None:
        self._at = ensure_utc(at)


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_utc(dt: datetime) -> datetime:
    """`dt` converted to UTC; a naive datetime is refused, since its zone can only be guessed."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()}: attach a time zone first")
    return dt.astimezone(UTC)


def to_store_time(dt: datetime, tz_name: str) -> datetime:
    """`dt` as wall-clock time in the store's zone, e.g. "America/New_York", for display."""
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError covers keys like "" or "../x"; OSError unreadable zone files.
        raise UnknownTimeZoneError(tz_name) from None
    return ensure_utc(dt).astimezone(zone)
