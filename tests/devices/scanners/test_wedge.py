"""The keyboard-wedge rules, key by key: a scan is a fast burst ended by the terminator, and
everything else reaches the widget exactly as typed."""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from core.hardware.settings import Terminator, WedgeSettings
from devices.scanners.wedge import MAX_CODE_LENGTH, Verdict, WedgeDetector

GAP = 40
ENTER = "\r"
TAB = "\t"
SETTINGS = WedgeSettings(max_gap_ms=GAP, min_length=4)


@dataclass
class Run:
    """What came out of the detector: keys delivered (by index, in delivery order), codes
    scanned, and for each scan the keys it swallowed."""

    delivered: list[int] = field(default_factory=list)
    scans: list[str] = field(default_factory=list)
    swallowed: list[list[int]] = field(default_factory=list)


def run(
    settings: WedgeSettings, keys: list[tuple[str, float]], timer_on_time: list[bool] | None = None
) -> Run:
    """Feed `keys` (text, time in ms) as the Qt filter would: before each key, the gap timer
    fires if its deadline has passed, unless `timer_on_time` says the event loop was too busy
    (then the late key finds the burst over). After the last key, the timer fires."""
    detector: WedgeDetector[int] = WedgeDetector(settings)
    out = Run()
    for index, (text, at) in enumerate(keys):
        deadline = detector.deadline_ms
        if deadline is not None:
            assert detector.expire(deadline - 1) == [], "a timer firing early changes nothing"
            on_time = timer_on_time[index] if timer_on_time else True
            if on_time and at > deadline:
                out.delivered += detector.expire((deadline + at) / 2)
        decision = detector.key(text, at, index)
        out.delivered += decision.release
        if decision.verdict is Verdict.PASS:
            out.delivered.append(index)
        elif decision.verdict is Verdict.SCAN:
            out.scans.append(decision.code)
            out.swallowed.append([*decision.swallowed, index])
        else:
            assert detector.deadline_ms == at + settings.max_gap_ms
    deadline = detector.deadline_ms
    if deadline is not None:
        out.delivered += detector.expire(deadline + 0.5)
    assert detector.held == ()
    return out


def at_intervals(text: str, gap: float, start: float = 1000.0) -> list[tuple[str, float]]:
    return [(ch, start + i * gap) for i, ch in enumerate(text)]


def indices(n: int) -> list[int]:
    return list(range(n))


# -- examples -------------------------------------------------------------------------------


def test_a_fast_burst_ended_by_enter_is_one_scan() -> None:
    out = run(SETTINGS, at_intervals("0123456789012\r", 3))
    assert out.scans == ["0123456789012"]
    assert out.delivered == []
    assert out.swallowed == [indices(14)]


def test_enter_typed_alone_passes() -> None:
    out = run(SETTINGS, [(ENTER, 10.0)])
    assert out.delivered == [0]
    assert out.scans == []


def test_a_printable_key_is_held_until_the_gap_passes() -> None:
    detector: WedgeDetector[str] = WedgeDetector(SETTINGS)
    assert detector.key("a", 100.0, "a").verdict is Verdict.HOLD
    assert detector.deadline_ms == 100.0 + GAP
    assert detector.expire(100.0 + GAP) == [], "a key exactly at the gap still counts as fast"
    assert detector.expire(100.0 + GAP + 0.1) == ["a"]
    assert detector.deadline_ms is None


def test_a_code_shorter_than_the_minimum_is_typing() -> None:
    out = run(SETTINGS, at_intervals("123\r", 2))
    assert out.scans == []
    assert out.delivered == indices(4)


def test_a_code_of_exactly_the_minimum_is_a_scan() -> None:
    assert run(SETTINGS, at_intervals("1234\r", 2)).scans == ["1234"]


