"""Errors a cashier can read, raised by the register's rules."""

from __future__ import annotations

from core.errors import DomainError

__all__ = ["SaleError"]


class SaleError(DomainError):
    """The sale cannot be changed, paid or completed as asked."""
