"""The signed-in shell: navigation on the left, the current area on the right."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets import button, label, shortcut

# Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth area, as on the keyboard's top row.
AREA_KEYS = tuple(f"Ctrl+{digit}" for digit in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0))


@dataclass(frozen=True, slots=True)
class Area:
    """A place in the navigation. Later features add theirs to the list the window builds."""

    title: str
    widget: QWidget


class Shell(QWidget):
    area_shown = Signal(QWidget)
    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, areas: list[Area], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        nav = QWidget()
        nav.setObjectName("nav")
        nav.setFixedWidth(230)
        nav_box = QVBoxLayout(nav)
        nav_box.setContentsMargins(0, 16, 0, 16)
        nav_box.setSpacing(2)
        self.brand = label("LunarFront", "subtitle")
        self.brand.setContentsMargins(18, 0, 18, 16)
        nav_box.addWidget(self.brand)

        self.stack = QStackedWidget()
        self.group = QButtonGroup(self)
        self.buttons: list[QPushButton] = []
        if len(areas) > len(AREA_KEYS):
            raise ValueError(f"at most {len(AREA_KEYS)} areas have a Ctrl+digit key")
        for index, area in enumerate(areas):
            keys = AREA_KEYS[index]
            nav_button = button(f"{area.title}")
            nav_button.setCheckable(True)
            nav_button.setToolTip(f"{area.title} ({keys})")
            nav_button.setAccessibleName(area.title)
            self.group.addButton(nav_button, index)
            self.buttons.append(nav_button)
            nav_box.addWidget(nav_button)
            self.stack.addWidget(area.widget)
            shortcut(keys, self, partial(self.show_area, index))
        nav_box.addStretch(1)
        self.lock_button = button("Switch user  (F12)")
        self.sign_out_button = button("Sign out")
        nav_box.addWidget(self.lock_button)
        nav_box.addWidget(self.sign_out_button)

        self.group.idClicked.connect(self.show_area)
        self.lock_button.clicked.connect(self.lock_requested)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        shortcut("F12", self, self.lock_requested.emit)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(nav)
        layout.addWidget(self.stack, 1)
        self.show_area(0)

    def show_area(self, index: int) -> None:
        if 0 <= index < self.stack.count() and not self.buttons[index].isHidden():
            self.stack.setCurrentIndex(index)
            self.buttons[index].setChecked(True)
            self.area_shown.emit(self.stack.widget(index))

    def set_area_visible(self, index: int, visible: bool) -> None:
        """Hide an area the signed-in user has no use for (e.g. Users for a cashier)."""
        self.buttons[index].setHidden(not visible)
