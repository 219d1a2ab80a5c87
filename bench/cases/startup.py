"""How long from launching the app to a login window a cashier can use."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from bench.harness import Measurement, RunContext
from bench.probe import ProbeRun, run_probe
from bench.registry import benchmark
from bench.stores import BIG_STORE, ensure_store

DEFAULT_SAMPLES = 7
TARGET_MS = 2000.0  # the requirement: median cold start to the login window under 2 s
APP_MARKER = "login-ready-ms"
BASELINE_MARKER = "qt-ready-ms"
BASELINE_SCRIPT = Path(__file__).resolve().parent.parent / "qt_baseline.py"


@benchmark(
    "startup.cold_start",
    "process start to usable login window, 100k-product store (vs. an empty Qt window)",
)
def cold_start(context: RunContext) -> Measurement:
    data_dir = ensure_store(context, BIG_STORE)
    env = qt_environment()
    app = [sys.executable, "-m", "desktop.main", "--data-dir", str(data_dir), "--startup-probe"]
    baseline = [sys.executable, str(BASELINE_SCRIPT)]

    # Untimed: fills the page cache with Python, Qt and the database, so every timed run starts
    # from the same state rather than the first one paying for the disk.
    context.log("warm-up run (untimed)")
    run_probe(app, APP_MARKER, env)
    run_probe(baseline, BASELINE_MARKER, env)

    runs: list[ProbeRun] = []
    base_runs: list[ProbeRun] = []
    count = context.samples(DEFAULT_SAMPLES)
    for index in range(count):
        # Interleaved, so a burst of load on the machine hits the app and the baseline alike.
        runs.append(run_probe(app, APP_MARKER, env))
        base_runs.append(run_probe(baseline, BASELINE_MARKER, env))
        context.log(
            f"run {index + 1}/{count}: app {runs[-1].reported_ms:.0f} ms, "
            f"bare Qt {base_runs[-1].reported_ms:.0f} ms"
        )

    return Measurement(
        samples=tuple(r.reported_ms for r in runs),
        baseline=tuple(r.reported_ms for r in base_runs),
        target=TARGET_MS,
        extra={
            "wall_median": round(statistics.median(r.wall_ms for r in runs), 3),
            "baseline_wall_median": round(statistics.median(r.wall_ms for r in base_runs), 3),
            "qt_platform": env["QT_QPA_PLATFORM"],
            "store": BIG_STORE.key,
        },
    )


def qt_environment() -> dict[str, str]:
    env = dict(os.environ)
    # Offscreen by default so the figures do not depend on a display server; a platform set
    # explicitly (say xcb, to measure on a real screen) is respected and reported.
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env
