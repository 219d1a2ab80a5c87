"""Capturing every change to a replicated table through SQLAlchemy's session events.

Installed once for every `Session` (`install_capture`, called when `core.services` is
imported, so before any service can write). Services do not call anything: adding,
changing or deleting a model instance of a replicated table is enough.

- `after_flush` notes each new, changed or deleted instance of a replicated table: a new
  one with every replicated column, a changed one with only the columns whose value really
  changed (attribute history) and what they held before (`base`). Local-only columns never
  travel, so a sign-in that only counts failed attempts changes nothing that travels.
- `before_commit` flushes, then writes the transaction's events (`outbox_write`) in the
  same transaction, taking their sequence numbers there.
- A rollback drops what was noted; a savepoint rolled back drops what was noted inside it.
- While `session.info["lunarfront.sync_apply"]` is set (the sync client applying what it
  pulled) nothing is noted or written.

Bulk statements (Core INSERT/UPDATE/DELETE) bypass the ORM's flush; the writers in
`outbox_bulk` note their rows themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction
from sqlalchemy.orm.state import InstanceState

from core.services.outbox_pending import (
    Op,
    Pending,
    RowChange,
    applying_pulled,
    existing,
    forget,
    pending_of,
    savepoint_began,
    savepoint_rolled_back,
)
from core.services.outbox_values import (
    TableShape,
    Values,
    key_of,
    shape_of_class,
)
from core.services.outbox_write import write_pending

__all__ = ["install_capture"]


def install_capture() -> None:
    """Listen on every session; calling it again changes nothing."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _before_flush(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    """Read from the database the earlier value of a column about to change whose old
    value the session does not hold (an expired attribute, e.g. after a savepoint rolled
    back): after the flush it would be gone, and `base` must say what it was."""
    if applying_pulled(session):
        return
    for obj in session.dirty:
        shape = shape_of_class(type(obj))
        if shape is None:
            continue
        state: InstanceState[Any] = inspect(obj)
        unknown = [
            column
            for attr, column in shape.attributes
            if (history := state.attrs[attr].history).added and not history.deleted
        ]
        if unknown and state.identity is not None:
            _load_base_hints(session, shape, state, unknown)


def _load_base_hints(
    session: Session, shape: TableShape, state: InstanceState[Any], columns: list[str]
) -> None:
    table = shape.table
    key = _key_row(shape, state)
    where = [table.c[column] == value for column, value in key.items()]
    with session.no_autoflush:
        row = session.execute(select(*(table.c[c] for c in columns)).where(*where)).first()
    if row is not None:
        hints = dict(zip(columns, row, strict=True))
        pending_of(session).base_hints[(shape.name, key_of(shape, key))] = hints


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if applying_pulled(session):
        return
    noted: list[RowChange] = []
    for obj in session.new:
        shape = shape_of_class(type(obj))
        if shape is not None:
            noted.append(_created(shape, inspect(obj)))
    dirty = session.dirty
    if dirty:
        hints = existing(session)
        for obj in dirty:
            shape = shape_of_class(type(obj))
            if shape is not None:
                change = _changed(shape, inspect(obj), hints)
                if change is not None:
                    noted.append(change)
        if hints is not None:
            hints.base_hints.clear()
    for obj in session.deleted:
        shape = shape_of_class(type(obj))
        if shape is not None:
            key = key_of(shape, _key_row(shape, inspect(obj)))
            noted.append(RowChange(shape, key, Op.DELETED))
    if noted:
        pending_of(session).changes.extend(noted)


def _key_row(shape: TableShape, state: InstanceState[Any]) -> dict[str, object]:
    """The row's key columns: from the instance, or from its identity when they were
    expired (a whole instance is, after a savepoint rolled back)."""
    values = state.dict
    if all(attr in values for attr, _ in shape.key_attributes):
        return {column: values[attr] for attr, column in shape.key_attributes}
    names = [column.name for column in state.mapper.primary_key]
    identity = dict(zip(names, state.identity or (), strict=True))
    return {column: identity[column] for _, column in shape.key_attributes}


def _row(shape: TableShape, state: InstanceState[Any]) -> dict[str, object]:
    """The instance's column values by column name (loading any the session lacks)."""
    values = state.dict
    obj = state.obj()
    return {
        column: values[attr] if attr in values else getattr(obj, attr)
        for attr, column in shape.attributes
    }


def _created(shape: TableShape, state: InstanceState[Any]) -> RowChange:
    row = _row(shape, state)
    values = {column: row[column] for column in shape.columns}
    return RowChange(shape, key_of(shape, row), Op.CREATED, values)


def _changed(
    shape: TableShape, state: InstanceState[Any], pending: Pending | None
) -> RowChange | None:
    key = key_of(shape, _key_row(shape, state))
    hints = pending.base_hints.get((shape.name, key), {}) if pending is not None else {}
    values: Values = {}
    base: Values = {}
    for attr, column in shape.attributes:
        history = state.attrs[attr].history
        if not history.added:
            continue
        new = history.added[0]
        if history.deleted:
            old = history.deleted[0]
        elif column in hints:
            old = hints[column]
        else:
            # The old value could not be read: the column travels without a base, and the
            # server takes it as changed elsewhere meanwhile (logged; this value wins).
            values[column] = new
            continue
        if old != new:
            values[column], base[column] = new, old
    if not values:
        return None
    if not shape.keyed_by_id:
        values.update(_key_row(shape, state))
    return RowChange(shape, key, Op.CHANGED, values, base)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the events are written when the transaction commits
    if applying_pulled(session):
        forget(session)
        return
    session.flush()
    pending = existing(session)
    if pending:
        assert pending is not None
        forget(session)
        write_pending(session, pending)


def _after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        savepoint_began(session, transaction)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        savepoint_rolled_back(session, previous)
    elif previous.parent is None:
        forget(session)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        forget(session)


_LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_transaction_create", _after_transaction_create),
    ("after_soft_rollback", _after_soft_rollback),
    ("after_transaction_end", _after_transaction_end),
)
