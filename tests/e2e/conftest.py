"""Fixtures of the end-to-end sync tests: the in-memory keyring of the sync client's tests
(registers keep their device tokens there), on top of the PostgreSQL and server fixtures
every test package gets from tests/sync/fixtures.py."""

from tests.sync.client.support import memory_keyring

__all__ = ["memory_keyring"]
