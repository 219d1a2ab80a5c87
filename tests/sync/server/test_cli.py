"""`lunarfront-server`: every admin command, its plain-word errors (exit 1) and usage
mistakes (exit 2), called through `main` and once as a real process."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from sync.server.cli import main
from sync.server.models import Company, Device, Location
from tests.sync.fixtures import (
    LiveServer,
    ServerDb,
    free_port,
    pair_request,
    scratch_database,
    server_command,
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def database_env(server_db: ServerDb, monkeypatch: pytest.MonkeyPatch) -> ServerDb:
    monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", server_db.url)
    return server_db


def test_company_and_location_create(database_env: ServerDb) -> None:
    code, out, err = run("company", "create", "--name", "Harmony Music", "--currency", "usd")
    assert (code, err) == (0, "")
    company_id = uuid.UUID(out.strip().rsplit(": ", 1)[1])
    assert out.startswith("Company Harmony Music (USD) created: ")
    given = uuid.uuid4()
    code, out, _ = run(
        "location",
        "create",
        "--company",
        str(company_id),
        "--code",
        "S1",
        "--name",
        "Main Street",
        "--timezone",
        "America/Chicago",
        "--id",
        str(given),
    )
    assert (code, out) == (0, f"Store S1 Main Street created: {given}\n")
    with database_env.session() as session:
        company = session.get_one(Company, company_id)
        location = session.get_one(Location, given)
    assert (company.currency, location.company_id, location.timezone) == (
        "USD",
        company_id,
        "America/Chicago",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["company", "create", "--name", "X", "--currency", "dollars"],
            "'DOLLARS' is not a currency code; use three letters like USD",
        ),
        (["company", "create", "--name", "  ", "--currency", "USD"], "cannot be empty"),
        (
            [
                *("location", "create", "--company", str(uuid.UUID(int=5))),
                *("--code", "S1", "--name", "Main", "--timezone", "UTC"),
            ],
            f"There is no company {uuid.UUID(int=5)} on the sync server",
        ),
        (["revoke", "--device", str(uuid.UUID(int=9))], "There is no device"),
        (["pairing-code", "--location", str(uuid.UUID(int=7))], "There is no store"),
    ],
)
def test_refused_commands_say_why(database_env: ServerDb, argv: list[str], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 1
    assert out == ""
    assert err.startswith("lunarfront-server: ")
    assert message in err
    assert "Traceback" not in err


def test_a_store_needs_a_real_time_zone_and_a_free_code(database_env: ServerDb) -> None:
    company = database_env.create_company()
    database_env.create_location(company.id, code="S1")
    base = ["location", "create", "--company", str(company.id), "--name", "Second"]
    code, _, err = run(*base, "--code", "S2", "--timezone", "Mars/Olympus")
    assert code == 1
    assert "'Mars/Olympus' is not a time zone" in err
    code, _, err = run(*base, "--code", "S1", "--timezone", "UTC")
    assert code == 1
    assert "Harmony Music already has a store with the code S1" in err


def test_company_with_an_existing_id(database_env: ServerDb) -> None:
    company = database_env.create_company()
    code, _, err = run(
        "company", "create", "--name", "Again", "--currency", "USD", "--id", str(company.id)
    )
    assert code == 1
    assert f"A company with id {company.id} is on the sync server already" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "required"),
        (["launch"], "invalid choice"),
        (["pairing-code"], "one of the arguments --location --new-company is required"),
        (
            ["pairing-code", "--new-company", "--location", str(uuid.uuid4())],
            "not allowed with argument",
        ),
        (["pairing-code", "--new-company", "--ttl-minutes", "0"], "0 must be at least 1"),
        (["revoke", "--device", "front-till"], "'front-till' is not an id"),
        (["serve", "--port", "99999"], "99999 is not a port"),
        (["company", "create", "--name", "X"], "the following arguments are required: --currency"),
    ],
)
def test_usage_mistakes_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "pairing-code" in capsys.readouterr().out


def test_pairing_code_prints_the_code_and_its_expiry(
    database_env: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = database_env.create_company()
    location = database_env.create_location(company.id)
    code, out, _ = run("pairing-code", "--location", str(location.id), "--ttl-minutes", "15")
    assert code == 0
    match = re.fullmatch(
        r"Pairing code: ([A-Z2-9]{5}-[A-Z2-9]{5})\n"
        r"It can be used once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n",
        out,
    )
    assert match is not None, out
    monkeypatch.setenv("LUNARFRONT_SERVER_PAIRING_CODE_TTL_MINUTES", "5")
    code, out, _ = run("pairing-code", "--new-company")
    assert code == 0
    assert out.startswith("Pairing code: ")


def test_devices_and_revoke(
    live_server: LiveServer, database_env: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("devices") == (0, "No devices are paired.\n", "")
    company = live_server.create_company()
    location = live_server.create_location(company.id)
    device_id = uuid.uuid4()
    code = live_server.pairing_code(location_id=location.id)
    reply = httpx.post(live_server.url + "/v1/pair", json=pair_request(code, device_id=device_id))
    token = reply.json()["token"]
    code_, out, _ = run("devices", "--company", str(company.id))
    assert code_ == 0
    header, row = out.splitlines()
    assert header.startswith("id\tcompany\tlocation\tname")
    assert row.split("\t")[:8] == [
        str(device_id),
        str(company.id),
        str(location.id),
        "Front counter",
        "register",
        "R1",
        "paired",
        "0",
    ]
    assert token not in out
    assert run("devices", "--company", str(uuid.uuid4()))[1] == "No devices are paired.\n"
    code_, out, _ = run("revoke", "--device", str(device_id))
    assert (code_, out) == (0, f"Device Front counter ({device_id}) revoked; it must pair again.\n")
    assert "\trevoked\t" in run("devices")[1]
    refused = httpx.get(
        live_server.url + "/v1/device", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401
    with database_env.session() as session:
        assert session.scalars(select(Device.token_hash)).one() is None


def test_openapi_needs_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LUNARFRONT_SERVER_DATABASE_URL", raising=False)
    code, out, _ = run("openapi")
    assert code == 0
    description = json.loads(out)
    assert set(description["paths"]) == {
        "/health",
        "/v1/pair",
        "/v1/push",
        "/v1/pull",
        "/v1/device",
        "/v1/reports/sales",
    }
    target = tmp_path / "openapi.json"
    assert run("openapi", "--output", str(target)) == (
        0,
        f"OpenAPI description written to {target}\n",
        "",
    )
    assert json.loads(target.read_text()) == description
    code, _, err = run("openapi", "--output", str(tmp_path / "missing" / "x.json"))
    assert code == 1
    assert "No such file or directory" in err


def test_configuration_and_database_problems_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, postgres_server: str
) -> None:
    monkeypatch.delenv("LUNARFRONT_SERVER_DATABASE_URL", raising=False)
    code, _, err = run("devices")
    assert (code, err) == (
        1,
        "lunarfront-server: LUNARFRONT_SERVER_DATABASE_URL is not set; the sync server needs it\n",
    )
    port = free_port()
    monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", f"postgresql://u@127.0.0.1:{port}/x")
    for argv in (["devices"], ["migrate"]):
        code, _, err = run(*argv)
        assert code == 1
        assert err == (
            f"lunarfront-server: The sync server cannot reach its database at 127.0.0.1:{port}/x;"
            " check LUNARFRONT_SERVER_DATABASE_URL and that PostgreSQL is running\n"
        )
    with scratch_database(postgres_server, prefix="lunarfront_unmigrated_") as url:
        monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", url)
        code, _, err = run("devices")
    assert code == 1
    assert "no sync server tables yet; run `lunarfront-server migrate` first" in err
    monkeypatch.setenv("LUNARFRONT_SERVER_DATABASE_URL", "postgresql://u@h/x")
    monkeypatch.setenv("LUNARFRONT_SERVER_WORKERS", "many")
    code, _, err = run("serve")
    assert (code, err) == (
        1,
        "lunarfront-server: LUNARFRONT_SERVER_WORKERS is 'many'; it must be a whole number\n",
    )


def test_as_a_real_process(database_env: ServerDb) -> None:
    environ = {**os.environ}
    done = subprocess.run(
        [*server_command(), "company", "create", "--name", "Process Music", "--currency", "EUR"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Company Process Music (EUR) created: ")
