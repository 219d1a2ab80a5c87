"""The ledger's base error, kept apart so the chart and the journal can both raise it."""

from __future__ import annotations

from core.errors import DomainError

__all__ = ["LedgerError"]


class LedgerError(DomainError):
    """The books cannot record what was asked; nothing was posted."""
