"""The composition root: the one place that wires the store, the services and the clock.

Everything here runs on the database thread, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

from core.clock import Clock, SystemClock
from core.hardware.settings import DeviceSettings
from core.services.approval import ApprovalService
from core.services.auth import AuthService
from core.services.catalog import CatalogService
from core.services.credentials import CredentialHasher
from core.services.customers import CustomerService
from core.services.demo_store import create_demo_store
from core.services.device_settings import DeviceSettingsService
from core.services.drawer import DrawerService
from core.services.exporting import ExportService
from core.services.identity import ThisDevice, load_this_device
from core.services.importing import ImportService
from core.services.ledger import LedgerService
from core.services.register import RegisterService
from core.services.setup import StoreSetup, create_store
from core.services.staff import StaffService
from core.services.stock import StockService
from db.store import Store, open_store
from sync.client import KeyringTokenStore, SyncEngine

APP_NAME = "LunarFront"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_data_dir() -> Path:
    """The demo store lives in a folder of its own, away from real store data."""
    return default_data_dir() / "demo-store"


@dataclass(frozen=True)
class Services:
    """Every service the screens use, wired to one store."""

    auth: AuthService
    catalog: CatalogService
    stock: StockService
    customers: CustomerService
    staff: StaffService
    approvals: ApprovalService
    imports: ImportService
    exports: ExportService
    register: RegisterService
    drawer: DrawerService
    ledger: LedgerService
    devices: DeviceSettingsService


@dataclass
class AppContext:
    """What the running app holds once the store is open."""

    store: Store
    clock: Clock
    hasher: CredentialHasher
    demo: bool
    device: ThisDevice | None = None
    services: Services | None = None
    # The register's sync client; it only reads its local state until the register is paired.
    sync: SyncEngine | None = None

    @property
    def auth(self) -> AuthService | None:
        return self.services.auth if self.services else None

    def attach_device(self, device: ThisDevice) -> None:
        self.device = device
        store, clock, hasher = self.store, self.clock, self.hasher
        write, read = store.uow, store.read_sessions
        self.services = Services(
            auth=AuthService(write, read, device.company_id, clock, hasher),
            catalog=CatalogService(write, read, clock),
            stock=StockService(write, read, clock),
            customers=CustomerService(write, read, clock),
            staff=StaffService(write, read, clock, hasher),
            approvals=ApprovalService(write, read, clock, hasher),
            imports=ImportService(write, read, clock),
            exports=ExportService(write, read, clock),
            register=RegisterService(write, read, clock),
            drawer=DrawerService(write, read, clock),
            ledger=LedgerService(write, read, clock),
            # The demo store's printer, drawer and pole display are the on-screen ones.
            devices=DeviceSettingsService(
                write, read, clock, default=DeviceSettings.simulated() if self.demo else None
            ),
        )


def open_app(data_dir: Path, *, demo: bool, clock: Clock | None = None) -> AppContext:
    """Open (creating if needed) the store; a new demo folder is filled with the demo store."""
    store = open_store(data_dir)
    context = AppContext(
        store=store, clock=clock or SystemClock(), hasher=CredentialHasher(), demo=demo
    )
    # The device token lives in the OS keyring. Without one the app still runs: sync says
    # "not set up" and pairing explains the keyring problem when it tries to store the token.
    context.sync = SyncEngine(store.uow, context.clock, KeyringTokenStore())
    with store.read_sessions() as session:
        device = load_this_device(session)
    if device is None and demo:
        device = create_demo_store(store.uow, context.clock, context.hasher)
    if device is not None:
        context.attach_device(device)
    return context


def set_up_store(context: AppContext, setup: StoreSetup) -> ThisDevice:
    device = create_store(context.store.uow, context.clock, context.hasher, setup)
    context.attach_device(device)
    return device
