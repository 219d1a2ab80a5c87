"""Pairing a register: one-time codes, both kinds of code, and every refusal, over HTTP."""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from sync.protocol import ErrorBody
from sync.server import pairing
from sync.server.errors import InvalidRequest, NotFound
from sync.server.models import ChangeLog, Company, Device, Location, PairingCode, Record
from tests.sync.fixtures import LiveServer, ServerDb, pair_device, pair_request


def post_pair(server: LiveServer, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(server.url + "/v1/pair", json=body, timeout=10)


def assert_error(reply: httpx.Response, status: int, code: str) -> ErrorBody:
    assert reply.status_code == status, reply.text
    body = ErrorBody.model_validate_json(reply.text)
    assert body.code == code
    return body


def store(server: LiveServer, name: str = "Harmony Music") -> tuple[uuid.UUID, uuid.UUID]:
    company = server.create_company(name)
    return company.id, server.create_location(company.id).id


def test_a_code_is_shown_once_as_two_groups_and_stored_as_a_hash(server_db: ServerDb) -> None:
    company = server_db.create_company()
    location = server_db.create_location(company.id)
    code = server_db.pairing_code(location_id=location.id)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", code)
    assert not set(code) & set("01OIL")
    with server_db.session() as session:
        row = session.scalars(select(PairingCode)).one()
    assert row.code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert code not in repr(row.__dict__)
    assert (row.location_id, row.company_id) == (location.id, company.id)
    assert pairing.normalise_code(f" {code.lower()[:3]} {code.lower()[3:]} ") == code.replace(
        "-", ""
    )


def test_a_code_is_for_a_store_or_for_a_new_company(server_db: ServerDb) -> None:
    company = server_db.create_company()
    location = server_db.create_location(company.id)
    with server_db.session() as session:
        with pytest.raises(InvalidRequest, match="either for a store or for a new company"):
            pairing.create_pairing_code(
                session, location.id, new_company=True, ttl=timedelta(hours=1)
            )
        with pytest.raises(InvalidRequest, match="either for a store or for a new company"):
            pairing.create_pairing_code(session, None, new_company=False, ttl=timedelta(hours=1))
        with pytest.raises(InvalidRequest, match="valid for some time"):
            pairing.create_pairing_code(session, location.id, new_company=False, ttl=timedelta())
        with pytest.raises(NotFound, match="no store"):
            pairing.create_pairing_code(
                session, uuid.uuid4(), new_company=False, ttl=timedelta(hours=1)
            )


def test_pairing_with_a_store_code(live_server: LiveServer, server_db: ServerDb) -> None:
    company_id, location_id = store(live_server)
    code = live_server.pairing_code(location_id=location_id)
    device_id = uuid.uuid4()
    # Typed the way a person would: lower case, a space instead of the dash.
    reply = post_pair(
        live_server, pair_request(code.lower().replace("-", " "), device_id=device_id)
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["device_id"] == str(device_id)
    assert body["company"] == {"id": str(company_id), "name": "Harmony Music", "currency": "USD"}
    assert body["location"]["id"] == str(location_id)
    token = body["token"]
    assert len(token) >= 40
    with server_db.session() as session:
        device = session.get_one(Device, device_id)
        used = session.scalars(select(PairingCode)).one()
        record = session.get_one(Record, ("device", device_id))
        logged = session.scalars(
            select(ChangeLog.table_name).where(ChangeLog.entity_id == device_id)
        ).all()
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (device.company_id, device.location_id, device.prefix) == (
        company_id,
        location_id,
        "R1",
    )
    assert device.last_sequence == 0
    assert used.used_at is not None
    assert used.used_by_device_id == device_id
    assert record.data["prefix"] == "R1"
    assert set(record.data) == {
        "id",
        "company_id",
        "location_id",
        "name",
        "kind",
        "prefix",
        "created_at",
        "updated_at",
        "deleted_at",
    }
    assert logged == ["device"]
    # The token works.
    status = httpx.get(live_server.url + "/v1/device", headers={"Authorization": f"Bearer {token}"})
    assert status.status_code == 200


def test_pairing_with_a_new_company_code_creates_the_registers_own_company(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    code = live_server.pairing_code(new_company=True)
    company = {"id": str(uuid.uuid4()), "name": "Riverside Guitars", "currency": "CAD"}
    location = {
        "id": str(uuid.uuid4()),
        "code": "RS",
        "name": "Riverside",
        "timezone": "America/Toronto",
    }
    reply = post_pair(live_server, pair_request(code, company=company, location=location))
    assert reply.status_code == 200, reply.text
    assert reply.json()["company"] == company
    assert reply.json()["location"] == location
    with server_db.session() as session:
        stored = session.get_one(Company, uuid.UUID(company["id"]))
        store_row = session.get_one(Location, uuid.UUID(location["id"]))
        records = {
            row[0]: row[1] for row in session.execute(select(Record.table_name, Record.data))
        }
        logged = session.scalars(select(ChangeLog.table_name).order_by(ChangeLog.id)).all()
    assert (stored.name, stored.currency) == ("Riverside Guitars", "CAD")
    assert store_row.company_id == stored.id
    assert logged == ["company", "location", "device"]
    assert records["company"] == {
        "id": company["id"],
        "name": "Riverside Guitars",
        "currency": "CAD",
        "created_at": records["company"]["created_at"],
        "updated_at": records["company"]["updated_at"],
        "legacy_id": None,
        "legacy_source": None,
        "migrated_at": None,
        "deleted_at": None,
    }
    assert records["location"]["address"] == ""
    assert records["location"]["company_id"] == company["id"]
    datetime.fromisoformat(records["company"]["created_at"])


def test_a_new_company_code_needs_the_registers_company_and_store(
    live_server: LiveServer,
) -> None:
    code = live_server.pairing_code(new_company=True)
    body = assert_error(post_pair(live_server, pair_request(code)), 409, "pairing_refused")
    assert "must send its company and its store" in body.message
    # Refused codes stay usable: nothing was committed.
    company = {"id": str(uuid.uuid4()), "name": "Riverside", "currency": "USD"}
    location = {"id": str(uuid.uuid4()), "code": "R", "name": "R", "timezone": "UTC"}
    ok = post_pair(live_server, pair_request(code, company=company, location=location))
    assert ok.status_code == 200, ok.text


def test_a_new_company_code_cannot_join_an_existing_company(live_server: LiveServer) -> None:
    company_id, location_id = store(live_server)
    code = live_server.pairing_code(new_company=True)
    company = {"id": str(company_id), "name": "Harmony Music", "currency": "USD"}
    location = {"id": str(uuid.uuid4()), "code": "S9", "name": "New", "timezone": "UTC"}
    body = assert_error(
        post_pair(live_server, pair_request(code, company=company, location=location)),
        409,
        "pairing_refused",
    )
    assert "ask for a pairing code for its store" in body.message
    taken_store = {"id": str(location_id), "code": "S1", "name": "Main", "timezone": "UTC"}
    fresh = {"id": str(uuid.uuid4()), "name": "Other", "currency": "USD"}
    assert_error(
        post_pair(live_server, pair_request(code, company=fresh, location=taken_store)),
        409,
        "pairing_refused",
    )


@pytest.mark.parametrize("typed", ["AAAAA-AAAAA", "ABCD", "ABCDE-FGHJ0", "ÄBCDE-FGHJK"])
def test_an_unknown_or_malformed_code_is_invalid(live_server: LiveServer, typed: str) -> None:
    store(live_server)
    body = assert_error(post_pair(live_server, pair_request(typed)), 400, "pairing_code_invalid")
    assert body.message == (
        "That pairing code is unknown, already used or expired; ask for a new one"
    )


def test_a_code_works_once(live_server: LiveServer) -> None:
    _, location_id = store(live_server)
    code = live_server.pairing_code(location_id=location_id)
    assert post_pair(live_server, pair_request(code, prefix="R1")).status_code == 200
    assert_error(
        post_pair(live_server, pair_request(code, prefix="R2")), 400, "pairing_code_invalid"
    )


def test_an_expired_code_is_invalid(live_server: LiveServer, server_db: ServerDb) -> None:
    _, location_id = store(live_server)
    code = live_server.pairing_code(location_id=location_id)
    with server_db.session() as session:
        session.execute(
            update(PairingCode).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert_error(post_pair(live_server, pair_request(code)), 400, "pairing_code_invalid")


def test_the_same_code_used_twice_at_once_pairs_one_device(live_server: LiveServer) -> None:
    _, location_id = store(live_server)
    code = live_server.pairing_code(location_id=location_id)
    replies: list[int] = []
    barrier = threading.Barrier(4)

    def attempt(prefix: str) -> None:
        barrier.wait()
        replies.append(post_pair(live_server, pair_request(code, prefix=prefix)).status_code)

    threads = [threading.Thread(target=attempt, args=(f"R{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(replies) == [200, 400, 400, 400]


def test_a_store_code_refuses_a_register_of_another_company(live_server: LiveServer) -> None:
    _, location_a = store(live_server, "Company A")
    company_b, _ = store(live_server, "Company B")
    code = live_server.pairing_code(location_id=location_a)
    claimed = {"id": str(company_b), "name": "Company B", "currency": "USD"}
    body = assert_error(
        post_pair(live_server, pair_request(code, company=claimed)), 409, "pairing_refused"
    )
    assert "for a store of Company A, not of this register's company" in body.message
    # Naming the right company is fine.
    claimed_a = {"id": str(live_server_company(live_server, location_a)), "name": "A"}
    claimed_a["currency"] = "USD"
    assert post_pair(live_server, pair_request(code, company=claimed_a)).status_code == 200


def live_server_company(server: LiveServer, location_id: uuid.UUID) -> uuid.UUID:
    with server.server_db.session() as session:
        return session.get_one(Location, location_id).company_id


def test_a_device_id_of_another_company_is_refused(live_server: LiveServer) -> None:
    _, location_a = store(live_server, "Company A")
    _, location_b = store(live_server, "Company B")
    paired = pair_device(live_server, location_id=location_a)
    code_b = live_server.pairing_code(location_id=location_b)
    body = assert_error(
        post_pair(live_server, pair_request(code_b, device_id=paired.device_id)),
        409,
        "pairing_refused",
    )
    assert body.message == "This register is paired with another company on the sync server"
    # The device's pairing with A is untouched.
    still = httpx.get(live_server.url + "/v1/device", headers=paired.headers)
    assert still.status_code == 200


def test_two_registers_of_a_company_cannot_share_a_receipt_prefix(
    live_server: LiveServer,
) -> None:
    _, location_id = store(live_server)
    pair_device(live_server, location_id=location_id, prefix="R1")
    code = live_server.pairing_code(location_id=location_id)
    body = assert_error(
        post_pair(live_server, pair_request(code, prefix="R1", name="Back counter")),
        409,
        "pairing_refused",
    )
    assert "already uses the receipt prefix R1" in body.message


def test_pairing_again_keeps_the_sequence_and_kills_the_old_token(
    live_server: LiveServer, server_db: ServerDb
) -> None:
    _, location_id = store(live_server)
    first = pair_device(live_server, location_id=location_id)
    with server_db.session() as session:
        session.execute(update(Device).values(last_sequence=41))
    live_server.revoke(first.device_id)  # re-pairing also works after a revoke
    second = pair_device(live_server, location_id=location_id, device_id=first.device_id)
    assert second.token != first.token
    old = httpx.get(live_server.url + "/v1/device", headers=first.headers)
    assert_error(old, 401, "unauthenticated")
    new = httpx.get(live_server.url + "/v1/device", headers=second.headers)
    assert new.status_code == 200
    assert new.json()["last_sequence"] == 41
    with server_db.session() as session:
        record = session.get_one(Record, ("device", first.device_id))
        device = session.get_one(Device, first.device_id)
    assert record.version == 2
    assert record.data["created_at"] < record.data["updated_at"]
    assert device.revoked_at is None


def test_a_pair_request_that_does_not_match_the_schema_is_422(live_server: LiveServer) -> None:
    reply = post_pair(live_server, {"code": "ABCDE-FGHJK", "device": {"id": "not-a-uuid"}})
    body = assert_error(reply, 422, "invalid_request")
    assert "device.id" in body.message
    assert "device.name: Field required" in body.message
