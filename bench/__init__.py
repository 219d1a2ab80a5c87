"""LunarFront's benchmarks: `python -m bench list`, `python -m bench run NAME...`.

A benchmark is a function registered with `@benchmark(name, description)` that takes a
`RunContext` and returns a `Measurement`; the harness turns that into one JSON line.
"""

from bench.harness import BenchmarkError, Measurement, RunContext
from bench.registry import REGISTRY, Benchmark, Registry, benchmark

__all__ = [
    "REGISTRY",
    "Benchmark",
    "BenchmarkError",
    "Measurement",
    "Registry",
    "RunContext",
    "benchmark",
]
