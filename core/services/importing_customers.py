"""Planning and writing a customer import; `core.services.importing` drives it.

A row matches an account by (legacy source, legacy ID), else by account number, else by
email address, so importing the same file twice creates nothing the second time. A row
without any of the three is refused: a second import could not tell it was the same
customer. People named in a row are matched to the account's members by name; new ones are
added, none is removed. The account's `member_names` (the search index's feed) is written
with the members, computed as `customer_records.refresh_member_names` does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.customers.rules import CustomerDraft, CustomerError, check_customer, email_key
from core.errors import quoted
from core.ids import new_id
from core.imports.csv_source import SourceRow
from core.imports.mapping import ColumnMapping
from core.imports.records import CustomerFields, RowRejectedError, read_customer
from core.imports.report import ImportReport
from core.services.customer_records import MAX_MEMBER_NAMES_LENGTH, account_columns
from core.services.importing_index import (
    AccountIndex,
    FileKeys,
    Known,
    Legacy,
    cell,
    generated_number,
)
from core.services.outbox_bulk import insert_rows, update_rows
from db.models import CustomerAccount, CustomerMember


@dataclass(frozen=True, slots=True)
class CustomerChange:
    row: SourceRow
    key: str
    created: bool
    account: dict[str, object]  # the new row, or the id and the columns that change
    add_members: list[dict[str, object]]
    member_updates: list[dict[str, object]]


def member_names(members: Sequence[Known]) -> str:
    """Live members' "First Last", space-joined, cut at whole names to fit the column."""
    text = ""
    for member in members:
        name = f"{member.values['first_name']} {member.values['last_name']}".strip()
        if len(text) + len(name) + 1 > MAX_MEMBER_NAMES_LENGTH:
            break
        text = f"{text} {name}" if text else name
    return text


