"""The sign-in screen: user name and password, or a staff tile and a PIN to switch quickly."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import DomainError
from core.services.auth import AuthService, SignedInUser, StaffTile
from desktop.tasks import TaskRunner
from desktop.widgets import button, card, label, plain, shortcut

MAX_TILE_COLUMNS = 2


class LoginPage(QWidget):
    signed_in = Signal(object)  # SignedInUser

    def __init__(
        self, runner: TaskRunner, auth: Callable[[], AuthService], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._auth = auth
        self._pin_user: StaffTile | None = None

        self.title = label("", "title")
        self.subtitle = label("", "subtitle")
        self.hint = label("", "hint")

        password_card, password_box = card()
        password_box.addWidget(label("Sign in", "subtitle"))
        self.username = QLineEdit(placeholderText="User name")
        self.username.setAccessibleName("User name")
        self.password = QLineEdit(placeholderText="Password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_button = button("Sign in", "primary")
        self.password_error = label("", "error")
        for widget in (self.username, self.password, self.sign_in_button, self.password_error):
            password_box.addWidget(widget)
        password_box.addStretch(1)

        switch_card, switch_box = card()
        self.switch_stack = QStackedWidget()
        self.tiles = plain()
        self.tile_grid = QGridLayout(self.tiles)
        self.tile_grid.setContentsMargins(0, 0, 0, 0)
        tiles_page = plain()
        tiles_box = QVBoxLayout(tiles_page)
        tiles_box.setContentsMargins(0, 0, 0, 0)
        tiles_box.addWidget(label("Quick switch — tap your name, then your PIN (F2)", "subtitle"))
        tiles_box.addWidget(self.tiles)
        tiles_box.addStretch(1)
        self.switch_stack.addWidget(tiles_page)
        self.switch_stack.addWidget(self._build_pin_pad())
        switch_box.addWidget(self.switch_stack)

        cards = QHBoxLayout()
        cards.setSpacing(24)
        cards.addWidget(password_card, 1)
        cards.addWidget(switch_card, 1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 36, 48, 24)
        outer.setSpacing(16)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addLayout(cards)
        outer.addWidget(self.hint)
        outer.addStretch(1)

        self.sign_in_button.clicked.connect(self._sign_in_with_password)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._sign_in_with_password)
        shortcut("F2", self, self._focus_tiles)

    # -- filling the page ---------------------------------------------------------------
    def show_store(self, store: str, where: str, tiles: list[StaffTile], hint: str) -> None:
        self.title.setText(store)
        self.subtitle.setText(where)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        while self.tile_grid.count():
            item = self.tile_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        pin_tiles = [tile for tile in tiles if tile.has_pin]
        for index, tile in enumerate(pin_tiles):
            tile_button = button(f"{tile.display_name}\n{tile.role.label}", "tile")
            tile_button.setAccessibleName(f"Switch to {tile.display_name}")
            tile_button.clicked.connect(lambda _=False, t=tile: self.ask_pin(t))
            self.tile_grid.addWidget(
                tile_button, index // MAX_TILE_COLUMNS, index % MAX_TILE_COLUMNS
            )
        self.reset()

    def reset(self) -> None:
        """Back to an empty form, e.g. after signing out or locking the register."""
        self.password.clear()
        self.pin.clear()
        self.password_error.clear()
        self.pin_error.clear()
        self.switch_stack.setCurrentIndex(0)
        self._pin_user = None
        self._set_busy(False)
        self.username.setFocus()

    # -- PIN pad ------------------------------------------------------------------------
    def _build_pin_pad(self) -> QWidget:
        page = plain()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.pin_title = label("", "subtitle")
        self.pin = QLineEdit(placeholderText="PIN")
        self.pin.setAccessibleName("PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_error = label("", "error")
        keys = QGridLayout()
        for index, key in enumerate("123456789"):
            keys.addWidget(self._key(key), index // 3, index % 3)
        clear, zero = button("Clear", "key"), self._key("0")
        self.pin_ok = button("OK", "key")
        self.pin_ok.setProperty("primary", True)
        clear.clicked.connect(self.pin.clear)
        self.pin_ok.clicked.connect(self._sign_in_with_pin)
        keys.addWidget(clear, 3, 0)
        keys.addWidget(zero, 3, 1)
        keys.addWidget(self.pin_ok, 3, 2)
        back = button("Back (Esc)")
        back.clicked.connect(self.reset)
        for widget in (self.pin_title, self.pin, self.pin_error):
            box.addWidget(widget)
        box.addLayout(keys)
        box.addWidget(back)
        self.pin.returnPressed.connect(self._sign_in_with_pin)
        shortcut("Esc", page, self.reset)
        return page

    def _key(self, digit: str) -> QPushButton:
        key = button(digit, "key")
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the PIN field
        key.clicked.connect(lambda: self.pin.insert(digit))
        return key

    def ask_pin(self, tile: StaffTile) -> None:
        self._pin_user = tile
        self.pin_title.setText(f"PIN for {tile.display_name}")
        self.pin.clear()
        self.pin_error.clear()
        self.switch_stack.setCurrentIndex(1)
        self.pin.setFocus()

    def _focus_tiles(self) -> None:
        self.switch_stack.setCurrentIndex(0)
        first = self.tile_grid.itemAt(0)
        widget = first.widget() if first is not None else None
        if widget is not None:
            widget.setFocus()

    # -- signing in (off the GUI thread) ------------------------------------------------
    def _sign_in_with_password(self) -> None:
        username, password = self.username.text(), self.password.text()
        if not username.strip() or not password:
            self.password_error.setText("Enter your user name and password.")
            return
        self._set_busy(True)
        self.password_error.setText("Checking…")
        self._runner.run_db(
            lambda: self._auth().sign_in_with_password(username, password),
            self._done,
            lambda error: self._failed(error, self.password_error, self.password),
        )

    def _sign_in_with_pin(self) -> None:
        tile, pin = self._pin_user, self.pin.text()
        if tile is None:
            return
        if not pin:
            self.pin_error.setText("Enter your PIN.")
            return
        self._set_busy(True)
        self.pin_error.setText("Checking…")
        self._runner.run_db(
            lambda: self._auth().sign_in_with_pin(tile.id, pin),
            self._done,
            lambda error: self._failed(error, self.pin_error, self.pin),
        )

    def _done(self, user: SignedInUser) -> None:
        self._set_busy(False)
        self.signed_in.emit(user)

    def _failed(self, error: BaseException, where: QLabel, field: QLineEdit) -> None:
        self._set_busy(False)
        message = str(error) if isinstance(error, DomainError) else (f"Could not sign in: {error}")
        where.setText(message)
        field.clear()
        field.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.username, self.password, self.sign_in_button, self.pin, self.pin_ok):
            widget.setEnabled(not busy)
