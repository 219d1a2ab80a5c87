"""Applying one pulled page to SQLite in one transaction, its cursor saved with it.

The page is first collapsed to the last change per record, then applied: upserts in the
tables' dependency order, deletes in reverse order, then stock movements. Foreign keys are
deferred to the commit (`PRAGMA defer_foreign_keys`), since a page may hold a product
before the category it names. Capture is suppressed (`lunarfront.sync_apply`): what the
server sent is not sent back to it.

A record that points at something this register does not have (its parent was refused
upstream) makes the commit fail. The page is then applied again with a repair step: such
rows are put back as they were (or not inserted) and reported, so one bad record never
stops the register from catching up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.records import REPLICATED, REPLICATED_TABLES
from core.services.outbox import SYNC_APPLY  # while set, the outbox captures nothing
from db.base import Base
from sync.client.errors import SyncError
from sync.client.pull_deletes import delete_records
from sync.client.pull_rows import RowProblemError, TableCodec, codec_for, label, upsert_rows
from sync.client.pull_search import bulk_search_index
from sync.client.pull_stock import apply_stock
from sync.client.state import record_issue, state_row
from sync.protocol import Change, ChangeKind

__all__ = ["PagePlan", "apply_page", "is_foreign_key_failure", "plan_page"]

_CHUNK = 500


@dataclass
class PagePlan:
    upserts: dict[str, dict[uuid.UUID, dict[str, Any]]] = field(default_factory=dict)
    deletes: dict[str, set[uuid.UUID]] = field(default_factory=dict)
    stock: dict[uuid.UUID, Change] = field(default_factory=dict)
    ignored: int = 0  # changes to tables this register does not have (a newer server)


def plan_page(changes: Iterable[Change]) -> PagePlan:
    """The last change per record wins: pages are in commit order."""
    plan = PagePlan()
    for change in changes:
        if change.kind == ChangeKind.STOCK:
            plan.stock[change.id] = change
            continue
        replicated = REPLICATED.get(change.table)
        if replicated is None or change.table not in Base.metadata.tables:
            plan.ignored += 1
            continue
        upserts = plan.upserts.setdefault(change.table, {})
        deletes = plan.deletes.setdefault(change.table, set())
        if change.kind == ChangeKind.DELETE:
            upserts.pop(change.id, None)
            deletes.add(change.id)
        else:
            deletes.discard(change.id)
            data = dict(change.data or {})
            if replicated.key_columns == ("id",):
                data["id"] = str(change.id)
            upserts[change.id] = data
    return plan


@dataclass(frozen=True, slots=True)
class _Problem:
    table: str
    record: uuid.UUID
    message: str
    payload: dict[str, Any] | None


def apply_page(
    session: Session,
    plan: PagePlan,
    *,
    company_id: uuid.UUID,
    cursor: str,
    now: datetime,
    repair: bool = False,
) -> int:
    """Apply the plan and store `cursor`, in the caller's transaction (the caller commits);
    returns how many records and movements were written or deleted."""
    session.info[SYNC_APPLY] = True
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    dialect = session.get_bind().dialect
    connection = session.connection()
    problems: list[_Problem] = []
    applied = 0
    touched: dict[str, tuple[TableCodec, dict[tuple[object, ...], uuid.UUID]]] = {}
    before: dict[str, dict[tuple[object, ...], tuple[object, ...]]] = {}
    for replicated in REPLICATED_TABLES:
        records = plan.upserts.get(replicated.name)
        if not records:
            continue
        codec = codec_for(replicated, dialect)
        rows: list[dict[str, object]] = []
        keys: dict[tuple[object, ...], uuid.UUID] = {}
        for record, data in records.items():
            try:
                row = codec.row(data)
            except RowProblemError as exc:
                problems.append(_unsaved(replicated.name, record, str(exc), data))
                continue
            rows.append(row)
            keys[codec.key_of(row)] = record
        if repair:
            before[replicated.name] = _rows_now(connection, codec, list(keys))
        keyed = replicated.key_columns == ("id",)
        row_ids = [key for row in rows if keyed and isinstance(key := row["id"], bytes)]
        with bulk_search_index(connection, replicated.name, row_ids):
            unsaved = upsert_rows(session, codec, rows)
        for row, why in unsaved:
            record = keys.pop(codec.key_of(row))
            problems.append(
                _unsaved(replicated.name, record, _constraint_words(why), records[record])
            )
        applied += len(keys)
        touched[replicated.name] = (codec, keys)
    if repair:
        applied -= _put_back_dangling(connection, touched, before, plan, problems)
    for replicated in reversed(REPLICATED_TABLES):
        ids = plan.deletes.get(replicated.name)
        if not ids:
            continue
        kept = delete_records(session, replicated, ids)
        applied += len(ids) - len(kept)
        problems.extend(_Problem(replicated.name, record, why, None) for record, why in kept)
    if plan.stock:
        added, refused = apply_stock(session, dialect, company_id, list(plan.stock.values()))
        applied += added
        problems.extend(
            _Problem(
                "stock_movement",
                item.change.id,
                f"A stock movement from another register was not applied here: {item.why}.",
                item.change.data,
            )
            for item in refused
        )
    for problem in problems:
        record_issue(
            session,
            "error",
            problem.message,
            now,
            event_id=problem.record,
            event_type=f"pulled {label(problem.table)}",
            payload=problem.payload,
        )
    state_row(session).pull_cursor = cursor
    return applied


def is_foreign_key_failure(exc: IntegrityError) -> bool:
    return "FOREIGN KEY" in str(exc.orig).upper()


def _unsaved(table: str, record: uuid.UUID, why: str, data: dict[str, Any] | None) -> _Problem:
    return _Problem(
        table,
        record,
        f"A {label(table)} from the sync server could not be saved on this register: {why}.",
        data,
    )


_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")


def _constraint_words(detail: str) -> str:
    if detail.startswith("it "):
        return detail  # already in words
    found = _UNIQUE.search(detail)
    if found is None:
        return f"this register's database refused it ({detail})"
    columns = [part.split(".")[-1] for part in found["columns"].split(",")]
    shown = [name.replace("_", " ") for name in columns if name.strip() != "company_id"]
    return f"another record here already has the same {' and '.join(c.strip() for c in shown)}"


def _rows_now(
    connection: Connection, codec: TableCodec, keys: list[tuple[object, ...]]
) -> dict[tuple[object, ...], tuple[object, ...]]:
    """The stored rows these keys name now (every column, in table order)."""
    names = list(codec.columns)
    columns = ", ".join(f'"{name}"' for name in names)
    key_at = [names.index(name) for name in codec.key_columns]
    found: dict[tuple[object, ...], tuple[object, ...]] = {}
    if codec.key_columns == ("id",):
        for start in range(0, len(keys), _CHUNK):
            chunk = [key[0] for key in keys[start : start + _CHUNK]]
            marks = ", ".join("?" for _ in chunk)
            query = f'SELECT {columns} FROM "{codec.name}" WHERE id IN ({marks})'
            for row in connection.exec_driver_sql(query, tuple(chunk)):
                found[tuple(row[i] for i in key_at)] = tuple(row)
        return found
    wanted = set(keys)
    for row in connection.exec_driver_sql(f'SELECT {columns} FROM "{codec.name}"'):
        key = tuple(row[i] for i in key_at)
        if key in wanted:
            found[key] = tuple(row)
    return found


def _put_back_dangling(
    connection: Connection,
    touched: dict[str, tuple[TableCodec, dict[tuple[object, ...], uuid.UUID]]],
    before: dict[str, dict[tuple[object, ...], tuple[object, ...]]],
    plan: PagePlan,
    problems: list[_Problem],
) -> int:
    """Undo the page's rows that point at records this register does not have."""
    undone = 0
    for name, (codec, keys) in touched.items():
        while True:  # undoing a parent can leave its children dangling: look again
            violations = {
                rowid: parent
                for _table, rowid, parent, _fk in connection.exec_driver_sql(
                    f'PRAGMA foreign_key_check("{name}")'
                )
            }
            if not violations:
                break
            undone += _undo(
                connection, codec, keys, before.get(name, {}), violations, plan, problems
            )
    return undone


