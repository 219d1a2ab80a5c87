"""Events the server keeps as they are: held, resumed and abandoned sales, drawer opens,
pay-ins and pay-outs, no-sales and closes. They change no shared data; they are kept per
company and store for the owners' figures and for review."""

from __future__ import annotations

from sync.server.handlers.scope import EventScope


def apply_recorded(scope: EventScope) -> None:
    scope.writes.device_events.append(
        {
            "id": scope.event.id,
            "company_id": scope.company_id,
            "location_id": scope.known.location_id,
            "device_id": scope.device_id,
            "type": scope.event.type,
            "payload": scope.payload,
            "device_time": scope.event.device_time,
        }
    )
