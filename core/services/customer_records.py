"""The account and member rows behind the customer service's writes."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.customers.rules import CustomerDraft, CustomerError, MemberDraft, email_key, phone_key
from core.ids import new_id
from core.services.audit import AuditValues, record
from core.staff.actor import Actor
from db.models import CustomerAccount, CustomerMember
from db.uow import SqlUnitOfWork

MAX_MEMBER_NAMES_LENGTH = 2000  # the column's size


@dataclass(slots=True)
class Write:
    """One customer change in progress: its unit of work, who made it, and who approved it."""

    uow: SqlUnitOfWork
    actor: Actor
    approved_by: uuid.UUID | None
    at: datetime
    changed: bool = False

    @property
    def session(self) -> Session:
        return self.uow.session

    def audit(
        self,
        action: str,
        account_id: uuid.UUID,
        *,
        before: AuditValues | None = None,
        after: AuditValues | None = None,
    ) -> None:
        self.changed = True
        record(
            self.uow,
            self.actor,
            self.at,
            action,
            "customer_account",
            account_id,
            before=before,
            after=after,
            approved_by=self.approved_by,
        )


def account_columns(draft: CustomerDraft) -> dict[str, object]:
    """The draft as column values, with the keys search and duplicate checks use."""
    return {
        **asdict(draft),
        "email_key": email_key(draft.email),
        "phone_key": phone_key(draft.phone),
    }


def account_values(account: CustomerAccount) -> dict[str, object]:
    return {name: getattr(account, name) for name in CustomerDraft.__dataclass_fields__}


def member_values(row: CustomerMember) -> dict[str, object]:
    return {name: getattr(row, name) for name in MemberDraft.__dataclass_fields__}


def changes(
    old: dict[str, object], new: dict[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """Before and after of the fields that differ."""
    before = {k: v for k, v in old.items() if new[k] != v}
    return before, {k: new[k] for k in before}


def new_member(account: CustomerAccount, person: MemberDraft, now: datetime) -> CustomerMember:
    return CustomerMember(
        id=new_id(),
        company_id=account.company_id,
        account_id=account.id,
        **asdict(person),
        created_at=now,
        updated_at=now,
    )


def live_account(session: Session, actor: Actor, account_id: uuid.UUID) -> CustomerAccount:
    account = session.get(CustomerAccount, account_id)
    if account is None or account.company_id != actor.company_id or account.deleted_at is not None:
        raise CustomerError("That customer account no longer exists.")
    return account


def live_member(
    session: Session, actor: Actor, member_id: uuid.UUID
) -> tuple[CustomerMember, CustomerAccount]:
    row = session.get(CustomerMember, member_id)
    if row is None or row.company_id != actor.company_id or row.deleted_at is not None:
        raise CustomerError("That member is no longer on the account.")
    return row, live_account(session, actor, row.account_id)


def refresh_member_names(session: Session, account: CustomerAccount) -> None:
    """Rewrite the account's `member_names` from its live members: the search index's feed.

    The account's version is left alone: the names are derived, so adding a student does not
    make someone's open edit of the account's address stale.
    """
    session.flush()
    names = session.execute(
        select(CustomerMember.first_name, CustomerMember.last_name)
        .where(CustomerMember.account_id == account.id, CustomerMember.deleted_at.is_(None))
        .order_by(CustomerMember.created_at, CustomerMember.id)
    ).all()
    text = ""
    for first, last in names:
        name = f"{first} {last}".strip()
        if len(text) + len(name) + 1 > MAX_MEMBER_NAMES_LENGTH:
            break  # a family this large is still found by its first members' names
        text = f"{text} {name}" if text else name
    account.member_names = text
