"""How a handler says an event cannot be applied: for good, or not yet.

A permanent error is recorded (`applied_event` rejected, an `event_issue` for a manager) and
the device's sequence moves past it, so one bad event never blocks the queue. A transient
one stops the batch at that event without acknowledging it: the register sends it again
after `retry_after_seconds`.
"""

from __future__ import annotations

# How long a register waits before it sends an event held back by a transient failure.
RETRY_AFTER_SECONDS = 5


class PermanentEventError(Exception):
    """The event can never be applied as it is; `message` is plain words for a manager."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransientEventError(Exception):
    """The event cannot be applied now but may be later (a lock, a server too old for it)."""

    def __init__(self, message: str, retry_after_seconds: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_seconds = retry_after_seconds
