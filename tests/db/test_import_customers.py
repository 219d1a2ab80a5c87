"""Importing customer accounts and the people in them from another system."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.imports import ColumnMapping, MappingError, RecordKind
from core.services.customers import CustomerService
from db.models import CustomerAccount, CustomerMember
from tests.db.import_support import SOURCE, Importing, csv, open_importing, snapshot
from tests.support import START

HEADER = (
    "Customer ID,Account,Company,First Name,Last Name,Email,Phone,Tax Exempt,Certificate,"
    "Member 2 first name,Member 2 last name,Member 2 relationship"
)
OLD_SYSTEM = csv(
    HEADER,
    "C-1,,,Ann,Vuong,ann.vuong@example.com,(773) 555-0199,,,Bo,Vuong,student",
    "C-2,OLD-77,St. Mary's School,,,office@stmarys.example,,yes,EX-77,,,",
    "C-3,,,Zoë,Müller,zoe@example.com,,,,,,",
    "C-4,,,Bad,Email,not-an-email,,,,,,",
    "C-5,,,No,Certificate,nc@example.com,,yes,,,,",
    "C-1,,,Same,Id,same@example.com,,,,,,",
    ",,,Key,Less,,,,,,,",
    'C-8,,,"Robert\'); DROP TABLE customer_account;--",Tables,bobby@example.com,,,,,,',
)
REJECTED = {
    5: "“not-an-email” does not look like an email address",
    6: "A tax-exempt customer needs the tax exemption certificate number.",
    7: "The legacy ID “C-1” is also on line 2.",
    8: "This row has no customer ID, account number or email address",
}


@pytest.fixture
def imp(tmp_path: Path) -> Iterator[Importing]:
    opened = open_importing(tmp_path)
    yield opened
    opened.store.close()


def account(imp: Importing, legacy_id: str) -> CustomerAccount:
    with imp.store.read_sessions() as session:
        query = select(CustomerAccount).where(CustomerAccount.legacy_id == legacy_id)
        return session.scalars(query).one()


def members(imp: Importing, legacy_id: str) -> list[tuple[str, str, str]]:
    with imp.store.read_sessions() as session:
        rows = session.execute(
            select(CustomerMember.first_name, CustomerMember.last_name, CustomerMember.relationship)
            .join(CustomerAccount, CustomerAccount.id == CustomerMember.account_id)
            .where(CustomerAccount.legacy_id == legacy_id)
            .order_by(CustomerMember.created_at, CustomerMember.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def counts(imp: Importing) -> tuple[int, int]:
    with imp.store.read_sessions() as session:
        accounts = session.scalar(select(func.count()).select_from(CustomerAccount))
        people = session.scalar(select(func.count()).select_from(CustomerMember))
    return int(accounts or 0), int(people or 0)


def test_good_accounts_are_imported_and_bad_ones_reported_twice_without_duplicates(
    imp: Importing,
) -> None:
    before = counts(imp)
    for run in range(2):
        report = imp.customers(OLD_SYSTEM)
        assert (report.created, report.unchanged) == ((4, 0) if run == 0 else (0, 4))
        found = {r.line: " ".join(r.reasons) for r in report.rejected}
        assert sorted(found) == sorted(REJECTED)
        for line, reason in REJECTED.items():
            assert reason in found[line], (line, found[line])
        assert counts(imp) == (before[0] + 4, before[1] + 4)
    vuong = account(imp, "C-1")
    assert (vuong.name, vuong.member_names, vuong.phone_key) == (
        "Vuong household",
        "Ann Vuong Bo Vuong",
        "7735550199",
    )
    assert (vuong.legacy_source, vuong.migrated_at) == (SOURCE, START)
    assert members(imp, "C-1") == [("Ann", "Vuong", ""), ("Bo", "Vuong", "student")]
    school = account(imp, "C-2")
    assert (school.account_number, school.tax_exempt, school.tax_exempt_certificate) == (
        "OLD-77",
        True,
        "EX-77",
    )
    assert school.member_names == ""
    numbers = {account(imp, c).account_number for c in ("C-1", "C-3", "C-8")}
    assert numbers == {"A000006", "A000007", "A000008"}  # after the demo's five
    assert account(imp, "C-8").member_names == "Robert'); DROP TABLE customer_account;-- Tables"
    assert len(imp.audit("import.customers")) == 2


def test_imported_members_are_found_by_the_customer_search(imp: Importing) -> None:
    imp.customers(OLD_SYSTEM)
    search = CustomerService(imp.store.uow, imp.store.read_sessions, imp.shop.clock).search
    assert [r.name for r in search("Bo Vuong")] == ["Vuong household"]
    assert [r.name for r in search("müller")] == ["Müller household"]
    assert [r.account_number for r in search("old-77")] == ["OLD-77"]


def test_a_dry_run_writes_nothing(imp: Importing) -> None:
    before = snapshot(imp.store)
    trial = imp.customers(OLD_SYSTEM, dry_run=True)
    assert snapshot(imp.store) == before
    assert trial.counts() == imp.customers(OLD_SYSTEM).counts()


def test_changes_update_the_account_and_new_people_join_it(imp: Importing) -> None:
    imp.customers(OLD_SYSTEM)
    edited = OLD_SYSTEM.replace(
        b"(773) 555-0199,,,Bo,Vuong,student", b"773-555-0123,,,Bo,Vuong,son"
    )
    edited += b"\nC-3,,,Jonas,M\xc3\xbcller,zoe@example.com,,,,,,"
    report = imp.customers(edited)
    # C-3 is on two lines now: the second is refused rather than merged silently.
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    assert "The legacy ID “C-3” is also on line 4." in report.to_text()
    vuong = account(imp, "C-1")
    assert (vuong.phone, vuong.phone_key, vuong.version) == ("773-555-0123", "7735550123", 2)
    assert members(imp, "C-1") == [("Ann", "Vuong", ""), ("Bo", "Vuong", "son")]
    added = csv(
        "Customer ID,Last Name,First Name,Member 2 first name,Member 2 last name",
        "C-3,Müller,Zoë,Jonas,Müller",
    )
    assert imp.customers(added).updated == 1
    assert account(imp, "C-3").member_names == "Zoë Müller Jonas Müller"
    assert account(imp, "C-3").version == 1  # names are derived: open edits stay valid


def test_an_existing_customer_is_found_by_email_or_account_number(imp: Importing) -> None:
    with imp.store.read_sessions() as session:
        first = session.scalars(
            select(CustomerAccount).order_by(CustomerAccount.account_number)
        ).first()
    assert first is not None
    by_email = csv("Email,Name,Notes", f"{first.email.upper()},{first.name},Prefers email")
    assert imp.customers(by_email).updated == 1
    assert imp.customers(by_email).unchanged == 1
    by_number = csv("Account,Name,Notes", f"{first.account_number.lower()},{first.name},Cash only")
    assert imp.customers(by_number).updated == 1
    with imp.store.read_sessions() as session:
        again = session.get(CustomerAccount, first.id)
        assert again is not None
        assert (again.notes, again.legacy_id, again.legacy_source) == ("Cash only", None, None)
    assert counts(imp)[0] == 5


def test_a_file_without_a_name_or_a_key_column_is_refused(imp: Importing) -> None:
    with pytest.raises(MappingError, match="name or last name or first name"):
        imp.customers(csv("Email,Phone", "a@example.com,555-0100"))
    with pytest.raises(MappingError, match="importing the file again finds the same accounts"):
        imp.customers(csv("Name,Phone", "Smith,555-0100"))
    with pytest.raises(MappingError, match="for products, not customers"):
        imp.customers(b"SKU\nA", mapping=ColumnMapping(RecordKind.PRODUCTS, {}))
