"""A demo store with the register service, for the register tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from core.clock import FixedClock
from core.money import Money
from core.sales.tenders import TenderKind
from core.services.approval import Approval
from core.services.catalog import CatalogService
from core.services.drawer import DrawerService
from core.services.identity import ThisDevice, load_this_device
from core.services.ledger import LedgerService
from core.services.register import RegisterService
from core.services.register_rows import CompletedSale
from core.services.stock import StockService
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import (
    AuditEntry,
    CustomerAccount,
    InventoryUnit,
    JournalEntry,
    JournalLine,
    LedgerAccount,
    Product,
    ProductBarcode,
)
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
    drawer: DrawerService
    ledger: LedgerService
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
        drawer=DrawerService(store.uow, store.read_sessions, clock),
        ledger=LedgerService(store.uow, store.read_sessions, clock),
        catalog=CatalogService(store.uow, store.read_sessions, clock),
        stock=StockService(store.uow, store.read_sessions, clock),
        manager=actor_for(store, "morgan"),
        cashier=actor_for(store, "jamie"),
    )


def sell(
    till: Till, *codes: str, cash: int = 0, card: bool = False, actor: Actor | None = None
) -> CompletedSale:
    """Ring up the codes and pay: by card, or in cash with `cash` more than due (change)."""
    who = actor or till.cashier
    view = till.register.scan(who, codes[0])
    for code in codes[1:]:
        view = till.register.scan(who, code, sale_id=view.sale_id)
    kind = TenderKind.CARD if card else TenderKind.CASH
    extra = 0 if card else cash
    till.register.add_tender(
        who, view.sale_id, kind, usd(view.due.amount + extra), provider="external" if card else ""
    )
    return till.register.complete(who, view.sale_id)


def refund_cash(till: Till, receipt: str, index: int = 0, quantity: int = 1) -> CompletedSale:
    found = till.register.find_receipt(receipt)
    assert found is not None
    view = till.register.add_return(till.cashier, found.lines[index].line_id, quantity)
    till.register.add_tender(till.cashier, view.sale_id, TenderKind.CASH, usd(view.due.amount))
    return till.register.complete(till.cashier, view.sale_id)


def account_balances(till: Till) -> dict[str, int]:
    """Debits minus credits per account role, over the whole journal."""
    with till.store.read_sessions() as session:
        rows = session.execute(
            select(
                LedgerAccount.role,
                func.sum(JournalLine.debit_minor - JournalLine.credit_minor),
            )
            .join(JournalLine, JournalLine.account_id == LedgerAccount.id)
            .group_by(LedgerAccount.role)
        ).all()
    return {str(role): int(total) for role, total in rows}


def unbalanced_entries(till: Till) -> list[str]:
    with till.store.read_sessions() as session:
        rows = session.execute(
            select(JournalEntry.number)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .group_by(JournalEntry.id)
            .having(func.sum(JournalLine.debit_minor) != func.sum(JournalLine.credit_minor))
        ).all()
    return [r[0] for r in rows]
