"""What a benchmark receives (`RunContext`), what it returns (`Measurement`), and the JSON line
the harness prints for it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import summarize

JsonScalar = str | int | float | bool | None
Record = dict[str, JsonScalar]


class BenchmarkError(Exception):
    """A benchmark could not measure (the app failed to start, a store could not be made)."""


@dataclass(frozen=True, slots=True)
class RunContext:
    data_dir: Path
    """Cache folder for generated stores, kept between runs."""
    repeat: int | None
    """`--repeat`: overrides every benchmark's own sample count."""
    log: Callable[[str], None]
    """Progress for a person watching; stdout is reserved for the JSON lines."""

    def samples(self, default: int) -> int:
        return self.repeat if self.repeat is not None else default


@dataclass(frozen=True, slots=True)
class Measurement:
    samples: tuple[float, ...]
    baseline: tuple[float, ...] | None = None
    """The same thing stripped to what this machine cannot avoid, measured in the same run so
    the ratio means something across machines of different speed."""
    target: float | None = None
    unit: str = "ms"
    extra: Mapping[str, JsonScalar] = field(default_factory=dict)


def time_ms(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def record(name: str, measurement: Measurement) -> Record:
    stats = summarize(measurement.samples)
    line: Record = {
        "name": name,
        "unit": measurement.unit,
        "median": _round(stats.median),
        "p95": _round(stats.p95),
        "n": stats.n,
        "min": _round(stats.min),
        "max": _round(stats.max),
    }
    if measurement.baseline:
        base = summarize(measurement.baseline)
        line["baseline"] = _round(base.median)
        line["baseline_p95"] = _round(base.p95)
        line["baseline_n"] = base.n
        line["ratio"] = round(stats.median / base.median, 3) if base.median > 0 else None
    if measurement.target is not None:
        line["target"] = measurement.target
        line["meets_target"] = stats.median < measurement.target
    for key, value in measurement.extra.items():
        if key in line:
            raise ValueError(f"extra field {key!r} would overwrite a standard field")
        line[key] = value
    return line


def json_line(line: Record) -> str:
    # allow_nan=False: a NaN would make the line unreadable to strict JSON parsers downstream.
    return json.dumps(line, allow_nan=False)


def _round(value: float) -> float:
    return round(value, 3)
