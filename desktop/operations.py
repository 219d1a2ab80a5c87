"""Running a service call from a screen: off the GUI thread, with manager approval on demand.

A screen never decides whether the user may do something; the service does. When it refuses
with PermissionDeniedError, the manager-approval dialog opens and, once a manager's PIN is
accepted, the same call runs again carrying the approval, which the service records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from core.errors import DomainError
from core.services.approval import Approval, ApprovalService
from core.staff.actor import Actor
from core.staff.permissions import PermissionDeniedError
from desktop.approval_dialog import ApprovalDialog
from desktop.tasks import TaskRunner

T = TypeVar("T")


def plain_message(error: BaseException) -> str:
    """What to tell the person at the counter."""
    if isinstance(error, DomainError):
        return error.message
    return f"Something went wrong and nothing was saved: {error}"


class Operations:
    def __init__(
        self,
        runner: TaskRunner,
        approvals: Callable[[], ApprovalService],
        actor: Callable[[], Actor],
        parent: QWidget,
    ) -> None:
        self._runner = runner
        self._approvals = approvals
        self._actor = actor
        self._parent = parent

    @property
    def actor(self) -> Actor:
        return self._actor()

    def read(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._runner.run_db(fn, on_done, on_error or self.show_error)

    def write(
        self,
        fn: Callable[[Approval | None], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `fn(None)`; if refused for lack of permission, ask a manager, then `fn(approval)`."""
        report = on_error or self.show_error

        def refused(error: BaseException) -> None:
            if not isinstance(error, PermissionDeniedError):
                report(error)
                return
            actor = self.actor
            dialog = ApprovalDialog(
                self._runner,
                lambda pin: self._approvals().approve(actor, error.permission, pin),
                error.permission,
                actor.display_name,
                self._parent,
            )
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            approval = dialog.approval
            # Parented to the window for its placement only: one dialog per request must not
            # pile up as the window's children.
            dialog.deleteLater()
            if accepted and approval is not None:
                self._runner.run_db(lambda: fn(approval), on_done, report)
            else:
                report(error)  # cancelled: the screen shows why nothing happened

        self._runner.run_db(lambda: fn(None), on_done, refused)

    def show_error(self, error: BaseException) -> None:
        QMessageBox.warning(self._parent, "LunarFront", plain_message(error))

    def show_info(self, message: str) -> None:
        QMessageBox.information(self._parent, "LunarFront", message)
