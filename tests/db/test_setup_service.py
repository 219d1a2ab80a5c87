"""Setting up a store on a new machine, and the demo store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.catalog.barcodes import has_valid_check_digit
from core.clock import FixedClock
from core.errors import DomainError
from core.services.credentials import fast_hasher_for_tests
from core.services.identity import load_this_device
from core.services.setup import NewUser, StoreSetup, add_user, create_store
from core.staff.roles import Role
from db.models import Company, CustomerAccount, CustomerMember, Product, ProductBarcode, User
from db.store import Store, open_store
from tests.support import START, make_demo

GOOD = StoreSetup(
    company_name="Harmony Hall",
    currency="CAD",
    location_name="Queen St",
    location_code="qst",
    timezone="America/Toronto",
    register_name="Counter",
    register_prefix="r2",
    admin_username="Dana",
    admin_display_name="Dana Ng",
    admin_password="long enough",
    admin_pin="2468",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def setup(store: Store, spec: StoreSetup = GOOD) -> object:
    return create_store(store.uow, FixedClock(START), fast_hasher_for_tests(), spec)


def test_creates_company_location_register_and_admin(store: Store) -> None:
    device = setup(store)
    with store.read_sessions() as session:
        assert load_this_device(session) == device
        admin = session.scalars(select(User)).one()
    assert admin.role == Role.ADMIN
    assert admin.username == "Dana"
    assert admin.username_key == "dana"
    assert device.device_prefix == "R2"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"currency": "XYZ"}, "XYZ"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"company_name": "  "}, "store name"),
        ({"register_prefix": "R 1"}, "prefix"),
        ({"register_prefix": "TOOLONGPREFIX"}, "prefix"),
        ({"admin_password": "short"}, "8 characters"),
        ({"admin_pin": "12"}, "4 to 8 digits"),
        ({"admin_username": "two words"}, "spaces"),
        ({"admin_display_name": ""}, "display name"),
    ],
)
def test_bad_setup_is_refused_and_nothing_is_written(
    store: Store, change: dict[str, str], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        setup(store, replace(GOOD, **change))
    with store.read_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Company)) == 0
        assert load_this_device(session) is None


def test_a_machine_is_set_up_only_once(store: Store) -> None:
    setup(store)
    with pytest.raises(DomainError, match="already belongs"):
        setup(store)


def test_duplicate_user_names_are_refused_case_insensitively(store: Store) -> None:
    device = setup(store)
    with pytest.raises(DomainError, match="already taken"), store.uow() as uow:
        add_user(
            uow,
            FixedClock(START),
            fast_hasher_for_tests(),
            device.company_id,  # type: ignore[attr-defined]
            None,
            NewUser("DANA", "Another Dana", Role.STAFF, "password1"),
        )


def test_demo_store_is_a_living_store(tmp_path: Path) -> None:
    store = make_demo(tmp_path / "demo", products=300, customers=120)
    try:
        with store.read_sessions() as session:
            assert session.scalar(select(func.count()).select_from(Product)) == 300
            assert session.scalar(select(func.count()).select_from(CustomerAccount)) == 120
            assert (session.scalar(select(func.count()).select_from(CustomerMember)) or 0) >= 120
            codes = session.scalars(select(ProductBarcode.code)).all()
            assert len(codes) == 300
            assert all(has_valid_check_digit(c) for c in codes)
            serialized = session.scalar(
                select(func.count()).select_from(Product).where(Product.is_serialized)
            )
            assert 0 < (serialized or 0) < 300
            prices = session.scalars(select(Product.price_minor)).all()
            assert all(isinstance(p, int) and p > 0 for p in prices)
    finally:
        store.close()
