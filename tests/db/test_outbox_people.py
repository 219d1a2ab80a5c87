"""Customers, staff, sign-in, company settings and setting up a store: their outbox events.

A sign-in only counts attempts on this machine (local-only columns), so it sends nothing;
everything else a manager changes travels, with what each changed field was before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import FixedClock
from core.customers.rules import CustomerDraft, MemberDraft
from core.money import Money
from core.records import REPLICATED, record_id
from core.services.auth import AuthService, SignedInUser, SignInError
from core.services.credentials import fast_hasher_for_tests
from core.services.customers import CustomerService
from core.services.demo_store import DEMO_PASSWORD
from core.services.drawer import DrawerService
from core.services.identity import load_this_device
from core.services.setup import NewUser, StoreSetup, create_store
from core.services.staff import StaffService
from core.staff.actor import Actor
from core.staff.permissions import Permission
from core.staff.roles import Role
from db.models import Company, User
from db.store import Store, open_store
from tests.db.outbox_support import Watch, counter, outbox, stored_values
from tests.support import START, make_demo

VUONG = CustomerDraft(name="Vuong household", email="ann@example.com", phone="(773) 555-0199")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_demo(tmp_path, products=4, customers=3)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def actor_of(store: Store, username: str) -> Actor:
    staff = StaffService(store.uow, store.read_sessions, FixedClock(START), fast_hasher_for_tests())
    with store.read_sessions() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        device = load_this_device(session)
    assert device is not None
    return staff.actor_for(
        SignedInUser(user.id, user.username, user.display_name, Role(user.role)), device
    )


def test_a_new_customer_travels_with_its_members_and_their_names(
    store: Store, clock: FixedClock
) -> None:
    service = CustomerService(store.uow, store.read_sessions, clock)
    morgan = actor_of(store, "morgan")
    people = [MemberDraft("Ann", "Vuong", "parent"), MemberDraft("Kim", "Vuong", "student")]
    with Watch(store) as new:
        account_id = service.create(morgan, VUONG, people)
    assert new.whats == [
        ("record.saved", "customer_account", True),
        ("record.saved", "customer_member", True),
        ("record.saved", "customer_member", True),
    ]
    # Written, then given its members' names in the same transaction: one event, as it ended.
    [account] = new.records("customer_account")
    assert account["values"] == stored_values(store, "customer_account", account_id)
    assert account["values"]["member_names"] == "Ann Vuong Kim Vuong"
    assert [m["values"]["first_name"] for m in new.records("customer_member")] == ["Ann", "Kim"]


def test_customer_edits_send_the_changed_fields_and_their_base(
    store: Store, clock: FixedClock
) -> None:
    service = CustomerService(store.uow, store.read_sessions, clock)
    morgan = actor_of(store, "morgan")
    account_id = service.create(morgan, VUONG)
    clock.advance(timedelta(hours=1))
    with Watch(store) as edited:
        service.update(
            morgan, account_id, CustomerDraft("Vuong household", phone="312 555 0100"), 1
        )
    [change] = edited.events
    assert change.what == ("record.saved", "customer_account", False)
    assert change.payload["values"] == {
        "email": "",
        "email_key": "",
        "phone": "312 555 0100",
        "phone_key": "3125550100",
        "version": 2,
        "updated_at": "2026-03-02T16:00:00+00:00",
    }
    assert change.payload["base"] == {
        "email": "ann@example.com",
        "email_key": "ann@example.com",
        "phone": "(773) 555-0199",
        "phone_key": "7735550199",
        "version": 1,
        "updated_at": "2026-03-02T15:00:00+00:00",
    }
    with Watch(store) as members:
        member_id = service.add_member(morgan, account_id, MemberDraft("Lee", "Vuong"))
        service.update_member(morgan, member_id, MemberDraft("Leo", "Vuong"))
        service.remove_member(morgan, member_id)
    # Each call is one transaction; in it the account goes before its member (table order).
    assert members.whats == [
        ("record.saved", "customer_account", False),
        ("record.saved", "customer_member", True),
        ("record.saved", "customer_account", False),
        ("record.saved", "customer_member", False),
        ("record.saved", "customer_account", False),
        ("record.saved", "customer_member", False),
    ]
    names = [e.payload["values"] for e in members.events if e.table == "customer_account"]
    assert names == [
        {"member_names": "Lee Vuong"},
        {"member_names": "Leo Vuong"},
        {"member_names": ""},
    ]
    assert members.events[3].payload["base"] == {"first_name": "Lee"}
    assert members.events[5].payload["values"] == {"deleted_at": "2026-03-02T16:00:00+00:00"}
    with Watch(store) as deleted:
        service.delete(morgan, account_id)
    [gone] = deleted.events
    assert gone.payload["values"] == {"deleted_at": "2026-03-02T16:00:00+00:00", "version": 3}


def test_staff_changes_travel_but_secrets_only_as_hashes(store: Store, clock: FixedClock) -> None:
    staff = StaffService(store.uow, store.read_sessions, clock, fast_hasher_for_tests())
    alex = actor_of(store, "alex")
    new_user = NewUser("riley", "Riley Park", Role.STAFF, "a long password", "9731")
    with Watch(store) as created:
        riley = staff.create_user(alex, new_user)
    [user] = created.events
    assert user.what == ("record.saved", "app_user", True)
    values = user.payload["values"]
    assert values == stored_values(store, "app_user", riley)
    assert not {"failed_attempts", "locked_until", "last_login_at"} & set(values)
    assert values["password_hash"].startswith("$argon2")
    assert "a long password" not in str(values)
    clock.advance(timedelta(minutes=1))
    with Watch(store) as edited:
        staff.update_user(alex, riley, "Riley P.", Role.MANAGER, True)
        staff.reset_pin(alex, riley, "8642")
        staff.reset_password(alex, riley, "another long one")
    changed = [set(e.payload["values"]) for e in edited.events]
    assert changed == [
        {"display_name", "role", "updated_at"},
        {"pin_hash"},
        {"password_hash"},
    ]
    assert edited.events[0].payload["base"]["role"] == "staff"
    with Watch(store) as granted:
        staff.set_permission(alex, riley, Permission.IMPORT, True)
    assert granted.whats == [("record.saved", "user_permission", True)]
    override = granted.events[0].payload
    assert override["values"]["permission"] == "import"
    assert override["values"]["allowed"] is True
    with Watch(store) as revoked:
        staff.set_permission(alex, riley, Permission.IMPORT, None)
    assert revoked.whats == [("record.deleted", "user_permission", None)]
    assert revoked.events[0].payload == {"table": "user_permission", "id": override["id"]}


def test_signing_in_sends_nothing(store: Store, clock: FixedClock) -> None:
    with store.read_sessions() as session:
        device = load_this_device(session)
        jamie = session.scalars(select(User).where(User.username == "jamie")).one()
    assert device is not None
    auth = AuthService(
        store.uow, store.read_sessions, device.company_id, clock, fast_hasher_for_tests()
    )
    with Watch(store) as new:
        with pytest.raises(SignInError):
            auth.sign_in_with_password("jamie", "wrong password")
        with pytest.raises(SignInError):
            auth.sign_in_with_pin(jamie.id, "0000")
        auth.sign_in_with_password("jamie", DEMO_PASSWORD)
        auth.sign_in_with_pin(jamie.id, "3333")
    assert new.events == []
    with store.read_sessions() as session:
        signed = session.get(User, jamie.id)
    assert signed is not None
    assert signed.last_login_at == START  # the sign-ins were written, only not sent


def test_company_settings_travel_under_their_key(store: Store, clock: FixedClock) -> None:
    drawer = DrawerService(store.uow, store.read_sessions, clock)
    alex = actor_of(store, "alex")
    with Watch(store) as first:
        drawer.save_settings(alex, [2000, 500, 100], False, Money(500, "USD"))
    assert first.whats == [("record.saved", "company_setting", True)] * 3
    table = REPLICATED["company_setting"]
    for event in first.events:
        values = event.payload["values"]
        key = {"company_id": uuid.UUID(values["company_id"]), "key": values["key"]}
        assert event.payload["id"] == str(record_id(table, key))
        assert set(values) == {"company_id", "key", "value", "updated_at"}
    clock.advance(timedelta(days=1))
    with Watch(store) as second:
        drawer.save_settings(alex, [2000, 500, 100], True, Money(500, "USD"))
    # Every setting is saved again (a new `updated_at`), only blind close changed its value;
    # the key columns travel with each change.
    assert [e.payload["id"] for e in second.events] == [e.payload["id"] for e in first.events]
    assert sorted(len(e.payload["values"]) for e in second.events) == [3, 3, 4]
    [changed] = [e.payload for e in second.events if "value" in e.payload["values"]]
    assert changed["values"] == {
        "company_id": str(alex.company_id),
        "key": "drawer.blind_close",
        "value": "1",
        "updated_at": "2026-03-03T15:00:00+00:00",
    }
    assert changed["base"] == {"value": "0", "updated_at": "2026-03-02T15:00:00+00:00"}
    for event in second.events:
        assert event.payload["values"]["company_id"] == str(alex.company_id)
        assert event.payload["base"]["updated_at"] == "2026-03-02T15:00:00+00:00"


def test_setting_up_a_store_sends_its_rows_and_nothing_before_it(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        now = START
        # Before the set-up there is no device to send for: nothing is captured.
        with store.uow() as uow:
            uow.session.add(
                Company(
                    id=uuid.uuid4(), name="Scratch", currency="USD", created_at=now, updated_at=now
                )
            )
            uow.commit()
        assert (outbox(store), counter(store)) == ([], 0)
        spec = StoreSetup(
            "Harmony Hall", "CAD", "Queen St", "QST", "America/Toronto", "Counter", "R2",
            "dana", "Dana Ng", "long enough", "2468", sales_tax="13",
        )  # fmt: skip
        with Watch(store) as new:
            device = create_store(store.uow, FixedClock(START), fast_hasher_for_tests(), spec)
        assert [e.table for e in new.events] == [
            "company", "location", "device", "tax_rate", "app_user",
        ]  # fmt: skip
        assert {e.device_id for e in new.events} == {device.device_id}
        rate = new.records("tax_rate")[0]["values"]
        assert (rate["rate_ppm"], rate["location_id"]) == (130_000, str(device.location_id))
    finally:
        store.close()
