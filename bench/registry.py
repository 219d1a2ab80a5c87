"""The benchmark registry and its `@benchmark(name, description)` decorator."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench.harness import Measurement, RunContext

BenchmarkFn = Callable[[RunContext], Measurement]
ALL = "all"


class UnknownBenchmarkError(LookupError):
    """A name given to `run` that no benchmark has."""


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    description: str
    run: BenchmarkFn


class Registry:
    def __init__(self) -> None:
        self._benchmarks: dict[str, Benchmark] = {}

    def benchmark(self, name: str, description: str) -> Callable[[BenchmarkFn], BenchmarkFn]:
        if name == ALL or not name or any(c.isspace() for c in name):
            raise ValueError(f"{name!r} cannot be a benchmark name")
        if name in self._benchmarks:
            raise ValueError(f"benchmark {name!r} is registered twice")

        def register(fn: BenchmarkFn) -> BenchmarkFn:
            self._benchmarks[name] = Benchmark(name, description, fn)
            return fn

        return register

    def all(self) -> list[Benchmark]:
        return sorted(self._benchmarks.values(), key=lambda b: b.name)

    def select(self, names: Iterable[str]) -> list[Benchmark]:
        """The benchmarks named, in the order given, once each; `all` means every one."""
        wanted = list(names)
        unknown = [n for n in wanted if n != ALL and n not in self._benchmarks]
        if unknown:
            known = ", ".join(b.name for b in self.all()) or "none"
            raise UnknownBenchmarkError(
                f"unknown benchmark{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
                f"(known: {known}; see `python -m bench list`)"
            )
        chosen: dict[str, Benchmark] = {}
        for name in wanted:
            for bench in self.all() if name == ALL else [self._benchmarks[name]]:
                chosen.setdefault(bench.name, bench)
        return list(chosen.values())


REGISTRY = Registry()
benchmark = REGISTRY.benchmark
