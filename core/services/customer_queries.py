"""Finding customers: type-ahead search, duplicate warnings and the account screen.

User text reaches SQL only as a bound parameter. For full-text search it is also quoted as
an FTS5 string literal, so `*`, `OR`, `NEAR(`, `"` or `'; DROP TABLE …` are searched for as
the characters they are. Short prefixes are compared as ranges, not LIKE patterns, so `%`
and `_` are just characters there too.
"""

from __future__ import annotations

import itertools
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Integer,
    ScalarSelect,
    Select,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from core.customers.rules import CustomerDraft, CustomerError, email_key, phone_key
from db.models import CustomerAccount, CustomerMember, DeviceIdentity

__all__ = [
    "CustomerDetail",
    "CustomerRow",
    "DuplicateCustomerWarning",
    "HistoryItem",
    "MemberRow",
    "find_duplicates",
    "next_account_number",
    "read_detail",
    "search_customers",
    "this_company",
]

MAX_SEARCH_LENGTH = 200
MAX_SEARCH_RESULTS = 500
MIN_FTS_LENGTH = 3  # the trigram index matches substrings of three characters or more
_PHONE_PUNCTUATION = frozenset(" +-().")
_AFTER_ANY_CHARACTER = "\U0010ffff"  # the highest code point: sorts after any next character

_customer_search = table("customer_search", column("rowid"), column("rank"))
_account_rowid = literal_column("customer_account.rowid", Integer)

Company = uuid.UUID | ScalarSelect[uuid.UUID]


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: uuid.UUID
    account_number: str
    name: str
    phone: str
    email: str
    tax_exempt: bool
    member_names: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: uuid.UUID
    first_name: str
    last_name: str
    relationship: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One line of an account's history: a sale, a rental, a repair (filled in by those)."""

    kind: str
    reference: str
    at: datetime
    summary: str
    amount_minor: int | None


@dataclass(frozen=True, slots=True)
class CustomerDetail:
    id: uuid.UUID
    account_number: str
    name: str
    email: str
    phone: str
    address: str
    tax_exempt: bool
    tax_exempt_certificate: str
    notes: str
    members: list[MemberRow]
    version: int
    created_at: datetime
    deleted_at: datetime | None
    history: list[HistoryItem] = field(default_factory=list)


class DuplicateCustomerWarning(CustomerError):  # noqa: N818 - a warning one may override
    """An account with the same email address or phone number exists; create it anyway?"""

    def __init__(self, draft: CustomerDraft, matches: list[CustomerRow]) -> None:
        parts = [f"{m.name} ({m.account_number}) has the same {_shared(draft, m)}" for m in matches]
        if len(parts) > 3:
            parts = [*parts[:3], f"and {len(parts) - 3} more"]
        lead = "an existing customer" if len(matches) == 1 else "existing customers"
        super().__init__(f"Looks like {lead}: {'; '.join(parts)}.")
        self.matches = matches


def _shared(draft: CustomerDraft, match: CustomerRow) -> str:
    same_email = bool(draft.email) and email_key(draft.email) == email_key(match.email)
    same_phone = bool(draft.phone) and phone_key(draft.phone) == phone_key(match.phone)
    if same_email and same_phone:
        return "email address and phone number"
    return "email address" if same_email else "phone number"


def this_company() -> ScalarSelect[uuid.UUID]:
    # Reads have no actor: a store machine holds one company, the one it was set up for.
    return select(DeviceIdentity.company_id).limit(1).scalar_subquery()


def to_row(account: CustomerAccount) -> CustomerRow:
    return CustomerRow(
        id=account.id,
        account_number=account.account_number,
        name=account.name,
        phone=account.phone,
        email=account.email,
        tax_exempt=account.tax_exempt,
        member_names=account.member_names,
    )


def find_duplicates(
    session: Session, company: Company, draft: CustomerDraft, exclude_id: uuid.UUID | None
) -> list[CustomerRow]:
    """Live accounts sharing the draft's email address or phone number.

    One index lookup per key: SQLite would answer an OR of the two by scanning the company.
    """
    found: dict[uuid.UUID, CustomerAccount] = {}
    for column_, key in (
        (CustomerAccount.email_key, email_key(draft.email)),
        (CustomerAccount.phone_key, phone_key(draft.phone)),
    ):
        if not key:
            continue
        query = select(CustomerAccount).where(
            CustomerAccount.company_id == company,
            column_ == key,
            CustomerAccount.deleted_at.is_(None),
        )
        if exclude_id is not None:
            query = query.where(CustomerAccount.id != exclude_id)
        for account in session.scalars(query):
            found.setdefault(account.id, account)
    return [to_row(a) for a in sorted(found.values(), key=lambda a: a.account_number)]


def search_customers(
    session: Session, company: Company, text: str, limit: int
) -> list[CustomerRow]:
    """Accounts matching what was typed: an exact account number first, then the best matches.

    Three characters or more search names, members' names, emails, account numbers and
    phone digits anywhere in them; one or two characters match the start of a name or an
    account number.
    """
    text = _clean(text)
    limit = min(limit, MAX_SEARCH_RESULTS)
    if not text or limit <= 0:
        return []
    live = select(CustomerAccount).where(
        CustomerAccount.company_id == company, CustomerAccount.deleted_at.is_(None)
    )
    found = {
        a.id: a for a in session.scalars(live.where(CustomerAccount.account_number == text.upper()))
    }
    matches: Sequence[CustomerAccount]
    if len(text) < MIN_FTS_LENGTH:
        matches = _starting_with(session, live, text, limit)
    else:
        matches = _matching(session, live, _fts_query(text), limit)
    for account in matches:
        found.setdefault(account.id, account)
    return [to_row(a) for a in list(found.values())[:limit]]


