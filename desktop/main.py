"""The `lunarfront` command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

# Taken before anything heavy is imported, so the start-up probe measures the whole start.
_STARTED = time.perf_counter()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lunarfront",
        description="LunarFront point of sale. With no command, opens the app.",
    )
    parser.add_argument("--data-dir", type=Path, help="folder holding this machine's store data")
    parser.add_argument("--demo", action="store_true", help="open the demo music store")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check the install and the store without opening a window",
    )
    parser.add_argument("--theme", choices=("light", "dark"), help="override the saved theme")
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "make-demo-store", help="create a demo store of any size (for benchmarks)"
    )
    demo.add_argument("--data-dir", type=Path, required=True, dest="demo_dir")
    demo.add_argument("--products", type=int, default=400)
    demo.add_argument("--customers", type=int, default=250)
    demo.add_argument("--seed", type=int, default=7)
    pair = commands.add_parser("pair", help="pair this register with a sync server")
    pair.add_argument(
        "--server", required=True, metavar="URL", help="e.g. https://sync.example.com"
    )
    pair.add_argument("--code", required=True, help="the one-time pairing code")
    pair.add_argument("--ca-file", type=Path, help="the server's certificate authority (PEM)")
    pair.add_argument("--name", help="this register's name (a register set up by pairing)")
    pair.add_argument("--prefix", help="its receipt prefix, e.g. R2 (a register set up by pairing)")
    pair.add_argument(
        "--data-dir", type=Path, dest="command_data_dir", help="the store's data folder"
    )
    sync = commands.add_parser("sync", help="send and receive changes with the sync server now")
    sync.add_argument(
        "--data-dir", type=Path, dest="command_data_dir", help="the store's data folder"
    )
    return parser


def resolve_data_dir(args: argparse.Namespace) -> Path:
    from desktop.bootstrap import default_data_dir, demo_data_dir

    if args.data_dir is not None:
        return Path(args.data_dir)
    return demo_data_dir() if args.demo else default_data_dir()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("LUNARFRONT_LOG", "WARNING"))
    if args.command == "make-demo-store":
        return _make_demo_store(args)
    if args.command in ("pair", "sync"):
        return _sync_command(args)
    data_dir = resolve_data_dir(args)
    if args.self_check:
        from desktop.self_check import run_self_check

        return run_self_check(data_dir)
    from desktop.app import run_app

    return run_app(
        data_dir,
        demo=args.demo,
        theme=args.theme,
        probe_started=_STARTED if args.startup_probe else None,
    )


def _sync_command(args: argparse.Namespace) -> int:
    from sync.client.cli import pair_command, sync_command

    data_dir = args.command_data_dir or resolve_data_dir(args)
    if args.command == "pair":
        return pair_command(
            data_dir,
            args.server,
            args.code,
            ca_file=args.ca_file,
            name=args.name,
            prefix=args.prefix,
        )
    return sync_command(data_dir)


def _make_demo_store(args: argparse.Namespace) -> int:
    from core.clock import SystemClock
    from core.services.credentials import CredentialHasher
    from core.services.demo_store import create_demo_store
    from db.errors import StoreError
    from db.store import open_store

    if args.products < 0 or args.customers < 0:
        print("--products and --customers cannot be negative", file=sys.stderr)
        return 2
    try:
        store = open_store(args.demo_dir)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        began = time.perf_counter()
        create_demo_store(
            store.uow,
            SystemClock(),
            CredentialHasher(),
            products=args.products,
            customers=args.customers,
            seed=args.seed,
        )
        print(
            f"demo store with {args.products} products and {args.customers} customers "
            f"created in {store.data_dir} ({time.perf_counter() - began:.1f} s)"
        )
    except Exception as exc:  # noqa: BLE001  (any failure: say what it was, exit non-zero)
        print(f"could not create the demo store: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
