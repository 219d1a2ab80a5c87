"""Managing staff: users, roles, PINs and passwords, locks and per-user permissions.

Every change needs MANAGE_USERS (admins and managers by default, or a manager's approval);
only an administrator may touch an administrator's account or make someone one, and no
change may leave the company without an active administrator. Audit rows say what changed,
never a hash or a secret.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.ids import new_id
from core.services.credentials import CredentialHasher
from core.services.identity import ThisDevice
from core.services.setup import NewUser, add_user
from core.services.staff_checks import (
    Edit,
    authorize,
    check_display_name,
    check_rank,
    clear_lock,
    other_active_admins,
)
from core.services.staff_directory import (
    StaffError,
    UserDetail,
    UserRow,
    load_overrides,
    read_user_detail,
    read_users,
)
from core.staff.actor import Actor
from core.staff.credentials import check_new_password, check_new_pin
from core.staff.permissions import Permission, effective_permissions
from core.staff.roles import Role
from db.models import User, UserPermission
from db.uow import UowFactory

if TYPE_CHECKING:
    from core.services.approval import Approval
    from core.services.auth import SignedInUser

__all__ = ["StaffError", "StaffService", "UserDetail", "UserRow", "check_display_name"]


class StaffService:
    def __init__(
        self,
        uow_factory: UowFactory,
        read_sessions: sessionmaker[Session],
        clock: Clock,
        hasher: CredentialHasher,
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock
        self._hasher = hasher

    def list_users(self, include_inactive: bool = False) -> list[UserRow]:
        with self._read() as session:
            return read_users(session, include_inactive)

    def user_detail(self, user_id: uuid.UUID) -> UserDetail:
        with self._read() as session:
            return read_user_detail(session, user_id)

    def actor_for(self, user: SignedInUser, device: ThisDevice) -> Actor:
        """The signed-in user as the actor of service calls on this device."""
        with self._read() as session:
            overrides = load_overrides(session, [user.id]).get(user.id, {})
        return Actor(
            user_id=user.id,
            display_name=user.display_name,
            role=user.role,
            permissions=effective_permissions(user.role, overrides),
            company_id=device.company_id,
            location_id=device.location_id,
            device_id=device.device_id,
        )

    def create_user(
        self, actor: Actor, new: NewUser, *, approval: Approval | None = None
    ) -> uuid.UUID:
        check_display_name(new.display_name)
        if new.pin is not None:
            check_new_pin(new.pin)
        with self._uow() as uow:
            authority, approved_by = authorize(uow.session, actor, approval)
            check_rank(authority, new.role)
            if new.pin is not None:
                self._check_pin_free(uow.session, actor.company_id, new.pin, None)
            user_id = add_user(
                uow, self._clock, self._hasher, actor.company_id, actor.location_id, new
            )
            after = {
                "username": new.username.strip(),
                "display_name": new.display_name.strip(),
                "role": new.role.value,
                "active": True,
                "has_pin": new.pin is not None,
            }
            Edit(uow, actor, user_id, approved_by, self._clock.now()).audit(
                "user.create", after=after
            )
            uow.commit()
        return user_id

    def update_user(
        self,
        actor: Actor,
        user_id: uuid.UUID,
        display_name: str,
        role: Role,
        active: bool,
        *,
        approval: Approval | None = None,
    ) -> None:
        name = check_display_name(display_name)
        with self._editing(actor, user_id, approval, role) as (edit, user):
            old_role = Role(user.role)
            if (
                old_role is Role.ADMIN
                and user.active
                and (role is not Role.ADMIN or not active)
                and other_active_admins(edit.uow.session, user) == 0
            ):
                raise StaffError(
                    f"{user.display_name} is the only active administrator. "
                    "Make someone else an administrator first."
                )
            if role is not old_role:
                user.role = role.value
                edit.audit(
                    "user.role_change", before={"role": old_role.value}, after={"role": role.value}
                )
            before: dict[str, object] = {}
            after: dict[str, object] = {}
            if name != user.display_name:
                before["display_name"], after["display_name"] = user.display_name, name
                user.display_name = name
            if active != user.active:
                before["active"], after["active"] = user.active, active
                if active and user.pin_hash is not None:
                    # While inactive, its PIN may have been given to someone else, and
                    # approval by PIN alone needs PINs unique: a returning user gets a new one.
                    before["has_pin"], after["has_pin"] = True, False
                    user.pin_hash = None
                user.active = active
            if after:
                edit.audit("user.update", before=before, after=after)

    def reset_pin(
        self, actor: Actor, user_id: uuid.UUID, new_pin: str, *, approval: Approval | None = None
    ) -> None:
        check_new_pin(new_pin)
        with self._editing(actor, user_id, approval) as (edit, user):
            self._check_pin_free(edit.uow.session, actor.company_id, new_pin, user.id)
            had_pin = user.pin_hash is not None
            user.pin_hash = self._hasher.hash(new_pin)
            clear_lock(user)
            edit.audit("user.pin_reset", before={"has_pin": had_pin}, after={"has_pin": True})

    def reset_password(
        self,
        actor: Actor,
        user_id: uuid.UUID,
        new_password: str,
        *,
        approval: Approval | None = None,
    ) -> None:
        check_new_password(new_password)
        with self._editing(actor, user_id, approval) as (edit, user):
            user.password_hash = self._hasher.hash(new_password)
            clear_lock(user)
            edit.audit("user.password_reset", after={"password": "changed"})

    def unlock(self, actor: Actor, user_id: uuid.UUID, *, approval: Approval | None = None) -> None:
        with self._editing(actor, user_id, approval) as (edit, user):
            before = {"failed_attempts": user.failed_attempts, "locked_until": user.locked_until}
            clear_lock(user)
            edit.audit(
                "user.unlock", before=before, after={"failed_attempts": 0, "locked_until": None}
            )

    def set_permission(
        self,
        actor: Actor,
        user_id: uuid.UUID,
        permission: Permission,
        allowed: bool | None,
        *,
        approval: Approval | None = None,
    ) -> None:
        """Grant (True) or deny (False) `permission` to one user, or restore the role's (None)."""
        with self._editing(actor, user_id, approval) as (edit, user):
            session = edit.uow.session
            if (
                user.id == actor.user_id
                and permission is Permission.MANAGE_USERS
                and allowed is False
            ):
                raise StaffError("You cannot take away your own permission to manage users.")
            role = Role(user.role)
            overrides = load_overrides(session, [user.id]).get(user.id, {})
            old = overrides.get(permission)
            if old == allowed:
                return
            row = session.scalars(
                select(UserPermission).where(
                    UserPermission.user_id == user.id,
                    UserPermission.permission == permission.value,
                )
            ).one_or_none()
            if row is not None and allowed is None:
                session.delete(row)
            elif row is not None and allowed is not None:
                row.allowed = allowed
            elif allowed is not None:
                session.add(
                    UserPermission(
                        id=new_id(), user_id=user.id, permission=permission.value, allowed=allowed
                    )
                )
            was = permission in effective_permissions(role, overrides)
            overrides.pop(permission, None)
            if allowed is not None:
                overrides[permission] = allowed
            has = permission in effective_permissions(role, overrides)
            edit.audit(
                "permission.grant" if has else "permission.revoke",
                before={"permission": permission.value, "override": old, "allowed": was},
                after={"permission": permission.value, "override": allowed, "allowed": has},
            )

    @contextmanager
    def _editing(
        self,
        actor: Actor,
        user_id: uuid.UUID,
        approval: Approval | None,
        new_role: Role | None = None,
    ) -> Iterator[tuple[Edit, User]]:
        """One change to one user: authorised, ranked, audited, committed whole."""
        with self._uow() as uow:
            authority, approved_by = authorize(uow.session, actor, approval)
            user = uow.session.get(User, user_id)
            if user is None or user.company_id != actor.company_id or user.deleted_at is not None:
                raise StaffError("That user no longer exists.")
            check_rank(authority, Role(user.role), new_role)
            edit = Edit(uow, actor, user.id, approved_by, self._clock.now())
            yield edit, user
            if edit.changed:
                user.updated_at = edit.at
                uow.commit()

    def _check_pin_free(
        self, session: Session, company_id: uuid.UUID, pin: str, except_id: uuid.UUID | None
    ) -> None:
        others = session.execute(
            select(User.id, User.pin_hash).where(
                User.company_id == company_id,
                User.active.is_(True),
                User.deleted_at.is_(None),
                User.pin_hash.is_not(None),
            )
        ).all()
        if any(uid != except_id and self._hasher.verify(h, pin) for uid, h in others):
            raise StaffError("That PIN is already in use; choose another.")
