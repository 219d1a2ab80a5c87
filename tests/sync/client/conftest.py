"""Fixtures of the sync client's tests."""

from tests.sync.client.support import memory_keyring

__all__ = ["memory_keyring"]
