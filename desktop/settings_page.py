"""Settings for this machine: theme, pairing with a sync server, and where its data lives."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QVBoxLayout, QWidget

from desktop.theme import ThemeName
from desktop.widgets import button, card, label


class SettingsPage(QWidget):
    theme_chosen = Signal(str)
    sync_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(16)
        layout.addWidget(label("Settings", "title"))

        theme_card, theme_box = card()
        theme_box.addWidget(label("Theme (Ctrl+Shift+T switches)", "subtitle"))
        row = QHBoxLayout()
        self.theme_group = QButtonGroup(self)
        self.theme_buttons = {}
        for name in ThemeName:
            choice = button(name.value.capitalize())
            choice.setCheckable(True)
            self.theme_group.addButton(choice)
            self.theme_buttons[name] = choice
            choice.clicked.connect(lambda _=False, n=name: self.theme_chosen.emit(n.value))
            row.addWidget(choice)
        row.addStretch(1)
        theme_box.addLayout(row)
        layout.addWidget(theme_card)

        sync_card, sync_box = card()
        sync_box.addWidget(label("Sync with a server", "subtitle"))
        self.sync_state = label("Sync: not set up", "muted")
        sync_box.addWidget(self.sync_state)
        sync_row = QHBoxLayout()
        self.sync_button = button("Pairing and sync  (Ctrl+0)")
        self.sync_button.clicked.connect(self.sync_requested)
        sync_row.addWidget(self.sync_button)
        sync_row.addStretch(1)
        sync_box.addLayout(sync_row)
        layout.addWidget(sync_card)

        about_card, about_box = card()
        about_box.addWidget(label("This machine", "subtitle"))
        self.about = label("", "muted")
        about_box.addWidget(self.about)
        layout.addWidget(about_card)
        layout.addStretch(1)

    def show_theme(self, name: ThemeName) -> None:
        self.theme_buttons[name].setChecked(True)

    def show_sync(self, text: str, may_manage: bool) -> None:
        """The sync state in a line; the way to the sync screen only for those who may use it."""
        self.sync_state.setText(text)
        self.sync_button.setVisible(may_manage)

    def show_about(self, lines: list[str]) -> None:
        self.about.setText("\n".join(lines))
