"""`record.saved` and `record.deleted`: replicated rows (catalog, customers, users, settings).

Tenancy is checked before anything is written: a device writes only its own company's
records, names only its company's locations, and never touches a row another company owns.

Merging is per field and by arrival, never by device clock. The event says what each changed
field held before (`base`). If the server still holds that, the change simply applies; if
the server already holds the new value, nothing changes; otherwise another device changed the
field meanwhile: the arriving value wins and `merge_log` keeps base, replaced and kept values
for review. Every save bumps `version` and appends the whole merged record to `change_log`,
which is what other registers pull.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.records import BOOKKEEPING_COLUMNS, REPLICATED, ReplicatedTable
from sync.protocol import ChangeKind, OutboxEventIn
from sync.server.handlers.errors import PermanentEventError
from sync.server.handlers.known import StoredRecord, Wanted
from sync.server.handlers.payload import as_dict, as_uuid
from sync.server.handlers.scope import EventScope


def wants_saved(event: OutboxEventIn, payload: dict[str, Any], wanted: Wanted) -> None:
    table, record_id = payload.get("table"), as_uuid(payload.get("id"))
    if isinstance(table, str) and record_id is not None:
        wanted.locked_records.add((table, record_id))
    values = as_dict(payload.get("values")) or {}
    user_id = as_uuid(values.get("user_id"))
    if table == "user_permission" and user_id is not None:
        wanted.records.add(("app_user", user_id))


def wants_deleted(event: OutboxEventIn, payload: dict[str, Any], wanted: Wanted) -> None:
    table, record_id = payload.get("table"), as_uuid(payload.get("id"))
    if isinstance(table, str) and record_id is not None:
        wanted.locked_records.add((table, record_id))


def apply_saved(scope: EventScope) -> None:
    payload = scope.payload
    table, record_id = _target(scope)
    values = as_dict(payload.get("values"))
    base = as_dict(payload.get("base"))
    created = payload.get("created")
    if values is None or (base is None and "base" in payload) or not isinstance(created, bool):
        raise PermanentEventError(
            f"The change to a {table.name} record could not be read "
            "(its values, base or created flag is missing or malformed)."
        )
    values = {k: v for k, v in values.items() if k not in table.local_only}
    base = {k: v for k, v in (base or {}).items() if k not in table.local_only}
    current = scope.record(table.name, record_id)
    _check_tenant(scope, table, record_id, values, current)
    data = dict(current.data) if current is not None else {}
    for name, incoming in values.items():
        if current is None or created or name not in data or data[name] == incoming:
            data[name] = incoming
            continue
        held = data[name]
        if name not in BOOKKEEPING_COLUMNS and (name not in base or base[name] != held):
            # Changed elsewhere since this device read it: the later arrival wins, logged.
            scope.writes.merge_log.append(
                {
                    "id": uuid.uuid4(),
                    "company_id": scope.company_id,
                    "table_name": table.name,
                    "record_id": record_id,
                    "field": name[:60],
                    "base_value": base.get(name),
                    "replaced_value": held,
                    "kept_value": incoming,
                    "device_id": scope.device_id,
                    "event_id": scope.event.id,
                }
            )
        data[name] = incoming
    location_id = None
    if table.location_column is not None:
        location_id = as_uuid(data.get(table.location_column))
    version = 1 if current is None else current.version + 1
    scope.put_record(
        table.name, record_id, StoredRecord(scope.company_id, data, version, location_id)
    )
    scope.change(ChangeKind.UPSERT, table.name, record_id, data, location_id)


def apply_deleted(scope: EventScope) -> None:
    table, record_id = _target(scope)
    current = scope.record(table.name, record_id)
    _check_tenant(scope, table, record_id, {}, current)
    location_id = current.location_id if current is not None else None
    scope.put_record(table.name, record_id, None)
    scope.change(ChangeKind.DELETE, table.name, record_id, None, location_id)


def _target(scope: EventScope) -> tuple[ReplicatedTable, uuid.UUID]:
    name = scope.payload.get("table")
    table = REPLICATED.get(name) if isinstance(name, str) else None
    if table is None:
        shown = name if isinstance(name, str) else "(none)"
        raise PermanentEventError(f"The server does not keep records of table {shown[:60]!r}.")
    record_id = as_uuid(scope.payload.get("id"))
    if record_id is None:
        raise PermanentEventError(f"A change to a {table.name} record has no readable id.")
    return table, record_id


def _check_tenant(
    scope: EventScope,
    table: ReplicatedTable,
    record_id: uuid.UUID,
    values: dict[str, Any],
    current: StoredRecord | None,
) -> None:
    refused = f"This register may not change that {table.name} record: "
    if current is not None and current.company_id != scope.company_id:
        raise PermanentEventError(refused + "it belongs to another company.")
    if table.name == "company" and record_id != scope.company_id:
        raise PermanentEventError(refused + "it is not this register's company.")
    if "company_id" in values and as_uuid(values["company_id"]) != scope.company_id:
        raise PermanentEventError(refused + "it names another company.")
    for name in {"location_id", table.location_column} - {None}:
        assert name is not None
        if values.get(name) is None:
            continue
        location_id = as_uuid(values[name])
        if location_id is None or not scope.is_company_location(location_id):
            raise PermanentEventError(refused + "it names a store of another company.")
    if table.name == "user_permission" and "user_id" in values:
        user_id = as_uuid(values["user_id"])
        if user_id is None or not scope.own_record("app_user", user_id):
            raise PermanentEventError(refused + "its user is not one of this company's users.")
