"""The roles a user can have, in the words shown on screen."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    STAFF = "staff"
    TECHNICIAN = "technician"
    INSTRUCTOR = "instructor"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.ADMIN: "Administrator",
    Role.MANAGER: "Manager",
    Role.STAFF: "Cashier",
    Role.TECHNICIAN: "Technician",
    Role.INSTRUCTOR: "Instructor",
}
