"""The home area: who is signed in, where, and the store at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from core.services.overview import StoreOverview
from desktop.widgets import card, label


class HomePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.greeting = label("", "title")
        self.where = label("", "subtitle")
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(16)
        for column, (key, caption) in enumerate(
            (
                ("products", "Products in the catalog"),
                ("customers", "Customer accounts"),
                ("staff", "Staff"),
            )
        ):
            frame, box = card()
            value = label("…", "title")
            box.addWidget(value)
            box.addWidget(label(caption, "muted"))
            self.figures[key] = value
            grid.addWidget(frame, 0, column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(12)
        layout.addWidget(self.greeting)
        layout.addWidget(self.where)
        layout.addSpacing(12)
        layout.addLayout(grid)
        layout.addStretch(1)

    def show_user(self, greeting: str, where: str) -> None:
        self.greeting.setText(greeting)
        self.where.setText(where)

    def show_overview(self, overview: StoreOverview) -> None:
        self.figures["products"].setText(f"{overview.products:,}")
        self.figures["customers"].setText(f"{overview.customers:,}")
        self.figures["staff"].setText(f"{overview.staff:,}")