def test_a_code_longer_than_any_barcode_is_typing_and_is_never_held_whole() -> None:
    detector: WedgeDetector[int] = WedgeDetector(SETTINGS)
    released: list[int] = []
    for i in range(MAX_CODE_LENGTH + 5):
        released += detector.key("7", float(i), i).release
    assert released == indices(5), "the oldest keys go as soon as the burst cannot be a code"
    assert len(detector.held) == MAX_CODE_LENGTH
    decision = detector.key(ENTER, 70.0, 99)
    assert decision.verdict is Verdict.SCAN, "the last 64 fast keys do make a code"


def test_a_key_with_ctrl_flushes_the_held_keys_first_then_passes() -> None:
    detector: WedgeDetector[str] = WedgeDetector(SETTINGS)
    detector.key("a", 0.0, "a")
    detector.key("b", 5.0, "b")
    decision = detector.key("", 8.0, "ctrl+a")
    assert decision.verdict is Verdict.PASS
    assert decision.release == ("a", "b")
    assert detector.held == ()


def test_a_late_timer_releases_the_burst_before_the_next_key() -> None:
    detector: WedgeDetector[str] = WedgeDetector(SETTINGS)
    detector.key("a", 0.0, "a")
    decision = detector.key("b", 200.0, "b")  # the timer never ran in between
    assert decision.verdict is Verdict.HOLD
    assert decision.release == ("a",)
    assert detector.held == ("b",)


def test_a_late_terminator_is_typing() -> None:
    out = run(SETTINGS, [*at_intervals("12345", 2), (ENTER, 1100.0)], [True] * 5 + [False])
    assert out.scans == []
    assert out.delivered == indices(6)


def test_tab_terminates_when_configured_and_enter_then_passes() -> None:
    settings = WedgeSettings(terminator=Terminator.TAB)
    assert run(settings, at_intervals("ABCD-42\t", 1)).scans == ["ABCD-42"]
    out = run(settings, at_intervals("ABCD-42\r", 1))
    assert out.scans == []
    assert out.delivered == indices(8)


def test_a_configured_prefix_is_required_and_stripped() -> None:
    settings = WedgeSettings(prefix="]C", suffix="#")
    assert run(settings, at_intervals("]C0042#\r", 2)).scans == ["0042"]
    assert run(settings, at_intervals("0042#\r", 2)).scans == [], "no prefix: typing"
    assert run(settings, at_intervals("]C0042\r", 2)).scans == [], "no suffix: typing"
    assert run(settings, at_intervals("]C#\r", 2)).scans == []


def test_with_a_prefix_other_keys_are_never_held() -> None:
    detector: WedgeDetector[str] = WedgeDetector(WedgeSettings(prefix="]C"))
    assert detector.key("x", 0.0, "x").verdict is Verdict.PASS
    assert detector.key("]", 1.0, "]").verdict is Verdict.HOLD
    decision = detector.key("x", 2.0, "x2")
    assert decision.verdict is Verdict.PASS, "']x' cannot begin ']C'"
    assert decision.release == ("]",)


def test_a_prefix_can_start_again_inside_a_burst() -> None:
    settings = WedgeSettings(prefix="]C")
    out = run(settings, at_intervals("]]C1234\r", 2))
    assert out.scans == ["1234"]
    assert out.delivered == [0]


def test_flush_gives_back_everything_in_order() -> None:
    detector: WedgeDetector[int] = WedgeDetector(SETTINGS)
    for i in range(3):
        detector.key("x", float(i), i)
    assert detector.flush() == [0, 1, 2]
    assert detector.flush() == []


# -- properties -----------------------------------------------------------------------------

PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " éß"
any_key = st.one_of(st.sampled_from(PRINTABLE), st.sampled_from([ENTER, TAB, ""]))
settings_st = st.builds(
    WedgeSettings,
    max_gap_ms=st.integers(5, 200),
    min_length=st.integers(1, 12),
    prefix=st.text(PRINTABLE, max_size=3),
    suffix=st.text(PRINTABLE, max_size=3),
    terminator=st.sampled_from([Terminator.ENTER, Terminator.TAB]),
)


