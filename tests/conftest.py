"""Fixtures shared by every test package."""

from __future__ import annotations

import os

# Before any test imports Qt: the suite runs headless, on CI and on a developer's machine alike.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
