"""Importing products and customers from a store's previous system (CSV files).

Each import reads the whole file and checks the mapping first (a file that cannot be read
raises before anything is written), loads what the store already has once, then plans every
row in memory: created, updated, unchanged or rejected with plain reasons. Rows are matched
to what exists by (legacy source, legacy ID) first, then by SKU / account number / email, so
importing the same file twice creates nothing the second time.

The plan is written in batches with bulk statements, each batch in a savepoint: should the
database refuse a batch, its rows are retried one by one and only the refused ones rejected.
A dry run is the same code in one unit of work that is rolled back, so its report is what
the real run will do; the real run commits batch by batch and ends with one audit row.
The service runs on the single database executor, so no other write interleaves with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.catalog.products import check_text
from core.clock import Clock
from core.imports.csv_source import Encoding, SourceRow, read_csv
from core.imports.mapping import ColumnMapping, MappingError, RecordKind
from core.imports.records import MAX_LEGACY_LENGTH
from core.imports.report import ImportReport
from core.services import audit
from core.services.company_rows import company_currency
from core.services.guard import require
from core.services.importing_customers import CustomerPlanner
from core.services.importing_products import ProductOptions, ProductPlanner
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.uow import SqlUnitOfWork, UowFactory

__all__ = ["BATCH_ROWS", "ImportService"]

BATCH_ROWS = 2_000


class Change(Protocol):
    """One row's planned write."""

    @property
    def row(self) -> SourceRow: ...
    @property
    def key(self) -> str: ...
    @property
    def created(self) -> bool: ...


C = TypeVar("C", bound=Change)


class Planner(Protocol[C]):
    """Plans rows in memory, then writes them: `ProductPlanner`, `CustomerPlanner`."""

    def plan(self, rows: Sequence[SourceRow], report: ImportReport) -> list[C]: ...

    def prepare(self, session: Session) -> None:
        """Write what every batch needs first (new categories and suppliers)."""

    def write(self, session: Session, changes: Sequence[C]) -> None: ...


class ImportService:
    def __init__(
        self, uow_factory: UowFactory, read_sessions: sessionmaker[Session], clock: Clock
    ) -> None:
        self._uow = uow_factory
        self._read = read_sessions
        self._clock = clock

    def import_products(
        self,
        actor: Actor,
        data: bytes,
        mapping: ColumnMapping,
        *,
        source: str,
        dry_run: bool,
        create_missing_categories: bool = False,
        create_missing_suppliers: bool = False,
        encoding: Encoding | None = None,
        approval: object | None = None,
    ) -> ImportReport:
        options = ProductOptions(create_missing_categories, create_missing_suppliers)

        def planner(session: Session, source: str) -> ProductPlanner:
            currency = company_currency(session, actor.company_id)
            now = self._clock.now()
            return ProductPlanner(
                session, actor.company_id, currency, mapping, source, now, options
            )

        request = _Request(actor, approval, data, mapping, source, dry_run, encoding)
        return self._import(request, RecordKind.PRODUCTS, planner)

    def import_customers(
        self,
        actor: Actor,
        data: bytes,
        mapping: ColumnMapping,
        *,
        source: str,
        dry_run: bool,
        encoding: Encoding | None = None,
        approval: object | None = None,
    ) -> ImportReport:
        def planner(session: Session, source: str) -> CustomerPlanner:
            return CustomerPlanner(session, actor.company_id, mapping, source, self._clock.now())

        request = _Request(actor, approval, data, mapping, source, dry_run, encoding)
        return self._import(request, RecordKind.CUSTOMERS, planner)

    def _import(
        self,
        request: _Request,
        kind: RecordKind,
        make_planner: Callable[[Session, str], Planner[C]],
    ) -> ImportReport:
        actor, mapping = request.actor, request.mapping
        approved_by = require(actor, Permission.IMPORT, request.approval)
        source = check_text(request.source, "name of the old system", MAX_LEGACY_LENGTH)
        if mapping.kind is not kind:
            raise MappingError(f"These column choices are for {mapping.kind}, not {kind}.")
        table = read_csv(request.data, request.encoding)
        mapping.check(table.headers)
        report = ImportReport(kind, source, request.dry_run, table.headers)
        if not table.rows:
            report.warnings.append("The file has a header but no rows under it.")

        def finish(uow: SqlUnitOfWork) -> None:
            after = {"source": source, **report.counts(), "notes": report.notes}
            at = self._clock.now()
            action = f"import.{kind}"
            audit.record(
                uow, actor, at, action, "import", None, after=after, approved_by=approved_by
            )

        with self._uow() as uow:
            planner = make_planner(uow.session, source)
            changes = planner.plan(table.rows, report)
            planner.prepare(uow.session)
            if request.dry_run:
                for batch in _batches(changes):
                    _write(uow.session, planner, batch, report)
                finish(uow)
                return report  # leaving without commit rolls it all back
            uow.commit()
        for batch in _batches(changes):
            with self._uow() as uow:
                _write(uow.session, planner, batch, report)
                uow.commit()
        with self._uow() as uow:
            finish(uow)
            uow.commit()
        return report


@dataclass(frozen=True, slots=True)
class _Request:
    actor: Actor
    approval: object | None
    data: bytes
    mapping: ColumnMapping
    source: str
    dry_run: bool
    encoding: Encoding | None


def _batches(changes: list[C]) -> list[list[C]]:
    return [changes[i : i + BATCH_ROWS] for i in range(0, len(changes), BATCH_ROWS)]


def _write(session: Session, planner: Planner[C], batch: list[C], report: ImportReport) -> None:
    """Write a batch in a savepoint; if refused, each row on its own, rejecting the refused."""
    try:
        with session.begin_nested():
            planner.write(session, batch)
    except IntegrityError:
        for change in batch:
            try:
                with session.begin_nested():
                    planner.write(session, [change])
            except IntegrityError:
                if change.created:
                    report.created -= 1
                else:
                    report.updated -= 1
                reason = (
                    "It could not be saved: its SKU, barcode or account number was taken "
                    "while the import ran. Import this row again."
                )
                report.reject(change.row, change.key, [reason])
