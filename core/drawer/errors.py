from __future__ import annotations

from core.errors import DomainError


class DrawerError(DomainError):
    """Something about a drawer, a count or a report the manager must put right."""
