from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.clock import (
    Clock,
    FixedClock,
    SystemClock,
    UnknownTimeZoneError,
    ensure_utc,
    to_store_time,
    utc_now,
)
from core.errors import DomainError

NOON = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_system_clock_is_aware_utc() -> None:
    clock: Clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    assert now.tzinfo is UTC
    assert before <= now <= utc_now()


def test_fixed_clock_moves_only_when_told() -> None:
    fixed = FixedClock(NOON)
    clock: Clock = fixed
    assert clock.now() == clock.now() == NOON
    fixed.advance(timedelta(minutes=90))
    assert clock.now() == NOON + timedelta(minutes=90)
    fixed.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_fixed_clock_normalises_to_utc() -> None:
    clock = FixedClock(datetime(2024, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=-4))))
    assert clock.now() == NOON
    assert clock.now().utcoffset() == timedelta(0)


def test_fixed_clock_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2024, 6, 1, 12, 0))
    clock = FixedClock(NOON)
    with pytest.raises(ValueError, match="naive"):
        clock.set(datetime(2024, 6, 1, 12, 0))
    assert clock.now() == NOON


def test_ensure_utc() -> None:
    assert ensure_utc(datetime(2024, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=2)))) == datetime(
        2024, 1, 1, 5, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("utc", "wall", "offset_hours", "fold"),
    [
        # Spring forward, 10 March 2024: 02:00 EST jumps to 03:00 EDT.
        (datetime(2024, 3, 10, 6, 59, tzinfo=UTC), datetime(2024, 3, 10, 1, 59), -5, 0),
        (datetime(2024, 3, 10, 7, 0, tzinfo=UTC), datetime(2024, 3, 10, 3, 0), -4, 0),
        # Fall back, 3 November 2024: 01:30 happens twice.
        (datetime(2024, 11, 3, 5, 30, tzinfo=UTC), datetime(2024, 11, 3, 1, 30), -4, 0),
        (datetime(2024, 11, 3, 6, 30, tzinfo=UTC), datetime(2024, 11, 3, 1, 30), -5, 1),
        (datetime(2024, 11, 3, 7, 0, tzinfo=UTC), datetime(2024, 11, 3, 2, 0), -5, 0),
    ],
)
def test_to_store_time_across_dst(
    utc: datetime, wall: datetime, offset_hours: int, fold: int
) -> None:
    local = to_store_time(utc, "America/New_York")
    assert local.replace(tzinfo=None) == wall
    assert local.utcoffset() == timedelta(hours=offset_hours)
    assert local.fold == fold
    # Same instant. Compared in UTC because PEP 495 makes == between zones False for an
    # ambiguous wall time (01:30 on fall-back day), even when the instants agree.
    assert ensure_utc(local) == utc


def test_to_store_time_accepts_any_aware_input() -> None:
    berlin = datetime(2024, 7, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert to_store_time(berlin, "America/New_York").hour == 8


def test_to_store_time_rejects_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_store_time(datetime(2024, 7, 1), "America/New_York")


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "../../etc/passwd", "America", "new york"]
)
def test_unknown_time_zone(name: str) -> None:
    with pytest.raises(UnknownTimeZoneError) as caught:
        to_store_time(NOON, name)
    assert isinstance(caught.value, DomainError)
    assert "not a known time zone" in str(caught.value)
