"""Why the local store could not be opened, in words a store owner can act on.

Every one of these is raised before anything is written, so the file is left as it was.
"""

from __future__ import annotations


class StoreError(Exception):
    """The local database or its folder cannot be used. `str()` is the plain-words message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DataFolderError(StoreError):
    """The data folder is missing, not a folder, or not writable."""


class CorruptDatabaseError(StoreError):
    """The database file is not an SQLite database or fails its integrity check."""


class DatabaseTooNewError(StoreError):
    """The database was written by a newer LunarFront than this one."""


class ForeignDatabaseError(StoreError):
    """The file is a valid SQLite database but not one of LunarFront's."""


class MigrationError(StoreError):
    """A schema upgrade failed; it was rolled back and the file keeps its old schema."""
