"""The register's dialogs share one shape: opened without blocking (`open()`), keys on
every button, errors shown inside in plain words, and deleted once closed.

A database answer can arrive after its dialog was closed; `alive()` tells the callback to
let it go (the screen refreshes from the database when a dialog closes anyway).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.operations import plain_message
from desktop.widgets import button, label, page_shortcut, shortcut

UNBOUND_KEYS = ("Enter", "Esc")


class RegisterDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.closed = False
        self.error = label("", "error")
        self.finished.connect(self._on_finished)

    def alive(self) -> bool:
        return not self.closed

    def fail(self, error: BaseException | str) -> None:
        if self.alive():
            self.error.setText(error if isinstance(error, str) else plain_message(error))

    def refocus(self, widget: QWidget) -> None:
        """Put the keys back in `widget` after a write: a manager-approval dialog may have
        had them, and not every window manager hands them back when it closes."""
        if self.alive():
            self.activateWindow()
            widget.setFocus()

    def key_button(
        self,
        text: str,
        keys: str | None,
        slot: Callable[[], object],
        role: str | None = None,
        scope: QWidget | None = None,
    ) -> QPushButton:
        """A touch-sized button that its key (shown on it) also presses: anywhere in the
        dialog, or only while the focus is inside `scope` (one page of a stack). Enter and
        Esc are only shown: the dialog's line edit and Qt's Escape handling press them."""
        caption = f"{text}  ({keys})" if keys else text
        widget = button(caption, role)
        widget.setAutoDefault(False)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.clicked.connect(lambda _checked=False: slot())
        if keys and keys not in UNBOUND_KEYS:
            press = lambda: widget.click() if widget.isEnabled() and widget.isVisible() else None  # noqa: E731
            if scope is None:
                shortcut(keys, self, press)
            else:
                page_shortcut(keys, scope, press)
        return widget

    def _on_finished(self, _result: int) -> None:
        self.closed = True
        QTimer.singleShot(0, self.deleteLater)


class PromptDialog(RegisterDialog):
    """One line to type (a quantity, a reason, a serial number) and OK; the caller does the
    work when `entered` fires and calls `accept()` or `fail(...)`."""

    entered = Signal(str)

    def __init__(
        self,
        title: str,
        question: str,
        initial: str = "",
        ok_text: str = "OK",
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(460)
        self.field = QLineEdit(initial, placeholderText=placeholder)
        self.field.selectAll()
        self.field.setAccessibleName(question)
        self.ok = self.key_button(ok_text, "Enter", self._submit, "primary")
        cancel = self.key_button("Cancel", "Esc", self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(label(question, "strong"))
        layout.addWidget(self.field)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.field.returnPressed.connect(self._submit)
        self.field.setFocus()

    def _submit(self) -> None:
        if not self.ok.isEnabled():
            return
        self.error.setText("")
        self.ok.setEnabled(False)
        self.entered.emit(self.field.text())

    def fail(self, error: BaseException | str) -> None:
        if self.alive():
            super().fail(error)
            self.ok.setEnabled(True)
            self.field.selectAll()
            self.refocus(self.field)
