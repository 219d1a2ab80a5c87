"""`python -m bench list | run NAME... [--repeat N] [--data-dir DIR]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import platformdirs

# Importing the cases is what registers them with REGISTRY.
import bench.cases  # noqa: F401
from bench.harness import BenchmarkError, RunContext, json_line, record
from bench.registry import REGISTRY, Registry, UnknownBenchmarkError

APP_NAME = "LunarFront"


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "bench"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="LunarFront benchmarks.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("list", help="list the benchmarks")
    run = commands.add_parser("run", help="run benchmarks, one JSON line each on stdout")
    run.add_argument("names", nargs="+", metavar="NAME", help="benchmark names, or `all`")
    run.add_argument(
        "--repeat",
        type=_positive_int,
        metavar="N",
        help="samples per benchmark (overrides each benchmark's default)",
    )
    run.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"cache folder for generated stores (default: {default_cache_dir()})",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    registry: Registry = REGISTRY,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "list":
        return _list(registry, out)
    return _run(args, registry, out, err)


def _list(registry: Registry, out: TextIO) -> int:
    benchmarks = registry.all()
    width = max((len(b.name) for b in benchmarks), default=0)
    for case in benchmarks:
        out.write(f"{case.name:<{width}}  {case.description}\n")
    return 0


def _run(args: argparse.Namespace, registry: Registry, out: TextIO, err: TextIO) -> int:
    try:
        selected = registry.select(args.names)
    except UnknownBenchmarkError as exc:
        err.write(f"error: {exc}\n")
        return 2

    def log(message: str) -> None:
        err.write(f"[bench] {message}\n")
        err.flush()

    context = RunContext(data_dir=args.data_dir or default_cache_dir(), repeat=args.repeat, log=log)
    failures = 0
    for case in selected:
        log(f"{case.name}: running")
        try:
            line = record(case.name, case.run(context))
        except BenchmarkError as exc:
            # An expected failure (the app would not start): report it and measure the rest.
            # Anything else is a bug in the benchmark and ends the run with its traceback.
            failures += 1
            log(f"{case.name}: FAILED: {exc}")
            continue
        out.write(json_line(line) + "\n")
        out.flush()
    return 1 if failures else 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
