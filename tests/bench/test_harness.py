"""The benchmark harness: statistics, the JSON line, the registry and the command line.

Nothing here launches the app or generates a real store; the benchmarks themselves are run
with `python -m bench run ...`.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bench.stores
from bench.cli import main
from bench.harness import BenchmarkError, Measurement, RunContext, json_line, record
from bench.probe import parse_marker
from bench.registry import Registry, UnknownBenchmarkError
from bench.stats import percentile, summarize
from bench.stores import DemoStore, ensure_store

ROOT = Path(__file__).resolve().parents[2]


def quiet_context(tmp_path: Path, repeat: int | None = None) -> RunContext:
    return RunContext(data_dir=tmp_path, repeat=repeat, log=lambda _message: None)


# -- statistics ---------------------------------------------------------------------------------
def test_median_and_p95_of_known_samples() -> None:
    stats = summarize([float(x) for x in range(20, 0, -1)])  # 1..20, given out of order
    assert (stats.n, stats.min, stats.max) == (20, 1.0, 20.0)
    assert stats.median == pytest.approx(10.5)
    assert stats.p95 == pytest.approx(19.05)  # rank 0.95 * 19 = 18.05: between 19 and 20


def test_p95_of_seven_samples_interpolates_rather_than_taking_the_maximum() -> None:
    stats = summarize([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0])
    assert stats.median == 40.0
    assert stats.p95 == pytest.approx(67.0)


def test_one_sample_is_its_own_median_and_p95() -> None:
    stats = summarize([3.5])
    assert (stats.median, stats.p95, stats.min, stats.max) == (3.5, 3.5, 3.5, 3.5)


def test_percentile_ends_and_errors() -> None:
    assert percentile([5.0, 1.0, 3.0], 0.0) == 1.0
    assert percentile([5.0, 1.0, 3.0], 1.0) == 5.0
    with pytest.raises(ValueError, match="no samples"):
        summarize([])
    with pytest.raises(ValueError, match="fraction"):
        percentile([1.0], 1.5)


# -- the JSON line ------------------------------------------------------------------------------
def test_record_with_baseline_target_and_extra_fields() -> None:
    line = record(
        "x.y",
        Measurement(
            samples=(30.0, 10.0, 20.0),
            baseline=(4.0, 5.0, 6.0),
            target=25.0,
            extra={"wall_median": 40.0},
        ),
    )
    assert line == {
        "name": "x.y",
        "unit": "ms",
        "median": 20.0,
        "p95": 29.0,
        "n": 3,
        "min": 10.0,
        "max": 30.0,
        "baseline": 5.0,
        "baseline_p95": 5.9,
        "baseline_n": 3,
        "ratio": 4.0,
        "target": 25.0,
        "meets_target": True,
        "wall_median": 40.0,
    }
    assert list(line)[:5] == ["name", "unit", "median", "p95", "n"]


def test_record_without_baseline_or_target_has_neither() -> None:
    line = record("x", Measurement(samples=(3.0,)))
    assert {"baseline", "ratio", "target", "meets_target"}.isdisjoint(line)


def test_missing_the_target_is_reported() -> None:
    assert record("x", Measurement(samples=(2500.0,), target=2000.0))["meets_target"] is False


def test_extra_fields_cannot_overwrite_standard_ones() -> None:
    with pytest.raises(ValueError, match="median"):
        record("x", Measurement(samples=(1.0,), extra={"median": 0.0}))


def test_json_line_is_one_line_of_json() -> None:
    text = json_line(record("x", Measurement(samples=(1.0, 2.0), extra={"note": "a\nb"})))
    assert "\n" not in text
    assert json.loads(text)["note"] == "a\nb"


# -- the registry -------------------------------------------------------------------------------
def fake(value: float) -> Measurement:
    return Measurement(samples=(value,))


def test_registry_registers_and_selects() -> None:
    registry = Registry()

    @registry.benchmark("b.second", "the second")
    def second(context: RunContext) -> Measurement:
        return fake(2.0)

    @registry.benchmark("a.first", "the first")
    def first(context: RunContext) -> Measurement:
        return fake(1.0)

    assert [b.name for b in registry.all()] == ["a.first", "b.second"]
    assert registry.all()[0].run is first
    assert [b.name for b in registry.select(["b.second", "a.first", "b.second"])] == [
        "b.second",
        "a.first",
    ]
    assert [b.name for b in registry.select(["all"])] == ["a.first", "b.second"]


def test_registry_refuses_duplicates_and_reserved_names() -> None:
    registry = Registry()
    registry.benchmark("a", "once")(lambda context: fake(1.0))
    with pytest.raises(ValueError, match="twice"):
        registry.benchmark("a", "again")
    for bad in ("all", "", "two words"):
        with pytest.raises(ValueError, match="cannot be a benchmark name"):
            registry.benchmark(bad, "bad")


def test_unknown_names_are_listed_with_the_known_ones() -> None:
    registry = Registry()
    registry.benchmark("a", "known")(lambda context: fake(1.0))
    with pytest.raises(UnknownBenchmarkError, match=r"unknown benchmarks: x, y \(known: a;"):
        registry.select(["x", "a", "y"])


def test_repeat_overrides_the_default_sample_count(tmp_path: Path) -> None:
    assert quiet_context(tmp_path).samples(7) == 7
    assert quiet_context(tmp_path, repeat=2).samples(7) == 2


# -- the command line ---------------------------------------------------------------------------
def test_list_shows_every_real_benchmark_with_its_description() -> None:
    out = io.StringIO()
    assert main(["list"], out=out) == 0
    lines = out.getvalue().splitlines()
    names = [line.split()[0] for line in lines]
    assert names == sorted(names)
    assert {
        "startup.cold_start",
        "store.open_100k",
        "catalog.lookup_100k",
        "catalog.search_100k",
        "customers.search_50k",
        "catalog.import_100k",
        "register.scan_to_cart_core",
        "register.complete_cash_sale",
        "register.scan_to_paint",
        "drawer.z_report_2000_sales",
        "ledger.sales_by_day_year",
        "printing.render_receipt_30_lines",
        "printing.unreachable_reported",
        "printing.network_receipt",
    } <= set(names)
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


def test_run_prints_one_json_line_per_benchmark_and_logs_to_stderr(tmp_path: Path) -> None:
    registry = Registry()
    seen: list[int | None] = []

    @registry.benchmark("fast.one", "one")
    def one(context: RunContext) -> Measurement:
        seen.append(context.repeat)
        context.log("working")
        return Measurement(samples=(1.0, 3.0), baseline=(1.0,))

    registry.benchmark("fast.two", "two")(lambda context: fake(5.0))
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", "all", "--repeat", "2", "--data-dir", str(tmp_path)]
    assert main(argv, registry=registry, out=out, err=err) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(x["name"], x["median"], x.get("ratio")) for x in lines] == [
        ("fast.one", 2.0, 2.0),
        ("fast.two", 5.0, None),
    ]
    assert seen == [2]
    assert "working" in err.getvalue()


def test_a_failing_benchmark_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    registry = Registry()

    @registry.benchmark("broken", "fails")
    def broken(context: RunContext) -> Measurement:
        raise BenchmarkError("the app would not start")

    registry.benchmark("fine", "works")(lambda context: fake(1.0))
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", "broken", "fine", "--data-dir", str(tmp_path)]
    assert main(argv, registry=registry, out=out, err=err) == 1
    assert [json.loads(x)["name"] for x in out.getvalue().splitlines()] == ["fine"]
    assert "broken: FAILED: the app would not start" in err.getvalue()


def test_an_unknown_name_runs_nothing_and_exits_non_zero() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "store.open_100k", "nope"], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert "unknown benchmark: nope" in err.getvalue()
    assert "startup.cold_start" in err.getvalue()  # says what does exist


def test_python_dash_m_bench_with_an_unknown_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "run", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "unknown benchmark: nope" in done.stderr


def test_repeat_must_be_positive() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "all", "--repeat", "0"], err=io.StringIO())
    assert exit_info.value.code == 2


# -- probes and cached stores -------------------------------------------------------------------
def test_parse_marker() -> None:
    assert parse_marker("starting\nlogin-ready-ms 812.4\n", "login-ready-ms") == 812.4
    assert parse_marker("login-ready-ms 90\n", "login-ready-ms") == 90.0
    assert parse_marker("not-login-ready-ms 1\nlogin-ready-ms\n", "login-ready-ms") is None


def test_a_cached_store_is_reused_only_while_the_generator_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Path] = []

    def generate(store: DemoStore, target: Path) -> str:
        made.append(target)
        target.mkdir()
        (target / "lunarfront.db").write_bytes(b"stand-in")
        return "made"

    monkeypatch.setattr(bench.stores, "generate", generate)
    context, store = quiet_context(tmp_path), DemoStore(products=3, customers=2)
    first = ensure_store(context, store)
    assert ensure_store(context, store) == first
    assert len(made) == 1
    monkeypatch.setattr(bench.stores, "generator_version", lambda: "changed")
    assert ensure_store(context, store) == first
    assert len(made) == 2
    assert not (first.parent / "store.partial").exists()


def test_an_interrupted_generation_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(store: DemoStore, target: Path) -> str:
        target.mkdir()
        raise BenchmarkError("interrupted")

    monkeypatch.setattr(bench.stores, "generate", fail)
    context, store = quiet_context(tmp_path), DemoStore(products=3, customers=2)
    with pytest.raises(BenchmarkError):
        ensure_store(context, store)
    assert not (tmp_path / store.key / "stamp.json").exists()
