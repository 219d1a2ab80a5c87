"""`record.saved` / `record.deleted`: per-field merge by arrival (logged), tenant rules,
local-only columns, versions and the change log other registers pull."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from sync.protocol import EventStatus
from sync.server.models import ChangeLog, EventIssue, MergeLog, Record
from tests.sync.fixtures import ServerDb
from tests.sync.server.test_push_support import (
    Register,
    Store,
    add_location,
    count,
    open_store,
    pair_register,
    push,
    saved,
    statuses,
)

APPLIED, REJECTED = EventStatus.APPLIED, EventStatus.REJECTED


@pytest.fixture
def store(server_db: ServerDb) -> Store:
    return open_store(server_db)


@pytest.fixture
def register(server_db: ServerDb, store: Store) -> Register:
    return pair_register(server_db, store)


def record(server_db: ServerDb, table: str, record_id: uuid.UUID) -> Record | None:
    with server_db.session() as session:
        return session.get(Record, (table, record_id))


def customer(register: Register, customer_id: uuid.UUID, **values: object) -> dict[str, object]:
    return saved(
        "customer_account",
        customer_id,
        {"id": str(customer_id), "company_id": str(register.company_id), **values},
        created=True,
    )


def test_concurrent_edits_to_a_customer_merge_per_field_and_log_the_conflict(
    server_db: ServerDb, store: Store, register: Register
) -> None:
    front, back = register, pair_register(server_db, store)
    cid = uuid.uuid4()
    push(
        server_db,
        front,
        [
            front.event(
                "record.saved",
                customer(
                    front, cid, name="Ada Lovelace", phone="555-0100", email="ada@example.com"
                ),
            )
        ],
    )
    # Both registers edited the customer offline, from the same starting point.
    push(
        server_db,
        front,
        [
            front.event(
                "record.saved",
                saved(
                    "customer_account",
                    cid,
                    {
                        "phone": "555-0199",
                        "email": "ada@front.example",
                        "updated_at": "2026-11-21T10:00:00+00:00",
                        "version": 2,
                    },
                    {
                        "phone": "555-0100",
                        "email": "ada@example.com",
                        "updated_at": "2026-11-20T09:00:00+00:00",
                        "version": 1,
                    },
                ),
            )
        ],
    )
    reply = push(
        server_db,
        back,
        [
            back.event(
                "record.saved",
                saved(
                    "customer_account",
                    cid,
                    {
                        "name": "Ada King",
                        "email": "ada@back.example",
                        "updated_at": "2026-11-21T10:05:00+00:00",
                        "version": 2,
                    },
                    {
                        "name": "Ada Lovelace",
                        "email": "ada@example.com",
                        "updated_at": "2026-11-20T09:00:00+00:00",
                        "version": 1,
                    },
                ),
            )
        ],
    )
    assert statuses(reply) == [APPLIED]
    merged = record(server_db, "customer_account", cid)
    assert merged is not None
    assert merged.version == 3
    assert merged.data["name"] == "Ada King"  # only the back register changed it
    assert merged.data["phone"] == "555-0199"  # only the front register changed it
    assert merged.data["email"] == "ada@back.example"  # both: the later arrival wins
    # Both registers also moved `updated_at` and `version`: bookkeeping, kept but not logged.
    assert merged.data["updated_at"] == "2026-11-21T10:05:00+00:00"
    with server_db.session() as session:
        log = session.scalars(select(MergeLog)).one()
        assert (log.table_name, log.record_id, log.field) == ("customer_account", cid, "email")
        # (jsonb columns: here each holds one JSON string)
        values: tuple[Any, ...] = (log.base_value, log.replaced_value, log.kept_value)
        assert values == (
            "ada@example.com",
            "ada@front.example",
            "ada@back.example",
        )
        assert log.device_id == back.id
        last = session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
        assert last is not None
        assert last.kind == "upsert"
        assert last.data == merged.data
        assert last.origin_device_id == back.id


def test_a_value_already_on_the_server_is_no_conflict(
    server_db: ServerDb, register: Register
) -> None:
    cid = uuid.uuid4()
    push(
        server_db,
        register,
        [
            register.event("record.saved", customer(register, cid, phone="1")),
            register.event(
                "record.saved", saved("customer_account", cid, {"phone": "2"}, {"phone": "1"})
            ),
            register.event(
                "record.saved", saved("customer_account", cid, {"phone": "2"}, {"phone": "0"})
            ),
        ],
    )
    assert count(server_db, MergeLog) == 0
    kept = record(server_db, "customer_account", cid)
    assert kept is not None
    assert kept.data["phone"] == "2"
    assert kept.version == 3


def test_created_again_on_an_existing_record_takes_the_incoming_values_unlogged(
    server_db: ServerDb, register: Register
) -> None:
    cid = uuid.uuid4()
    push(server_db, register, [register.event("record.saved", customer(register, cid, name="A"))])
    push(server_db, register, [register.event("record.saved", customer(register, cid, name="B"))])
    again = record(server_db, "customer_account", cid)
    assert again is not None
    assert again.data["name"] == "B"
    assert again.version == 2
    assert count(server_db, MergeLog) == 0


def test_local_only_columns_never_travel_and_locations_are_recorded(
    server_db: ServerDb, store: Store, register: Register
) -> None:
    user_id, rate_id = uuid.uuid4(), uuid.uuid4()
    reply = push(
        server_db,
        register,
        [
            register.event(
                "record.saved",
                saved(
                    "app_user",
                    user_id,
                    {
                        "id": str(user_id),
                        "company_id": str(register.company_id),
                        "name": "Sam",
                        "failed_attempts": 3,
                        "locked_until": "2025-01-01T00:00:00+00:00",
                    },
                    created=True,
                ),
            ),
            register.event(
                "record.saved",
                saved(
                    "tax_rate",
                    rate_id,
                    {
                        "id": str(rate_id),
                        "company_id": str(register.company_id),
                        "location_id": str(store.location_id),
                        "rate_ppm": 80000,
                    },
                    created=True,
                ),
            ),
        ],
    )
    assert statuses(reply) == [APPLIED, APPLIED]
    user = record(server_db, "app_user", user_id)
    assert user is not None
    assert "failed_attempts" not in user.data
    assert "locked_until" not in user.data
    rate = record(server_db, "tax_rate", rate_id)
    assert rate is not None
    assert rate.location_id == store.location_id
    with server_db.session() as session:
        logged = session.scalars(select(ChangeLog).where(ChangeLog.entity_id == rate_id)).one()
        assert logged.location_id == store.location_id


def test_a_record_is_deleted_and_the_deletion_logged(
    server_db: ServerDb, register: Register
) -> None:
    cid = uuid.uuid4()
    push(
        server_db,
        register,
        [
            register.event("record.saved", customer(register, cid, name="A")),
            register.event("record.deleted", {"table": "customer_account", "id": str(cid)}),
        ],
    )
    assert record(server_db, "customer_account", cid) is None
    with server_db.session() as session:
        kinds = session.scalars(
            select(ChangeLog.kind).where(ChangeLog.entity_id == cid).order_by(ChangeLog.id)
        ).all()
        assert kinds == ["upsert", "delete"]


def test_a_second_location_of_the_company_may_be_named(
    server_db: ServerDb, store: Store, register: Register
) -> None:
    second = add_location(server_db, store, "S2")
    unit = uuid.uuid4()
    reply = push(
        server_db,
        register,
        [
            register.event(
                "record.saved",
                saved(
                    "inventory_unit",
                    unit,
                    {
                        "id": str(unit),
                        "location_id": str(second.location_id),
                        "serial_number": "SN1",
                    },
                    created=True,
                ),
            )
        ],
    )
    assert statuses(reply) == [APPLIED]
    stored = record(server_db, "inventory_unit", unit)
    assert stored is not None
    assert stored.location_id == second.location_id


def tenant_cases(
    mine: Register, theirs: Register, their_record: uuid.UUID, their_user: uuid.UUID
) -> list[tuple[dict[str, object], str]]:
    own = str(mine.company_id)
    return [
        (
            saved("product", uuid.uuid4(), {"company_id": str(theirs.company_id)}, created=True),
            "names another company",
        ),
        (
            saved("company", theirs.company_id, {"name": "Mine"}, created=True),
            "belongs to another company",
        ),
        (
            saved("company", uuid.uuid4(), {"name": "Mine"}, created=True),
            "not this register's company",
        ),
        (
            saved(
                "tax_rate",
                uuid.uuid4(),
                {"company_id": own, "location_id": str(theirs.location_id)},
                created=True,
            ),
            "store of another company",
        ),
        (
            saved(
                "device",
                uuid.uuid4(),
                {"company_id": own, "location_id": "not-a-uuid"},
                created=True,
            ),
            "store of another company",
        ),
        (
            saved("product", their_record, {"name": "Taken"}, {"name": "Product"}),
            "belongs to another company",
        ),
        (
            saved(
                "user_permission",
                uuid.uuid4(),
                {"user_id": str(their_user), "permission": "void", "allowed": True},
                created=True,
            ),
            "not one of this company's users",
        ),
        ({"table": "product", "id": str(their_record)}, "belongs to another company"),
        (saved("product", uuid.uuid4(), {}, created="yes"), "could not be read"),  # type: ignore[arg-type]
        ({"table": "product", "id": "nope"}, "no readable id"),
        ({"table": 7, "id": str(uuid.uuid4())}, "does not keep records of table '(none)'"),
    ]


def test_a_device_cannot_write_another_companys_records(
    server_db: ServerDb, register: Register
) -> None:
    theirs = pair_register(server_db, open_store(server_db, "Other Music", "O1"))
    their_record, their_user = uuid.uuid4(), uuid.uuid4()
    push(
        server_db,
        theirs,
        [
            theirs.event(
                "record.saved", saved("product", their_record, {"name": "Product"}, created=True)
            ),
            theirs.event(
                "record.saved", saved("app_user", their_user, {"name": "Them"}, created=True)
            ),
        ],
    )
    cases = tenant_cases(register, theirs, their_record, their_user)
    events = [
        register.event("record.deleted" if "values" not in payload else "record.saved", payload)
        for payload, _ in cases
    ]
    reply = push(server_db, register, events)
    assert statuses(reply) == [REJECTED] * len(cases)
    for result, (_, expected) in zip(reply.results, cases, strict=True):
        assert expected in result.message
    kept = record(server_db, "product", their_record)
    assert kept is not None
    assert kept.data == {"name": "Product"}
    assert count(server_db, Record, Record.company_id == register.company_id) == 3  # pairing
    assert count(server_db, EventIssue, EventIssue.status == "rejected") == len(cases)


def test_a_permission_for_a_user_of_the_company_is_accepted(
    server_db: ServerDb, register: Register
) -> None:
    user_id, grant = uuid.uuid4(), uuid.uuid4()
    reply = push(
        server_db,
        register,
        [
            register.event(
                "record.saved", saved("app_user", user_id, {"name": "Sam"}, created=True)
            ),
            register.event(
                "record.saved",
                saved(
                    "user_permission",
                    grant,
                    {
                        "id": str(grant),
                        "user_id": str(user_id),
                        "permission": "void",
                        "allowed": True,
                    },
                    created=True,
                ),
            ),
        ],
    )
    assert statuses(reply) == [APPLIED, APPLIED]
