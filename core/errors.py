"""Domain errors: typed exceptions whose message a cashier can read.

The UI shows `DomainError.message` as is, so it is written in plain words and
never carries a stack trace, a repr or a class name. Each module defines its own
subclasses next to the rule they protect; catching `DomainError` catches them all.
"""

from __future__ import annotations

__all__ = ["DomainError", "quoted"]


class DomainError(Exception):
    """Base of every domain error; `message` is meant for the person at the counter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def quoted(text: str, limit: int = 30) -> str:
    """Quote user input for an error message, cut short so a pasted page stays readable."""
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return f"\u201c{text}\u201d"