# Ranking scores every match; past this many, relevance means little (think "@gmail") and
# scoring them all costs tens of milliseconds a keystroke, so the first ones go by name.
RANKED_MATCHES = 2_000


def _matching(
    session: Session, live: Select[CustomerAccount], match: str, limit: int
) -> Sequence[CustomerAccount]:
    fts = literal_column("customer_search").op("MATCH")(match)
    first = select(_customer_search.c.rowid).where(fts).limit(RANKED_MATCHES + 1).subquery()
    broad = (session.scalar(select(func.count()).select_from(first)) or 0) > RANKED_MATCHES
    joined = live.join(_customer_search, _customer_search.c.rowid == _account_rowid).where(fts)
    if broad:
        capped = select(first.c.rowid).limit(RANKED_MATCHES)
        return session.scalars(
            live.where(_account_rowid.in_(capped)).order_by(CustomerAccount.name).limit(limit)
        ).all()
    return session.scalars(
        joined.order_by(_customer_search.c.rank, CustomerAccount.name).limit(limit)
    ).all()


def _clean(text: str) -> str:
    """Whitespace runs made one space, control characters dropped, cut to a sane length.

    A longer query's matches are a subset of its first 200 characters' matches, so cutting
    it can only show more, never hide what was asked for.
    """
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cs"})
    return " ".join(kept.split())[:MAX_SEARCH_LENGTH].strip()


def _fts_query(text: str) -> str:
    match = _fts_phrase(text)
    if all(ch.isdecimal() or ch in _PHONE_PUNCTUATION for ch in text):
        digits = phone_key(text)
        if text.startswith("+1") and len(digits) != 10:
            digits = digits[1:]  # "+1 312 55…": the country code is not in the key
        if len(digits) >= MIN_FTS_LENGTH and digits != text:
            match += " OR phone_key : " + _fts_phrase(digits)
    return match


def _fts_phrase(text: str) -> str:
    """`text` as an FTS5 string literal: searched for as written, never parsed as syntax."""
    return '"' + text.replace('"', '""') + '"'


def _starting_with(
    session: Session, live: Select[CustomerAccount], text: str, limit: int
) -> list[CustomerAccount]:
    """Accounts whose name or number starts with `text`, in any case, by name.

    One index range per column and spelling ("sm": sm, sM, Sm, SM), merged here: SQLite
    cannot serve LIKE from an index on a column without NOCASE, nor an OR of these ranges
    from the (company, name) index, and on a large store a scan costs every keystroke.
    """
    found: dict[uuid.UUID, CustomerAccount] = {}
    for column_ in (CustomerAccount.name, CustomerAccount.account_number):
        for prefix in _case_variants(text):
            query = live.where(column_ >= prefix, column_ < prefix + _AFTER_ANY_CHARACTER)
            for account in session.scalars(query.order_by(column_).limit(limit)):
                found.setdefault(account.id, account)
    ordered = sorted(found.values(), key=lambda a: (a.name, a.account_number))
    return ordered[:limit]


def _case_variants(text: str) -> set[str]:
    """Every spelling of a short prefix by case, Unicode included: "zö" -> zö, zÖ, Zö, ZÖ."""
    return {"".join(chars) for chars in itertools.product(*({c.lower(), c.upper()} for c in text))}


def read_detail(session: Session, company: Company, account_id: uuid.UUID) -> CustomerDetail:
    account = session.scalars(
        select(CustomerAccount).where(
            CustomerAccount.id == account_id, CustomerAccount.company_id == company
        )
    ).one_or_none()
    if account is None:
        raise CustomerError("That customer account does not exist.")
    members = session.scalars(
        select(CustomerMember)
        .where(CustomerMember.account_id == account.id, CustomerMember.deleted_at.is_(None))
        .order_by(CustomerMember.created_at, CustomerMember.id)
    ).all()
    return CustomerDetail(
        id=account.id,
        account_number=account.account_number,
        name=account.name,
        email=account.email,
        phone=account.phone,
        address=account.address,
        tax_exempt=account.tax_exempt,
        tax_exempt_certificate=account.tax_exempt_certificate,
        notes=account.notes,
        members=[
            MemberRow(m.id, m.first_name, m.last_name, m.relationship, m.email, m.phone)
            for m in members
        ],
        version=account.version,
        created_at=account.created_at,
        deleted_at=account.deleted_at,
    )


def next_account_number(session: Session, company_id: uuid.UUID) -> str:
    """One more than the highest "A" number the company ever used, deleted accounts included.

    Compared as numbers, so A999999 is followed by A1000000; imported numbers in other
    shapes are ignored. Run inside the write transaction that inserts the account.
    """
    digits = func.substr(CustomerAccount.account_number, 2)
    top = session.scalar(
        select(func.max(cast(digits, Integer))).where(
            CustomerAccount.company_id == company_id,
            CustomerAccount.account_number.op("GLOB")("A[0-9]*"),
            ~digits.op("GLOB")("*[^0-9]*"),
        )
    )
    return f"A{(top or 0) + 1:06d}"
