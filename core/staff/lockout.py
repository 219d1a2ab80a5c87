"""Locking a user out for a while after repeated wrong passwords or PINs.

The lock time comes from this machine's clock. That is acceptable here, unlike for ordering
synced events: a wrong clock can only make a local lock shorter or longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_attempts: int = 5
    lock_for: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class AttemptState:
    failed_attempts: int
    locked_until: datetime | None


def is_locked(state: AttemptState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: AttemptState, now: datetime, policy: LockoutPolicy) -> AttemptState:
    """Count a failure; the one that reaches the limit starts a lock and resets the count."""
    if state.locked_until is not None and now >= state.locked_until:
        state = AttemptState(failed_attempts=0, locked_until=None)
    failures = state.failed_attempts + 1
    if failures >= policy.max_attempts:
        return AttemptState(failed_attempts=0, locked_until=now + policy.lock_for)
    return AttemptState(failed_attempts=failures, locked_until=state.locked_until)


def after_success() -> AttemptState:
    return AttemptState(failed_attempts=0, locked_until=None)


def attempts_left(state: AttemptState, policy: LockoutPolicy) -> int:
    return max(policy.max_attempts - state.failed_attempts, 0)
