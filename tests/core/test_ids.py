from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from core.errors import DomainError
from core.ids import IdGenerator, InvalidIdError, new_id, parse_id


def unix_ms(u: uuid.UUID) -> int:
    return u.int >> 80


def counter(u: uuid.UUID) -> int:
    return (u.int >> 64) & 0xFFF


def test_version_and_variant() -> None:
    u = new_id()
    assert u.version == 7
    assert u.variant == uuid.RFC_4122


def test_timestamp_is_now() -> None:
    before = time.time_ns() // 1_000_000
    u = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= unix_ms(u) <= after


def test_ten_thousand_unique_and_in_generation_order() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert [str(u) for u in ids] == sorted(str(u) for u in ids)  # text order agrees too


def test_unique_and_increasing_across_threads() -> None:
    per_thread: list[list[uuid.UUID]] = [[] for _ in range(8)]

    def work(out: list[uuid.UUID]) -> None:
        out.extend(new_id() for _ in range(2_000))

    threads = [threading.Thread(target=work, args=(out,)) for out in per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({u for out in per_thread for u in out}) == 16_000
    assert all(out == sorted(out) for out in per_thread)


def frozen_time(ms: int) -> Iterator[int]:
    while True:
        yield ms * 1_000_000


def test_counter_rolls_into_the_next_millisecond() -> None:
    ticks = frozen_time(1_700_000_000_000)
    gen = IdGenerator(time_ns=lambda: next(ticks), randbits=lambda bits: (1 << bits) - 1)
    ids = [gen() for _ in range(3_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert counter(ids[0]) == 2047  # a fresh millisecond seeds below 2048
    assert unix_ms(ids[0]) == 1_700_000_000_000
    assert unix_ms(ids[-1]) == 1_700_000_000_001


def test_clock_stepping_back_keeps_order() -> None:
    times = iter([5_000, 4_000, 4_000, 6_000])
    gen = IdGenerator(time_ns=lambda: next(times) * 1_000_000)
    ids = [gen() for _ in range(4)]
    assert ids == sorted(ids)
    assert [unix_ms(u) for u in ids] == [5_000, 5_000, 5_000, 6_000]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)


def test_parse_id_round_trip() -> None:
    u = new_id()
    assert parse_id(str(u)) == u
    assert parse_id(f"  {str(u).upper()}\n") == u
    assert parse_id(u.hex) == u


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-an-id",
        "0190a3b4-7c2d-7e8f-9a0b",
        "0190a3b4-7c2d-7e8f-9a0b-1c2d3e4f5a6g",
        "0190a3b47c2d-7e8f-9a0b-1c2d3e4f5a6b",  # hyphens missing from one group only
        "{0190a3b4-7c2d-7e8f-9a0b-1c2d3e4f5a6b}",
        "+190a3b47c2d7e8f9a0b1c2d3e4f5a6b",
        "0190_3b47c2d7e8f9a0b1c2d3e4f5a6b",
        "x" * 10_000,
    ],
)
def test_parse_id_rejects(text: str) -> None:
    with pytest.raises(InvalidIdError) as caught:
        parse_id(text)
    assert isinstance(caught.value, DomainError)
    assert "is not a valid record id" in str(caught.value)
    assert len(str(caught.value)) < 80  # a pasted page is cut short in the message


def test_parse_id_needs_text() -> None:
    with pytest.raises(TypeError):
        parse_id(None)  # type: ignore[arg-type]
