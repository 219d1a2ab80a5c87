"""First run on a new machine with no store: name the store, this register and the first admin.

The installer issue grows this into the full wizard (tax, devices, pairing with a server).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from core.currency import CURRENCIES
from core.services.setup import StoreSetup
from desktop.widgets import button, card, label

COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
)


class SetupPage(QWidget):
    submitted = Signal(object)  # StoreSetup

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame, box = card()
        box.addWidget(label("Set up this store", "title"))
        box.addWidget(
            label(
                "This machine has no store yet. Name the store and this register, and create the "
                "first administrator. Everything else can be set up after signing in.",
                "muted",
            )
        )
        form = QFormLayout()
        form.setSpacing(10)
        self.company = QLineEdit(placeholderText="e.g. Moonlight Music Co.")
        self.location = QLineEdit(placeholderText="e.g. Main Street")
        self.location_code = QLineEdit("MAIN")
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItems(COMMON_ZONES)
        self.currency = QComboBox()
        self.currency.addItems(sorted(CURRENCIES))
        self.currency.setCurrentText("USD")
        self.register = QLineEdit("Front Counter")
        self.prefix = QLineEdit("R1")
        self.sales_tax = QLineEdit(placeholderText="e.g. 8.25 — leave empty for none")
        self.admin_username = QLineEdit(placeholderText="e.g. alex")
        self.admin_name = QLineEdit(placeholderText="e.g. Alex Rivera")
        self.admin_password = QLineEdit(placeholderText="at least 8 characters")
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_pin = QLineEdit(placeholderText="4 to 8 digits, optional")
        self.admin_pin.setEchoMode(QLineEdit.EchoMode.Password)
        for caption, widget in (
            ("Store name", self.company),
            ("Location name", self.location),
            ("Location code", self.location_code),
            ("Time zone", self.timezone),
            ("Currency", self.currency),
            ("This register", self.register),
            ("Receipt prefix", self.prefix),
            ("Sales tax %", self.sales_tax),
            ("Admin user name", self.admin_username),
            ("Admin full name", self.admin_name),
            ("Admin password", self.admin_password),
            ("Admin PIN", self.admin_pin),
        ):
            form.addRow(caption, widget)
        box.addLayout(form)
        self.error = label("", "error")
        self.create_button = button("Create store", "primary")
        box.addWidget(self.error)
        box.addWidget(self.create_button)
        self.create_button.clicked.connect(self._submit)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(120, 30, 120, 30)
        outer.addWidget(frame)
        outer.addStretch(1)

    def _submit(self) -> None:
        pin = self.admin_pin.text().strip()
        self.submitted.emit(
            StoreSetup(
                company_name=self.company.text(),
                currency=self.currency.currentText(),
                location_name=self.location.text(),
                location_code=self.location_code.text(),
                timezone=self.timezone.currentText().strip(),
                register_name=self.register.text(),
                register_prefix=self.prefix.text(),
                admin_username=self.admin_username.text(),
                admin_display_name=self.admin_name.text(),
                admin_password=self.admin_password.text(),
                admin_pin=pin or None,
                sales_tax=self.sales_tax.text(),
            )
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.create_button.setEnabled(True)
