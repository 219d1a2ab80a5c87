"""Exporting products and customers as CSV files that import back as they were.

The headers are ones `guess_mapping` recognises, amounts are plain ("1299.00"), yes/no
fields are "yes"/"no", a product's barcodes are joined by "|", and each member of an
account has its own columns ("Member 2 first name" …). Importing an export into a fresh
store reproduces the products and accounts; importing it back into the same store changes
nothing. Deleted products and accounts are left out. A barcode with "|" or ";" in it would
come back split in two; LunarFront's own barcodes never have them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.currency import get_currency
from core.imports.csv_source import write_csv
from core.imports.mapping import MAX_MEMBERS
from core.services import audit
from core.services.company_rows import company_currency
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import Category, CustomerAccount, CustomerMember, Product, ProductBarcode, Supplier
from db.uow import UowFactory

__all__ = [
    "CUSTOMER_HEADERS",
    "PRODUCT_HEADERS",
    "ExportService",
    "export_customers",
    "export_products",
]

PRODUCT_HEADERS = (
    "Legacy ID",
    "Legacy source",
    "SKU",
    "Name",
    "Barcodes",
    "Category",
    "Supplier",
    "Price",
    "Cost",
    "Tax class",
    "Serialized",
    "Reorder point",
    "Active",
)
CUSTOMER_HEADERS = (
    "Legacy ID",
    "Legacy source",
    "Account number",
    "Name",
    "Email",
    "Phone",
    "Address",
    "Tax exempt",
    "Tax exempt certificate",
    "Notes",
)
MEMBER_HEADERS = ("first name", "last name", "relationship", "email", "phone")

Table = tuple[list[str], list[list[str]]]


def export_products(read_sessions: sessionmaker[Session], company_id: uuid.UUID) -> bytes:
    with read_sessions() as session:
        headers, rows = _product_table(session, company_id)
    return write_csv(headers, rows)


def export_customers(read_sessions: sessionmaker[Session], company_id: uuid.UUID) -> bytes:
    with read_sessions() as session:
        headers, rows = _customer_table(session, company_id)
    return write_csv(headers, rows)


class ExportService:
    """The exports as a user asks for them: permission checked, and an audit row each."""

    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock

    def export_products(self, actor: Actor, *, approval: object | None = None) -> bytes:
        return self._export(actor, approval, "products", _product_table)

    def export_customers(self, actor: Actor, *, approval: object | None = None) -> bytes:
        return self._export(actor, approval, "customers", _customer_table)

    def _export(
        self,
        actor: Actor,
        approval: object | None,
        what: str,
        table: Callable[[Session, uuid.UUID], Table],
    ) -> bytes:
        approved_by = require(actor, Permission.EXPORT, approval)
        with self._read() as session:
            headers, rows = table(session, actor.company_id)
        with self._uow() as uow:
            at, after = self._clock.now(), {"rows": len(rows)}
            action = f"export.{what}"
            audit.record(
                uow, actor, at, action, "export", None, after=after, approved_by=approved_by
            )
            uow.commit()
        return write_csv(headers, rows)


def _product_table(session: Session, company_id: uuid.UUID) -> Table:
    currency = company_currency(session, company_id)
    names: dict[uuid.UUID, str] = {}
    for model in (Category, Supplier):
        query = select(model.id, model.name).where(model.company_id == company_id)
        names.update((id_, name) for id_, name in session.execute(query))
    codes: defaultdict[uuid.UUID, list[str]] = defaultdict(list)
    query = select(ProductBarcode.product_id, ProductBarcode.code).order_by(ProductBarcode.code)
    for product_id, code in session.execute(query.where(ProductBarcode.company_id == company_id)):
        codes[product_id].append(code)
    products = session.scalars(
        select(Product)
        .where(Product.company_id == company_id, Product.deleted_at.is_(None))
        .order_by(Product.sku)
    )
    rows = [
        [
            p.legacy_id or "",
            p.legacy_source or "",
            p.sku,
            p.name,
            "|".join(codes[p.id]),
            names.get(p.category_id, "") if p.category_id else "",
            names.get(p.supplier_id, "") if p.supplier_id else "",
            _amount(p.price_minor, currency),
            _amount(p.cost_minor, currency),
            p.tax_class,
            _yes_no(p.is_serialized),
            str(p.reorder_point),
            _yes_no(p.active),
        ]
        for p in products
    ]
    return list(PRODUCT_HEADERS), rows


def _customer_table(session: Session, company_id: uuid.UUID) -> Table:
    members: defaultdict[uuid.UUID, list[CustomerMember]] = defaultdict(list)
    for member in session.scalars(
        select(CustomerMember)
        .where(CustomerMember.company_id == company_id, CustomerMember.deleted_at.is_(None))
        .order_by(CustomerMember.created_at, CustomerMember.id)
    ):
        members[member.account_id].append(member)
    accounts = session.scalars(
        select(CustomerAccount)
        .where(CustomerAccount.company_id == company_id, CustomerAccount.deleted_at.is_(None))
        .order_by(CustomerAccount.account_number)
    ).all()
    slots = min(MAX_MEMBERS, max((len(members[a.id]) for a in accounts), default=0))
    rows: list[list[str]] = []
    for a in accounts:
        row = [
            a.legacy_id or "",
            a.legacy_source or "",
            a.account_number,
            a.name,
            a.email,
            a.phone,
            a.address,
            _yes_no(a.tax_exempt),
            a.tax_exempt_certificate,
            a.notes,
        ]
        people = members[a.id][:slots]
        for m in people:
            row += [m.first_name, m.last_name, m.relationship, m.email, m.phone]
        rows.append(row + [""] * len(MEMBER_HEADERS) * (slots - len(people)))
    headers = list(CUSTOMER_HEADERS)
    headers += [f"Member {n} {part}" for n in range(1, slots + 1) for part in MEMBER_HEADERS]
    return headers, rows


def _amount(minor: int, currency: str) -> str:
    """Plain digits and a point, "1299.00": what every spreadsheet and `parse_money` read."""
    exponent = get_currency(currency).exponent
    whole, part = divmod(abs(minor), 10**exponent)
    text = f"{whole}.{part:0{exponent}d}" if exponent else str(whole)
    return "-" + text if minor < 0 else text


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
