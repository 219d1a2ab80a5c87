"""`lunarfront-server`: run and administer the sync server.

    lunarfront-server migrate
    lunarfront-server serve [--host H] [--port P] [--workers N]
    lunarfront-server company create --name NAME --currency USD [--id UUID]
    lunarfront-server location create --company ID --code S1 --name NAME --timezone ZONE [--id]
    lunarfront-server pairing-code (--location ID | --new-company) [--ttl-minutes N]
    lunarfront-server devices [--company ID]
    lunarfront-server revoke --device ID
    lunarfront-server openapi [--output FILE]

Settings come from LUNARFRONT_SERVER_* variables (`sync.server.config`). Errors are printed
in plain words: exit code 1 for a refused or failed command, 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TextIO

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sync.server import admin, migrate, pairing
from sync.server.config import DATABASE_URL, ConfigError, ServerConfig
from sync.server.database import Database
from sync.server.errors import ServerError
from sync.server.logs import configure_logging

Command = Callable[[argparse.Namespace, TextIO], int]


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse: --help (0) or a usage mistake (2)
        return int(stop.code or 0)
    command: Command = args.command
    try:
        return command(args, out)
    except (ConfigError, ServerError) as error:
        return _fail(err, str(error))
    except sa_exc.SQLAlchemyError as error:
        return _fail(err, _database_problem(error))
    except OSError as error:
        return _fail(err, f"{error.strerror or error} {error.filename or ''}".strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lunarfront-server", description="The LunarFront sync server."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    sub = commands.add_parser("migrate", help="bring the database schema up to date")
    sub.set_defaults(command=_migrate)

    sub = commands.add_parser("serve", help="serve the sync API")
    sub.add_argument("--host", help="address to listen on (LUNARFRONT_SERVER_HOST)")
    sub.add_argument("--port", type=_port, help="port to listen on (LUNARFRONT_SERVER_PORT)")
    sub.add_argument("--workers", type=_positive, help="worker processes")
    sub.set_defaults(command=_serve)

    company = commands.add_parser("company", help="companies").add_subparsers(required=True)
    sub = company.add_parser("create", help="create a company")
    sub.add_argument("--name", required=True)
    sub.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD")
    sub.add_argument("--id", type=_uuid, help="the company's id, if it has one already")
    sub.set_defaults(command=_create_company)

    location = commands.add_parser("location", help="stores").add_subparsers(required=True)
    sub = location.add_parser("create", help="create a store of a company")
    sub.add_argument("--company", type=_uuid, required=True)
    sub.add_argument("--code", required=True, help="short code, e.g. S1")
    sub.add_argument("--name", required=True)
    sub.add_argument("--timezone", required=True, help="e.g. America/New_York")
    sub.add_argument("--id", type=_uuid)
    sub.set_defaults(command=_create_location)

    sub = commands.add_parser("pairing-code", help="make a one-time pairing code")
    target = sub.add_mutually_exclusive_group(required=True)
    target.add_argument("--location", type=_uuid, help="pair a register with this store")
    target.add_argument(
        "--new-company",
        action="store_true",
        help="the register brings its own company and store",
    )
    sub.add_argument("--ttl-minutes", type=_positive, help="minutes the code stays valid")
    sub.set_defaults(command=_pairing_code)

    sub = commands.add_parser("devices", help="list paired devices")
    sub.add_argument("--company", type=_uuid)
    sub.set_defaults(command=_devices)

    sub = commands.add_parser("revoke", help="revoke a device's token")
    sub.add_argument("--device", type=_uuid, required=True)
    sub.set_defaults(command=_revoke)

    sub = commands.add_parser("openapi", help="print the API's OpenAPI description")
    sub.add_argument("--output", help="write it to this file instead")
    sub.set_defaults(command=_openapi)
    return parser


# -- commands ------------------------------------------------------------------------------------


def _migrate(_: argparse.Namespace, out: TextIO) -> int:
    config = ServerConfig.from_env()
    revision = migrate.upgrade(config.database_url)
    print(f"The database is up to date (schema {revision}).", file=out)
    return 0


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    import uvicorn  # noqa: PLC0415 - only `serve` needs the web server

    config = ServerConfig.from_env()
    configure_logging(config.log_level)
    uvicorn.run(
        "sync.server.app:app_from_env",
        factory=True,
        host=args.host or config.host,
        port=args.port or config.port,
        workers=args.workers or config.workers,
        ssl_certfile=str(config.tls_cert) if config.tls_cert else None,
        ssl_keyfile=str(config.tls_key) if config.tls_key else None,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    return 0


def _create_company(args: argparse.Namespace, out: TextIO) -> int:
    with _session() as session:
        company = admin.create_company(session, args.name, args.currency, args.id)
        print(f"Company {company.name} ({company.currency}) created: {company.id}", file=out)
    return 0


def _create_location(args: argparse.Namespace, out: TextIO) -> int:
    with _session() as session:
        location = admin.create_location(
            session, args.company, args.code, args.name, args.timezone, args.id
        )
        print(f"Store {location.code} {location.name} created: {location.id}", file=out)
    return 0


def _pairing_code(args: argparse.Namespace, out: TextIO) -> int:
    ttl = (
        timedelta(minutes=args.ttl_minutes)
        if args.ttl_minutes
        else ServerConfig.from_env().pairing_code_ttl
    )
    now = datetime.now(UTC)
    with _session() as session:
        code = pairing.create_pairing_code(
            session, args.location, new_company=args.new_company, ttl=ttl, now=now
        )
    expires = (now + ttl).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Pairing code: {code}", file=out)
    print(f"It can be used once, until {expires}.", file=out)
    return 0


def _devices(args: argparse.Namespace, out: TextIO) -> int:
    with _session() as session:
        devices = admin.list_devices(session, args.company)
        if not devices:
            print("No devices are paired.", file=out)
            return 0
        print(
            "id\tcompany\tlocation\tname\tkind\tprefix\tstate\tlast sequence\tlast seen", file=out
        )
        for device in devices:
            state = "revoked" if device.revoked_at else "paired"
            seen = device.last_seen_at.strftime("%Y-%m-%d %H:%M") if device.last_seen_at else "-"
            print(
                f"{device.id}\t{device.company_id}\t{device.location_id}\t{device.name}\t"
                f"{device.kind}\t{device.prefix}\t{state}\t{device.last_sequence}\t{seen}",
                file=out,
            )
    return 0


def _revoke(args: argparse.Namespace, out: TextIO) -> int:
    with _session() as session:
        device = admin.revoke_device(session, args.device)
        print(f"Device {device.name} ({device.id}) revoked; it must pair again.", file=out)
    return 0


def _openapi(args: argparse.Namespace, out: TextIO) -> int:
    from sync.server.app import create_app  # noqa: PLC0415 - the web app only for this command

    # The description needs no database: the app is built but never connects.
    app = create_app(ServerConfig(database_url="postgresql+psycopg://unused.invalid/openapi"))
    text = json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
        print(f"OpenAPI description written to {args.output}", file=out)
    else:
        out.write(text)
    return 0


# -- helpers ---------------------------------------------------------------------------------------


@contextmanager
def _session() -> Iterator[Session]:
    """One transaction on the configured database; the connection is closed afterwards."""
    database = Database(ServerConfig.from_env())
    try:
        with database.transaction() as session:
            yield session
    finally:
        database.dispose()


def _fail(err: TextIO, message: str) -> int:
    print(f"lunarfront-server: {message}", file=err)
    return 1


def _database_problem(error: sa_exc.SQLAlchemyError) -> str:
    state = getattr(getattr(error, "orig", None), "sqlstate", None)
    if state == "42P01":  # undefined_table
        return "The database has no sync server tables yet; run `lunarfront-server migrate` first"
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        where = _where()
        return (
            f"The sync server cannot reach its database{where}; check {DATABASE_URL} and that "
            "PostgreSQL is running"
        )
    return f"The database refused the command ({type(error).__name__})"


def _where() -> str:
    try:
        url = make_url(ServerConfig.from_env().database_url)
    except (ConfigError, sa_exc.ArgumentError):
        return ""
    return f" at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an id; ids look like 3f2a9c1e-…, as printed when it was created"
        ) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _port(text: str) -> int:
    value = _positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1 to 65535)")
    return value


if __name__ == "__main__":
    raise SystemExit(main())
