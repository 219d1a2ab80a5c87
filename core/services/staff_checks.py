"""The checks and the audit trail behind the staff service's writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.services.audit import AuditValues, record
from core.services.guard import require
from core.services.staff_directory import StaffError
from core.staff.actor import Actor
from core.staff.permissions import Permission, PermissionDeniedError
from core.staff.roles import Role
from db.models import User
from db.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from core.services.approval import Approval

MAX_DISPLAY_NAME_LENGTH = 120


@dataclass(slots=True)
class Edit:
    """One change to one user in progress: its unit of work, who made it, who approved it."""

    uow: SqlUnitOfWork
    actor: Actor
    user_id: uuid.UUID
    approved_by: uuid.UUID | None
    at: datetime
    changed: bool = False

    def audit(
        self, action: str, *, before: AuditValues | None = None, after: AuditValues | None = None
    ) -> None:
        self.changed = True
        record(
            self.uow,
            self.actor,
            self.at,
            action,
            "user",
            self.user_id,
            before=before,
            after=after,
            approved_by=self.approved_by,
        )


def check_display_name(display_name: str) -> str:
    name = display_name.strip()
    if not name:
        raise StaffError("A user needs a display name.")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise StaffError(f"A display name can have at most {MAX_DISPLAY_NAME_LENGTH} characters.")
    return name


def authorize(
    session: Session, actor: Actor, approval: Approval | None
) -> tuple[Role, uuid.UUID | None]:
    """The role whose rank limits the change, and the approving manager if there is one.

    With an approval the approver's rank applies, so a manager's PIN never lets a cashier
    change an administrator.
    """
    approved_by = require(actor, Permission.MANAGE_USERS, approval)
    if approved_by is None:
        return actor.role, None
    approver = session.get(User, approved_by)
    if (
        approver is None
        or approver.company_id != actor.company_id
        or not approver.active
        or approver.deleted_at is not None
    ):
        raise PermissionDeniedError(Permission.MANAGE_USERS, actor.display_name)
    return Role(approver.role), approver.id


def check_rank(authority: Role, current: Role, new: Role | None = None) -> None:
    if authority is not Role.ADMIN and Role.ADMIN in (current, new):
        raise StaffError(
            "Only an administrator can change an administrator's account "
            "or make someone an administrator."
        )


def clear_lock(user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = None


def other_active_admins(session: Session, user: User) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.company_id == user.company_id,
            User.id != user.id,
            User.role == Role.ADMIN.value,
            User.active.is_(True),
            User.deleted_at.is_(None),
        )
    )
    return count or 0
