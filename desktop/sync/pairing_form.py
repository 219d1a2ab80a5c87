"""The pairing form: the sync server's address, the one-time pairing code and, for a server
with its own certificate authority, the CA certificate file.

What was typed is checked here before anything is sent (a field left empty, an address that
is not http(s), a certificate file that is not there); the sync client checks the rest and
its plain-word refusals are shown under the field they are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.widgets import button, label, set_role


class Field(StrEnum):
    SERVER = "server"
    CODE = "code"
    CA_FILE = "ca_file"
    FORM = "form"  # not about one field: the keyring, another store's data …


@dataclass(frozen=True, slots=True)
class PairingInput:
    server_url: str
    code: str
    ca_file: Path | None


def check_pairing(server: str, code: str, ca_file: str) -> PairingInput | dict[Field, str]:
    """What was typed as a pairing request, or what is wrong with it, field by field."""
    server, code, ca_file = server.strip(), code.strip(), ca_file.strip()
    errors: dict[Field, str] = {}
    if not server:
        errors[Field.SERVER] = "Type the sync server's address, e.g. https://sync.example.com."
    elif not _is_web_address(server):
        errors[Field.SERVER] = (
            "That is not a sync server's address. Type it like https://sync.example.com "
            "(http:// only for a server on this computer)."
        )
    if not code:
        errors[Field.CODE] = "Type the one-time pairing code from the sync server's administrator."
    ca_path = Path(ca_file).expanduser() if ca_file else None
    if ca_path is not None and not ca_path.is_file():
        errors[Field.CA_FILE] = "There is no file at this path. Choose the certificate file again."
    if errors:
        return errors
    return PairingInput(server.rstrip("/"), code, ca_path)


def _is_web_address(text: str) -> bool:
    if any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def field_of(message: str, *, ca_file_given: bool) -> Field:
    """Which field a refusal from the sync client is about, by what it talks of."""
    text = message.lower()
    if "keyring" in text or "password store" in text or "another store" in text:
        return Field.FORM
    if "code" in text:
        return Field.CODE
    if "certificate" in text and ca_file_given:
        return Field.CA_FILE
    return Field.SERVER


class PairingForm(QWidget):
    """Three rows, each with its error line under the field; `errors` by `Field`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plain")
        self.server = _line("Sync server address", "https://sync.example.com")
        self.code = _line("Pairing code", "e.g. 7KQ2M-9XDAB")
        self.ca_file = _line(
            "CA certificate file", "Only if the server's administrator gave you one"
        )
        self.choose_button = button("Choose…  (F4)")
        self.choose_button.setAccessibleName("Choose the CA certificate file")
        self.choose_button.setMinimumWidth(self.choose_button.sizeHint().width())
        self.errors = {field: _error_line() for field in Field}

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        rows: list[tuple[str, QWidget, Field]] = [
            ("Server address", self.server, Field.SERVER),
            ("Pairing code", self.code, Field.CODE),
        ]
        ca_row = QWidget()
        ca_row.setObjectName("plain")
        ca_box = QHBoxLayout(ca_row)
        ca_box.setContentsMargins(0, 0, 0, 0)
        ca_box.addWidget(self.ca_file, 1)
        ca_box.addWidget(self.choose_button)
        rows.append(("CA certificate (optional)", ca_row, Field.CA_FILE))
        for index, (title, widget, field) in enumerate(rows):
            caption = label(title)
            caption.setWordWrap(False)
            grid.addWidget(caption, index * 2, 0)
            grid.addWidget(widget, index * 2, 1)
            grid.addWidget(self.errors[field], index * 2 + 1, 1)
        grid.addWidget(self.errors[Field.FORM], len(rows) * 2, 0, 1, 2)

    def read(self) -> PairingInput | None:
        """The request, or None after showing what is wrong under each field."""
        checked = check_pairing(self.server.text(), self.code.text(), self.ca_file.text())
        self.clear_errors()
        if isinstance(checked, PairingInput):
            return checked
        for field, message in checked.items():
            self.show_error(field, message)
        first = next(iter(checked))
        self.field_widget(first).setFocus()
        return None

    def field_widget(self, field: Field) -> QLineEdit:
        return {Field.CODE: self.code, Field.CA_FILE: self.ca_file}.get(field, self.server)

    def show_error(self, field: Field, message: str) -> None:
        line = self.errors[field]
        line.setText(message)
        line.setVisible(True)

    def clear_errors(self) -> None:
        for line in self.errors.values():
            line.clear()
            line.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.code, self.ca_file, self.choose_button):
            widget.setEnabled(not busy)

    def clear(self) -> None:
        self.code.clear()
        self.clear_errors()


def _line(name: str, hint: str) -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(hint)
    return line


def _error_line() -> QLabel:
    line = label("")
    set_role(line, "error")
    line.setVisible(False)
    return line