class CustomerPlanner:
    def __init__(
        self,
        session: Session,
        company_id: uuid.UUID,
        mapping: ColumnMapping,
        source: str,
        now: datetime,
    ) -> None:
        self._company_id, self._mapping, self._source, self._now = company_id, mapping, source, now
        self._index = AccountIndex(session, company_id)
        self._file = FileKeys()
        self._claimed: dict[uuid.UUID, int] = {}
        self._top = self._index.top_number
        self._stamp = {"created_at": now, "updated_at": now, "migrated_at": now}

    def plan(self, rows: Sequence[SourceRow], report: ImportReport) -> list[CustomerChange]:
        mapping = self._mapping
        for row in rows:  # the file's own "A…" numbers are never generated for another row
            number = cell(row, mapping, "account_number").upper()
            self._top = max(self._top, generated_number(number))
        changes: list[CustomerChange] = []
        for row in rows:
            legacy_id, number = (
                cell(row, mapping, "legacy_id"),
                cell(row, mapping, "account_number"),
            )
            key = legacy_id or number or cell(row, mapping, "email")
            legacy = (cell(row, mapping, "legacy_source") or self._source, legacy_id)
            reasons = self._file.claim(row, "legacy ID", legacy, legacy_id)
            reasons += self._file.claim(row, "account number", number.upper(), number)
            change = None
            try:
                fields = read_customer(row, mapping)
            except RowRejectedError as exc:
                reasons += exc.reasons
            else:
                if not reasons:  # a key also on another line: that says enough
                    change = self._plan_row(row, key, fields, reasons)
            if reasons:
                report.reject(row, key, reasons)
            elif change is None:
                report.unchanged += 1
            else:
                changes.append(change)
                report.created += change.created
                report.updated += not change.created
        return changes

    def _plan_row(
        self, row: SourceRow, key: str, fields: CustomerFields, reasons: list[str]
    ) -> CustomerChange | None:
        """The row's change; None if it changes nothing or (with `reasons`) is refused."""
        source = fields.legacy_source or self._source
        legacy = (source, fields.legacy_id) if fields.legacy_id else None
        if legacy is None and fields.account_number is None:
            if not fields.email:
                reasons.append(
                    "This row has no customer ID, account number or email address, so a "
                    "second import could not tell it is the same customer; fill one in."
                )
            reasons += self._file.claim(row, "email address", email_key(fields.email), fields.email)
        known = self._match(fields, legacy, reasons)
        draft = self._draft(fields, known, reasons)
        number = fields.account_number
        if number is not None and known is not None and number != known.values["account_number"]:
            other = self._index.by_number.get(number)
            if other is not None and other is not known:
                reasons.append(
                    f"The account number {number} is already used by {other.describe()}."
                )
        if reasons or draft is None:
            return None
        if known is None:
            return self._create(row, key, fields, draft, legacy, source)
        return self._update(row, key, fields, draft, known, legacy)

    def _match(
        self, fields: CustomerFields, legacy: Legacy | None, reasons: list[str]
    ) -> Known | None:
        known = self._index.by_legacy.get(legacy) if legacy is not None else None
        if known is None and fields.account_number is not None:
            known = self._index.by_number.get(fields.account_number)
            theirs = _other_record(known, legacy)
            if known is not None and theirs is not None:
                reasons.append(
                    f"The account number {fields.account_number} is already used by "
                    f"{known.describe()}, imported with legacy ID {quoted(theirs)}."
                )
                return None
        if known is None and fields.email and "email" in fields.mapped:
            found = self._index.by_email.get(email_key(fields.email), [])
            found = [a for a in found if _other_record(a, legacy) is None]
            if len(found) > 1:
                names = ", ".join(a.describe() for a in found[:3])
                reasons.append(
                    f"The email address {quoted(fields.email)} is on {len(found)} accounts "
                    f"({names}); add the account number to tell them apart."
                )
                return None
            known = found[0] if found else None
        if known is not None and known.deleted:
            reasons.append(f"{known.describe()} was deleted, so it is not imported again.")
        elif known is not None and known.id in self._claimed:
            reasons.append(f"Line {self._claimed[known.id]} already imports {known.describe()}.")
        return known

    def _draft(
        self, fields: CustomerFields, known: Known | None, reasons: list[str]
    ) -> CustomerDraft | None:
        """The account as it will be: the file's mapped fields over what the store has."""

        def pick(name: str) -> object:
            if known is None or name in fields.mapped:
                return getattr(fields, name)
            return known.values[name]

        try:
            return check_customer(
                CustomerDraft(
                    name=str(pick("name")),
                    email=str(pick("email")),
                    phone=str(pick("phone")),
                    address=str(pick("address")),
                    tax_exempt=bool(pick("tax_exempt")),
                    tax_exempt_certificate=str(pick("tax_exempt_certificate")),
                    notes=str(pick("notes")),
                )
            )
        except CustomerError as exc:
            reasons.append(exc.message)
            return None

    def _create(
        self,
        row: SourceRow,
        key: str,
        fields: CustomerFields,
        draft: CustomerDraft,
        legacy: Legacy | None,
        source: str,
    ) -> CustomerChange:
        number = fields.account_number
        while number is None or number in self._index.by_number:
            self._top += 1
            number = f"A{self._top:06d}"
        known = Known(new_id(), {**account_columns(draft), "account_number": number}, legacy=legacy)
        add = self._members(known, fields)[0]
        names = known.values["member_names"] = member_names(known.members)
        account = {
            "id": known.id,
            "company_id": self._company_id,
            **known.values,
            "member_names": names,
            "version": 1,
            "legacy_id": fields.legacy_id,
            "legacy_source": source,
            **self._stamp,
        }
        self._claimed[known.id] = row.line
        self._index.remember(known)
        return CustomerChange(row, key, True, account, add, [])

    def _update(
        self,
        row: SourceRow,
        key: str,
        fields: CustomerFields,
        draft: CustomerDraft,
        known: Known,
        legacy: Legacy | None,
    ) -> CustomerChange | None:
        self._claimed[known.id] = row.line
        wanted = account_columns(draft)
        if fields.account_number is not None:
            wanted["account_number"] = fields.account_number
        changed = {c: v for c, v in wanted.items() if known.values[c] != v}
        adopt = legacy if known.legacy is None else None  # an account made here, now traced
        add, updates = self._members(known, fields)
        names = member_names(known.members)
        account: dict[str, object] = {"id": known.id}
        if changed or adopt:  # member names are derived: they leave the version alone
            known.version += 1
            account.update(changed, version=known.version, updated_at=self._now)
        if names != known.values["member_names"]:
            account["member_names"] = names
        if adopt is not None:
            account["legacy_source"], account["legacy_id"] = known.legacy = adopt
        if len(account) == 1 and not add and not updates:
            return None
        account["migrated_at"] = self._now
        known.values.update(changed, member_names=names)
        self._index.remember(known)
        return CustomerChange(row, key, False, account, add, updates)

    def _members(
        self, account: Known, fields: CustomerFields
    ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        """New member rows, and changes to members matched by first and last name."""
        add: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        unmatched = list(account.members)
        for person in fields.members:
            values: dict[str, object] = asdict(person.draft)
            same = next((m for m in unmatched if _same_person(m.values, values)), None)
            if same is None:
                member = Known(new_id(), values)
                account.members.append(member)
                add.append(
                    {
                        "id": member.id,
                        "company_id": self._company_id,
                        "account_id": account.id,
                        **values,
                        "legacy_id": None,
                        "legacy_source": self._source,
                        **self._stamp,
                    }
                )
                continue
            unmatched.remove(same)
            diff = {p: values[p] for p in person.parts if same.values[p] != values[p]}
            if diff:
                same.values.update(diff)
                updates.append({"id": same.id, **diff, "updated_at": self._now})
        return add, updates

    def prepare(self, session: Session) -> None:
        """Nothing: accounts need no other new rows first."""

    def write(self, session: Session, changes: Sequence[CustomerChange]) -> None:
        # Through the outbox's bulk writers, so every row written travels to the server.
        insert_rows(session, CustomerAccount, [c.account for c in changes if c.created])
        update_rows(session, CustomerAccount, [c.account for c in changes if not c.created])
        insert_rows(session, CustomerMember, [m for c in changes for m in c.add_members])
        update_rows(session, CustomerMember, [m for c in changes for m in c.member_updates])


def _same_person(member: dict[str, object], person: dict[str, object]) -> bool:
    return all(
        str(member[p]).casefold() == str(person[p]).casefold() for p in ("first_name", "last_name")
    )


def _other_record(account: Known | None, legacy: Legacy | None) -> str | None:
    """The legacy ID of `account` if it is another record of the row's old system."""
    theirs = account.legacy if account is not None else None
    if theirs is None or legacy is None or theirs[0] != legacy[0] or theirs == legacy:
        return None
    return theirs[1]
