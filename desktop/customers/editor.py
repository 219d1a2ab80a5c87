"""Creating and editing a customer account and its members, with a duplicate warning."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.customers.rules import CustomerDraft, MemberDraft
from core.services.customers import CustomerDetail, CustomerService, DuplicateCustomerWarning
from desktop.operations import Operations, plain_message
from desktop.widgets import button, label


class CustomerEditor(QDialog):
    def __init__(
        self,
        ops: Operations,
        customers: Callable[[], CustomerService],
        detail: CustomerDetail | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New customer" if detail is None else f"Edit {detail.name}")
        self.setMinimumWidth(600)
        self._ops, self._customers, self._detail = ops, customers, detail
        self.saved_id: uuid.UUID | None = detail.id if detail else None
        self.name = QLineEdit(placeholderText="e.g. García household, or a business name")
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.address = QLineEdit()
        self.exempt = QCheckBox("Tax exempt")
        self.certificate = QLineEdit(placeholderText="Exemption certificate number")
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self.first_member = QLineEdit(placeholderText="First name")
        self.last_member = QLineEdit(placeholderText="Last name")
        self.relationship = QLineEdit(placeholderText="e.g. parent, student")
        form = QFormLayout()
        for caption, widget in (
            ("Name", self.name),
            ("Phone", self.phone),
            ("Email", self.email),
            ("Address", self.address),
            ("", self.exempt),
            ("Certificate", self.certificate),
            ("Notes", self.notes),
        ):
            form.addRow(caption, widget)
        member_row = QHBoxLayout()
        for widget in (self.first_member, self.last_member, self.relationship):
            member_row.addWidget(widget)
        if detail is None:
            form.addRow("First member", member_row)
        else:
            self.add_member_button = button("Add member")
            member_row.addWidget(self.add_member_button)
            form.addRow("Add member", member_row)
            self.add_member_button.clicked.connect(self.add_member)
            self.name.setText(detail.name)
            self.phone.setText(detail.phone)
            self.email.setText(detail.email)
            self.address.setText(detail.address)
            self.exempt.setChecked(detail.tax_exempt)
            self.certificate.setText(detail.tax_exempt_certificate)
            self.notes.setPlainText(detail.notes)
        self.error = label("", "error")
        self.save_button = button("Save  (Ctrl+S)", "primary")
        self.save_button.setShortcut("Ctrl+S")
        cancel = button("Cancel")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.save_button.clicked.connect(self._save_clicked)
        cancel.clicked.connect(self.reject)
        self.name.setFocus()

    def draft(self) -> CustomerDraft:
        return CustomerDraft(
            name=self.name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            tax_exempt=self.exempt.isChecked(),
            tax_exempt_certificate=self.certificate.text(),
            notes=self.notes.toPlainText(),
        )

    def member(self) -> MemberDraft | None:
        if not (self.first_member.text().strip() or self.last_member.text().strip()):
            return None
        return MemberDraft(
            first_name=self.first_member.text(),
            last_name=self.last_member.text(),
            relationship=self.relationship.text(),
            email="",
            phone="",
        )

    def _save_clicked(self) -> None:
        self.save()  # clicked(bool) must not reach accept_duplicates

    def save(self, accept_duplicates: bool = False) -> None:
        draft, customers, actor = self.draft(), self._customers(), self._ops.actor
        detail = self._detail
        self.save_button.setEnabled(False)
        if detail is None:
            member = self.member()
            members = (member,) if member else ()
            self._ops.write(
                lambda _a: customers.create(
                    actor, draft, members, accept_duplicates=accept_duplicates
                ),
                self._saved,
                self._failed,
            )
        else:
            self._ops.write(
                lambda _a: customers.update(actor, detail.id, draft, detail.version),
                self._saved,
                self._failed,
            )

    def add_member(self) -> None:
        member, detail = self.member(), self._detail
        if member is None or detail is None:
            self.error.setText("Type the member's first and last name.")
            return
        customers, actor = self._customers(), self._ops.actor
        self._ops.write(
            lambda _a: customers.add_member(actor, detail.id, member),
            lambda _r: self._member_added(),
            self._failed,
        )

    def _member_added(self) -> None:
        for widget in (self.first_member, self.last_member, self.relationship):
            widget.clear()
        self.error.setText("Member added.")

    def _saved(self, result: Any) -> None:
        if isinstance(result, uuid.UUID):
            self.saved_id = result
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, DuplicateCustomerWarning):
            answer = QMessageBox.question(
                self,
                "Possible duplicate",
                f"{error.message}\n\nCreate a new account anyway?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.save(accept_duplicates=True)
            else:
                self.error.setText(error.message)
            return
        self.error.setText(plain_message(error))
