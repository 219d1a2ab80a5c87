"""Running a program that reports its own start-up time on stdout, and timing it from outside."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.harness import BenchmarkError

TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class ProbeRun:
    reported_ms: float
    """What the program measured itself, from its first line of Python to ready."""
    wall_ms: float
    """Spawn to exit, as seen from here: adds interpreter start-up and shutdown."""


def parse_marker(stdout: str, marker: str) -> float | None:
    """The number on the line `<marker> <number>`, or None if there is no such line."""
    match = re.search(rf"^{re.escape(marker)}\s+([0-9]+(?:\.[0-9]+)?)\s*$", stdout, re.MULTILINE)
    return float(match.group(1)) if match else None


def run_probe(command: Sequence[str], marker: str, env: Mapping[str, str]) -> ProbeRun:
    began = time.perf_counter()
    try:
        done = subprocess.run(
            list(command),
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkError(f"{_show(command)} did not finish within {TIMEOUT_S:.0f} s") from exc
    wall_ms = (time.perf_counter() - began) * 1000
    reported = parse_marker(done.stdout, marker)
    if done.returncode != 0 or reported is None:
        raise BenchmarkError(
            f"{_show(command)} exited {done.returncode} without a `{marker}` line; "
            f"stderr ends: {done.stderr.strip()[-800:] or '(empty)'}"
        )
    return ProbeRun(reported_ms=reported, wall_ms=wall_ms)


def _show(command: Sequence[str]) -> str:
    return " ".join(command)
