"""Fixtures shared by the device driver tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.devices.scanners.ptys import Pty


@pytest.fixture
def ptys() -> Iterator[Callable[[], Pty]]:
    """New pseudo-terminals on demand (serial devices' stand-in cables), closed after."""
    made: list[Pty] = []

    def new() -> Pty:
        made.append(Pty())
        return made[-1]

    yield new
    for pty in made:
        pty.close()
