"""Customer accounts and their members: create, edit, find, delete (softly).

Each write is one unit of work with its audit row. The account keeps `member_names` (its
live members' names) up to date, because the full-text index that finds a family by the
student's name is fed from that column by triggers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.customers.rules import (
    CustomerDraft,
    CustomerError,
    MemberDraft,
    check_customer,
    check_member,
)
from core.ids import new_id
from core.services.customer_queries import (
    CustomerDetail,
    CustomerRow,
    DuplicateCustomerWarning,
    HistoryItem,
    MemberRow,
    find_duplicates,
    next_account_number,
    read_detail,
    search_customers,
    this_company,
)
from core.services.customer_records import (
    Write,
    account_columns,
    account_values,
    changes,
    live_account,
    live_member,
    member_values,
    new_member,
    refresh_member_names,
)
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import CustomerAccount
from db.uow import UowFactory

if TYPE_CHECKING:
    from core.services.approval import Approval

__all__ = [
    "ConcurrentEditError",
    "CustomerDetail",
    "CustomerRow",
    "CustomerService",
    "DuplicateCustomerWarning",
    "HistoryItem",
    "MemberRow",
]


class ConcurrentEditError(CustomerError):
    """Someone saved the account after this editor loaded it."""


class CustomerService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock

    def find_duplicates(
        self, draft: CustomerDraft, *, exclude_id: uuid.UUID | None = None
    ) -> list[CustomerRow]:
        """Live accounts with the draft's email address or phone number (for a warning)."""
        with self._read() as session:
            return find_duplicates(session, this_company(), draft, exclude_id)

    def search(self, text: str, limit: int = 50) -> list[CustomerRow]:
        with self._read() as session:
            return search_customers(session, this_company(), text, limit)

    def detail(self, account_id: uuid.UUID) -> CustomerDetail:
        """The account (deleted ones too, for their history), its live members, its version."""
        with self._read() as session:
            return read_detail(session, this_company(), account_id)

    def create(
        self,
        actor: Actor,
        draft: CustomerDraft,
        members: Iterable[MemberDraft] = (),
        *,
        accept_duplicates: bool = False,
        approval: Approval | None = None,
    ) -> uuid.UUID:
        """Open an account; raises DuplicateCustomerWarning unless `accept_duplicates`."""
        clean = check_customer(draft)
        people = [check_member(m) for m in members]
        with self._writing(actor, approval) as write:
            matches = find_duplicates(write.session, actor.company_id, clean, None)
            if matches and not accept_duplicates:
                raise DuplicateCustomerWarning(clean, matches)
            account = CustomerAccount(
                id=new_id(),
                company_id=actor.company_id,
                # The write lock is held from BEGIN IMMEDIATE, so max + 1 cannot race here.
                account_number=next_account_number(write.session, actor.company_id),
                **account_columns(clean),
                member_names="",
                version=1,
                created_at=write.at,
                updated_at=write.at,
            )
            write.session.add(account)
            write.session.flush()
            for person in people:
                write.session.add(new_member(account, person, write.at))
            refresh_member_names(write.session, account)
            after = {"account_number": account.account_number, **asdict(clean)}
            after["members"] = account.member_names
            if matches:
                after["accepted_duplicates"] = [m.account_number for m in matches]
            write.audit("customer.create", account.id, after=after)
        return account.id

    def update(
        self,
        actor: Actor,
        account_id: uuid.UUID,
        draft: CustomerDraft,
        expected_version: int,
        *,
        approval: Approval | None = None,
    ) -> int:
        """Save an edited account loaded at `expected_version`; returns its new version."""
        clean = check_customer(draft)
        with self._writing(actor, approval) as write:
            account = live_account(write.session, actor, account_id)
            if account.version != expected_version:
                raise ConcurrentEditError(
                    f"Someone else changed {account.name} ({account.account_number}) while you "
                    "were editing it. Reload the account and make your changes again."
                )
            before, after = changes(account_values(account), asdict(clean))
            if after:
                for name, value in account_columns(clean).items():
                    setattr(account, name, value)
                account.version += 1
                account.updated_at = write.at
                write.audit("customer.update", account.id, before=before, after=after)
            return account.version

    def delete(
        self, actor: Actor, account_id: uuid.UUID, *, approval: Approval | None = None
    ) -> None:
        """Hide the account from search and duplicate checks; it and its history stay."""
        with self._writing(actor, approval) as write:
            account = live_account(write.session, actor, account_id)
            account.deleted_at = account.updated_at = write.at
            account.version += 1
            before = {"account_number": account.account_number, "name": account.name}
            write.audit("customer.delete", account.id, before=before)

    def add_member(
        self,
        actor: Actor,
        account_id: uuid.UUID,
        member: MemberDraft,
        *,
        approval: Approval | None = None,
    ) -> uuid.UUID:
        person = check_member(member)
        with self._writing(actor, approval) as write:
            account = live_account(write.session, actor, account_id)
            row = new_member(account, person, write.at)
            write.session.add(row)
            refresh_member_names(write.session, account)
            after = {"member_id": str(row.id), **asdict(person)}
            write.audit("customer.member_add", account.id, after=after)
        return row.id

    def update_member(
        self,
        actor: Actor,
        member_id: uuid.UUID,
        member: MemberDraft,
        *,
        approval: Approval | None = None,
    ) -> None:
        person = check_member(member)
        with self._writing(actor, approval) as write:
            row, account = live_member(write.session, actor, member_id)
            before, after = changes(member_values(row), asdict(person))
            if not after:
                return
            for name, value in after.items():
                setattr(row, name, value)
            row.updated_at = write.at
            refresh_member_names(write.session, account)
            ident = {"member_id": str(row.id)}
            write.audit(
                "customer.member_update",
                account.id,
                before={**ident, **before},
                after={**ident, **after},
            )

    def remove_member(
        self, actor: Actor, member_id: uuid.UUID, *, approval: Approval | None = None
    ) -> None:
        """Take a person off the account (softly: their past lessons and rentals keep them)."""
        with self._writing(actor, approval) as write:
            row, account = live_member(write.session, actor, member_id)
            row.deleted_at = row.updated_at = write.at
            refresh_member_names(write.session, account)
            before = {"member_id": str(row.id), **member_values(row)}
            write.audit("customer.member_remove", account.id, before=before)

    @contextmanager
    def _writing(self, actor: Actor, approval: Approval | None) -> Iterator[Write]:
        """A permitted change: committed with its audit row, or not at all."""
        approved_by = require(actor, Permission.EDIT_CUSTOMERS, approval)
        with self._uow() as uow:
            write = Write(uow, actor, approved_by, self._clock.now())
            yield write
            if write.changed:
                uow.commit()
