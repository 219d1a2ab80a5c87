"""Summary statistics of timing samples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stats:
    n: int
    median: float
    p95: float
    min: float
    max: float


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default, Excel's PERCENTILE.INC).

    Chosen over nearest-rank because with the small sample counts benchmarks use (7, 15)
    nearest-rank p95 is simply the maximum, which makes one outlier the whole story.
    """
    if not samples:
        raise ValueError("no samples")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, not {fraction}")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summarize(samples: Sequence[float]) -> Stats:
    if not samples:
        raise ValueError("no samples")
    return Stats(
        n=len(samples),
        median=percentile(samples, 0.5),
        p95=percentile(samples, 0.95),
        min=min(samples),
        max=max(samples),
    )