def _undo(
    connection: Connection,
    codec: TableCodec,
    keys: dict[tuple[object, ...], uuid.UUID],
    before: dict[tuple[object, ...], tuple[object, ...]],
    violations: dict[int, str],
    plan: PagePlan,
    problems: list[_Problem],
) -> int:
    name = codec.name
    key_names = ", ".join(f'"{column}"' for column in codec.key_columns)
    undone = 0
    for rowid, parent in violations.items():
        row = connection.exec_driver_sql(
            f'SELECT {key_names} FROM "{name}" WHERE rowid = ?', (rowid,)
        ).first()
        key = None if row is None else tuple(row)
        if key is None or key not in keys:
            raise SyncError(
                f"This register's {label(name)} records point at missing {label(parent)} "
                "records; changes from the sync server cannot be saved until that is "
                "repaired. Restore the store from a backup or call support."
            )
        old = before.get(key)
        if old is None:
            connection.exec_driver_sql(f'DELETE FROM "{name}" WHERE rowid = ?', (rowid,))
        else:
            sets = ", ".join(f'"{column}" = ?' for column in codec.columns)
            connection.exec_driver_sql(f'UPDATE "{name}" SET {sets} WHERE rowid = ?', (*old, rowid))
        record = keys.pop(key)
        undone += 1
        problems.append(
            _unsaved(
                name,
                record,
                f"it refers to a {label(parent)} this register does not have",
                plan.upserts[name][record],
            )
        )
    return undone
