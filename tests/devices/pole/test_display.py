"""The pole display: frames byte for byte, lines cut and degraded readably, and the driver over
a pseudo-terminal, including a display unplugged and plugged back in."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.hardware.settings import PoleKind, PoleSettings
from devices.pole.display import (
    PoleDisplay,
    PoleState,
    item_line,
    pole_frame,
    pole_init,
    pole_lines,
)
from tests.devices.scanners.ptys import (
    Pty,
    Record,
    connected,
    disconnected,
    plug,
    unplug,
)

INIT = b"\x1b@" + b"\x1bt\x00" + b"\x1fC\x00"  # ESC @, ESC t 0 (PC437), US C 0
LINE_1, LINE_2 = b"\x1f$\x01\x01", b"\x1f$\x01\x02"  # US $ 1 1, US $ 1 2


def frame(top: str, bottom: str) -> bytes:
    return LINE_1 + top.ljust(20).encode("cp437") + LINE_2 + bottom.ljust(20).encode("cp437")


# -- the frames -----------------------------------------------------------------------------


def test_init_resets_selects_the_table_and_hides_the_cursor() -> None:
    assert pole_init() == INIT
    assert pole_init("cp858") == b"\x1b@\x1bt\x13\x1fC\x00"
    with pytest.raises(ValueError, match="utf-8"):
        pole_init("utf-8")


def test_a_frame_is_both_lines_padded_to_the_width() -> None:
    assert pole_frame("Strings", "TOTAL", 20) == (
        b"\x1f$\x01\x01Strings             \x1f$\x01\x02TOTAL               "
    )


def test_an_item_line_puts_the_amount_flush_right() -> None:
    assert item_line("Strings", "$12.00", 20) == "Strings       $12.00"
    assert item_line("TOTAL", "$48.33", 20) == "TOTAL         $48.33"


def test_a_long_name_is_cut_and_the_amount_kept_whole() -> None:
    assert item_line("Elixir Nanoweb Acoustic Strings", "$12.00", 20) == "Elixir Nanowe $12.00"
    assert pole_lines("Fender Player Stratocaster", "", 20)[0] == "Fender Player Strato"


def test_an_amount_wider_than_the_line_keeps_its_beginning() -> None:
    assert item_line("Grand piano", "$1,234,567,890.00", 16) == "$1,234,567,890.0"


def test_accents_the_table_has_stay_and_the_rest_degrade_readably() -> None:
    top, bottom = pole_lines("Café Dvořák", "Ukulele — €5", 20)
    assert top == "Café Dvorák         ", "PC437 has é and á but no ř"
    assert bottom == "Ukulele - EUR 5     "
    assert pole_frame("Café", "", 20).startswith(LINE_1 + b"Caf\x82 ")
    assert pole_lines("Ukulele €5", "", 20, "cp858")[0] == "Ukulele €5          "


def test_line_breaks_and_control_characters_never_reach_the_glass() -> None:
    top, bottom = pole_lines("Two\nlines\x1b", "Tab\there", 20)
    assert top == "Two lines           "
    assert bottom == "Tab here            "


@given(
    st.text(max_size=60),
    st.text(max_size=60),
    st.integers(16, 40),
    st.sampled_from(["cp437", "cp858", "cp852", "cp866"]),
)
def test_any_text_fills_exactly_the_width_in_drawable_characters(
    top: str, bottom: str, columns: int, codec: str
) -> None:
    for line in pole_lines(top, bottom, columns, codec):
        assert len(line) == columns
        assert line.isprintable()
        line.encode(codec)  # every character is in the display's table
    assert len(pole_frame(top, bottom, columns, codec)) == 2 * (4 + columns)


@given(
    st.text(max_size=40), st.from_regex(r"\$[0-9]{1,3}(,[0-9]{3}){0,2}\.[0-9]{2}", fullmatch=True)
)
def test_an_item_line_always_fits_and_ends_with_its_amount(name: str, amount: str) -> None:
    line = item_line(name, amount, 20)
    assert len(line) == 20
    assert line.endswith(" " + amount)


# -- the driver -----------------------------------------------------------------------------

Open = Callable[..., tuple[PoleDisplay, Record[PoleState]]]


@pytest.fixture
def open_display() -> Iterator[Open]:
    displays: list[PoleDisplay] = []

    def opener(port: str, *, start: bool = True) -> tuple[PoleDisplay, Record[PoleState]]:
        states: Record[PoleState] = Record()
        settings = PoleSettings(kind=PoleKind.SERIAL, port=port)
        display = PoleDisplay(settings, states, retry_s=0.05, probe_s=0.05, start=start)
        displays.append(display)
        return display, states

    yield opener
    for display in displays:
        display.close()


def test_frames_arrive_byte_exact(open_display: Open, ptys: Callable[[], Pty]) -> None:
    pty = ptys()
    display, states = open_display(pty.path)
    assert pty.read_exactly(len(INIT)) == INIT
    display.show(item_line("Strings", "$12.00", 20), item_line("TOTAL", "$12.00", 20))
    assert pty.read_exactly(48) == frame("Strings       $12.00", "TOTAL         $12.00")
    display.show("Welcome to", "Lunar Music")
    assert pty.read_exactly(48) == frame("Welcome to", "Lunar Music")
    assert states.snapshot() == [PoleState(True, f"The pole display on {pty.path} is ready.")]


def test_only_the_latest_frame_is_written(open_display: Open, ptys: Callable[[], Pty]) -> None:
    pty = ptys()
    display, _ = open_display(pty.path, start=False)
    for total in ("$1.00", "$2.00", "$3.00"):
        display.show("Picks", item_line("TOTAL", total, 20))  # all before the port is open
    display.start()
    assert pty.read_exactly(len(INIT) + 48) == INIT + frame("Picks", "TOTAL          $3.00")
    display.show("Capo", "")
    assert pty.read_exactly(48) == frame("Capo", ""), "nothing superseded was sent in between"


def test_unplugged_and_plugged_back_in_shows_the_latest_frame(
    open_display: Open, ptys: Callable[[], Pty], tmp_path: Path
) -> None:
    link = tmp_path / "serial" / "by-id" / "usb-Logic_Controls_PD3000-if00"
    first = ptys()
    plug(link, first)
    display, states = open_display(str(link))
    display.show("Strings", "")
    assert first.read_exactly(len(INIT) + 48) == INIT + frame("Strings", "")

    unplug(link, first)
    display.show("Strings", item_line("TOTAL", "$12.00", 20))
    states.wait(disconnected)
    assert states.snapshot()[-1].message == (
        f"The pole display on {link} was unplugged or turned off; waiting for it to come back."
    )

    second = ptys()
    plug(link, second)
    states.wait(connected)
    expected = INIT + frame("Strings", "TOTAL         $12.00")
    assert second.read_exactly(len(expected)) == expected
    assert [state.connected for state in states.snapshot()] == [True, False, True]


def test_an_idle_display_unplugged_is_noticed(
    open_display: Open, ptys: Callable[[], Pty], tmp_path: Path
) -> None:
    link = tmp_path / "serial" / "by-id" / "usb-Bematech_PDX3000-if00"
    pty = ptys()
    plug(link, pty)
    _, states = open_display(str(link))
    states.wait(connected)
    unplug(link, pty)
    states.wait(disconnected)


def test_a_display_not_there_at_start_is_waited_for(
    open_display: Open, ptys: Callable[[], Pty], tmp_path: Path
) -> None:
    link = tmp_path / "pole"
    display, states = open_display(str(link))
    display.show("Welcome", "")
    states.wait(disconnected)
    assert states.snapshot()[-1].message == (
        f"The pole display on {link} is not plugged in or turned on; waiting for it."
    )
    pty = ptys()
    plug(link, pty)
    states.wait(connected)
    assert pty.read_exactly(len(INIT) + 48) == INIT + frame("Welcome", "")


def test_close_ends_the_thread_promptly(
    open_display: Open, ptys: Callable[[], Pty], tmp_path: Path
) -> None:
    serving, states = open_display(ptys().path)
    waiting, waiting_states = open_display(str(tmp_path / "nothing-here"))
    states.wait(connected)
    waiting_states.wait(disconnected)
    for display in (serving, waiting):
        started = time.monotonic()
        display.close()
        assert time.monotonic() - started < 1.0


def test_only_a_serial_display_has_a_driver() -> None:
    with pytest.raises(ValueError, match="serial port"):
        PoleDisplay(PoleSettings(kind=PoleKind.SIMULATED), Record())
