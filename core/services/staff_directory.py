"""Reading staff: the user list, one user's detail, and permission overrides."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.staff.permissions import Permission, effective_permissions
from core.staff.roles import Role
from db.models import DeviceIdentity, User, UserPermission

__all__ = [
    "StaffError",
    "UserDetail",
    "UserRow",
    "load_overrides",
    "read_user_detail",
    "read_users",
]

_PERMISSION_VALUES = frozenset(p.value for p in Permission)


class StaffError(DomainError):
    """A change to a user that is not allowed or not possible."""


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    has_pin: bool
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class UserDetail:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    has_pin: bool
    locked_until: datetime | None
    failed_attempts: int
    last_login_at: datetime | None
    overrides: Mapping[Permission, bool]
    permissions: frozenset[Permission]


def load_overrides(
    session: Session, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[Permission, bool]]:
    """Each user's permission overrides; names this build does not know are ignored."""
    found: dict[uuid.UUID, dict[Permission, bool]] = {}
    rows = session.scalars(select(UserPermission).where(UserPermission.user_id.in_(list(user_ids))))
    for row in rows:
        if row.permission in _PERMISSION_VALUES:
            found.setdefault(row.user_id, {})[Permission(row.permission)] = row.allowed
    return found


def _this_company() -> ScalarSelect[uuid.UUID]:
    # Reads have no actor: a store machine holds one company, the one it was set up for.
    return select(DeviceIdentity.company_id).limit(1).scalar_subquery()


def read_users(session: Session, include_inactive: bool) -> list[UserRow]:
    query = select(User).where(User.company_id == _this_company(), User.deleted_at.is_(None))
    if not include_inactive:
        query = query.where(User.active.is_(True))
    users = session.scalars(query.order_by(User.display_name, User.id)).all()
    return [
        UserRow(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=Role(u.role),
            active=u.active,
            has_pin=u.pin_hash is not None,
            locked_until=u.locked_until,
        )
        for u in users
    ]


def read_user_detail(session: Session, user_id: uuid.UUID) -> UserDetail:
    user = session.scalars(
        select(User).where(
            User.id == user_id, User.company_id == _this_company(), User.deleted_at.is_(None)
        )
    ).one_or_none()
    if user is None:
        raise StaffError("That user no longer exists.")
    overrides = load_overrides(session, [user.id]).get(user.id, {})
    role = Role(user.role)
    return UserDetail(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=role,
        active=user.active,
        has_pin=user.pin_hash is not None,
        locked_until=user.locked_until,
        failed_attempts=user.failed_attempts,
        last_login_at=user.last_login_at,
        overrides=overrides,
        permissions=effective_permissions(role, overrides),
    )
