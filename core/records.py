"""What travels between a register and the sync server: the event types, the current event
schema version, and which local tables are replicated as records.

Standard library only, shared by the outbox (`core.services.outbox`), the sync client and the
sync server, so the three can never disagree on a table or a column.

Event types and their payloads (every id a UUID string, every amount integer minor units,
every time an ISO 8601 string with its offset):

- `record.saved` — a replicated row was created or changed:
  `{"table", "id", "created": bool, "values": {column: value}, "base": {column: value}}`.
  `values` holds every replicated column when created, else only the changed ones; `base`
  holds what the changed columns held before the change (empty when created). The server
  merges per field: a field whose server value is no longer `base` was changed elsewhere,
  and the later arrival wins (logged), never the device clock.
- `record.deleted` — a replicated row was deleted outright: `{"table", "id"}`.
- `stock.moved` — stock movements (deltas, never counts): `{"movements": [movement, ...]}`,
  each movement `{"id", "location_id", "product_id", "unit_id", "kind", "quantity",
  "unit_cost_minor", "reason", "reference_type", "reference_id", "user_id", "created_at"}`.
- `sale.completed`, `sale.voided` — the sale as `core.services.sale_payload` writes it;
  from schema 2 they carry `"stock_movements": [movement, ...]`, the stock the sale moved
  (schema 1 did not: the server derives it from the lines).
- `sale.held`, `sale.resumed`, `sale.voided_open`, `drawer.opened`, `drawer.pay_in`,
  `drawer.pay_out`, `drawer.no_sale`, `drawer.closed`: recorded by the server as they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

# Schema 1: sales without their stock movements. Schema 2: `stock_movements` on sales.
SCHEMA_VERSION = 2

RECORD_SAVED = "record.saved"
RECORD_DELETED = "record.deleted"
STOCK_MOVED = "stock.moved"
SALE_COMPLETED = "sale.completed"
SALE_VOIDED = "sale.voided"

MOVEMENT_FIELDS = (
    "id",
    "location_id",
    "product_id",
    "unit_id",
    "kind",
    "quantity",
    "unit_cost_minor",
    "reason",
    "reference_type",
    "reference_id",
    "user_id",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class ReplicatedTable:
    """A local table kept in step with the server, row by row.

    `local_only`: columns that describe this machine only (a user's failed sign-ins) and
    never travel. `location_column`: the column naming the row's location, if it has one.
    `merge_logged`: concurrent edits to the same field are logged for review (customers).
    """

    name: str
    local_only: frozenset[str] = frozenset()
    # The primary key. A table keyed by anything but `id` travels under `record_id(...)`.
    key_columns: tuple[str, ...] = ("id",)
    location_column: str | None = None
    merge_logged: bool = False


# Columns every register changes along with any edit: when two registers both changed them,
# that alone is no conflict worth a manager's review (the later arrival is kept, unlogged).
BOOKKEEPING_COLUMNS = frozenset({"created_at", "updated_at", "version"})

# In dependency order: a row's foreign keys point only at tables earlier in this list.
REPLICATED_TABLES: tuple[ReplicatedTable, ...] = (
    ReplicatedTable("company"),
    ReplicatedTable("location"),
    ReplicatedTable("device"),
    ReplicatedTable("company_setting", key_columns=("company_id", "key")),
    ReplicatedTable("tax_rate", location_column="location_id"),
    ReplicatedTable(
        "app_user",
        local_only=frozenset({"failed_attempts", "locked_until", "last_login_at"}),
    ),
    ReplicatedTable("user_permission"),
    ReplicatedTable("category"),
    ReplicatedTable("supplier"),
    ReplicatedTable("product"),
    ReplicatedTable("product_barcode"),
    ReplicatedTable("inventory_unit", location_column="location_id"),
    ReplicatedTable("customer_account", merge_logged=True),
    ReplicatedTable("customer_member", merge_logged=True),
)

REPLICATED: dict[str, ReplicatedTable] = {table.name: table for table in REPLICATED_TABLES}


def replicated(name: str) -> ReplicatedTable | None:
    return REPLICATED.get(name)


# Fixed namespace for the ids of rows keyed by other columns (a company setting's key).
_RECORD_NAMESPACE = uuid.UUID("6f1d3c52-9a8e-4d37-b0c1-2e5a7f4b9d60")


def record_id(table: ReplicatedTable, key: Mapping[str, object]) -> uuid.UUID:
    """The id a row travels under: its `id`, or a UUID made from its key columns."""
    if table.key_columns == ("id",):
        value = key["id"]
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    name = table.name + ":" + ":".join(str(key[column]) for column in table.key_columns)
    return uuid.uuid5(_RECORD_NAMESPACE, name)
