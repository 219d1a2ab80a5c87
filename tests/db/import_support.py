"""A demo shop with the import service, and ways to prove an import wrote nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, text

from core.imports import ColumnMapping, ImportReport, RecordKind, guess_mapping, read_csv
from core.services.importing import ImportService
from core.staff.actor import Actor
from db.models import AuditEntry, Product
from db.store import Store
from tests.db.catalog_support import Shop, open_shop

SOURCE = "Old POS"
TABLES = (
    "product",
    "product_barcode",
    "category",
    "supplier",
    "customer_account",
    "customer_member",
    "audit_log",
)


@dataclass
class Importing:
    shop: Shop
    service: ImportService

    @property
    def store(self) -> Store:
        return self.shop.store

    def products(
        self,
        data: bytes,
        *,
        dry_run: bool = False,
        mapping: ColumnMapping | None = None,
        actor: Actor | None = None,
        **options: object,
    ) -> ImportReport:
        return self.service.import_products(
            actor or self.shop.manager,
            data,
            mapping or guess(data, RecordKind.PRODUCTS),
            source=SOURCE,
            dry_run=dry_run,
            **options,  # type: ignore[arg-type]
        )

    def customers(
        self, data: bytes, *, dry_run: bool = False, mapping: ColumnMapping | None = None
    ) -> ImportReport:
        return self.service.import_customers(
            self.shop.manager,
            data,
            mapping or guess(data, RecordKind.CUSTOMERS),
            source=SOURCE,
            dry_run=dry_run,
        )

    def product(self, sku: str) -> Product:
        with self.store.read_sessions() as session:
            return session.scalars(select(Product).where(Product.sku == sku)).one()

    def audit(self, action: str) -> list[AuditEntry]:
        return self.shop.audit(action)


def open_importing(data_dir: Path) -> Importing:
    shop = open_shop(data_dir, products=30)
    return Importing(shop, ImportService(shop.store.uow, shop.store.read_sessions, shop.clock))


def csv(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def guess(data: bytes, kind: RecordKind) -> ColumnMapping:
    return guess_mapping(read_csv(data).headers, kind)


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table an import could touch, to prove nothing was written."""
    with store.read_sessions() as session:
        return {
            table: [tuple(row) for row in session.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }
