"""Signing in at a register: user name and password, or a staff tile and a PIN."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.errors import DomainError
from core.services.credentials import CredentialHasher
from core.staff.credentials import MAX_PASSWORD_LENGTH, username_key
from core.staff.lockout import (
    AttemptState,
    LockoutPolicy,
    after_failure,
    after_success,
    attempts_left,
    is_locked,
)
from core.staff.roles import Role
from db.models import User
from db.uow import SqlUnitOfWork, UowFactory


class SignInError(DomainError):
    """Wrong user name, password or PIN."""


class AccountLockedError(SignInError):
    """Too many wrong attempts; the user must wait or ask a manager."""


@dataclass(frozen=True, slots=True)
class SignedInUser:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class StaffTile:
    """A button on the quick-switch panel."""

    id: uuid.UUID
    display_name: str
    role: Role
    has_pin: bool


class AuthService:
    def __init__(
        self,
        uow: UowFactory,
        read_sessions: sessionmaker[Session],
        company_id: uuid.UUID,
        clock: Clock,
        hasher: CredentialHasher,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self._uow = uow
        self._read = read_sessions
        self._company_id = company_id
        self._clock = clock
        self._hasher = hasher
        self._policy = policy or LockoutPolicy()

    def staff_tiles(self) -> list[StaffTile]:
        with self._read() as session:
            users = session.scalars(
                select(User)
                .where(
                    User.company_id == self._company_id,
                    User.active.is_(True),
                    User.deleted_at.is_(None),
                )
                .order_by(User.display_name)
            ).all()
            return [
                StaffTile(u.id, u.display_name, Role(u.role), u.pin_hash is not None) for u in users
            ]

    def sign_in_with_password(self, username: str, password: str) -> SignedInUser:
        key = username_key(username)
        if not key or len(password) > MAX_PASSWORD_LENGTH:
            raise SignInError("Wrong user name or password.")
        with self._uow() as uow:
            user = uow.session.scalars(
                select(User).where(
                    User.company_id == self._company_id,
                    User.username_key == key,
                    User.deleted_at.is_(None),
                )
            ).one_or_none()
            if user is None or not user.active:
                self._hasher.verify(None, password)
                raise SignInError("Wrong user name or password.")
            return self._check(uow, user, password, user.password_hash, "password")

    def sign_in_with_pin(self, user_id: uuid.UUID, pin: str) -> SignedInUser:
        with self._uow() as uow:
            user = uow.session.get(User, user_id)
            if (
                user is None
                or user.company_id != self._company_id
                or user.deleted_at is not None
                or not user.active
            ):
                raise SignInError("That user cannot sign in here.")
            if user.pin_hash is None:
                raise SignInError(f"{user.display_name} has no PIN yet; sign in with a password.")
            if not (pin.isascii() and pin.isdigit()) or len(pin) > 8:
                pin = ""  # still counted as a wrong attempt below
            return self._check(uow, user, pin, user.pin_hash, "PIN")

    def _check(
        self, uow: SqlUnitOfWork, user: User, secret: str, stored: str, what: str
    ) -> SignedInUser:
        now = self._clock.now()
        state = AttemptState(user.failed_attempts, user.locked_until)
        if is_locked(state, now):
            raise AccountLockedError(_locked_message(user.display_name, state, now))
        if not secret or not self._hasher.verify(stored, secret):
            state = after_failure(state, now, self._policy)
            user.failed_attempts = state.failed_attempts
            user.locked_until = state.locked_until
            uow.commit()
            if is_locked(state, now):
                raise AccountLockedError(_locked_message(user.display_name, state, now))
            left = attempts_left(state, self._policy)
            tries = "1 more try" if left == 1 else f"{left} more tries"
            noun = "user name or password" if what == "password" else "PIN"
            raise SignInError(f"Wrong {noun}. {tries} before the account is locked.")
        state = after_success()
        user.failed_attempts = state.failed_attempts
        user.locked_until = state.locked_until
        user.last_login_at = now
        if self._hasher.needs_rehash(stored):
            if what == "password":
                user.password_hash = self._hasher.hash(secret)
            else:
                user.pin_hash = self._hasher.hash(secret)
        uow.commit()
        return SignedInUser(user.id, user.username, user.display_name, Role(user.role))


def _locked_message(name: str, state: AttemptState, now: datetime) -> str:
    assert state.locked_until is not None
    minutes = max(1, round((state.locked_until - now).total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many wrong attempts: {name} is locked for {minutes} {unit}. "
        "Try again later or ask a manager."
    )
