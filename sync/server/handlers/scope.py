"""One event being applied: the batch's picture plus this event's own changes on top.

A handler reads and writes through its `EventScope`. Nothing it does reaches the batch until
the event succeeds (`Known.absorb`): a handler that raises `PermanentEventError` halfway
leaves no trace, exactly as if a savepoint had been rolled back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sync.protocol import ChangeKind, OutboxEventIn
from sync.server.handlers.known import Known, RecordKey, StoredRecord, StoredSale
from sync.server.handlers.writes import Writes


class EventScope:
    def __init__(
        self, known: Known, event: OutboxEventIn, payload: dict[str, Any], now: datetime
    ) -> None:
        self.known = known
        self.event = event
        # The payload as stored (cleaned for jsonb) and, for an older schema, upgraded.
        self.payload = payload
        self.now = now
        self.flags: list[str] = []
        self.writes = Writes()
        self._records: dict[RecordKey, StoredRecord | None] = {}
        self._sales: dict[uuid.UUID, StoredSale] = {}
        self._movements: set[uuid.UUID] = set()

    @property
    def company_id(self) -> uuid.UUID:
        return self.known.company_id

    @property
    def device_id(self) -> uuid.UUID:
        return self.known.device_id

    def flag(self, message: str) -> None:
        if message not in self.flags:
            self.flags.append(message)

    # -- records ----------------------------------------------------------------------------

    def record(self, table: str, record_id: uuid.UUID) -> StoredRecord | None:
        key = (table, record_id)
        if key in self._records:
            return self._records[key]
        return self.known.records.get(key)

    def own_record(self, table: str, record_id: uuid.UUID) -> bool:
        """True when (table, id) is a record of the device's company."""
        record = self.record(table, record_id)
        return record is not None and record.company_id == self.company_id

    def put_record(self, table: str, record_id: uuid.UUID, record: StoredRecord | None) -> None:
        self._records[(table, record_id)] = record
        self.writes.records[(table, record_id)] = record

    def is_company_location(self, location_id: uuid.UUID) -> bool:
        return (
            location_id in self.known.locations
            or location_id in self.known.location_records
            or self.own_record("location", location_id)
        )

    # -- sales and stock --------------------------------------------------------------------

    def sale(self, sale_id: uuid.UUID) -> StoredSale | None:
        if sale_id in self._sales:
            return self._sales[sale_id]
        return self.known.sales.get(sale_id)

    def put_sale(self, sale_id: uuid.UUID, sale: StoredSale) -> None:
        self._sales[sale_id] = sale

    def first_time(self, movement_id: uuid.UUID) -> bool:
        """True the first time this batch sees a movement id (the database checks the rest)."""
        if movement_id in self._movements or movement_id in self.known.movement_ids:
            return False
        self._movements.add(movement_id)
        return True

    # -- change log -------------------------------------------------------------------------

    def change(
        self,
        kind: ChangeKind,
        table: str,
        entity_id: uuid.UUID,
        data: dict[str, Any] | None,
        location_id: uuid.UUID | None,
        movement_id: uuid.UUID | None = None,
    ) -> None:
        self.writes.change_log.append(
            {
                "company_id": self.company_id,
                "location_id": location_id,
                "kind": kind.value,
                "table_name": table,
                "entity_id": entity_id,
                "data": data,
                "origin_device_id": self.device_id,
                "_movement": movement_id,
            }
        )

    def absorb(self) -> Writes:
        """Fold this event's changes into the batch's picture; returns its writes."""
        self.known.records.update(self._records)
        self.known.sales.update(self._sales)
        self.known.movement_ids.update(self._movements)
        return self.writes
