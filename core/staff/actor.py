"""Who is acting, and where: passed to every service call that changes something."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.staff.permissions import Permission
from core.staff.roles import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: uuid.UUID
    display_name: str
    role: Role
    permissions: frozenset[Permission]
    company_id: uuid.UUID
    location_id: uuid.UUID
    device_id: uuid.UUID

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions
