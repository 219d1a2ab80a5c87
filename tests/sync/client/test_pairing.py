"""Pairing a register with a real sync server (PostgreSQL behind a real HTTP socket)."""

from __future__ import annotations

import uuid
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy import select, text

from core.records import REPLICATED_TABLES
from sync.client import KEYRING_SERVICE, SyncError
from sync.client.http import check_server_url
from sync.server.app import create_app
from sync.server.models import Device as ServerDevice
from tests.support import make_demo
from tests.sync.client.support import MemoryKeyring, Register, register_at, server_scalar
from tests.sync.client.tls import make_tls_files
from tests.sync.fixtures import LiveServer, ServerDb, UvicornThread, free_port, server_config


def _store_code(live_server: LiveServer) -> tuple[uuid.UUID, uuid.UUID, str]:
    company = live_server.create_company("Harmony Music", "USD")
    location = live_server.create_location(company.id, "S1", "Main Street", "America/New_York")
    return company.id, location.id, live_server.pairing_code(location.id)


def test_a_fresh_register_becomes_a_register_of_the_codes_store(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    company_id, location_id, code = _store_code(live_server)
    register = register_at(tmp_path / "till")
    try:
        assert register.engine.status().paired is False
        reply = register.engine.pair(live_server.url + "/", code, device_name="Front", prefix="r7")
        assert (reply.company.id, reply.location.id) == (company_id, location_id)
        identity = register.scalar("SELECT company_id FROM device_identity")
        assert identity == company_id.bytes
        assert (
            register.scalar("SELECT prefix FROM device WHERE id = :id", id=reply.device_id.bytes)
            == "R7"
        )
        assert register.scalar("SELECT name FROM location") == "Main Street"
        # A chart of accounts, so the first sale can post to the books.
        assert register.count("ledger_account") > 20
        # Nothing the server sent was queued to be sent back.
        assert register.count("outbox_event") == 0
        assert memory_keyring.passwords[(KEYRING_SERVICE, str(reply.device_id))] == reply.token
        status = register.engine.status()
        assert status.paired
        assert status.online is True
        assert status.last_error is None
        assert status.server_url == live_server.url
        assert status.last_sync_at is not None  # the first pull ran
    finally:
        register.close()
    with live_server.server_db.session() as session:
        device = session.get_one(ServerDevice, reply.device_id)
        assert device.token_hash is not None
        assert reply.token not in device.token_hash
        assert (device.company_id, device.location_id, device.prefix) == (
            company_id,
            location_id,
            "R7",
        )


def test_a_wrong_or_used_code_is_refused_in_plain_words_and_changes_nothing(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    _company, _location, code = _store_code(live_server)
    first = register_at(tmp_path / "first")
    second = register_at(tmp_path / "second")
    try:
        with pytest.raises(SyncError, match="unknown, already used or expired"):
            first.engine.pair(live_server.url, "ZZZZZ-ZZZZZ")
        assert first.count("company") == 0
        assert first.count("sync_state") == 0
        assert memory_keyring.passwords == {}
        first.engine.pair(live_server.url, code.lower().replace("-", " "))
        with pytest.raises(SyncError, match="already used"):
            second.engine.pair(live_server.url, code)
        assert second.count("company") == 0
        assert second.engine.status().paired is False
    finally:
        first.close()
        second.close()


def test_a_register_with_another_stores_data_is_refused(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    _company, _location, code = _store_code(live_server)
    make_demo(tmp_path / "demo", products=5, customers=2).close()
    register = register_at(tmp_path / "demo")
    try:
        with pytest.raises(SyncError, match="not of this register's company") as refused:
            register.engine.pair(live_server.url, code)
        assert "Traceback" not in str(refused.value)
        assert register.count("sync_state") == 0
        assert memory_keyring.passwords == {}
    finally:
        register.close()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("", "Type the sync server's address"),
        ("   ", "Type the sync server's address"),
        ("http://sync.example.com", "must start with https://"),
        ("http://192.168.1.20:8470", "must start with https://"),
        ("ftp://sync.example.com", "is not a web address"),
        ("sync.example.com", "is not a web address"),
        ("https://", "is not a web address"),
        ("https://sync.example.com:99999", "is not a web address"),
        ("https://sync.example.com/?token=1", "just the server's address"),
        ("https://user:pw@sync.example.com", "just the server's address"),
    ],
)
def test_bad_addresses_are_refused_before_anything_is_sent(address: str, expected: str) -> None:
    with pytest.raises(SyncError, match=expected):
        check_server_url(address)


@pytest.mark.parametrize(
    ("address", "normalised"),
    [
        ("https://Sync.Example.com/", "https://sync.example.com"),
        ("https://sync.example.com:8443/lunar/", "https://sync.example.com:8443/lunar"),
        ("http://localhost:8470", "http://localhost:8470"),
        ("http://127.0.0.1:8470/", "http://127.0.0.1:8470"),
        ("http://[::1]:8470", "http://[::1]:8470"),
    ],
)
def test_good_addresses_are_normalised(address: str, normalised: str) -> None:
    assert check_server_url(address) == normalised


def test_plain_http_to_another_machine_is_refused_without_using_the_code(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    _company, _location, code = _store_code(live_server)
    register = register_at(tmp_path / "till")
    try:
        with pytest.raises(SyncError, match="https://"):
            register.engine.pair("http://sync.example.com", code)
        register.engine.pair(live_server.url, code)  # the code was not used up
    finally:
        register.close()


def test_a_computer_without_a_keyring_is_told_before_the_code_is_used(
    live_server: LiveServer, tmp_path: Path
) -> None:
    _company, _location, code = _store_code(live_server)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    register = register_at(tmp_path / "till")
    try:
        with pytest.raises(SyncError, match=r"no password store \(keyring\)"):
            register.engine.pair(live_server.url, code)
        assert register.engine.status().paired is False
        keyring.set_keyring(MemoryKeyring())
        register.engine.pair(live_server.url, code)  # the code is still good
    finally:
        keyring.set_keyring(previous)
        register.close()


def test_a_server_that_does_not_answer_is_reported_in_plain_words(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    register = register_at(tmp_path / "till")
    try:
        with pytest.raises(SyncError, match="The sync server did not answer"):
            register.engine.pair(f"http://127.0.0.1:{free_port()}", "ABCDE-FGHJK")
        assert register.count("sync_state") == 0
    finally:
        register.close()


def test_tls_with_the_stores_own_certificate_authority(
    server_db: ServerDb, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    tls = make_tls_files(tmp_path / "tls")
    port = free_port()
    server = UvicornThread(
        create_app(server_config(server_db.url, port)),
        port,
        ssl_certfile=str(tls.cert_file),
        ssl_keyfile=str(tls.key_file),
    )
    server.start()
    url = f"https://127.0.0.1:{port}"
    try:
        company = server_db.create_company()
        location = server_db.create_location(company.id)
        code = server_db.pairing_code(location.id)
        register = register_at(tmp_path / "till")
        try:
            with pytest.raises(SyncError, match="certificate could not be verified"):
                register.engine.pair(url, code)
            with pytest.raises(SyncError, match="does not exist"):
                register.engine.pair(url, code, ca_file=tmp_path / "missing.pem")
            not_a_cert = tmp_path / "garbage.pem"
            not_a_cert.write_text("not a certificate")
            with pytest.raises(SyncError, match="cannot be used"):
                register.engine.pair(url, code, ca_file=not_a_cert)
            register.engine.pair(url, code, ca_file=tls.ca_file)
            assert register.scalar("SELECT ca_file FROM sync_state") == str(tls.ca_file.resolve())
            report = register.engine.sync_once()  # the stored CA file is used again
            assert report.status.last_error is None
            assert report.status.online is True
        finally:
            register.close()
    finally:
        server.stop()


def test_a_revoked_register_is_told_to_pair_again_and_keeps_its_queue(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    _company, location_id, code = _store_code(live_server)
    register = register_at(tmp_path / "till")
    try:
        reply = register.engine.pair(live_server.url, code)
        live_server.revoke(reply.device_id)
        report = register.engine.sync_once()
        assert report.status.last_error is not None
        assert "pairing was revoked" in report.status.last_error
        assert report.status.online is True  # the server answered; it refused
        register.engine.pair(live_server.url, live_server.pairing_code(location_id))
        again = register.engine.sync_once()
        assert again.status.last_error is None
        with live_server.server_db.session() as session:
            devices = session.scalars(select(ServerDevice.id)).all()
        assert devices == [reply.device_id]  # re-paired, not a second device
    finally:
        register.close()


def test_a_store_set_up_here_founds_its_company_and_sends_everything_once(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    # Set up since changes are captured: its outbox already holds every record, from the
    # event that created the company on, so pairing queues nothing more.
    make_demo(tmp_path / "shop", products=8, customers=3).close()
    register = register_at(tmp_path / "shop")
    try:
        local_rows = sum(register.count(table.name) for table in REPLICATED_TABLES)
        queued_before = register.count("outbox_event")
        reply = register.engine.pair(live_server.url, live_server.pairing_code(new_company=True))
        company = register.scalar("SELECT company_id FROM device_identity")
        assert reply.company.id.bytes == company
        assert register.count("outbox_event") == queued_before
        report = register.engine.sync_once()
        assert report.status.last_error is None
        assert report.status.waiting == 0
        assert _records_on_server(live_server, reply.company.id) == local_rows
    finally:
        register.close()


def test_a_store_from_before_capture_is_snapshotted_once_when_it_founds_its_company(
    live_server: LiveServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    make_demo(tmp_path / "shop", products=8, customers=3).close()
    register = register_at(tmp_path / "shop")
    try:
        kept = _keep_only_domain_events(register)
        local_rows = sum(register.count(table.name) for table in REPLICATED_TABLES)
        reply = register.engine.pair(live_server.url, live_server.pairing_code(new_company=True))
        assert register.count("outbox_event") == kept + local_rows  # the snapshot
        assert register.engine.status().waiting == kept + local_rows
        report = register.engine.sync_once()
        assert report.status.last_error is None
        assert report.status.waiting == 0
        assert _records_on_server(live_server, reply.company.id) == local_rows
        # Re-paired after its token was revoked: nothing is queued a second time.
        live_server.revoke(reply.device_id)
        register.engine.pair(live_server.url, live_server.pairing_code(reply.location.id))
        assert register.count("outbox_event") == 0
    finally:
        register.close()


def _records_on_server(live_server: LiveServer, company_id: uuid.UUID) -> object:
    return server_scalar(
        live_server,
        "SELECT count(*) FROM record WHERE company_id = :company",
        company=company_id,
    )


def _keep_only_domain_events(register: Register) -> int:
    """Make the outbox look like one written before records were captured: only the sale
    and drawer events, numbered 1… without gaps, and the counter after the last."""
    with register.store.engine.begin() as connection:
        rows = connection.execute(
            text(
                "SELECT id, device_id, schema_version, type, payload, device_time "
                "FROM outbox_event WHERE type NOT IN ('record.saved', 'record.deleted', "
                "'stock.moved') ORDER BY sequence"
            )
        ).all()
        connection.execute(text("DELETE FROM outbox_event"))
        for number, row in enumerate(rows, start=1):
            connection.execute(
                text(
                    "INSERT INTO outbox_event (id, device_id, sequence, schema_version, type, "
                    "payload, device_time) VALUES (:id, :device, :seq, :version, :type, "
                    ":payload, :time)"
                ),
                {
                    "id": row.id,
                    "device": row.device_id,
                    "seq": number,
                    "version": row.schema_version,
                    "type": row.type,
                    "payload": row.payload,
                    "time": row.device_time,
                },
            )
        connection.execute(
            text("UPDATE device_counter SET last_value = :n WHERE name = 'outbox'"),
            {"n": len(rows)},
        )
    return len(rows)
