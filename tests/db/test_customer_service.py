"""Customer accounts against a real SQLite store: search, duplicates, edits, soft delete."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.clock import FixedClock
from core.customers.rules import CustomerDraft, CustomerError, MemberDraft
from core.ids import new_id
from core.services.approval import Approval
from core.services.auth import SignedInUser
from core.services.credentials import fast_hasher_for_tests
from core.services.customers import (
    ConcurrentEditError,
    CustomerRow,
    CustomerService,
    DuplicateCustomerWarning,
)
from core.services.identity import load_this_device
from core.services.staff import StaffService
from core.staff.actor import Actor
from core.staff.permissions import Permission, PermissionDeniedError
from core.staff.roles import Role
from db.models import AuditEntry, CustomerAccount, User
from db.store import Store
from tests.support import START, make_demo

DEMO_CUSTOMERS = 30
VUONG = CustomerDraft(
    name="Vuong household",
    email="Ann.Vuong@Example.com",
    phone="(773) 555-0199",
    address="12 Oak St",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_demo(tmp_path, products=12, customers=DEMO_CUSTOMERS)
    yield opened
    opened.close()


@pytest.fixture
def service(store: Store) -> CustomerService:
    return CustomerService(store.uow, store.read_sessions, FixedClock(START))


def actor(store: Store, username: str) -> Actor:
    with store.read_sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        device = load_this_device(session)
    assert device is not None
    signed_in = SignedInUser(user.id, user.username, user.display_name, Role(user.role))
    staff = StaffService(store.uow, store.read_sessions, FixedClock(START), fast_hasher_for_tests())
    return staff.actor_for(signed_in, device)


@pytest.fixture
def jamie(store: Store) -> Actor:
    return actor(store, "jamie")


def audit_rows(store: Store, action: str) -> list[AuditEntry]:
    with store.read_sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def accounts(store: Store) -> int:
    with store.read_sessions() as session:
        return session.scalar(select(func.count()).select_from(CustomerAccount)) or 0


def ids(rows: list[CustomerRow]) -> list[uuid.UUID]:
    return [row.id for row in rows]


def test_a_cashier_creates_an_account_with_members(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    members = [MemberDraft("Ann", "Vuong", "parent"), MemberDraft("Linh", "Vuong", "student")]
    account_id = service.create(jamie, VUONG, members)
    detail = service.detail(account_id)
    assert detail.account_number == f"A{DEMO_CUSTOMERS + 1:06d}"
    assert (detail.name, detail.email, detail.phone) == (
        "Vuong household",
        "Ann.Vuong@Example.com",
        "(773) 555-0199",
    )
    assert [(m.first_name, m.relationship) for m in detail.members] == [
        ("Ann", "parent"),
        ("Linh", "student"),
    ]
    assert detail.version == 1
    assert detail.history == []
    assert detail.deleted_at is None
    (row,) = audit_rows(store, "customer.create")
    assert row.user_id == jamie.user_id
    assert row.entity_id == account_id
    after = json.loads(row.after)
    assert after["account_number"] == detail.account_number
    assert after["members"] == "Ann Vuong Linh Vuong"


@pytest.mark.parametrize(
    "typed", ["(773) 555-0199", "773.555.0199", "+1 773 555 0199", "7735550199", "555-0199"]
)
def test_found_by_phone_however_it_is_typed(
    service: CustomerService, jamie: Actor, typed: str
) -> None:
    account_id = service.create(jamie, VUONG)
    assert service.search(typed)[0].id == account_id


@pytest.mark.parametrize("typed", ["(312) 555-0001", "312.555.0001", "+1 312 555 0001"])
def test_demo_customers_are_found_by_phone(service: CustomerService, typed: str) -> None:
    found = service.search(typed)
    assert [r.account_number for r in found] == ["A000002"]
    assert found[0].phone == "(312) 555-0001"


@pytest.mark.parametrize("typed", ["ann.vuong@example.com", "ANN.VUONG@EXAMPLE.COM", "vuong@ex"])
def test_found_by_email_ignoring_case(service: CustomerService, jamie: Actor, typed: str) -> None:
    account_id = service.create(jamie, VUONG)
    assert account_id in ids(service.search(typed))


def test_found_by_a_members_name_while_they_are_a_member(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    account_id = service.create(jamie, VUONG)
    member_id = service.add_member(jamie, account_id, MemberDraft("Quincy", "Zappa", "student"))
    assert ids(service.search("quincy zap")) == [account_id]
    assert service.search("Zappa")[0].member_names == "Quincy Zappa"
    service.update_member(jamie, member_id, MemberDraft("Quentin", "Zappa", "student"))
    assert service.search("Quincy") == []
    assert ids(service.search("Quentin")) == [account_id]
    service.remove_member(jamie, member_id)
    assert service.search("Zappa") == []
    assert service.detail(account_id).members == []
    assert [r.action for r in audit_log(store, account_id)] == [
        "customer.create",
        "customer.member_add",
        "customer.member_update",
        "customer.member_remove",
    ]


def audit_log(store: Store, account_id: uuid.UUID) -> list[AuditEntry]:
    with store.read_sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == account_id)
                .order_by(AuditEntry.created_at, AuditEntry.id)
            )
        )


def test_found_by_account_number_exact_match_first(service: CustomerService, jamie: Actor) -> None:
    decoy = service.create(jamie, CustomerDraft(name="Band A000003 boosters"))
    found = service.search("A000003")
    assert found[0].account_number == "A000003"
    assert decoy in ids(found)
    assert service.search("a000003")[0].account_number == "A000003"


def test_short_searches_match_the_start_of_a_name_or_number(
    service: CustomerService, jamie: Actor
) -> None:
    account_id = service.create(jamie, CustomerDraft(name="Qx Quartet"))
    assert ids(service.search("qx")) == [account_id]
    assert ids(service.search("Q")) == [account_id]
    assert len(service.search("A", limit=500)) == DEMO_CUSTOMERS + 1  # every account number
    assert service.search("%") == []
    assert service.search("_") == []
    assert service.search("  ") == []


def test_unicode_and_emoji_names(service: CustomerService, jamie: Actor) -> None:
    zoe = service.create(jamie, CustomerDraft(name="Zoë Müller"))
    rock = service.create(jamie, CustomerDraft(name="🎸 Rock School"))
    assert ids(service.search("zoë müller")) == [zoe]
    assert zoe in ids(service.search("MÜLLER", limit=500))
    assert ids(service.search("🎸")) == [rock]
    assert ids(service.search("🎸 Rock")) == [rock]


@pytest.mark.parametrize(
    "typed",
    [
        "'; DROP TABLE customer_account; --",
        '" OR 1=1',
        '"',
        '""',
        "%",
        "_",
        "*",
        "a*",
        "NEAR(",
        "NEAR(a b)",
        "smith OR jones",
        "name: smith",
        "^smith",
        "(((",
        "\\",
        "Zoë Müller",
        "🎸🥁🎹",
        "nul\x00byte",
        "lone\ud800surrogate",
        "x" * 100_000,
    ],
)
def test_any_search_text_is_searched_for_literally(
    service: CustomerService, store: Store, typed: str
) -> None:
    assert isinstance(service.search(typed), list)
    assert accounts(store) == DEMO_CUSTOMERS
    with store.read_sessions() as session:
        assert session.execute(text("SELECT count(*) FROM customer_search")).scalar() == (
            DEMO_CUSTOMERS
        )


def test_sql_looking_text_is_stored_and_found_as_typed(
    service: CustomerService, jamie: Actor
) -> None:
    name = "'; DROP TABLE customer_account; --"
    account_id = service.create(jamie, CustomerDraft(name=name))
    assert ids(service.search("DROP TABLE")) == [account_id]
    assert service.detail(account_id).name == name


def test_absurdly_long_text_is_refused(service: CustomerService, jamie: Actor) -> None:
    for draft in (
        CustomerDraft(name="x" * 201),
        replace(VUONG, notes="n" * 100_000),
        replace(VUONG, address="a" * 501),
    ):
        with pytest.raises(CustomerError, match="at most"):
            service.create(jamie, draft)
    with pytest.raises(CustomerError, match="at most 100 characters"):
        service.create(jamie, VUONG, [MemberDraft("y" * 101)])


def test_duplicate_email_is_warned_about(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    first = service.create(jamie, VUONG)
    again = CustomerDraft(name="Ann Vuong", email="  ANN.VUONG@example.com ")
    with pytest.raises(DuplicateCustomerWarning) as caught:
        service.create(jamie, again)
    assert caught.value.message == (
        f"Looks like an existing customer: Vuong household (A{DEMO_CUSTOMERS + 1:06d}) "
        "has the same email address."
    )
    assert ids(caught.value.matches) == [first]
    assert accounts(store) == DEMO_CUSTOMERS + 1
    assert ids(service.find_duplicates(again)) == [first]
    assert service.find_duplicates(again, exclude_id=first) == []


def test_duplicate_phone_is_warned_about_then_accepted(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    again = CustomerDraft(name="Smith, John", phone="+1 312 555 0001")
    with pytest.raises(DuplicateCustomerWarning, match=r"\(A000002\) has the same phone number"):
        service.create(jamie, again)
    account_id = service.create(jamie, again, accept_duplicates=True)
    assert accounts(store) == DEMO_CUSTOMERS + 1
    (row,) = audit_rows(store, "customer.create")
    assert row.entity_id == account_id
    assert json.loads(row.after)["accepted_duplicates"] == ["A000002"]


def test_duplicate_by_both_names_both(service: CustomerService, jamie: Actor) -> None:
    service.create(jamie, VUONG)
    with pytest.raises(DuplicateCustomerWarning, match="same email address and phone number"):
        service.create(jamie, replace(VUONG, name="Vuong, Ann"))


def test_account_numbers_are_never_reused(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    first = service.create(jamie, CustomerDraft(name="One"))
    service.delete(jamie, first)
    second = service.create(jamie, CustomerDraft(name="Two"))
    assert service.detail(first).account_number == "A000031"
    assert service.detail(second).account_number == "A000032"
    with store.uow() as uow:
        row = uow.session.get(CustomerAccount, second)
        assert row is not None
        row.account_number = "A999999"
        uow.session.add(imported(row.company_id, "LEGACY-77"))
        uow.commit()
    third = service.create(jamie, CustomerDraft(name="Three"))
    assert service.detail(third).account_number == "A1000000"


def imported(company_id: uuid.UUID, number: str) -> CustomerAccount:
    """An account brought over from a previous system, numbered its way."""
    return CustomerAccount(
        id=new_id(),
        company_id=company_id,
        account_number=number,
        name="Imported",
        legacy_source="OldPOS",
        created_at=START,
        updated_at=START,
    )


def test_update_saves_changed_fields_and_audits_them(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    account_id = service.create(jamie, VUONG)
    edited = replace(VUONG, name="Tran household", phone="773-555-0200")
    assert service.update(jamie, account_id, edited, expected_version=1) == 2
    assert ids(service.search("Tran household")) == [account_id]
    assert service.search("Vuong household") == []
    assert ids(service.search("7735550200")) == [account_id]
    (row,) = audit_rows(store, "customer.update")
    assert json.loads(row.before) == {"name": "Vuong household", "phone": "(773) 555-0199"}
    assert json.loads(row.after) == {"name": "Tran household", "phone": "773-555-0200"}
    # Saving without changes writes nothing.
    assert service.update(jamie, account_id, edited, expected_version=2) == 2
    assert len(audit_rows(store, "customer.update")) == 1


def test_a_stale_edit_is_refused(service: CustomerService, jamie: Actor) -> None:
    account_id = service.create(jamie, VUONG)
    service.update(jamie, account_id, replace(VUONG, notes="first"), expected_version=1)
    with pytest.raises(ConcurrentEditError, match="Someone else changed Vuong household"):
        service.update(jamie, account_id, replace(VUONG, notes="second"), expected_version=1)
    assert service.detail(account_id).notes == "first"


def test_invalid_edits_are_refused(service: CustomerService, jamie: Actor) -> None:
    account_id = service.create(jamie, VUONG)
    with pytest.raises(CustomerError, match="certificate"):
        service.update(jamie, account_id, replace(VUONG, tax_exempt=True), expected_version=1)
    assert service.detail(account_id).version == 1


def test_soft_delete_keeps_the_row_but_search_forgets_it(
    service: CustomerService, store: Store, jamie: Actor
) -> None:
    account_id = service.create(jamie, VUONG, [MemberDraft("Linh", "Vuong")])
    service.delete(jamie, account_id)
    assert accounts(store) == DEMO_CUSTOMERS + 1
    assert service.search("Vuong household") == []
    assert service.search("Linh") == []
    assert service.search("7735550199") == []
    assert service.find_duplicates(VUONG) == []
    detail = service.detail(account_id)
    assert detail.deleted_at == START
    assert detail.name == "Vuong household"
    with pytest.raises(CustomerError, match="no longer exists"):
        service.update(jamie, account_id, VUONG, expected_version=detail.version)
    with pytest.raises(CustomerError, match="no longer exists"):
        service.delete(jamie, account_id)
    assert len(audit_rows(store, "customer.delete")) == 1
    # A new account with the same phone is no duplicate of a deleted one.
    service.create(jamie, VUONG)


def test_writes_need_edit_customers(service: CustomerService, store: Store, jamie: Actor) -> None:
    barred = replace(jamie, permissions=frozenset())
    with pytest.raises(PermissionDeniedError, match="Jamie Chen may not edit customers"):
        service.create(barred, VUONG)
    account_id = service.create(jamie, VUONG)
    with pytest.raises(PermissionDeniedError):
        service.update(barred, account_id, VUONG, expected_version=1)
    with pytest.raises(PermissionDeniedError):
        service.add_member(barred, account_id, MemberDraft("Linh"))
    with pytest.raises(PermissionDeniedError):
        service.delete(barred, account_id)
    morgan = actor(store, "morgan")
    approval = Approval(Permission.EDIT_CUSTOMERS, morgan.user_id, morgan.display_name)
    service.delete(barred, account_id, approval=approval)
    (row,) = audit_rows(store, "customer.delete")
    assert (row.user_id, row.approved_by_id) == (jamie.user_id, morgan.user_id)


def test_unknown_accounts_and_members(service: CustomerService, jamie: Actor) -> None:
    with pytest.raises(CustomerError, match="does not exist"):
        service.detail(new_id())
    with pytest.raises(CustomerError, match="no longer exists"):
        service.add_member(jamie, new_id(), MemberDraft("Linh"))
    with pytest.raises(CustomerError, match="no longer on the account"):
        service.remove_member(jamie, new_id())
