"""A yes-or-no question over the drawer screen: Enter says yes, Esc says no."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from desktop.register.dialogs import RegisterDialog
from desktop.widgets import label


class ConfirmDialog(RegisterDialog):
    """`accepted` fires on yes; the dialog closes either way."""

    def __init__(
        self, title: str, question: str, yes_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(560)
        self.yes = self.key_button(yes_text, "Enter", self.accept, "primary")
        no = self.key_button("Cancel", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(no)
        buttons.addWidget(self.yes)
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "subtitle"))
        layout.addWidget(label(question))
        layout.addLayout(buttons)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)
