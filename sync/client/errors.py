"""What can go wrong while syncing, in words a manager can act on.

`SyncError` is what callers see (pairing, the CLI, the settings screen). `ServerProblemError`
carries what the engine needs to decide what to do next: whether the server answered at all
(online or offline in the status bar) and how long it asked us to wait.
"""

from __future__ import annotations

from core.errors import DomainError
from sync.protocol import ErrorCode

__all__ = ["ServerProblemError", "SyncError"]


class SyncError(DomainError):
    """Sync could not do what was asked; `message` says why in plain words."""


class ServerProblemError(SyncError):
    """Talking to the sync server failed.

    `answered`: the server replied (a refusal, an error page) rather than staying silent.
    `code`: the protocol's error code when the reply was an `ErrorBody`.
    `retry_after`: seconds the server asked us to wait, if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        answered: bool,
        status: int | None = None,
        code: ErrorCode | None = None,
        retry_after: float | None = None,
        expected_sequence: int | None = None,
    ) -> None:
        super().__init__(message)
        self.answered = answered
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.expected_sequence = expected_sequence
