"""Signing in with a password or a PIN, lockout, and what is stored about secrets."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.services.auth import AccountLockedError, AuthService, SignInError
from core.services.credentials import fast_hasher_for_tests
from core.services.demo_store import DEMO_PASSWORD, DEMO_USERS
from core.staff.lockout import LockoutPolicy
from core.staff.roles import Role
from db.models import User
from db.store import DATABASE_NAME, Store
from tests.support import START, make_demo


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_demo(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def auth(store: Store, clock: FixedClock) -> AuthService:
    with store.read_sessions() as session:
        company_id = session.scalars(select(User.company_id)).first()
    assert company_id is not None
    return AuthService(
        store.uow,
        store.read_sessions,
        company_id,
        clock,
        fast_hasher_for_tests(),
        LockoutPolicy(max_attempts=5, lock_for=timedelta(minutes=5)),
    )


def user_id(auth: AuthService, name: str) -> uuid.UUID:
    return next(t.id for t in auth.staff_tiles() if t.display_name == name)


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda u: u.username)
def test_every_demo_user_signs_in_with_password_and_pin(auth: AuthService, demo: object) -> None:
    from core.services.demo_store import DemoUser

    assert isinstance(demo, DemoUser)
    by_password = auth.sign_in_with_password(demo.username, DEMO_PASSWORD)
    assert by_password.display_name == demo.display_name
    assert by_password.role is demo.role
    by_pin = auth.sign_in_with_pin(user_id(auth, demo.display_name), demo.pin)
    assert by_pin.id == by_password.id


def test_user_names_are_case_insensitive_and_trimmed(auth: AuthService) -> None:
    assert auth.sign_in_with_password("  MORGAN ", DEMO_PASSWORD).role is Role.MANAGER


def test_demo_staff_has_the_five_roles(auth: AuthService) -> None:
    roles = sorted(t.role.value for t in auth.staff_tiles())
    assert roles == ["admin", "manager", "staff", "staff", "technician"]


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("jamie", "wrong-password"),
        ("nobody", DEMO_PASSWORD),
        ("", DEMO_PASSWORD),
        ("jamie", ""),
        ("' OR 1=1 --", "' OR 1=1 --"),
        ("jamie", "x" * 10_000),
    ],
)
def test_wrong_credentials_say_so_plainly(auth: AuthService, username: str, password: str) -> None:
    with pytest.raises(SignInError, match="Wrong user name or password"):
        auth.sign_in_with_password(username, password)


def test_wrong_password_counts_down_then_locks(auth: AuthService, clock: FixedClock) -> None:
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInError, match=f"{left} more tr"):
            auth.sign_in_with_password("jamie", "nope-nope")
    with pytest.raises(AccountLockedError, match="Jamie Chen is locked for 5 minutes"):
        auth.sign_in_with_password("jamie", "nope-nope")
    # Even the right password is refused while locked, and so is the PIN.
    with pytest.raises(AccountLockedError):
        auth.sign_in_with_password("jamie", DEMO_PASSWORD)
    with pytest.raises(AccountLockedError):
        auth.sign_in_with_pin(user_id(auth, "Jamie Chen"), "3333")
    # Other users are not affected.
    assert auth.sign_in_with_password("priya", DEMO_PASSWORD).display_name == "Priya Patel"
    clock.advance(timedelta(minutes=5, seconds=1))
    assert auth.sign_in_with_password("jamie", DEMO_PASSWORD).display_name == "Jamie Chen"


def test_a_success_resets_the_count(auth: AuthService) -> None:
    for _ in range(4):
        with pytest.raises(SignInError):
            auth.sign_in_with_password("sam", "bad-guess")
    auth.sign_in_with_password("sam", DEMO_PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInError):
            auth.sign_in_with_password("sam", "bad-guess")


@pytest.mark.parametrize("pin", ["0000", "33333", "abcd", "", "3333" * 100, "٣٣٣٣"])
def test_wrong_pin_is_refused(auth: AuthService, pin: str) -> None:
    with pytest.raises(SignInError, match=r"Wrong PIN|Enter"):
        auth.sign_in_with_pin(user_id(auth, "Jamie Chen"), pin)


def test_pins_lock_out_too(auth: AuthService) -> None:
    jamie = user_id(auth, "Jamie Chen")
    for _ in range(4):
        with pytest.raises(SignInError, match="Wrong PIN"):
            auth.sign_in_with_pin(jamie, "9999")
    with pytest.raises(AccountLockedError):
        auth.sign_in_with_pin(jamie, "9999")


def test_unknown_user_id_for_pin(auth: AuthService) -> None:
    with pytest.raises(SignInError, match="cannot sign in here"):
        auth.sign_in_with_pin(uuid.uuid4(), "1111")


def test_deactivated_user_cannot_sign_in(auth: AuthService, store: Store) -> None:
    with store.uow() as uow:
        user = uow.session.scalars(select(User).where(User.username == "priya")).one()
        user.active = False
        uow.commit()
    with pytest.raises(SignInError, match="Wrong user name or password"):
        auth.sign_in_with_password("priya", DEMO_PASSWORD)
    assert "Priya Patel" not in [t.display_name for t in auth.staff_tiles()]


def test_only_argon2_hashes_are_stored(store: Store, tmp_path: Path) -> None:
    with store.read_sessions() as session:
        users = session.scalars(select(User)).all()
        for user in users:
            assert user.password_hash.startswith("$argon2id$")
            assert user.pin_hash is not None
            assert user.pin_hash.startswith("$argon2id$")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert DEMO_PASSWORD.encode() not in raw
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(app_user)")]
    assert not [c for c in columns if "password" in c and not c.endswith("_hash")]
    assert not [c for c in columns if "pin" in c and not c.endswith("_hash")]
