"""How long to wait after failed sync cycles: 2 s doubling to 5 minutes, with jitter.

Jitter spreads the retries of many registers that lost the server at the same moment, so
they do not all knock at once when it comes back.
"""

from __future__ import annotations

import random

__all__ = ["FIRST_DELAY_S", "MAX_DELAY_S", "backoff_seconds"]

FIRST_DELAY_S = 2.0
MAX_DELAY_S = 300.0


def backoff_seconds(
    failures: int, *, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """The wait after `failures` failed cycles in a row (0 failures: no wait).

    Between 80 % and 100 % of the doubled delay, never more than five minutes, and never
    less than what the server asked for.
    """
    if failures <= 0:
        return 0.0
    base = min(MAX_DELAY_S, FIRST_DELAY_S * float(2 ** min(failures - 1, 16)))
    jitter = float((rng or random).uniform(0.8, 1.0))
    delay = base * jitter
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_DELAY_S))
    return delay
