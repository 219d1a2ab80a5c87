"""Tenant isolation at the routes, and the owner's sales totals: a device sees only its own
company's figures and status, whatever it puts in the request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from sync.protocol import SalesTotals
from sync.server.errors import Forbidden
from sync.server.models import Sale
from sync.server.records import put_record
from tests.sync.fixtures import LiveServer, PairedDevice, ServerDb, pair_device

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def add_sale(
    server_db: ServerDb,
    device: PairedDevice,
    total: int,
    tax: int,
    *,
    kind: str = "sale",
    completed: bool = True,
    voided: bool = False,
    location_id: uuid.UUID | None = None,
) -> None:
    with server_db.session() as session:
        session.add(
            Sale(
                id=uuid.uuid4(),
                company_id=device.company_id,
                location_id=location_id or device.location_id,
                device_id=device.device_id,
                receipt_number=f"R1-{uuid.uuid4().hex[:6]}",
                kind=kind,
                currency="USD",
                subtotal=total - tax,
                discount=0,
                tax=tax,
                total=total,
                completed_at=NOW if completed else None,
                voided_at=NOW if voided else None,
                payload={},
                flags=[],
                event_id=uuid.uuid4(),
            )
        )


def totals(server: LiveServer, device: PairedDevice, **params: str) -> httpx.Response:
    return httpx.get(
        server.url + "/v1/reports/sales", headers=device.headers, params=params, timeout=10
    )


@pytest.fixture
def two_companies(
    live_server: LiveServer, server_db: ServerDb
) -> tuple[PairedDevice, PairedDevice, uuid.UUID]:
    """Company A with two stores (a device at the first), company B with one, and sales."""
    company_a = live_server.create_company("Company A")
    first = live_server.create_location(company_a.id, code="A1", name="A One")
    second = live_server.create_location(company_a.id, code="A2", name="A Two")
    device_a = pair_device(live_server, location_id=first.id)
    device_b = pair_device(live_server, prefix="B1")
    add_sale(server_db, device_a, 10_99, 99)
    add_sale(server_db, device_a, 5_00, 40)
    add_sale(server_db, device_a, -2_50, -20, kind="refund")
    add_sale(server_db, device_a, 99_00, 700, voided=True)
    add_sale(server_db, device_a, 42_00, 300, completed=False)  # still open: not counted
    add_sale(server_db, device_a, 7_00, 50, location_id=second.id)
    add_sale(server_db, device_b, 1_000_00, 8000)
    return device_a, device_b, second.id


def test_totals_per_store_of_the_devices_company(
    live_server: LiveServer, two_companies: tuple[PairedDevice, PairedDevice, uuid.UUID]
) -> None:
    device_a, _, second = two_companies
    reply = totals(live_server, device_a)
    assert reply.status_code == 200, reply.text
    report = SalesTotals.model_validate_json(reply.text)
    assert report.company_id == device_a.company_id
    assert report.currency == "USD"
    by_store = {row.location_id: (row.sales, row.total, row.tax) for row in report.locations}
    assert by_store == {
        device_a.location_id: (3, 10_99 + 5_00 - 2_50, 99 + 40 - 20),
        second: (1, 7_00, 50),
    }


def test_one_store_and_a_store_with_no_sales(
    live_server: LiveServer,
    server_db: ServerDb,
    two_companies: tuple[PairedDevice, PairedDevice, uuid.UUID],
) -> None:
    device_a, _, second = two_companies
    reply = totals(live_server, device_a, location_id=str(second))
    assert [row["location_id"] for row in reply.json()["locations"]] == [str(second)]
    empty = live_server.create_location(device_a.company_id, code="A3", name="A Three")
    reply = totals(live_server, device_a, location_id=str(empty.id))
    assert reply.json()["locations"] == [
        {"location_id": str(empty.id), "sales": 0, "total": 0, "tax": 0}
    ]


def test_a_device_of_company_b_sees_only_b(
    live_server: LiveServer, two_companies: tuple[PairedDevice, PairedDevice, uuid.UUID]
) -> None:
    device_a, device_b, second = two_companies
    report = SalesTotals.model_validate_json(totals(live_server, device_b).text)
    assert report.company_id == device_b.company_id
    assert [(row.location_id, row.sales, row.total) for row in report.locations] == [
        (device_b.location_id, 1, 1_000_00)
    ]
    # Asking for A's store by id is "not found", exactly like a store that does not exist.
    for location_id in (device_a.location_id, second, uuid.uuid4()):
        reply = totals(live_server, device_b, location_id=str(location_id))
        assert reply.status_code == 404
        assert reply.json() == {
            "code": "not_found",
            "message": "This company has no such store on the sync server",
        }
    status = httpx.get(live_server.url + "/v1/device", headers=device_b.headers).json()
    assert (status["company_id"], status["location_id"]) == (
        str(device_b.company_id),
        str(device_b.location_id),
    )
    # Query parameters naming A's company change nothing: only the token decides.
    sneaky = httpx.get(
        live_server.url + "/v1/device",
        headers=device_b.headers,
        params={"company_id": str(device_a.company_id)},
    ).json()
    assert sneaky["company_id"] == str(device_b.company_id)


def test_a_bad_location_id_is_422(
    live_server: LiveServer, two_companies: tuple[PairedDevice, PairedDevice, uuid.UUID]
) -> None:
    reply = totals(live_server, two_companies[0], location_id="store-one")
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_request"
    assert "the query parameter location_id" in reply.json()["message"]


def test_a_record_of_another_company_cannot_be_overwritten(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    device_a = pair_device(live_server)
    device_b = pair_device(live_server, prefix="B1")
    record_id = uuid.uuid4()
    with server_db.session() as session:
        put_record(session, device_a.company_id, "product", record_id, {"name": "A's guitar"})
    with server_db.session() as session, pytest.raises(Forbidden, match="another company"):
        put_record(session, device_b.company_id, "product", record_id, {"name": "stolen"})
    with server_db.session() as session:
        put_record(session, device_a.company_id, "product", record_id, {"name": "renamed"})
        from sync.server.models import ChangeLog, Record

        record = session.get_one(Record, ("product", record_id))
        assert (record.version, record.data, record.company_id) == (
            2,
            {"name": "renamed"},
            device_a.company_id,
        )
        logged = session.query(ChangeLog).filter(ChangeLog.entity_id == record_id).all()
        assert [(row.company_id, row.kind) for row in logged] == [
            (device_a.company_id, "upsert"),
            (device_a.company_id, "upsert"),
        ]
