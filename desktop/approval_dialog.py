"""Manager approval on the spot: a manager types their PIN on the cashier's screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.errors import DomainError
from core.services.approval import Approval
from core.staff.permissions import Permission
from desktop.tasks import TaskRunner
from desktop.widgets import button, label


class ApprovalDialog(QDialog):
    """`exec()` returns Accepted with `.approval` set once a manager's PIN is accepted."""

    def __init__(
        self,
        runner: TaskRunner,
        approve: Callable[[str], Approval],
        permission: Permission,
        who: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Manager approval")
        self.setModal(True)
        self.approval: Approval | None = None
        self._runner = runner
        self._approve = approve
        title = label("Manager approval needed", "subtitle")
        explain = label(f"{who} may not {permission.label} alone. A manager enters their PIN.")
        self.pin = QLineEdit(placeholderText="Manager PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = label("", "error")
        keys = QGridLayout()
        for index, digit in enumerate("1234567890"):
            key = button(digit, "key")
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.clicked.connect(lambda _=False, d=digit: self.pin.insert(d))
            keys.addWidget(key, index // 3, index % 3 if index < 9 else 1)
        self.ok = button("Approve", "primary")
        cancel = button("Cancel (Esc)")
        # Enter in the PIN box must approve: without this, Qt makes the first button in the
        # focus chain (Cancel) the default, and the Enter the box passes on presses it.
        self.ok.setDefault(True)
        cancel.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(cancel)
        row.addWidget(self.ok)
        layout = QVBoxLayout(self)
        for widget in (title, explain, self.pin, self.error):
            layout.addWidget(widget)
        layout.addLayout(keys)
        layout.addLayout(row)
        self.ok.clicked.connect(self._submit)
        self.pin.returnPressed.connect(self._submit)
        cancel.clicked.connect(self.reject)
        self.pin.setFocus()

    def _submit(self) -> None:
        pin = self.pin.text()
        if not pin:
            self.error.setText("Enter a manager's PIN.")
            return
        self.ok.setEnabled(False)
        self.error.setText("Checking…")
        self._runner.run_db(lambda: self._approve(pin), self._approved, self._refused)

    def _approved(self, approval: Approval) -> None:
        self.approval = approval
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
        self.error.setText(str(error) if isinstance(error, DomainError) else f"Error: {error}")