@st.composite
def timed(draw: st.DrawFn, texts: list[str], low: float, high: float) -> list[tuple[str, float]]:
    """`texts` at gaps from `low` to `high` ms, in quarter milliseconds: binary fractions add up
    exactly, so a gap drawn as `max_gap_ms` is exactly that, not a rounding error above it."""
    at, keys = 0.0, []
    for text in texts:
        at += draw(st.integers(int(low * 4), int(high * 4))) / 4
        keys.append((text, at))
    return keys


@given(settings_st, st.data())
def test_anything_typed_at_human_speed_comes_out_exactly_as_typed(
    settings: WedgeSettings, data: st.DataObject
) -> None:
    texts = data.draw(st.lists(any_key, max_size=40))
    slow = settings.max_gap_ms + 0.25
    keys = data.draw(timed(texts, slow, slow + 500))
    late = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    out = run(settings, keys, late)
    assert out.scans == []
    assert out.delivered == indices(len(keys))


@given(settings_st, st.data())
def test_a_scanner_burst_of_a_valid_code_is_exactly_one_scan(
    settings: WedgeSettings, data: st.DataObject
) -> None:
    code = data.draw(st.text(PRINTABLE, min_size=settings.min_length, max_size=MAX_CODE_LENGTH))
    burst = settings.prefix + code + settings.suffix + settings.terminator.chars
    before = data.draw(st.lists(any_key, max_size=5))
    after = data.draw(st.lists(any_key, max_size=5))
    slow = settings.max_gap_ms + 0.25
    keys = data.draw(timed(before, slow, 1000))
    for texts, low, high in ((list(burst), 0, settings.max_gap_ms), (after, slow, 1000)):
        start = keys[-1][1] if keys else 0.0
        if low == 0:
            start += slow  # the burst begins after a pause
        keys += [(text, start + at) for text, at in data.draw(timed(texts, low, high))]
    out = run(settings, keys)
    assert out.scans == [code]
    first = len(before)
    assert out.swallowed == [list(range(first, first + len(burst)))]
    assert out.delivered == [i for i in indices(len(keys)) if i not in out.swallowed[0]]


@given(settings_st, st.data())
def test_keys_are_never_lost_or_reordered_and_scans_are_only_fast_bursts(
    settings: WedgeSettings, data: st.DataObject
) -> None:
    texts = data.draw(st.lists(any_key, max_size=60))
    keys = data.draw(timed(texts, 0, settings.max_gap_ms * 2))
    late = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    out = run(settings, keys, late)
    eaten = [i for burst in out.swallowed for i in burst]
    assert sorted(out.delivered + eaten) == indices(len(keys)), "every key exactly once"
    assert out.delivered == sorted(out.delivered), "typing keeps its order"
    for code, burst in zip(out.scans, out.swallowed, strict=True):
        assert burst == list(range(burst[0], burst[-1] + 1)), "a scan is one unbroken run"
        typed = "".join(keys[i][0] for i in burst)
        assert typed == settings.prefix + code + settings.suffix + settings.terminator.chars
        assert settings.min_length <= len(code) <= MAX_CODE_LENGTH
        gaps = [keys[b][1] - keys[a][1] for a, b in itertools.pairwise(burst)]
        assert all(gap <= settings.max_gap_ms for gap in gaps)


@given(settings_st, st.data())
def test_a_person_typing_fast_then_pausing_never_loses_a_key(
    settings: WedgeSettings, data: st.DataObject
) -> None:
    words = data.draw(st.lists(st.text(PRINTABLE, min_size=1, max_size=8), max_size=6))
    keys: list[tuple[str, float]] = []
    at = 0.0
    for word in words:
        at += settings.max_gap_ms + data.draw(st.integers(1, 1200)) / 4  # the pause
        for text, offset in data.draw(timed(list(word), 0, settings.max_gap_ms)):
            keys.append((text, at + offset))
        at = keys[-1][1]
    late = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    out = run(settings, keys, late)
    assert out.scans == []
    assert out.delivered == indices(len(keys))
