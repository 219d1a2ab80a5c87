"""A manager's PIN, typed at the register, approving an action the signed-in user may not do.

Approval is by PIN alone (no user name), so the staff service keeps PINs unique among a
company's active users. A wrong PIN has no user to count against, so wrong approval PINs are
counted per device here, in memory: enough to stop someone at the counter guessing PINs.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.errors import DomainError
from core.services.audit import record
from core.services.credentials import CredentialHasher
from core.services.staff_directory import load_overrides
from core.staff.actor import Actor
from core.staff.credentials import PIN_LENGTHS
from core.staff.lockout import LockoutPolicy
from core.staff.permissions import APPROVER_ROLES, Permission, effective_permissions
from core.staff.roles import Role
from db.models import User
from db.uow import UowFactory

__all__ = ["Approval", "ApprovalError", "ApprovalLockedError", "ApprovalService"]


@dataclass(frozen=True, slots=True)
class Approval:
    """Proof, for one kind of action, that a manager typed their PIN."""

    permission: Permission
    manager_id: uuid.UUID
    manager_name: str


class ApprovalError(DomainError):
    """The PIN does not approve the action."""


class ApprovalLockedError(ApprovalError):
    """Too many wrong approval PINs at this register; approvals are paused for a while."""


class ApprovalService:
    def __init__(
        self,
        uow_factory: UowFactory,
        read_sessions: sessionmaker[Session],
        clock: Clock,
        hasher: CredentialHasher,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock
        self._hasher = hasher
        # max_attempts wrong PINs within lock_for pause approvals on the device for lock_for.
        self._policy = policy or LockoutPolicy()
        self._guard = threading.Lock()
        self._failures: dict[uuid.UUID, deque[datetime]] = {}
        self._locked_until: dict[uuid.UUID, datetime] = {}

    def approve(self, actor: Actor, permission: Permission, pin: str) -> Approval:
        """The approval of the manager whose PIN this is, recorded with both users."""
        if actor.may(permission):
            return Approval(permission, actor.user_id, actor.display_name)
        now = self._clock.now()
        self._refuse_if_paused(actor.device_id, now)
        manager = self._find_approver(actor, permission, pin, now)
        after: dict[str, object] = {"permission": permission.value}
        if manager is not None:
            after["approved_by"] = manager.display_name
        with self._uow() as uow:
            record(
                uow,
                actor,
                now,
                "approval.refused" if manager is None else "approval.granted",
                "approval",
                None,
                after=after,
                reason=permission.value,
                approved_by=None if manager is None else manager.id,
            )
            uow.commit()
        if manager is None:
            self._count_failure(actor.device_id, now)
            self._refuse_if_paused(actor.device_id, now)
            raise ApprovalError(
                f"That PIN does not belong to a manager who may {permission.label}."
            )
        with self._guard:
            self._failures.pop(actor.device_id, None)
        return Approval(permission, manager.id, manager.display_name)

    def _find_approver(
        self, actor: Actor, permission: Permission, pin: str, now: datetime
    ) -> User | None:
        if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
            return None
        for user in self._candidates(actor, permission, now):
            assert user.pin_hash is not None
            if self._hasher.verify(user.pin_hash, pin):
                return user
        return None

    def _candidates(self, actor: Actor, permission: Permission, now: datetime) -> list[User]:
        """Active, unlocked users other than the actor who may approve `permission`."""
        with self._read() as session:
            users = session.scalars(
                select(User)
                .where(
                    User.company_id == actor.company_id,
                    User.id != actor.user_id,
                    User.active.is_(True),
                    User.deleted_at.is_(None),
                    User.pin_hash.is_not(None),
                )
                .order_by(User.display_name, User.id)
            ).all()
            overrides = load_overrides(session, [u.id for u in users])
        approvers = []
        for user in users:
            if user.locked_until is not None and now < user.locked_until:
                continue
            role = Role(user.role)
            own = overrides.get(user.id, {})
            if permission not in effective_permissions(role, own):
                continue
            if role in APPROVER_ROLES or own.get(permission) is True:
                approvers.append(user)
        return approvers

    def _count_failure(self, device_id: uuid.UUID, now: datetime) -> None:
        window = self._policy.lock_for
        with self._guard:
            failures = self._failures.setdefault(device_id, deque())
            failures.append(now)
            while failures and failures[0] <= now - window:
                failures.popleft()
            if len(failures) >= self._policy.max_attempts:
                self._locked_until[device_id] = now + self._policy.lock_for
                failures.clear()

    def _refuse_if_paused(self, device_id: uuid.UUID, now: datetime) -> None:
        with self._guard:
            until = self._locked_until.get(device_id)
            if until is None:
                return
            if now >= until:
                del self._locked_until[device_id]
                return
        minutes = max(1, round((until - now).total_seconds() / 60))
        unit = "minute" if minutes == 1 else "minutes"
        raise ApprovalLockedError(
            f"Too many wrong manager PINs at this register: approvals are paused for "
            f"{minutes} {unit}. Ask a manager to come to the register."
        )
