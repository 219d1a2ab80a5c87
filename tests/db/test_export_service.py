"""Exporting products and customers, and importing an export back (here or into a new store)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.catalog.products import ProductDraft
from core.clock import FixedClock
from core.customers.rules import CustomerDraft, MemberDraft
from core.imports import ImportReport, RecordKind, guess_mapping, read_csv
from core.imports.mapping import CUSTOMER_FIELDS, PRODUCT_FIELDS, member_field
from core.services.approval import Approval
from core.services.catalog import CatalogService
from core.services.credentials import fast_hasher_for_tests
from core.services.customers import CustomerService
from core.services.demo_store import demo_setup
from core.services.exporting import (
    CUSTOMER_HEADERS,
    PRODUCT_HEADERS,
    ExportService,
    export_customers,
    export_products,
)
from core.services.importing import ImportService
from core.services.setup import create_store
from core.staff.actor import Actor
from core.staff.permissions import Permission, PermissionDeniedError
from db.models import AuditEntry
from db.store import Store, open_store
from tests.db.catalog_support import actor_for, usd
from tests.db.import_support import snapshot
from tests.support import START, make_demo

TRICKY_NAMES = (
    '=HYPERLINK("http://evil.example")',
    "+1 Cable, 10 ft",
    "@SUM(1)",
    "Robert'); DROP TABLE product;--",
    "Zoë’s “Ukulele” 🎸 北京",
    "-Minus",
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = make_demo(tmp_path / "old", products=40, customers=15)
    yield opened
    opened.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "new")
    create_store(opened.uow, FixedClock(START), fast_hasher_for_tests(), demo_setup())
    yield opened
    opened.close()


def exports(store: Store) -> ExportService:
    return ExportService(store.uow, store.read_sessions, FixedClock(START))


def import_both(store: Store, products: bytes, customers: bytes) -> list[ImportReport]:
    service = ImportService(store.uow, store.read_sessions, FixedClock(START))
    admin = actor_for(store, "alex")
    products_mapping = guess_mapping(read_csv(products).headers, RecordKind.PRODUCTS)
    customers_mapping = guess_mapping(read_csv(customers).headers, RecordKind.CUSTOMERS)
    return [
        service.import_products(
            admin,
            products,
            products_mapping,
            source="LunarFront export",
            dry_run=False,
            create_missing_categories=True,
            create_missing_suppliers=True,
        ),
        service.import_customers(
            admin, customers, customers_mapping, source="LunarFront export", dry_run=False
        ),
    ]


def rows(data: bytes) -> list[dict[str, str]]:
    # Records made by the import are traced to it: everything else must be the same.
    return [
        {k: v for k, v in r.as_dict().items() if k != "Legacy source"} for r in read_csv(data).rows
    ]


def add_tricky_records(store: Store, actor: Actor) -> None:
    catalog = CatalogService(store.uow, store.read_sessions, FixedClock(START))
    for n, name in enumerate(TRICKY_NAMES):
        catalog.create_product(actor, ProductDraft(f"TRICKY-{n}", name, None, None, usd(n), usd(0)))
    customers = CustomerService(store.uow, store.read_sessions, FixedClock(START))
    draft = CustomerDraft(
        name="=cmd|' /C calc'!A0",
        phone="+1 312 555 0100",
        notes="Line one,\nline “two”; three",
        address="1 Main St\nApt 2",
    )
    customers.create(
        actor, draft, [MemberDraft("Chloé", "O'Brien", "parent", "", "+44 20 7946 0958")]
    )


def test_export_headers_are_what_the_import_guesses(store: Store) -> None:
    products = guess_mapping(PRODUCT_HEADERS, RecordKind.PRODUCTS)
    assert set(products.columns) == set(PRODUCT_FIELDS)
    data = export_customers(store.read_sessions, actor_for(store, "alex").company_id)
    headers = read_csv(data).headers
    assert headers[: len(CUSTOMER_HEADERS)] == CUSTOMER_HEADERS
    customers = guess_mapping(headers, RecordKind.CUSTOMERS)
    member_fields = {
        member_field(n, p)
        for n in (1, 2, 3)
        for p in ("first_name", "last_name", "relationship", "email", "phone")
    }
    assert set(customers.columns) == set(CUSTOMER_FIELDS) | member_fields
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8


def test_an_export_imported_into_a_new_store_reproduces_the_data(
    store: Store, fresh: Store
) -> None:
    add_tricky_records(store, actor_for(store, "alex"))
    company = actor_for(store, "alex").company_id
    products, customers = (
        export_products(store.read_sessions, company),
        export_customers(store.read_sessions, company),
    )
    reports = import_both(fresh, products, customers)
    assert [(r.created, len(r.rejected)) for r in reports] == [(46, 0), (16, 0)]
    new_company = actor_for(fresh, "alex").company_id
    assert rows(export_products(fresh.read_sessions, new_company)) == rows(products)
    assert rows(export_customers(fresh.read_sessions, new_company)) == rows(customers)
    names = {r["Name"] for r in rows(products)}
    assert set(TRICKY_NAMES) <= names
    assert any(r["Notes"] == "Line one,\nline “two”; three" for r in rows(customers))


def test_an_export_imported_back_changes_nothing(store: Store) -> None:
    admin = actor_for(store, "alex")
    add_tricky_records(store, admin)
    products, customers = (
        exports(store).export_products(admin),
        exports(store).export_customers(admin),
    )
    before = snapshot(store)
    reports = import_both(store, products, customers)
    assert [(r.created, r.updated, len(r.rejected)) for r in reports] == [(0, 0, 0), (0, 0, 0)]
    after = snapshot(store)
    assert {t: r for t, r in after.items() if t != "audit_log"} == {
        t: r for t, r in before.items() if t != "audit_log"
    }


def test_exports_need_permission_and_are_audited(store: Store) -> None:
    cashier = actor_for(store, "jamie")
    with pytest.raises(PermissionDeniedError, match="may not export data"):
        exports(store).export_products(cashier)
    manager = actor_for(store, "morgan")
    approval = Approval(Permission.EXPORT, manager.user_id, manager.display_name)
    data = exports(store).export_customers(cashier, approval=approval)
    assert len(read_csv(data).rows) == 15
    exports(store).export_products(manager)
    with store.read_sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("export.%")).order_by(AuditEntry.id)
        ).all()
    assert [(e.action, json.loads(e.after), e.approved_by_id) for e in entries] == [
        ("export.customers", {"rows": 15}, manager.user_id),
        ("export.products", {"rows": 40}, None),
    ]
