"""The catalog: products, barcodes, categories, suppliers and serialized units.

Each write is one unit of work that checks the actor's permission (or a manager's approval),
changes the rows, and writes its audit entry; all of it commits together or not at all.
Reads run on `read_sessions` and resolve this machine's company once.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session, sessionmaker

from core.catalog.products import CatalogError, ConcurrentEditError, ProductDraft, validate_draft
from core.catalog.stock import AdjustmentReason, UnitCondition
from core.clock import Clock
from core.ids import new_id
from core.money import Money
from core.services import audit, catalog_units, catalog_writes
from core.services.catalog_details import categories, product_detail, suppliers
from core.services.catalog_reads import SearchFilters, lookup, search
from core.services.catalog_rows import (
    CategoryRow,
    LookupResult,
    ProductDetail,
    ProductRow,
    SupplierRow,
)
from core.services.catalog_writes import (
    apply_draft,
    check_deletable,
    check_unique,
    draft_of,
    has_stock_or_units,
    replace_barcodes,
    snapshot,
)
from core.services.company_rows import (
    ThisCompany,
    check_category,
    check_supplier,
    company_currency,
    owned_product,
)
from core.services.guard import require
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.models import Product
from db.uow import UowFactory

__all__ = ["CatalogError", "CatalogService", "ConcurrentEditError"]


class CatalogService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock
        self._this_company = ThisCompany(read_sessions)

    # -- reads -------------------------------------------------------------------------

    def lookup(self, code: str) -> LookupResult | None:
        """A scan or typed code: exact barcode, else SKU (any case), else serial number.

        Deleted products are never found. Inactive ones are, flagged `active=False`, so the
        register can say why it will not sell the item instead of "not found".
        """
        company_id, currency = self._this_company()
        with self._read() as session:
            return lookup(session, company_id, currency, code)

    def search(
        self,
        text: str,
        *,
        category_id: uuid.UUID | None = None,
        supplier_id: uuid.UUID | None = None,
        include_inactive: bool = False,
        low_stock_only: bool = False,
        location_id: uuid.UUID | None = None,
        limit: int = 50,
    ) -> list[ProductRow]:
        company_id, currency = self._this_company()
        filters = SearchFilters(
            category_id, supplier_id, include_inactive, low_stock_only, location_id, limit
        )
        with self._read() as session:
            return search(session, company_id, currency, text, filters)

    def product_detail(self, product_id: uuid.UUID, location_id: uuid.UUID) -> ProductDetail:
        company_id, currency = self._this_company()
        with self._read() as session:
            return product_detail(session, company_id, currency, product_id, location_id)

    def categories(self) -> list[CategoryRow]:
        company_id = self._this_company()[0]
        with self._read() as session:
            return categories(session, company_id)

    def suppliers(self) -> list[SupplierRow]:
        company_id = self._this_company()[0]
        with self._read() as session:
            return suppliers(session, company_id)

    # -- products ----------------------------------------------------------------------

    def create_product(
        self, actor: Actor, draft: ProductDraft, *, approval: object | None = None
    ) -> uuid.UUID:
        approved_by = require(actor, Permission.EDIT_PRODUCTS, approval)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            draft = self._checked(session, actor, draft, product_id=None)
            product = Product(id=new_id(), company_id=actor.company_id, version=1)
            apply_draft(product, draft)
            product.created_at = product.updated_at = now
            session.add(product)
            replace_barcodes(session, actor.company_id, product.id, draft.barcodes)
            audit.record(
                uow,
                actor,
                now,
                "product.create",
                "product",
                product.id,
                after=snapshot(draft),
                approved_by=approved_by,
            )
            uow.commit()
            return product.id

    def update_product(
        self,
        actor: Actor,
        product_id: uuid.UUID,
        draft: ProductDraft,
        expected_version: int,
        *,
        approval: object | None = None,
    ) -> int:
        """Save `draft` over the product read at `expected_version`; returns the new version.

        Under BEGIN IMMEDIATE no other writer runs between the version check and the write,
        so comparing the loaded row's version is enough. Saving an unchanged draft writes
        nothing and keeps the version.
        """
        approved_by = require(actor, Permission.EDIT_PRODUCTS, approval)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            product = owned_product(session, actor.company_id, product_id)
            if product.version != expected_version:
                raise ConcurrentEditError()
            draft = self._checked(session, actor, draft, product_id=product.id)
            before = snapshot(draft_of(session, product))
            switching = draft.is_serialized != product.is_serialized
            if switching and has_stock_or_units(session, product.id):
                raise CatalogError(
                    f"{product.name} has stock or units, so whether it is serialized cannot "
                    "change. Bring its stock to zero first."
                )
            after = snapshot(draft)
            changed = sorted(k for k in after if after[k] != before[k])
            if not changed:
                return product.version
            apply_draft(product, draft)
            replace_barcodes(session, actor.company_id, product.id, draft.barcodes)
            product.version += 1
            product.updated_at = now
            for action, keys in (
                ("product.price_change", [k for k in changed if k == "price_minor"]),
                ("product.update", [k for k in changed if k != "price_minor"]),
            ):
                if keys:
                    audit.record(
                        uow,
                        actor,
                        now,
                        action,
                        "product",
                        product.id,
                        before={k: before[k] for k in keys},
                        after={k: after[k] for k in keys},
                        approved_by=approved_by,
                    )
            uow.commit()
            return product.version

    def delete_product(
        self, actor: Actor, product_id: uuid.UUID, *, approval: object | None = None
    ) -> None:
        """Soft delete: the row stays for history; lookups and searches stop finding it."""
        approved_by = require(actor, Permission.EDIT_PRODUCTS, approval)
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.session
            product = owned_product(session, actor.company_id, product_id)
            check_deletable(session, product)
            product.deleted_at = now
            product.updated_at = now
            product.version += 1
            audit.record(
                uow,
                actor,
                now,
                "product.delete",
                "product",
                product.id,
                before={"sku": product.sku, "name": product.name},
                approved_by=approved_by,
            )
            uow.commit()

    # -- categories and suppliers ------------------------------------------------------

    def create_category(
        self,
        actor: Actor,
        name: str,
        parent_id: uuid.UUID | None = None,
        *,
        approval: object | None = None,
    ) -> uuid.UUID:
        approved_by = require(actor, Permission.EDIT_PRODUCTS, approval)
        with self._uow() as uow:
            category_id = catalog_writes.add_category(
                uow, actor, self._clock.now(), name, parent_id, approved_by
            )
            uow.commit()
            return category_id

    def create_supplier(
        self,
        actor: Actor,
        name: str,
        email: str = "",
        phone: str = "",
        *,
        approval: object | None = None,
    ) -> uuid.UUID:
        approved_by = require(actor, Permission.EDIT_PRODUCTS, approval)
        with self._uow() as uow:
            supplier_id = catalog_writes.add_supplier(
                uow, actor, self._clock.now(), name, email, phone, approved_by
            )
            uow.commit()
            return supplier_id

    # -- serialized units --------------------------------------------------------------

    def add_unit(
        self,
        actor: Actor,
        product_id: uuid.UUID,
        serial_number: str,
        condition: UnitCondition | str,
        cost: Money,
        *,
        location_id: uuid.UUID,
        approval: object | None = None,
    ) -> uuid.UUID:
        """Receive one serialized item: the unit and its +1 `receive` movement together."""
        approved_by = require(actor, Permission.RECEIVE_STOCK, approval)
        with self._uow() as uow:
            unit_id = catalog_units.add_unit(
                uow,
                actor,
                self._clock.now(),
                catalog_units.NewUnit(product_id, serial_number, condition, cost, location_id),
                approved_by,
            )
            uow.commit()
            return unit_id

    def retire_unit(
        self,
        actor: Actor,
        unit_id: uuid.UUID,
        reason: AdjustmentReason | str,
        note: str = "",
        *,
        approval: object | None = None,
    ) -> None:
        """Take a unit in stock out for good (damaged, stolen …) with a −1 adjustment."""
        approved_by = require(actor, Permission.ADJUST_STOCK, approval)
        with self._uow() as uow:
            catalog_units.retire_unit(
                uow, actor, self._clock.now(), unit_id, reason, note, approved_by
            )
            uow.commit()

    # -- helpers -----------------------------------------------------------------------

    def _checked(
        self, session: Session, actor: Actor, draft: ProductDraft, product_id: uuid.UUID | None
    ) -> ProductDraft:
        draft = validate_draft(draft, company_currency(session, actor.company_id))
        check_category(session, actor.company_id, draft.category_id)
        check_supplier(session, actor.company_id, draft.supplier_id)
        check_unique(session, actor.company_id, draft, product_id)
        return draft
