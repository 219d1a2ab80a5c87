"""Loading the rows a catalog or stock change touches, refusing another company's rows.

A row of another company is reported exactly like a missing one, so an id from elsewhere
reveals nothing about what exists there.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.catalog.products import CatalogError
from core.services.identity import load_this_device
from db.models import Category, Company, Location, Product, Supplier


def company_currency(session: Session, company_id: uuid.UUID) -> str:
    currency = session.scalar(select(Company.currency).where(Company.id == company_id))
    if currency is None:
        raise CatalogError("This store is not set up yet.")
    return currency


def owned_product(
    session: Session, company_id: uuid.UUID, product_id: uuid.UUID, *, deleted_ok: bool = False
) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.company_id != company_id:
        raise CatalogError("That product does not exist; reload the list.")
    if product.deleted_at is not None and not deleted_ok:
        raise CatalogError(f"{product.name} ({product.sku}) has been deleted.")
    return product


def owned_location(session: Session, company_id: uuid.UUID, location_id: uuid.UUID) -> Location:
    location = session.get(Location, location_id)
    if location is None or location.company_id != company_id or location.deleted_at is not None:
        raise CatalogError("That location does not exist.")
    return location


def check_category(session: Session, company_id: uuid.UUID, category_id: uuid.UUID | None) -> None:
    if category_id is None:
        return
    category = session.get(Category, category_id)
    if category is None or category.company_id != company_id or category.deleted_at is not None:
        raise CatalogError("That category does not exist; choose another.")


def check_supplier(session: Session, company_id: uuid.UUID, supplier_id: uuid.UUID | None) -> None:
    if supplier_id is None:
        return
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.company_id != company_id or supplier.deleted_at is not None:
        raise CatalogError("That supplier does not exist; choose another.")


class ThisCompany:
    """This machine's company and currency, read once: a store belongs to one company."""

    def __init__(self, read_sessions: sessionmaker[Session]) -> None:
        self._read = read_sessions
        self._known: tuple[uuid.UUID, str] | None = None

    def __call__(self) -> tuple[uuid.UUID, str]:
        if self._known is None:
            with self._read() as session:
                device = load_this_device(session)
            if device is None:
                raise CatalogError("This machine is not set up as a store yet.")
            self._known = (device.company_id, device.currency)
        return self._known
