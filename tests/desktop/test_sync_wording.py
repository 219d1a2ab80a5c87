"""The sync state in words (status bar line, tooltip) and the pairing form's checks, without
drawing anything: every state has one wording, and a bad address never leaves the form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.sync.pairing_form import Field, PairingInput, check_pairing, field_of
from desktop.sync.wording import NOT_SET_UP, clock_time, status_line
from sync.client import SyncStatus

NOW = datetime(2026, 3, 2, 15, 45, tzinfo=UTC)  # 10:45 in New York
ZONE = "America/New_York"
PAIRED = SyncStatus(
    paired=True,
    server_url="https://sync.example.com",
    online=True,
    waiting=0,
    last_sync_at=NOW - timedelta(minutes=3),
    last_error=None,
    issues=0,
    running=False,
)


def line(**changes: object) -> tuple[str, str]:
    shown = status_line(replace(PAIRED, **changes), ZONE, NOW)  # type: ignore[arg-type]
    return shown.text, shown.tone


def test_an_unpaired_register_is_muted_not_alarming() -> None:
    shown = status_line(SyncStatus(False, None, None, 0, None, None, 0, False), ZONE, NOW)
    assert (shown.text, shown.tone) == (NOT_SET_UP, "muted")
    assert "works on its own" in shown.detail


def test_each_paired_state_has_its_line() -> None:
    assert line() == ("Sync: up to date · 10:42", "ok")
    assert line(waiting=3) == ("Sync: 3 waiting", "ok")
    assert line(online=False, waiting=12, last_error="The sync server did not answer.") == (
        "Sync: offline since 10:42 · 12 waiting",
        "warn",
    )
    assert line(online=False, last_sync_at=None, last_error="x") == ("Sync: offline", "warn")
    assert line(issues=2) == ("Sync: 2 problems", "warn")
    assert line(issues=1, waiting=1) == ("Sync: 1 problem · 1 waiting", "warn")
    assert line(issues=3, online=False, waiting=2, last_error="x") == (
        "Sync: 3 problems · offline since 10:42 · 2 waiting",
        "warn",
    )
    assert line(last_error="This register's pairing was revoked.") == (
        "Sync: not working",
        "warn",
    )
    assert line(online=None, last_sync_at=None) == ("Sync: starting", "ok")


def test_the_tooltip_holds_every_figure_and_the_last_error() -> None:
    shown = status_line(
        replace(PAIRED, online=False, waiting=4, last_error="The sync server did not answer."),
        ZONE,
        NOW,
    )
    assert "Sync server: https://sync.example.com" in shown.detail
    assert "Connection: offline" in shown.detail
    running = status_line(replace(PAIRED, running=True), ZONE, NOW)
    assert "Connection: online, syncing now" in running.detail
    assert running.text == "Sync: up to date · 10:42"  # no flicker every thirty seconds
    assert "Waiting to send: 4" in shown.detail
    assert "Last error: The sync server did not answer." in shown.detail


def test_times_are_the_stores_and_carry_the_day_when_not_today() -> None:
    assert clock_time(NOW, ZONE, NOW) == "10:45"
    assert clock_time(NOW - timedelta(days=1), ZONE, NOW) == "1 Mar 10:45"
    assert clock_time(NOW, "UTC", NOW) == "15:45"


@pytest.mark.parametrize(
    ("server", "code", "wrong"),
    [
        ("", "", {Field.SERVER, Field.CODE}),
        ("   ", "ABCD-1234", {Field.SERVER}),
        ("https://sync.example.com", "  ", {Field.CODE}),
        ("sync.example.com", "ABCD-1234", {Field.SERVER}),
        ("ftp://sync.example.com", "ABCD-1234", {Field.SERVER}),
        ("https://", "ABCD-1234", {Field.SERVER}),
        ("https://sync example.com", "ABCD-1234", {Field.SERVER}),
        ("https://sync.example.com:port", "ABCD-1234", {Field.SERVER}),
        ("javascript:alert(1)", "ABCD-1234", {Field.SERVER}),
    ],
)
def test_the_form_refuses_empty_fields_and_addresses_that_are_not_http(
    server: str, code: str, wrong: set[Field]
) -> None:
    checked = check_pairing(server, code, "")
    assert isinstance(checked, dict)
    assert set(checked) == wrong
    assert all(message.endswith(".") for message in checked.values())


def test_a_good_request_is_trimmed_and_a_missing_ca_file_refused(tmp_path: Path) -> None:
    assert check_pairing(" http://127.0.0.1:8000/ ", " K7Q2 ", "") == PairingInput(
        "http://127.0.0.1:8000", "K7Q2", None
    )
    missing = check_pairing("https://sync.example.com", "K7Q2", str(tmp_path / "ca.pem"))
    assert isinstance(missing, dict)
    assert set(missing) == {Field.CA_FILE}
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    good = check_pairing("https://sync.example.com", "K7Q2", str(ca))
    assert good == PairingInput("https://sync.example.com", "K7Q2", ca)


def test_a_refusal_is_shown_under_the_field_it_is_about() -> None:
    assert field_of("That pairing code is not valid.", ca_file_given=False) is Field.CODE
    assert field_of("The sync server did not answer at x.", ca_file_given=False) is Field.SERVER
    cert = "The sync server's certificate could not be verified: self-signed."
    assert field_of(cert, ca_file_given=True) is Field.CA_FILE
    assert field_of(cert, ca_file_given=False) is Field.SERVER
    keyring = "This computer has no password store (keyring) to keep the token in."
    assert field_of(keyring, ca_file_given=False) is Field.FORM
    assert field_of("This register holds another store's data.", ca_file_given=False) is (
        Field.FORM
    )
