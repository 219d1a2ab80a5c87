"""Setting up a new store on this machine: company, location, this register, first admin."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from core.currency import get_currency
from core.errors import DomainError
from core.ids import new_id
from core.sales.errors import SaleError
from core.sales.tax import parse_rate
from core.services.credentials import CredentialHasher
from core.services.identity import ThisDevice, load_this_device
from core.services.journal import seed_chart
from core.services.tax_rates import add_rate
from core.staff.credentials import check_new_password, check_new_pin, check_username, username_key
from core.staff.roles import Role
from db.models import Company, Device, DeviceIdentity, Location, User
from db.uow import SqlUnitOfWork, UowFactory


class SetupError(DomainError):
    """The store cannot be set up as asked."""


@dataclass(frozen=True, slots=True)
class StoreSetup:
    company_name: str
    currency: str
    location_name: str
    location_code: str
    timezone: str
    register_name: str
    register_prefix: str
    admin_username: str
    admin_display_name: str
    admin_password: str
    admin_pin: str | None = None
    # The standard rate as typed ("8.25"); empty for no sales tax. More rates come later.
    sales_tax: str = ""


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    display_name: str
    role: Role
    password: str
    pin: str | None = None


def create_store(
    uow_factory: UowFactory, clock: Clock, hasher: CredentialHasher, setup: StoreSetup
) -> ThisDevice:
    """Create the tenant rows and the first admin in one unit of work."""
    get_currency(setup.currency)
    try:
        ZoneInfo(setup.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SetupError(f"“{setup.timezone}” is not a known time zone.") from exc
    for label, value in (
        ("store name", setup.company_name),
        ("location name", setup.location_name),
        ("register name", setup.register_name),
    ):
        if not value.strip():
            raise SetupError(f"The {label} cannot be empty.")
    prefix = setup.register_prefix.strip().upper()
    if not (1 <= len(prefix) <= 8 and prefix.isascii() and prefix.isalnum()):
        raise SetupError("A register prefix is 1 to 8 letters or digits, e.g. R1.")
    try:
        tax_ppm = parse_rate(setup.sales_tax) if setup.sales_tax.strip() else 0
    except SaleError as exc:
        raise SetupError(exc.message) from exc
    now = clock.now()
    with uow_factory() as uow:
        if load_this_device(uow.session) is not None:
            raise SetupError("This machine already belongs to a store.")
        company = Company(
            id=new_id(),
            name=setup.company_name.strip(),
            currency=setup.currency,
            created_at=now,
            updated_at=now,
        )
        location = Location(
            id=new_id(),
            company_id=company.id,
            code=setup.location_code.strip().upper(),
            name=setup.location_name.strip(),
            timezone=setup.timezone,
            created_at=now,
            updated_at=now,
        )
        device = Device(
            id=new_id(),
            company_id=company.id,
            location_id=location.id,
            name=setup.register_name.strip(),
            kind="register",
            prefix=prefix,
            created_at=now,
            updated_at=now,
        )
        # No relationship() links these models, so the flush order is spelled out.
        for row in (company, location, device):
            uow.session.add(row)
            uow.session.flush()
        uow.session.add(
            DeviceIdentity(company_id=company.id, location_id=location.id, device_id=device.id)
        )
        admin = NewUser(
            setup.admin_username,
            setup.admin_display_name,
            Role.ADMIN,
            setup.admin_password,
            setup.admin_pin,
        )
        add_user(uow, clock, hasher, company.id, location.id, admin)
        seed_chart(uow.session, company.id, now)
        if tax_ppm:
            add_rate(uow.session, company.id, location.id, "standard", "Sales tax", tax_ppm, now)
        uow.commit()
        this_device = load_this_device(uow.session)
    assert this_device is not None
    return this_device


def add_user(
    uow: SqlUnitOfWork,
    clock: Clock,
    hasher: CredentialHasher,
    company_id: uuid.UUID,
    location_id: uuid.UUID | None,
    new: NewUser,
) -> uuid.UUID:
    """Add a user inside the caller's unit of work; the caller commits."""
    username = check_username(new.username)
    check_new_password(new.password)
    if new.pin is not None:
        check_new_pin(new.pin)
    if not new.display_name.strip():
        raise SetupError("A user needs a display name.")
    if _username_taken(uow.session, company_id, username):
        raise SetupError(f"The user name “{username}” is already taken.")
    now = clock.now()
    user = User(
        id=new_id(),
        company_id=company_id,
        home_location_id=location_id,
        username=username,
        username_key=username_key(username),
        display_name=new.display_name.strip(),
        role=new.role.value,
        password_hash=hasher.hash(new.password),
        pin_hash=None if new.pin is None else hasher.hash(new.pin),
        active=True,
        failed_attempts=0,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(user)
    uow.session.flush()
    return user.id


def _username_taken(session: Session, company_id: uuid.UUID, username: str) -> bool:
    return (
        session.scalar(
            select(User.id).where(
                User.company_id == company_id, User.username_key == username_key(username)
            )
        )
        is not None
    )
