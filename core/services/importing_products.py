"""Planning and writing a product import; `core.services.importing` drives it.

A row matches an existing product by (legacy source, legacy ID), else by SKU (any case, as
the catalog service compares them). Only the fields the mapping names are compared and
written, except barcodes: a blank barcode cell leaves a product's barcodes as they are, and
a filled one replaces them. A row that would change nothing is "unchanged", so a second
import of the same file writes nothing. The plan is written with bulk INSERT and UPDATE
statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.catalog.products import classify_barcode
from core.errors import quoted
from core.ids import new_id
from core.imports.csv_source import SourceRow
from core.imports.mapping import ColumnMapping
from core.imports.records import ProductFields, RowRejectedError, read_product
from core.imports.report import ImportReport
from core.services.importing_index import (
    PRODUCT_COLUMNS,
    FileKeys,
    Known,
    Legacy,
    Names,
    ProductIndex,
    barcode_key,
    cell,
)
from core.services.outbox_bulk import delete_rows, insert_rows, update_rows
from db.models import Category, Product, ProductBarcode, Supplier


@dataclass(frozen=True, slots=True)
class ProductOptions:
    create_missing_categories: bool = False
    create_missing_suppliers: bool = False


@dataclass(frozen=True, slots=True)
class ProductChange:
    row: SourceRow
    key: str
    created: bool
    product: dict[str, object]
    add_barcodes: list[dict[str, object]]
    drop_barcodes: list[uuid.UUID]


class ProductPlanner:
    def __init__(
        self,
        session: Session,
        company_id: uuid.UUID,
        currency: str,
        mapping: ColumnMapping,
        source: str,
        now: datetime,
        options: ProductOptions,
    ) -> None:
        self._company_id, self._currency, self._mapping = company_id, currency, mapping
        self._source, self._now, self._options = source, now, options
        self._stamp = {"created_at": now, "updated_at": now, "migrated_at": now}
        self._index = ProductIndex(session, company_id)
        self._file = FileKeys()
        self._claimed: dict[uuid.UUID, int] = {}  # product -> the line importing it
        self._pending: list[tuple[Names, str, uuid.UUID]] = []

    def plan(self, rows: Sequence[SourceRow], report: ImportReport) -> list[ProductChange]:
        changes: list[ProductChange] = []
        mapping = self._mapping
        for row in rows:
            sku, legacy_id = cell(row, mapping, "sku"), cell(row, mapping, "legacy_id")
            key = legacy_id or sku
            legacy = (cell(row, mapping, "legacy_source") or self._source, legacy_id)
            reasons = self._file.claim(row, "SKU", sku.casefold(), sku)
            reasons += self._file.claim(row, "legacy ID", legacy, legacy_id)
            change = None
            try:
                fields = read_product(row, mapping, self._currency)
            except RowRejectedError as exc:
                reasons += exc.reasons
            else:
                for code in fields.barcodes:
                    reasons += self._file.claim(row, "barcode", barcode_key(code), code)
                if not reasons:  # a key also on another line: that says enough
                    change = self._plan_row(row, key, fields, reasons)
            if reasons:
                report.reject(row, key, reasons)
            elif change is None:
                report.unchanged += 1
            else:
                changes.append(change)
                report.created += change.created
                report.updated += not change.created
        index = self._index
        for names, what in ((index.categories, "categories"), (index.suppliers, "suppliers")):
            if names.new:
                listed = ", ".join(str(n["name"]) for n in names.new.values())
                report.notes.append(f"New {what} ({len(names.new)}): {listed}.")
        return changes

    def _plan_row(
        self, row: SourceRow, key: str, fields: ProductFields, reasons: list[str]
    ) -> ProductChange | None:
        """The row's change; None if it changes nothing or (with `reasons`) is refused."""
        source = fields.legacy_source or self._source
        legacy = (source, fields.legacy_id) if fields.legacy_id else None
        known = self._match(fields, legacy, reasons)
        self._pending = []
        index = self._index
        category_id = self._named(index.categories, "category", fields.category, known, reasons)
        supplier_id = self._named(index.suppliers, "supplier", fields.supplier, known, reasons)
        for code in fields.barcodes:
            owner = index.barcode_owner.get(barcode_key(code))
            if owner is not None and owner is not known:
                reasons.append(
                    f"The barcode {quoted(code)} is already on {owner.describe()}; "
                    "a barcode can belong to only one product."
                )
        if known is None and fields.price is None:
            reasons.append("New products need a price, and no column was chosen for it.")
        if (
            known is not None
            and "serialized" in fields.mapped
            and fields.serialized != known.values["is_serialized"]
            and known.id in index.stocked
        ):
            reasons.append(
                f"{known.describe()} has stock or units, so whether it is serialized cannot "
                "change. Bring its stock to zero first."
            )
        if reasons:
            return None
        for names, name, id_ in self._pending:
            names.live[name.casefold()] = id_
            names.new[name.casefold()] = {
                "id": id_,
                "company_id": self._company_id,
                "name": name,
                "legacy_source": self._source,
                **self._stamp,
            }
        values: dict[str, object] = {
            "sku": fields.sku,
            "name": fields.name,
            "category_id": category_id,
            "supplier_id": supplier_id,
            "price_minor": 0 if fields.price is None else fields.price.amount,
            "cost_minor": fields.cost.amount,
            "tax_class": fields.tax_class,
            "is_serialized": fields.serialized,
            "reorder_point": fields.reorder_point,
            "active": fields.active,
        }
        if known is None:
            known = Known(new_id(), values, legacy=legacy)
            self._claimed[known.id] = row.line
            product = {
                "id": known.id,
                "company_id": self._company_id,
                **values,
                "version": 1,
                "legacy_id": fields.legacy_id,
                "legacy_source": source,
                **self._stamp,
            }
            barcodes = self._add_barcodes(known, fields.barcodes)
            self._index.remember(known)
            return ProductChange(row, key, True, product, barcodes, [])
        return self._update(row, key, known, values, fields, legacy)

    def _match(
        self, fields: ProductFields, legacy: Legacy | None, reasons: list[str]
    ) -> Known | None:
        by_sku = self._index.by_sku.get(fields.sku.casefold())
        known = self._index.by_legacy.get(legacy) if legacy is not None else None
        if known is None and by_sku is not None:
            theirs = by_sku.legacy
            if legacy is not None and theirs is not None and theirs[0] == legacy[0]:
                # Another record of the same old system: not this row's product.
                reasons.append(
                    f"The SKU {quoted(fields.sku)} is already used by {by_sku.describe()}, "
                    f"imported with legacy ID {quoted(theirs[1])}."
                )
                return None
            known = by_sku
        elif known is not None and by_sku is not None and by_sku is not known:
            reasons.append(f"The SKU {quoted(fields.sku)} is already used by {by_sku.describe()}.")
        if known is not None and known.deleted:
            reasons.append(f"{known.describe()} was deleted, so it is not imported again.")
        elif known is not None and known.id in self._claimed:
            reasons.append(f"Line {self._claimed[known.id]} already imports {known.describe()}.")
        return known

    def _named(
        self, names: Names, what: str, name: str | None, known: Known | None, reasons: list[str]
    ) -> uuid.UUID | None:
        """The id of a category or supplier by name; a new one if the options allow it.

        A deleted one is refused, unless the product already has it (an export of the
        store imported back changes nothing).
        """
        if name is None:
            return None
        key = name.casefold()
        if key in names.live:
            return names.live[key]
        current = known.values[f"{what}_id"] if known is not None else None
        if key in names.deleted and names.deleted[key] == current:
            return names.deleted[key]
        if key in names.deleted:
            reasons.append(f"The {what} {quoted(name)} was deleted; restore it or choose another.")
            return None
        plural = "categories" if what == "category" else "suppliers"
        if not getattr(self._options, f"create_missing_{plural}"):
            reasons.append(
                f"There is no {what} {quoted(name)}. Add it first, or let the import create "
                f"missing {plural}."
            )
            return None
        id_ = new_id()
        self._pending.append((names, name, id_))  # added only if the row is accepted
        return id_

    def _update(
        self,
        row: SourceRow,
        key: str,
        known: Known,
        values: dict[str, object],
        fields: ProductFields,
        legacy: Legacy | None,
    ) -> ProductChange | None:
        self._claimed[known.id] = row.line
        mapped = [column for name, column in PRODUCT_COLUMNS.items() if name in fields.mapped]
        changed = {c: values[c] for c in mapped if known.values[c] != values[c]}
        adopt = legacy if known.legacy is None else None  # a product made here, now traced
        drop: list[uuid.UUID] = []
        add: list[dict[str, object]] = []
        if fields.barcodes:  # a blank cell leaves them: a scan that stops working is costly
            wanted = {barcode_key(code) for code in fields.barcodes}
            for code_key in [k for k in known.barcodes if k not in wanted]:
                drop.append(known.barcodes.pop(code_key)[0])
                del self._index.barcode_owner[code_key]
            new_codes = [c for c in fields.barcodes if barcode_key(c) not in known.barcodes]
            add = self._add_barcodes(known, tuple(new_codes))
        if not (changed or adopt or add or drop):
            return None
        known.version += 1
        known.values.update(changed)
        product = {
            "id": known.id,
            **changed,
            "version": known.version,
            "updated_at": self._now,
            "migrated_at": self._now,
        }
        if adopt is not None:
            product["legacy_source"], product["legacy_id"] = known.legacy = adopt
        self._index.remember(known)
        return ProductChange(row, key, False, product, add, drop)

    def _add_barcodes(self, known: Known, codes: tuple[str, ...]) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for code in codes:
            id_ = new_id()
            rows.append(
                {
                    "id": id_,
                    "company_id": self._company_id,
                    "product_id": known.id,
                    "code": code,
                    "symbology": classify_barcode(code).value,
                }
            )
            known.barcodes[barcode_key(code)] = (id_, code)
            self._index.barcode_owner[barcode_key(code)] = known
        return rows

    def prepare(self, session: Session) -> None:
        """New categories and suppliers, before any batch needs them."""
        for model, names in ((Category, self._index.categories), (Supplier, self._index.suppliers)):
            if names.new:
                insert_rows(session, model, list(names.new.values()))

    def write(self, session: Session, changes: Sequence[ProductChange]) -> None:
        # Through the outbox's bulk writers, so every row written travels to the server.
        # Freed barcodes go first: a later row of the batch may take one of them.
        delete_rows(session, ProductBarcode, [id_ for c in changes for id_ in c.drop_barcodes])
        insert_rows(session, Product, [c.product for c in changes if c.created])
        update_rows(session, Product, [c.product for c in changes if not c.created])
        insert_rows(session, ProductBarcode, [b for c in changes for b in c.add_barcodes])
