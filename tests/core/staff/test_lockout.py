from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core.staff.lockout import (
    AttemptState,
    LockoutPolicy,
    after_failure,
    after_success,
    attempts_left,
    is_locked,
)

NOW = datetime(2026, 5, 1, 9, tzinfo=UTC)
POLICY = LockoutPolicy(max_attempts=3, lock_for=timedelta(minutes=10))
FRESH = AttemptState(0, None)


def test_locks_on_the_last_allowed_failure() -> None:
    state = after_failure(FRESH, NOW, POLICY)
    state = after_failure(state, NOW, POLICY)
    assert not is_locked(state, NOW)
    assert attempts_left(state, POLICY) == 1
    state = after_failure(state, NOW, POLICY)
    assert is_locked(state, NOW)
    assert state.locked_until == NOW + timedelta(minutes=10)


def test_lock_expires_and_counting_starts_over() -> None:
    state = AttemptState(0, NOW + timedelta(minutes=10))
    later = NOW + timedelta(minutes=10)
    assert not is_locked(state, later)
    state = after_failure(state, later, POLICY)
    assert state == AttemptState(1, None)


def test_success_clears_everything() -> None:
    assert after_success() == FRESH


@given(st.integers(min_value=1, max_value=20), st.integers(min_value=0, max_value=60))
def test_never_more_than_max_attempts_without_a_lock(max_attempts: int, failures: int) -> None:
    policy = LockoutPolicy(max_attempts=max_attempts)
    state = FRESH
    for n in range(1, failures + 1):
        state = after_failure(state, NOW, policy)
        if n % max_attempts == 0:
            assert is_locked(state, NOW)
        assert state.failed_attempts < max_attempts
