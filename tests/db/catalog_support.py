"""A demo shop with the catalog and stock services and actors, for the catalog and stock tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from core.clock import FixedClock
from core.money import Money
from core.services.approval import Approval
from core.services.catalog import CatalogService
from core.services.identity import ThisDevice, load_this_device
from core.services.stock import StockService
from core.staff.actor import Actor
from core.staff.permissions import Permission, effective_permissions
from core.staff.roles import Role
from db.models import AuditEntry, Location, Product, StockLevel, StockMovement, User
from db.store import Store
from tests.support import START, make_demo


@dataclass
class Shop:
    store: Store
    clock: FixedClock
    device: ThisDevice
    catalog: CatalogService
    stock: StockService
    manager: Actor
    cashier: Actor

    @property
    def here(self) -> uuid.UUID:
        return self.device.location_id

    def approval(self, permission: Permission) -> Approval:
        return Approval(permission, self.manager.user_id, self.manager.display_name)

    def add_location(self, code: str, name: str) -> uuid.UUID:
        now = self.clock.now()
        location_id = uuid.uuid4()
        with self.store.uow() as uow:
            uow.session.add(
                Location(
                    id=location_id,
                    company_id=self.device.company_id,
                    code=code,
                    name=name,
                    timezone="America/Chicago",
                    created_at=now,
                    updated_at=now,
                )
            )
            uow.commit()
        return location_id

    def product_ids(self, *, serialized: bool, count: int = 1) -> list[uuid.UUID]:
        """Demo products (serialized or not), in SKU order."""
        with self.store.read_sessions() as session:
            return list(
                session.scalars(
                    select(Product.id)
                    .where(Product.is_serialized.is_(serialized))
                    .order_by(Product.sku)
                    .limit(count)
                )
            )

    def audit(self, action: str) -> list[AuditEntry]:
        with self.store.read_sessions() as session:
            return list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
                )
            )

    def levels_and_ledger(self) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], int], ...]:
        """Every cached level and every ledger sum, keyed by (product, location)."""
        with self.store.read_sessions() as session:
            levels = {
                (p, loc): qty
                for p, loc, qty in session.execute(
                    select(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand)
                )
            }
            ledger = {
                (p, loc): int(qty)
                for p, loc, qty in session.execute(
                    select(
                        StockMovement.product_id,
                        StockMovement.location_id,
                        func.sum(StockMovement.quantity),
                    ).group_by(StockMovement.product_id, StockMovement.location_id)
                )
            }
        return levels, ledger


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def actor_for(store: Store, username: str) -> Actor:
    with store.read_sessions() as session:
        device = load_this_device(session)
        user = session.scalars(select(User).where(User.username == username)).one()
    assert device is not None
    role = Role(user.role)
    return Actor(
        user_id=user.id,
        display_name=user.display_name,
        role=role,
        permissions=effective_permissions(role),
        company_id=device.company_id,
        location_id=device.location_id,
        device_id=device.device_id,
    )


def open_shop(data_dir: Path, *, products: int = 60) -> Shop:
    store = make_demo(data_dir, products=products, customers=5)
    clock = FixedClock(START)
    with store.read_sessions() as session:
        device = load_this_device(session)
    assert device is not None
    return Shop(
        store=store,
        clock=clock,
        device=device,
        catalog=CatalogService(store.uow, store.read_sessions, clock),
        stock=StockService(store.uow, store.read_sessions, clock),
        manager=actor_for(store, "morgan"),
        cashier=actor_for(store, "jamie"),
    )
