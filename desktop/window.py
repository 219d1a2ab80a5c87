"""The main window: opening the store, first-run set-up, sign-in and the shell.

Every database call goes through the TaskRunner; this class only reacts to results.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.clock import SystemClock
from core.errors import DomainError
from core.services.approval import ApprovalService
from core.services.auth import AuthService, SignedInUser, SignInError, StaffTile
from core.services.demo_store import DEMO_PASSWORD, DEMO_USERS
from core.services.device_settings import LoadedDeviceSettings
from core.services.identity import ThisDevice
from core.services.local_settings import read_setting, write_setting
from core.services.overview import store_overview
from core.services.setup import StoreSetup
from core.staff.actor import Actor
from core.staff.permissions import Permission
from db.errors import StoreError
from desktop.books.page import BooksPage
from desktop.bootstrap import AppContext, Services, open_app, set_up_store
from desktop.customers.page import CustomersPage
from desktop.devices.hub import DeviceHub
from desktop.devices.page import DevicesPage
from desktop.devices.print_banner import PrintBanner
from desktop.devices.printing import Printing
from desktop.devices.simulated_window import SimulatedDevicesWindow
from desktop.devices.wedge_filter import WedgeFilter
from desktop.drawer.desk import Desk
from desktop.drawer.page import DrawerPage
from desktop.home import HomePage
from desktop.inventory.page import InventoryPage
from desktop.login import LoginPage
from desktop.operations import Operations, plain_message
from desktop.register.page import RegisterPage
from desktop.register.till import Till
from desktop.settings_page import SettingsPage
from desktop.setup_page import SetupPage
from desktop.shell import Area, Shell
from desktop.staff.page import UsersPage
from desktop.status import StoreStatusBar
from desktop.sync.bridge import SyncBridge
from desktop.sync.page import SyncPage
from desktop.tasks import TaskRunner
from desktop.theme import ThemeName, apply_theme
from desktop.widgets import label, shortcut

THEME_KEY = "theme"
RECEIPTS_FOLDER = "receipts"
REPORTS_FOLDER = "reports"
EXPORTS_FOLDER = "exports"


class MainWindow(QMainWindow):
    login_ready = Signal()
    startup_failed = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        *,
        demo: bool,
        theme: ThemeName | None = None,
        runner: TaskRunner | None = None,
        keyboard_scanner: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle("LunarFront")
        self.resize(1280, 800)
        self.setMinimumSize(1024, 700)
        self.data_dir = data_dir
        self.demo = demo
        self.theme_override = theme
        # False leaves every key to the focused widget whatever the saved settings say: for
        # a machine driven by software that types at machine speed (the test suite does).
        self.keyboard_scanner = keyboard_scanner
        self.theme = theme or ThemeName.LIGHT
        self.runner = runner or TaskRunner(self)
        self.context: AppContext | None = None
        self.user: SignedInUser | None = None
        self.status = StoreStatusBar(SystemClock())
        self.setStatusBar(self.status)
        # Sync runs on the runner's own thread; its reports arrive here as a signal.
        self.sync_bridge = SyncBridge(self.runner, parent=self)
        self.sync_bridge.status_changed.connect(self.status.show_sync)
        self.status.sync.clicked.connect(self._open_sync)
        self.sync_bridge.status_changed.connect(self._show_sync)
        self.pages = QStackedWidget()
        self.hub = DeviceHub(self.runner, self)
        self.print_banner = PrintBanner(self.hub, self)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.print_banner)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.simulated = SimulatedDevicesWindow(self.hub, self)
        self.hub.show_simulated_requested.connect(self._show_simulated)
        self.hub.health_changed.connect(self._show_device_health)
        self.loading = label("Opening the store…", "title")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setup_page = SetupPage()
        self.login = LoginPage(self.runner, self._auth)
        self.home = HomePage()
        self.settings = SettingsPage()
        self.actor: Actor | None = None
        self.ops = Operations(self.runner, self._approvals, self._actor, self)
        self.printing = Printing(self.hub, self.ops, lambda: self._services().register)
        self.inventory = InventoryPage(
            self.runner,
            self.ops,
            lambda: self._services().catalog,
            lambda: self._services().stock,
            lambda: self._device().location_id,
            lambda: self._device().currency,
            lambda: self._services().imports,
            lambda: self._services().exports,
        )
        self.customers = CustomersPage(
            self.runner,
            self.ops,
            lambda: self._services().customers,
            lambda: self._services().imports,
            lambda: self._services().exports,
        )
        self.users = UsersPage(self.ops, lambda: self._services().staff)
        self.register = RegisterPage(
            Till(
                runner=self.runner,
                ops=self.ops,
                register=lambda: self._services().register,
                drawer=lambda: self._services().drawer,
                catalog=lambda: self._services().catalog,
                customers=lambda: self._services().customers,
                location_id=lambda: self._device().location_id,
                currency=lambda: self._device().currency,
                timezone=lambda: self._device().timezone,
                receipts_dir=lambda: self._context().store.data_dir / RECEIPTS_FOLDER,
                printing=self.printing,
            )
        )
        self.drawer = DrawerPage(
            Desk(
                runner=self.runner,
                ops=self.ops,
                drawer=lambda: self._services().drawer,
                reports_dir=lambda: self._context().store.data_dir / REPORTS_FOLDER,
                timezone=lambda: self._device().timezone,
                printing=self.printing,
            )
        )
        self.books = BooksPage(
            self.runner,
            self.ops,
            lambda: self._services().ledger,
            lambda: self._device().currency,
            lambda: self._context().store.data_dir / EXPORTS_FOLDER,
        )
        self.register.sale_completed.connect(self.printing.after_sale)
        self.register.sale_completed.connect(lambda _sale: self.sync_bridge.nudge())
        self.register.sale_shown.connect(self.printing.sale_shown)
        self.devices = DevicesPage(
            self.ops,
            self.hub,
            lambda: self._services().devices,
            lambda: self._services().drawer,
        )
        self.sync = SyncPage(
            self.ops,
            self.sync_bridge,
            lambda: self._device().timezone,
            self._now,
        )
        # The register is Ctrl+1 and its drawer Ctrl+2; the rest follow in this order, the
        # tenth (sync) on Ctrl+0.
        self.shell = Shell(
            [
                Area("Register", self.register),
                Area("Drawer", self.drawer),
                Area("Home", self.home),
                Area("Inventory", self.inventory),
                Area("Customers", self.customers),
                Area("Books", self.books),
                Area("Users", self.users),
                Area("Devices", self.devices),
                Area("Settings", self.settings),
                Area("Sync", self.sync),
            ]
        )
        self.shell.area_shown.connect(self._area_shown)
        for page in (self.loading, self.setup_page, self.login, self.shell):
            self.pages.addWidget(page)

        self.setup_page.submitted.connect(self._create_store)
        self.login.signed_in.connect(self._signed_in)
        self.shell.lock_requested.connect(self._lock)
        self.shell.sign_out_requested.connect(self._sign_out)
        self.settings.theme_chosen.connect(lambda name: self.set_theme(ThemeName(name)))
        self.settings.sync_requested.connect(self._open_sync)
        shortcut("Ctrl+Shift+T", self, self._toggle_theme)
        # A keyboard scanner types into whatever has the focus; this tells it from a person
        # and sends its codes to the register (or the devices screen's scan test).
        wedge = replace(self.hub.settings.wedge, enabled=keyboard_scanner)
        self.wedge = WedgeFilter(wedge, wants_scan=self._wants_scan, parent=self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.wedge)
        self.wedge.scanned.connect(self._scanned)
        self.hub.scanned.connect(self._scanned)

    # -- start-up -----------------------------------------------------------------------
    def start(self) -> None:
        self.pages.setCurrentWidget(self.loading)
        self.runner.run_db(self._open, self._opened, self._open_failed)

    def _open(self) -> tuple[AppContext, ThemeName]:
        context = open_app(self.data_dir, demo=self.demo)
        saved = read_setting(context.store.read_sessions, THEME_KEY, ThemeName.LIGHT.value)
        return context, ThemeName(saved) if saved in ThemeName._value2member_map_ else (
            ThemeName.LIGHT
        )

    def _opened(self, result: tuple[AppContext, ThemeName]) -> None:
        self.context, saved_theme = result
        self.apply_theme(self.theme_override or saved_theme)
        if self.context.sync is not None:
            self.sync_bridge.attach(self.context.sync)
        if self.context.device is None:
            self.pages.setCurrentWidget(self.setup_page)
            self.setup_page.company.setFocus()
        else:
            self._show_login()

    def _open_failed(self, error: BaseException) -> None:
        message = (
            str(error)
            if isinstance(error, StoreError)
            else (f"LunarFront could not open its store: {error!r}")
        )
        self.startup_failed.emit(message)

    def _create_store(self, setup: StoreSetup) -> None:
        context = self.context
        assert context is not None
        self.setup_page.create_button.setEnabled(False)
        self.runner.run_db(
            lambda: set_up_store(context, setup),
            lambda _device: self._show_login(),
            lambda error: self.setup_page.show_error(
                str(error) if isinstance(error, DomainError) else f"Could not set up: {error}"
            ),
        )

    # -- signing in and out -------------------------------------------------------------
    def _auth(self) -> AuthService:
        auth = self._context().auth
        assert auth is not None
        return auth

    def _show_login(self) -> None:
        self.runner.run_db(lambda: self._auth().staff_tiles(), self._tiles_loaded)
        devices = self._services().devices
        self.runner.run_db(devices.load, self._devices_loaded)

    def _devices_loaded(self, loaded: LoadedDeviceSettings) -> None:
        self.hub.apply(loaded.settings)
        if loaded.problem:
            self.status.devices.setToolTip(loaded.problem)

    # -- sync ---------------------------------------------------------------------------
    def _show_sync(self, _status: object = None) -> None:
        may = self.actor is not None and self.actor.may(Permission.MANAGE_SYNC)
        self.settings.show_sync(self.status.sync.full_text, may)

    def _open_sync(self) -> None:
        """The status bar's sync item was clicked: the sync screen, for those who may see it."""
        if self.actor is not None and self.pages.currentWidget() is self.shell:
            self.shell.show_area(self.shell.stack.indexOf(self.sync))

    # -- devices ------------------------------------------------------------------------
    def _show_device_health(self) -> None:
        self.status.show_devices([(h.device, h.text, h.ok) for h in self.hub.health()])
        wedge = self.hub.settings.wedge
        self.wedge.set_settings(replace(wedge, enabled=wedge.enabled and self.keyboard_scanner))

    def _show_simulated(self) -> None:
        self.simulated.show()
        self.simulated.raise_()

    def _scan_target(self) -> QWidget | None:
        """The screen a scanned code goes to: the register or the devices screen's test."""
        if self.actor is None or self.pages.currentWidget() is not self.shell:
            return None
        page = self.shell.stack.currentWidget()
        return page if page in (self.register, self.devices) else None

    def _wants_scan(self, _focused: QWidget | None) -> bool:
        return self._scan_target() is not None

    def _scanned(self, code: str) -> None:
        target = self._scan_target()
        if target is self.register:
            self.register.accept_scan(code)
        elif target is self.devices:
            self.devices.show_scan(code)
        else:
            # Elsewhere a scan is typing: into the field that has the focus, if it takes text.
            focused = QApplication.focusWidget()
            if isinstance(focused, QLineEdit) and not focused.isReadOnly():
                focused.insert(code)

    def _tiles_loaded(self, tiles: list[StaffTile]) -> None:
        device = self._device()
        self.status.show_register(
            device.device_name, device.device_prefix, device.location_name, device.timezone
        )
        self.login.show_store(
            device.company_name,
            f"{device.location_name} · {device.device_name}",
            tiles,
            self._demo_hint(),
        )
        self.pages.setCurrentWidget(self.login)
        self.login.username.setFocus()
        self.login_ready.emit()

    def _demo_hint(self) -> str:
        if not self.context or not self.context.demo:
            return ""
        people = ", ".join(f"{u.username} (PIN {u.pin})" for u in DEMO_USERS)
        return f"Demo store — every password is {DEMO_PASSWORD}. Users: {people}."

    def _signed_in(self, user: SignedInUser) -> None:
        device, staff = self._device(), self._services().staff
        self.runner.run_db(
            lambda: staff.actor_for(user, device),
            lambda actor: self._enter_shell(user, actor),
            self._open_failed_for_user,
        )

    def _open_failed_for_user(self, error: BaseException) -> None:
        self.login.reset()
        self.login.password_error.setText(plain_message(error))

    def _enter_shell(self, user: SignedInUser, actor: Actor) -> None:
        self.user = user
        self.actor = actor
        device = self._device()
        users_area = self.shell.stack.indexOf(self.users)
        self.shell.set_area_visible(users_area, actor.may(Permission.MANAGE_USERS))
        # The books are the manager's and the accountant's, not the counter's.
        books_area = self.shell.stack.indexOf(self.books)
        self.shell.set_area_visible(books_area, actor.may(Permission.EXPORT))
        devices_area = self.shell.stack.indexOf(self.devices)
        self.shell.set_area_visible(devices_area, actor.may(Permission.MANAGE_DEVICES))
        sync_area = self.shell.stack.indexOf(self.sync)
        self.shell.set_area_visible(sync_area, actor.may(Permission.MANAGE_SYNC))
        self._show_sync()
        self.status.show_user(user.display_name, user.role.label)
        self.home.show_user(
            f"Hello, {user.display_name}",
            f"{user.role.label} at {device.location_name} · {device.device_name}",
        )
        self.settings.show_about(
            [
                f"Store: {device.company_name} ({device.currency})",
                f"Location: {device.location_name} ({device.timezone})",
                f"Register: {device.device_name}, receipt prefix {device.device_prefix}",
                f"Data folder: {self.data_dir}",
                f"Database schema: {self._context().store.schema.current}",
            ]
        )
        self.pages.setCurrentWidget(self.shell)
        self.shell.show_area(0)  # the register, once the shell is on screen to take the focus
        context = self._context()
        self.runner.run_db(
            lambda: store_overview(context.store.read_sessions, device.company_id),
            self.home.show_overview,
        )

    def _area_shown(self, page: QWidget) -> None:
        activate = getattr(page, "activate", None)
        if callable(activate):
            activate()

    def _lock(self) -> None:
        """Hand the register to the next cashier: back to sign-in, PIN tiles ready."""
        self.user = None
        self.actor = None
        self.status.show_user(None)
        self.login.reset()
        self.pages.setCurrentWidget(self.login)
        self.login._focus_tiles()

    def _sign_out(self) -> None:
        self.user = None
        self.actor = None
        self.status.show_user(None)
        self.login.reset()
        self.login.username.clear()
        self.pages.setCurrentWidget(self.login)
        self.login.username.setFocus()

    # -- theme --------------------------------------------------------------------------
    def apply_theme(self, name: ThemeName) -> None:
        self.theme = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.settings.show_theme(name)

    def set_theme(self, name: ThemeName) -> None:
        self.apply_theme(name)
        context = self.context
        if context is not None:
            self.runner.run_db(
                lambda: write_setting(context.store.uow, THEME_KEY, name.value), lambda _: None
            )

    def _toggle_theme(self) -> None:
        self.set_theme(ThemeName.DARK if self.theme is ThemeName.LIGHT else ThemeName.LIGHT)

    # -- helpers ------------------------------------------------------------------------
    def _context(self) -> AppContext:
        assert self.context is not None
        return self.context

    def _services(self) -> Services:
        services = self._context().services
        assert services is not None
        return services

    def _now(self) -> datetime:
        return self._context().clock.now()

    def _approvals(self) -> ApprovalService:
        return self._services().approvals

    def _actor(self) -> Actor:
        if self.actor is None:
            raise SignInError("Sign in first.")
        return self.actor

    def _device(self) -> ThisDevice:
        device = self._context().device
        assert device is not None
        return device

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.sync_bridge.close()
        self.hub.close()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)
        self.runner.shutdown()
        if self.context is not None:
            self.context.store.close()
        super().closeEvent(event)


def show_fatal(parent: QWidget | None, message: str) -> None:
    print(message, file=sys.stderr)
    QMessageBox.critical(parent, "LunarFront cannot start", message)


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
