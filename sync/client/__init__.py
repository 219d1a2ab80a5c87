"""The register's sync client: pairing, pushing the outbox, pulling the store, in the
background. The app talks to `SyncEngine` and `SyncRunner`; everything else is inside."""

from sync.client.engine import SyncEngine
from sync.client.errors import SyncError
from sync.client.runner import SyncRunner
from sync.client.status import SyncIssueRow, SyncReport, SyncStatus
from sync.client.tokens import KEYRING_SERVICE, KeyringTokenStore, TokenStore

__all__ = [
    "KEYRING_SERVICE",
    "KeyringTokenStore",
    "SyncEngine",
    "SyncError",
    "SyncIssueRow",
    "SyncReport",
    "SyncRunner",
    "SyncStatus",
    "TokenStore",
]
