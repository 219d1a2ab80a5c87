"""What the drawer screens share: the services, and how drawer figures read and colour.

Over/short is counted minus expected: negative is short. Its tone tells a manager at a
glance whether to look twice: even, a difference within the store's limit, or one over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from core.clock import to_store_time
from core.errors import DomainError
from core.money import Money, format_money
from core.services.drawer import DrawerService
from core.staff.actor import Actor
from desktop.devices.printing import Printing
from desktop.operations import Operations
from desktop.tasks import TaskRunner
from desktop.theme import current_palette


@dataclass(frozen=True)
class Desk:
    """The drawer screens' collaborators; every call on the service runs on the database
    thread (through `ops`), never on the GUI's."""

    runner: TaskRunner
    ops: Operations
    drawer: Callable[[], DrawerService]
    reports_dir: Callable[[], Path]
    timezone: Callable[[], str]
    printing: Printing | None = None  # reports print, and the drawer opens, through it

    @property
    def actor(self) -> Actor:
        return self.ops.actor

    def today(self) -> date:
        """Today at the store (a business day), whatever this machine's own zone."""
        now = datetime.now(UTC)
        try:
            return to_store_time(now, self.timezone()).date()
        except DomainError:
            return now.date()


def cash(amount: int, currency: str) -> str:
    return format_money(Money(amount, currency))


class Tone(StrEnum):
    EVEN = "even"
    WITHIN = "within"  # over or short, within the limit
    OVER_LIMIT = "over_limit"  # a manager signs it off


def tone(over_short: int, limit: int) -> Tone:
    if over_short == 0:
        return Tone.EVEN
    return Tone.OVER_LIMIT if abs(over_short) > limit else Tone.WITHIN


def tone_colour(which: Tone) -> str:
    """Green, amber, red in the theme in use (amber is the theme's returned-line orange)."""
    palette = current_palette()
    return {
        Tone.EVEN: palette.success,
        Tone.WITHIN: palette.returned,
        Tone.OVER_LIMIT: palette.danger,
    }[which]


def over_short_word(over_short: int) -> str:
    return "over" if over_short > 0 else "short" if over_short < 0 else "even"


def over_short_text(over_short: int, currency: str) -> str:
    """ "-$1.35 short", "+$0.50 over", "$0.00 even": the sign and the word, so colour is
    never the only clue."""
    sign = "+" if over_short > 0 else ""
    return f"{sign}{cash(over_short, currency)} {over_short_word(over_short)}"
