"""The users area, for managers and admins."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.setup import NewUser
from core.services.staff import StaffService
from core.services.staff_directory import UserDetail, UserRow
from core.staff.permissions import ROLE_DEFAULTS, Permission
from core.staff.roles import Role
from desktop.operations import Operations, plain_message
from desktop.table_model import Column, RowsModel
from desktop.widgets import button, card, label

COLUMNS: list[Column[UserRow]] = [
    Column("Name", lambda u: u.display_name),
    Column("User name", lambda u: u.username),
    Column("Role", lambda u: u.role.label),
    Column("PIN", lambda u: "yes" if u.has_pin else "—"),
    Column(
        "Status",
        lambda u: ("active" if u.active else "inactive") + (" · locked" if u.locked_until else ""),
    ),
]


class UsersPage(QWidget):
    def __init__(
        self, ops: Operations, staff: Callable[[], StaffService], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ops, self._staff = ops, staff
        self._detail: UserDetail | None = None
        self.model: RowsModel[UserRow] = RowsModel(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.show_inactive = QCheckBox("Show inactive")
        self.new_button = button("New user  (Ctrl+N)")

        frame, box = card()
        self.name = label("Choose a user", "subtitle")
        self.facts = label("", "muted")
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.active = QCheckBox("Active")
        form = QFormLayout()
        form.addRow("Display name", self.display_name)
        form.addRow("Role", self.role)
        form.addRow("", self.active)
        self.permission_boxes: dict[Permission, QCheckBox] = {}
        grid = QGridLayout()
        for index, permission in enumerate(Permission):
            check = QCheckBox(permission.label.capitalize())
            check.setTristate(False)
            self.permission_boxes[permission] = check
            grid.addWidget(check, index // 2, index % 2)
        self.save_button = button("Save changes", "primary")
        self.pin_button = button("Reset PIN")
        self.password_button = button("Reset password")
        self.unlock_button = button("Unlock")
        self.error = label("", "error")
        actions = QHBoxLayout()
        for widget in (self.pin_button, self.password_button, self.unlock_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        box.addWidget(self.name)
        box.addWidget(self.facts)
        box.addLayout(form)
        box.addWidget(
            label("May do (ticked = allowed; differences from the role are overrides)", "muted")
        )
        box.addLayout(grid)
        box.addWidget(self.error)
        box.addStretch(1)
        box.addLayout(actions)

        left = QWidget()
        left.setMinimumWidth(460)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.show_inactive)
        left_box.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(frame)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        top = QHBoxLayout()
        top.addWidget(label("Users", "title"))
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._select(current.row())
        )
        self.show_inactive.toggled.connect(lambda _on: self.activate())
        self.new_button.clicked.connect(self.new_user)
        self.save_button.clicked.connect(self.save)
        self.pin_button.clicked.connect(self.reset_pin)
        self.password_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock)
        self._set_enabled(False)

    def activate(self) -> None:
        staff, inactive = self._staff(), self.show_inactive.isChecked()
        self._ops.read(lambda: staff.list_users(include_inactive=inactive), self._listed)
        self.table.setFocus()

    def _listed(self, users: list[UserRow]) -> None:
        self.model.set_rows(users)
        if self._detail is not None:
            for index, user in enumerate(users):
                if user.id == self._detail.id:
                    self.table.selectRow(index)
                    return
        if users:
            self.table.selectRow(0)

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.show_user(self.model.row(row).id)

    def show_user(self, user_id: uuid.UUID) -> None:
        staff = self._staff()
        self._ops.read(lambda: staff.user_detail(user_id), self._shown)

    def _shown(self, detail: UserDetail) -> None:
        self._detail = detail
        self.name.setText(f"{detail.display_name}  ·  {detail.username}")
        last = (
            detail.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if detail.last_login_at else "never"
        )
        locked = f" · locked until {detail.locked_until:%H:%M} UTC" if detail.locked_until else ""
        self.facts.setText(f"Last sign-in: {last}{locked}")
        self.display_name.setText(detail.display_name)
        self.role.setCurrentIndex(self.role.findData(detail.role))
        self.active.setChecked(detail.active)
        for permission, check in self.permission_boxes.items():
            check.setChecked(permission in detail.permissions)
            override = detail.overrides.get(permission)
            check.setToolTip(
                ""
                if override is None
                else "Granted for this user"
                if override
                else "Denied for this user"
            )
        self.error.setText("")
        self._set_enabled(True)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.save_button,
            self.pin_button,
            self.password_button,
            self.unlock_button,
            self.display_name,
            self.role,
            self.active,
        ):
            widget.setEnabled(enabled)

    def save(self) -> None:
        detail = self._detail
        if detail is None:
            return
        staff, actor = self._staff(), self._ops.actor
        display_name, role, active = (
            self.display_name.text(),
            self.role.currentData(),
            self.active.isChecked(),
        )
        role_defaults = _defaults(role)
        wanted = {p: c.isChecked() for p, c in self.permission_boxes.items()}

        def work(approval: object) -> None:
            staff.update_user(actor, detail.id, display_name, role, active, approval=approval)  # type: ignore[arg-type]
            for permission, allowed in wanted.items():
                override = None if allowed == (permission in role_defaults) else allowed
                if detail.overrides.get(permission) != override:
                    staff.set_permission(actor, detail.id, permission, override, approval=approval)  # type: ignore[arg-type]

        self._ops.write(work, lambda _r: self._saved("Saved."), self._failed)

    def _saved(self, message: str) -> None:
        self.error.setText(message)
        self.activate()

    def _failed(self, error: BaseException) -> None:
        self.error.setText(plain_message(error))

    def reset_pin(self) -> None:
        detail = self._detail
        if detail is None:
            return
        pin, ok = QInputDialog.getText(
            self, "Reset PIN", f"New PIN for {detail.display_name}", QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        staff, actor = self._staff(), self._ops.actor
        self._ops.write(
            lambda a: staff.reset_pin(actor, detail.id, pin, approval=a),
            lambda _r: self._saved("PIN changed."),
            self._failed,
        )

    def reset_password(self) -> None:
        detail = self._detail
        if detail is None:
            return
        password, ok = QInputDialog.getText(
            self,
            "Reset password",
            f"New password for {detail.display_name}",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        staff, actor = self._staff(), self._ops.actor
        self._ops.write(
            lambda a: staff.reset_password(actor, detail.id, password, approval=a),
            lambda _r: self._saved("Password changed."),
            self._failed,
        )

    def unlock(self) -> None:
        detail = self._detail
        if detail is None:
            return
        staff, actor = self._staff(), self._ops.actor
        self._ops.write(
            lambda a: staff.unlock(actor, detail.id, approval=a),
            lambda _r: self._saved("Unlocked."),
            self._failed,
        )

    def new_user(self) -> None:
        dialog = NewUserDialog(self)
        if not dialog.exec():
            return
        new, staff, actor = dialog.new_user(), self._staff(), self._ops.actor
        self._ops.write(
            lambda a: staff.create_user(actor, new, approval=a),
            self._created,
            self._failed,
        )

    def _created(self, user_id: uuid.UUID) -> None:
        self.activate()
        self.show_user(user_id)


def _defaults(role: Role) -> frozenset[Permission]:
    return ROLE_DEFAULTS[role]


class NewUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New user")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.role.setCurrentIndex(self.role.findData(Role.STAFF))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for caption, widget in (
            ("User name", self.username),
            ("Full name", self.display_name),
            ("Role", self.role),
            ("Password", self.password),
            ("PIN (optional)", self.pin),
        ):
            form.addRow(caption, widget)
        ok, cancel = button("Create", "primary"), button("Cancel")
        ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)

    def new_user(self) -> NewUser:
        return NewUser(
            self.username.text(),
            self.display_name.text(),
            self.role.currentData(),
            self.password.text(),
            self.pin.text().strip() or None,
        )
