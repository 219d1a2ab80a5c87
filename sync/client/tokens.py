"""Where the device token lives: the operating system's keyring, never a file or the database.

The server keeps only a hash of the token, and this register keeps the token only here, so
a copied data folder (a backup, a stolen laptop's disk image) carries no credential.
"""

from __future__ import annotations

import uuid
from typing import Protocol

import keyring
import keyring.errors

from sync.client.errors import SyncError

__all__ = ["KEYRING_SERVICE", "KeyringTokenStore", "TokenStore"]

KEYRING_SERVICE = "LunarFront sync"

_NO_KEYRING = (
    "This computer has no password store (keyring) where LunarFront can keep the sync "
    "server's token. On Linux install and unlock one (GNOME Keyring or KWallet); on Windows "
    "and macOS the system's own store is used."
)


class TokenStore(Protocol):
    def get(self, device_id: uuid.UUID) -> str | None: ...
    def put(self, device_id: uuid.UUID, token: str) -> None: ...
    def delete(self, device_id: uuid.UUID) -> None: ...


class KeyringTokenStore:
    """The device token under service "LunarFront sync", user name = the device id."""

    def get(self, device_id: uuid.UUID) -> str | None:
        try:
            value = keyring.get_password(KEYRING_SERVICE, str(device_id))
        except keyring.errors.NoKeyringError as exc:
            raise SyncError(_NO_KEYRING) from exc
        except keyring.errors.KeyringError as exc:
            raise SyncError(_unreadable(exc)) from exc
        return value if isinstance(value, str) else None

    def put(self, device_id: uuid.UUID, token: str) -> None:
        try:
            keyring.set_password(KEYRING_SERVICE, str(device_id), token)
        except keyring.errors.NoKeyringError as exc:
            raise SyncError(_NO_KEYRING) from exc
        except keyring.errors.KeyringError as exc:
            raise SyncError(_unreadable(exc)) from exc

    def delete(self, device_id: uuid.UUID) -> None:
        try:
            keyring.delete_password(KEYRING_SERVICE, str(device_id))
        except keyring.errors.PasswordDeleteError:
            return  # nothing stored: already deleted
        except keyring.errors.NoKeyringError as exc:
            raise SyncError(_NO_KEYRING) from exc
        except keyring.errors.KeyringError as exc:
            raise SyncError(_unreadable(exc)) from exc


def _unreadable(exc: Exception) -> str:
    return (
        "The computer's password store (keyring) refused to give or keep the sync token "
        f"({exc}). Unlock it and try again."
    )
