"""Permission checks with an optional manager approval, shared by every service that writes."""

from __future__ import annotations

import uuid

from core.staff.actor import Actor
from core.staff.permissions import Permission, PermissionDeniedError


def require(actor: Actor, permission: Permission, approval: object | None) -> uuid.UUID | None:
    """None when the actor may act alone; the approving manager's id; or PermissionDeniedError.

    `approval` is duck-typed (`.permission`, `.manager_id`) so services need not import the
    approval service; an approval for a different permission does not count, so a PIN given
    for a discount cannot be replayed to adjust stock. The returned id goes into the audit
    row's `approved_by`.
    """
    if actor.may(permission):
        return None
    if approval is not None and getattr(approval, "permission", None) == permission:
        manager_id = getattr(approval, "manager_id", None)
        if isinstance(manager_id, uuid.UUID):
            return manager_id
    raise PermissionDeniedError(permission, actor.display_name)
