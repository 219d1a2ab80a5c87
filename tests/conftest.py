"""Fixtures shared by every test package."""

from __future__ import annotations

import os

# Before any test imports Qt: the suite runs headless, on CI and on a developer's machine alike.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PostgreSQL and sync-server fixtures (pg_url, server_db, live_server, server_process).
pytest_plugins = ["tests.sync.fixtures"]
