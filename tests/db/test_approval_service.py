"""A manager's PIN approving a cashier's action, against a real SQLite store."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.ids import new_id
from core.services.approval import (
    Approval,
    ApprovalError,
    ApprovalLockedError,
    ApprovalService,
)
from core.services.auth import SignedInUser
from core.services.credentials import fast_hasher_for_tests
from core.services.identity import load_this_device
from core.services.staff import StaffError, StaffService
from core.staff.actor import Actor
from core.staff.lockout import LockoutPolicy
from core.staff.permissions import Permission, PermissionDeniedError
from core.staff.roles import Role
from db.models import AuditEntry, Device, User
from db.store import Store
from tests.support import START, make_demo

WRONG = "That PIN does not belong to a manager who may"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_demo(tmp_path, products=12, customers=3)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def staff(store: Store, clock: FixedClock) -> StaffService:
    return StaffService(store.uow, store.read_sessions, clock, fast_hasher_for_tests())


@pytest.fixture
def approvals(store: Store, clock: FixedClock) -> ApprovalService:
    policy = LockoutPolicy(max_attempts=5, lock_for=timedelta(minutes=5))
    return ApprovalService(store.uow, store.read_sessions, clock, fast_hasher_for_tests(), policy)


def actor(store: Store, staff: StaffService, username: str) -> Actor:
    with store.read_sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        device = load_this_device(session)
    assert device is not None
    signed_in = SignedInUser(user.id, user.username, user.display_name, Role(user.role))
    return staff.actor_for(signed_in, device)


@pytest.fixture
def jamie(store: Store, staff: StaffService) -> Actor:
    return actor(store, staff, "jamie")


def user_id(store: Store, username: str) -> uuid.UUID:
    with store.read_sessions() as session:
        found = session.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


def audit(store: Store, action: str) -> list[AuditEntry]:
    with store.read_sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == action)
                .order_by(AuditEntry.created_at, AuditEntry.id)
            )
        )


def test_a_managers_pin_lets_a_cashier_act_and_both_are_recorded(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    priya = user_id(store, "priya")
    with pytest.raises(PermissionDeniedError, match="A manager's PIN is needed"):
        staff.unlock(jamie, priya)
    approval = approvals.approve(jamie, Permission.MANAGE_USERS, "2222")
    morgan = user_id(store, "morgan")
    assert approval == Approval(Permission.MANAGE_USERS, morgan, "Morgan Lee")
    staff.unlock(jamie, priya, approval=approval)
    (granted,) = audit(store, "approval.granted")
    assert (granted.user_id, granted.approved_by_id) == (jamie.user_id, morgan)
    assert granted.reason == "manage_users"
    (unlocked,) = audit(store, "user.unlock")
    assert (unlocked.user_id, unlocked.approved_by_id) == (jamie.user_id, morgan)
    assert unlocked.entity_id == priya


def test_an_approval_for_one_action_does_not_cover_another(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    approval = approvals.approve(jamie, Permission.VOID, "2222")
    with pytest.raises(PermissionDeniedError):
        staff.unlock(jamie, user_id(store, "priya"), approval=approval)


def test_an_admins_pin_approves_too(approvals: ApprovalService, jamie: Actor) -> None:
    assert approvals.approve(jamie, Permission.VOID, "1111").manager_name == "Alex Rivera"


@pytest.mark.parametrize(
    "pin",
    [
        "9999",  # nobody's
        "5555",  # the technician's
        "4444",  # another cashier's
        "3333",  # the cashier's own
        "",
        "22",
        "abcd",
        "2222 ",
        "2222" * 100,
        "٢٢٢٢",  # Arabic-Indic digits: they look like a PIN but are not one
    ],
)
def test_other_pins_do_not_approve(
    store: Store, approvals: ApprovalService, jamie: Actor, pin: str
) -> None:
    with pytest.raises(ApprovalError, match=f"{WRONG} void a sale"):
        approvals.approve(jamie, Permission.VOID, pin)
    (refused,) = audit(store, "approval.refused")
    assert (refused.user_id, refused.approved_by_id) == (jamie.user_id, None)
    assert refused.reason == "void"
    assert json.loads(refused.after) == {"permission": "void"}  # never the PIN typed
    assert audit(store, "approval.granted") == []


def test_someone_allowed_needs_no_pin(
    store: Store, staff: StaffService, approvals: ApprovalService
) -> None:
    morgan = actor(store, staff, "morgan")
    approval = approvals.approve(morgan, Permission.VOID, "")
    assert approval == Approval(Permission.VOID, morgan.user_id, "Morgan Lee")
    assert audit(store, "approval.granted") == []


def test_wrong_pins_pause_approvals_on_this_register(
    store: Store, approvals: ApprovalService, jamie: Actor, clock: FixedClock
) -> None:
    for _ in range(4):
        with pytest.raises(ApprovalError, match=WRONG):
            approvals.approve(jamie, Permission.VOID, "9999")
    with pytest.raises(ApprovalLockedError, match="approvals are paused for 5 minutes"):
        approvals.approve(jamie, Permission.VOID, "9998")
    # Even the right PIN waits, and the attempt is not checked or logged.
    clock.advance(timedelta(minutes=4))
    with pytest.raises(ApprovalLockedError, match="paused for 1 minute"):
        approvals.approve(jamie, Permission.VOID, "2222")
    assert len(audit(store, "approval.refused")) == 5
    # Another register is not affected.
    elsewhere = replace(jamie, device_id=second_register(store, jamie))
    assert approvals.approve(elsewhere, Permission.VOID, "2222").manager_name == "Morgan Lee"
    clock.advance(timedelta(minutes=1))
    assert approvals.approve(jamie, Permission.VOID, "2222").manager_name == "Morgan Lee"


def second_register(store: Store, jamie: Actor) -> uuid.UUID:
    device = Device(
        id=new_id(),
        company_id=jamie.company_id,
        location_id=jamie.location_id,
        name="Back Counter",
        kind="register",
        prefix="R2",
        created_at=START,
        updated_at=START,
    )
    with store.uow() as uow:
        uow.session.add(device)
        uow.commit()
    return device.id


def test_wrong_pins_spread_out_do_not_pause(
    approvals: ApprovalService, jamie: Actor, clock: FixedClock
) -> None:
    for _ in range(3):
        for _ in range(4):
            with pytest.raises(ApprovalError, match=WRONG):
                approvals.approve(jamie, Permission.VOID, "9999")
        clock.advance(timedelta(minutes=5, seconds=1))
    assert approvals.approve(jamie, Permission.VOID, "2222").manager_name == "Morgan Lee"


def test_a_success_clears_the_count(approvals: ApprovalService, jamie: Actor) -> None:
    for _ in range(2):
        for _ in range(4):
            with pytest.raises(ApprovalError, match=WRONG):
                approvals.approve(jamie, Permission.VOID, "9999")
        approvals.approve(jamie, Permission.VOID, "2222")


def test_overrides_decide_who_may_approve(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    alex = actor(store, staff, "alex")
    # A cashier explicitly given a permission may approve it, and only it.
    staff.set_permission(alex, user_id(store, "priya"), Permission.NO_SALE, True)
    assert approvals.approve(jamie, Permission.NO_SALE, "4444").manager_name == "Priya Patel"
    with pytest.raises(ApprovalError, match=WRONG):
        approvals.approve(jamie, Permission.VOID, "4444")
    # A manager denied a permission cannot approve it.
    staff.set_permission(alex, user_id(store, "morgan"), Permission.PAY_OUT, False)
    with pytest.raises(ApprovalError, match=f"{WRONG} pay out"):
        approvals.approve(jamie, Permission.PAY_OUT, "2222")
    assert approvals.approve(jamie, Permission.VOID, "2222").manager_name == "Morgan Lee"


def test_inactive_or_locked_managers_cannot_approve(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    morgan = user_id(store, "morgan")
    with store.uow() as uow:
        user = uow.session.get(User, morgan)
        assert user is not None
        user.locked_until = START + timedelta(minutes=3)
        uow.commit()
    with pytest.raises(ApprovalError, match=WRONG):
        approvals.approve(jamie, Permission.VOID, "2222")
    staff.unlock(actor(store, staff, "alex"), morgan)
    approvals.approve(jamie, Permission.VOID, "2222")
    staff.update_user(actor(store, staff, "alex"), morgan, "Morgan Lee", Role.MANAGER, False)
    with pytest.raises(ApprovalError, match=WRONG):
        approvals.approve(jamie, Permission.VOID, "2222")


def test_an_approval_from_a_deactivated_manager_is_not_honoured(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    approval = approvals.approve(jamie, Permission.MANAGE_USERS, "2222")
    alex = actor(store, staff, "alex")
    staff.update_user(alex, approval.manager_id, "Morgan Lee", Role.MANAGER, False)
    with pytest.raises(PermissionDeniedError):
        staff.unlock(jamie, user_id(store, "priya"), approval=approval)


def test_a_managers_approval_does_not_reach_admins(
    store: Store, staff: StaffService, approvals: ApprovalService, jamie: Actor
) -> None:
    approval = approvals.approve(jamie, Permission.MANAGE_USERS, "2222")
    with pytest.raises(StaffError, match="Only an administrator"):
        staff.reset_pin(jamie, user_id(store, "alex"), "9753", approval=approval)
