"""A demo store with the register service, for the register tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.clock import FixedClock
from core.money import Money
from core.services.approval import Approval
from core.services.catalog import CatalogService
from core.services.identity import ThisDevice, load_this_device
from core.services.register import RegisterService
from core.services.stock import StockService
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import AuditEntry, CustomerAccount, InventoryUnit, Product, ProductBarcode
from db.store import Store
from tests.db.catalog_support import actor_for
from tests.support import START, make_demo


@dataclass
class Till:
    store: Store
    clock: FixedClock
    device: ThisDevice
    register: RegisterService
    catalog: CatalogService
    stock: StockService
    manager: Actor
    cashier: Actor

    def approval(self, permission: Permission) -> Approval:
        return Approval(permission, self.manager.user_id, self.manager.display_name)

    def barcode(self, *, serialized: bool = False, tax_class: str = "standard", n: int = 0) -> str:
        """The barcode of the n-th demo product of a kind, in SKU order."""
        with self.store.read_sessions() as session:
            codes = session.scalars(
                select(ProductBarcode.code)
                .join(Product, Product.id == ProductBarcode.product_id)
                .where(Product.is_serialized.is_(serialized), Product.tax_class == tax_class)
                .order_by(Product.sku)
            ).all()
        return codes[n]

    def product(self, code: str) -> Product:
        with self.store.read_sessions() as session:
            return session.scalars(
                select(Product)
                .join(ProductBarcode, ProductBarcode.product_id == Product.id)
                .where(ProductBarcode.code == code)
            ).one()

    def units(self, product_id: uuid.UUID, status: str = "available") -> list[InventoryUnit]:
        with self.store.read_sessions() as session:
            return list(
                session.scalars(
                    select(InventoryUnit)
                    .where(InventoryUnit.product_id == product_id, InventoryUnit.status == status)
                    .order_by(InventoryUnit.serial_number)
                )
            )

    def customer(self, n: int = 0, *, tax_exempt: bool = False) -> uuid.UUID:
        with self.store.uow() as uow:
            account = uow.session.scalars(
                select(CustomerAccount).order_by(CustomerAccount.account_number)
            ).all()[n]
            if tax_exempt:
                account.tax_exempt = True
                account.tax_exempt_certificate = "TX-EXEMPT-0042"
            uow.commit()
            return account.id

    def audit(self, action: str) -> list[AuditEntry]:
        with self.store.read_sessions() as session:
            return list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
                )
            )


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def open_till(data_dir: Path, *, products: int = 60, customers: int = 5) -> Till:
    store = make_demo(data_dir, products=products, customers=customers, with_stock=True)
    clock = FixedClock(START)
    with store.read_sessions() as session:
        device = load_this_device(session)
    assert device is not None
    return Till(
        store=store,
        clock=clock,
        device=device,
        register=RegisterService(store.uow, store.read_sessions, clock),
        catalog=CatalogService(store.uow, store.read_sessions, clock),
        stock=StockService(store.uow, store.read_sessions, clock),
        manager=actor_for(store, "morgan"),
        cashier=actor_for(store, "jamie"),
    )
