"""Managing staff against a real SQLite store: ranks, the last admin, PINs, overrides, audit."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.services.auth import AuthService, SignedInUser, SignInError
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import DEMO_PASSWORD
from core.services.identity import load_this_device
from core.services.setup import NewUser
from core.services.staff import StaffError, StaffService
from core.staff.actor import Actor
from core.staff.credentials import CredentialPolicyError
from core.staff.permissions import ROLE_DEFAULTS, Permission, PermissionDeniedError
from core.staff.roles import Role
from db.models import AuditEntry, User
from db.store import Store
from tests.support import START, make_demo


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


def user_id(store: Store, username: str) -> uuid.UUID:
    with store.read_sessions() as session:
        found = session.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


def actor(store: Store, staff: StaffService, username: str) -> Actor:
    with store.read_sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        device = load_this_device(session)
    assert device is not None
    signed_in = SignedInUser(user.id, user.username, user.display_name, Role(user.role))
    return staff.actor_for(signed_in, device)


def auth(store: Store, clock: FixedClock) -> AuthService:
    with store.read_sessions() as session:
        device = load_this_device(session)
    assert device is not None
    return AuthService(
        store.uow, store.read_sessions, device.company_id, clock, fast_hasher_for_tests()
    )


def audit(store: Store, action: str | None = None) -> list[AuditEntry]:
    # The demo store's morning float (a drawer opened by the manager) is not staff business.
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type != "drawer_session")
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    if action is not None:
        query = query.where(AuditEntry.action == action)
    with store.read_sessions() as session:
        return list(session.scalars(query))


NEW_CASHIER = NewUser("riley", "Riley Brooks", Role.STAFF, "riley-secret-pw", "8642")


def test_list_users_by_display_name(store: Store, staff: StaffService) -> None:
    users = staff.list_users()
    assert [u.display_name for u in users] == [
        "Alex Rivera",
        "Jamie Chen",
        "Morgan Lee",
        "Priya Patel",
        "Sam Okafor",
    ]
    assert all(u.active and u.has_pin and u.locked_until is None for u in users)
    assert {u.username: u.role for u in users}["sam"] is Role.TECHNICIAN


def test_user_detail_shows_overrides_and_effective_permissions(
    store: Store, staff: StaffService
) -> None:
    alex = actor(store, staff, "alex")
    jamie = user_id(store, "jamie")
    staff.set_permission(alex, jamie, Permission.VOID, True)
    staff.set_permission(alex, jamie, Permission.RECEIVE_STOCK, False)
    detail = staff.user_detail(jamie)
    assert detail.overrides == {Permission.VOID: True, Permission.RECEIVE_STOCK: False}
    assert detail.permissions == {Permission.EDIT_CUSTOMERS, Permission.REFUND, Permission.VOID}
    with pytest.raises(StaffError, match="no longer exists"):
        staff.user_detail(uuid.uuid4())


def test_actor_for_applies_overrides(store: Store, staff: StaffService) -> None:
    assert actor(store, staff, "jamie").permissions == ROLE_DEFAULTS[Role.STAFF]
    staff.set_permission(
        actor(store, staff, "morgan"), user_id(store, "jamie"), Permission.VOID, True
    )
    jamie = actor(store, staff, "jamie")
    assert jamie.may(Permission.VOID)
    assert jamie.role is Role.STAFF


def test_a_manager_creates_a_cashier_who_can_sign_in(
    store: Store, staff: StaffService, clock: FixedClock
) -> None:
    morgan = actor(store, staff, "morgan")
    riley = staff.create_user(morgan, NEW_CASHIER)
    assert staff.user_detail(riley).role is Role.STAFF
    signed_in = auth(store, clock).sign_in_with_pin(riley, "8642")
    assert signed_in.display_name == "Riley Brooks"
    (row,) = audit(store, "user.create")
    assert (row.user_id, row.entity_id) == (morgan.user_id, riley)
    assert json.loads(row.after) == {
        "username": "riley",
        "display_name": "Riley Brooks",
        "role": "staff",
        "active": True,
        "has_pin": True,
    }


def test_a_cashier_may_not_manage_users(store: Store, staff: StaffService) -> None:
    jamie = actor(store, staff, "jamie")
    priya = user_id(store, "priya")
    attempts: list[Callable[[], object]] = [
        lambda: staff.create_user(jamie, NEW_CASHIER),
        lambda: staff.update_user(jamie, priya, "Priya P.", Role.STAFF, True),
        lambda: staff.update_user(jamie, jamie.user_id, "Jamie", Role.MANAGER, True),
        lambda: staff.reset_pin(jamie, priya, "9753"),
        lambda: staff.reset_password(jamie, priya, "another-password"),
        lambda: staff.unlock(jamie, priya),
        lambda: staff.set_permission(jamie, jamie.user_id, Permission.VOID, True),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError, match="Jamie Chen may not manage users"):
            attempt()
    assert audit(store) == []
    assert staff.user_detail(jamie.user_id).role is Role.STAFF


def test_only_an_admin_touches_admins(store: Store, staff: StaffService) -> None:
    morgan = actor(store, staff, "morgan")
    alex = user_id(store, "alex")
    priya = user_id(store, "priya")
    only_admins = "Only an administrator"
    with pytest.raises(StaffError, match=only_admins):
        staff.update_user(morgan, priya, "Priya Patel", Role.ADMIN, True)
    with pytest.raises(StaffError, match=only_admins):
        staff.create_user(morgan, NewUser("root2", "Root Two", Role.ADMIN, "long-password"))
    with pytest.raises(StaffError, match=only_admins):
        staff.reset_pin(morgan, alex, "9753")
    with pytest.raises(StaffError, match=only_admins):
        staff.update_user(morgan, alex, "Alex Rivera", Role.STAFF, False)
    with pytest.raises(StaffError, match=only_admins):
        staff.set_permission(morgan, alex, Permission.VOID, False)
    # A manager may promote a cashier to manager; an admin may make an admin.
    staff.update_user(morgan, priya, "Priya Patel", Role.MANAGER, True)
    staff.update_user(actor(store, staff, "alex"), priya, "Priya Patel", Role.ADMIN, True)
    assert staff.user_detail(priya).role is Role.ADMIN
    changes = [json.loads(r.after)["role"] for r in audit(store, "user.role_change")]
    assert changes == ["manager", "admin"]
    first = audit(store, "user.role_change")[0]
    assert json.loads(first.before) == {"role": "staff"}


def test_the_last_active_admin_stays(store: Store, staff: StaffService) -> None:
    alex = actor(store, staff, "alex")
    with pytest.raises(StaffError, match="Alex Rivera is the only active administrator"):
        staff.update_user(alex, alex.user_id, "Alex Rivera", Role.MANAGER, True)
    with pytest.raises(StaffError, match="only active administrator"):
        staff.update_user(alex, alex.user_id, "Alex Rivera", Role.ADMIN, False)
    staff.update_user(alex, alex.user_id, "Alex R.", Role.ADMIN, True)  # renaming is fine
    morgan = user_id(store, "morgan")
    staff.update_user(alex, morgan, "Morgan Lee", Role.ADMIN, True)
    staff.update_user(alex, alex.user_id, "Alex R.", Role.MANAGER, True)
    assert staff.user_detail(alex.user_id).role is Role.MANAGER
    morgan_actor = actor(store, staff, "morgan")
    with pytest.raises(StaffError, match="Morgan Lee is the only active administrator"):
        staff.update_user(morgan_actor, morgan, "Morgan Lee", Role.ADMIN, False)


def test_nobody_takes_away_their_own_user_management(store: Store, staff: StaffService) -> None:
    alex = actor(store, staff, "alex")
    with pytest.raises(StaffError, match="your own permission to manage users"):
        staff.set_permission(alex, alex.user_id, Permission.MANAGE_USERS, False)


def test_pins_are_unique_among_active_users(store: Store, staff: StaffService) -> None:
    alex = actor(store, staff, "alex")
    priya = user_id(store, "priya")
    sam = user_id(store, "sam")
    taken = "That PIN is already in use; choose another."
    with pytest.raises(StaffError, match=taken):
        staff.reset_pin(alex, priya, "2222")
    with pytest.raises(StaffError, match=taken):
        staff.create_user(alex, NewUser("riley", "Riley", Role.STAFF, "long-password", "1111"))
    staff.reset_pin(alex, priya, "4444")  # her own PIN again is fine
    # A deactivated user's PIN is free to give away; coming back, they get a new PIN.
    staff.update_user(alex, sam, "Sam Okafor", Role.TECHNICIAN, False)
    staff.reset_pin(alex, priya, "5555")
    staff.update_user(alex, sam, "Sam Okafor", Role.TECHNICIAN, True)
    assert not staff.user_detail(sam).has_pin
    with pytest.raises(StaffError, match=taken):
        staff.reset_pin(alex, sam, "5555")
    staff.reset_pin(alex, sam, "5556")
    assert staff.user_detail(sam).has_pin


def test_pin_and_password_rules_apply(store: Store, staff: StaffService) -> None:
    alex = actor(store, staff, "alex")
    priya = user_id(store, "priya")
    with pytest.raises(CredentialPolicyError):
        staff.reset_pin(alex, priya, "12")
    with pytest.raises(CredentialPolicyError):
        staff.reset_password(alex, priya, "short")
    with pytest.raises(StaffError, match="display name"):
        staff.update_user(alex, priya, "  ", Role.STAFF, True)
    with pytest.raises(StaffError, match="at most 120"):
        staff.update_user(alex, priya, "P" * 121, Role.STAFF, True)
    with pytest.raises(StaffError, match="no longer exists"):
        staff.unlock(alex, uuid.uuid4())


def test_deactivated_users_are_listed_only_when_asked(store: Store, staff: StaffService) -> None:
    staff.update_user(
        actor(store, staff, "morgan"), user_id(store, "priya"), "P", Role.STAFF, False
    )
    assert "priya" not in [u.username for u in staff.list_users()]
    everyone = {u.username: u for u in staff.list_users(include_inactive=True)}
    assert not everyone["priya"].active
    (row,) = audit(store, "user.update")
    assert json.loads(row.before) == {"display_name": "Priya Patel", "active": True}
    assert json.loads(row.after) == {"display_name": "P", "active": False}


def test_unlock_and_resets_clear_a_lock(
    store: Store, staff: StaffService, clock: FixedClock
) -> None:
    signer = auth(store, clock)
    for _ in range(5):
        with pytest.raises(SignInError):
            signer.sign_in_with_password("jamie", "wrong-guess")
    jamie = user_id(store, "jamie")
    assert staff.user_detail(jamie).locked_until == START + timedelta(minutes=5)
    staff.unlock(actor(store, staff, "morgan"), jamie)
    assert staff.user_detail(jamie).locked_until is None
    assert signer.sign_in_with_password("jamie", DEMO_PASSWORD).id == jamie
    (row,) = audit(store, "user.unlock")
    assert json.loads(row.after) == {"failed_attempts": 0, "locked_until": None}
    staff.reset_password(actor(store, staff, "morgan"), jamie, "a-new-password")
    assert signer.sign_in_with_password("jamie", "a-new-password").id == jamie
    with pytest.raises(SignInError):
        signer.sign_in_with_password("jamie", DEMO_PASSWORD)


def test_permission_changes_are_audited_with_before_and_after(
    store: Store, staff: StaffService
) -> None:
    morgan = actor(store, staff, "morgan")
    jamie = user_id(store, "jamie")
    staff.set_permission(morgan, jamie, Permission.VOID, True)
    staff.set_permission(morgan, jamie, Permission.VOID, True)  # no change, no row
    staff.set_permission(morgan, jamie, Permission.VOID, False)
    staff.set_permission(morgan, jamie, Permission.VOID, None)
    staff.set_permission(morgan, jamie, Permission.EDIT_CUSTOMERS, False)
    rows = [r for r in audit(store) if r.action.startswith("permission.")]
    assert [(r.action, json.loads(r.before), json.loads(r.after)) for r in rows] == [
        (
            "permission.grant",
            {"permission": "void", "override": None, "allowed": False},
            {"permission": "void", "override": True, "allowed": True},
        ),
        (
            "permission.revoke",
            {"permission": "void", "override": True, "allowed": True},
            {"permission": "void", "override": False, "allowed": False},
        ),
        (
            "permission.revoke",
            {"permission": "void", "override": False, "allowed": False},
            {"permission": "void", "override": None, "allowed": False},
        ),
        (
            "permission.revoke",
            {"permission": "edit_customers", "override": None, "allowed": True},
            {"permission": "edit_customers", "override": False, "allowed": False},
        ),
    ]
    assert all(r.user_id == morgan.user_id and r.entity_id == jamie for r in rows)
    assert staff.user_detail(jamie).overrides == {Permission.EDIT_CUSTOMERS: False}


def test_no_secrets_in_the_audit_log(store: Store, staff: StaffService) -> None:
    alex = actor(store, staff, "alex")
    riley = staff.create_user(alex, NEW_CASHIER)
    staff.reset_pin(alex, riley, "9753")
    staff.reset_password(alex, riley, "brand-new-secret")
    staff.update_user(alex, riley, "Riley B.", Role.MANAGER, True)
    rows = audit(store)
    assert {r.action for r in rows} == {
        "user.create",
        "user.pin_reset",
        "user.password_reset",
        "user.role_change",
        "user.update",
    }
    logged = " ".join(f"{r.before} {r.after} {r.reason}" for r in rows)
    for secret in ("riley-secret-pw", "8642", "9753", "brand-new-secret", "$argon2"):
        assert secret not in logged
    with store.read_sessions() as session:
        hashes = [h for h in session.scalars(select(User.pin_hash)) if h]
        hashes += list(session.scalars(select(User.password_hash)))
    assert not any(h in logged for h in hashes)
