"""Small building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def label(text: str, role: str | None = None, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(True)
    return widget


def button(text: str, role: str | None = None, parent: QWidget | None = None) -> QPushButton:
    widget = QPushButton(text, parent)
    if role:
        widget.setProperty("role", role)
    return widget


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(24, 20, 24, 20)
    layout.setSpacing(12)
    return frame, layout


def set_role(widget: QWidget, role: str) -> None:
    """Change a styled role at run time; Qt only re-reads properties on re-polish."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def shortcut(keys: str, parent: QWidget, slot: Callable[[], object]) -> QShortcut:
    """A keyboard shortcut active while `parent`'s window has focus."""
    return QShortcut(QKeySequence(keys), parent, slot)


def page_shortcut(keys: str, page: QWidget, slot: Callable[[], object]) -> QShortcut:
    """A shortcut of one area (Ctrl+N means "new product" in one, "new customer" in another):
    active only while the focus is inside `page`, so areas never fight over a key."""
    return QShortcut(
        QKeySequence(keys), page, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
    )


def plain(parent: QWidget | None = None) -> QWidget:
    """A container that takes its card's background instead of the window's."""
    widget = QWidget(parent)
    widget.setObjectName("plain")
    return widget


def plain_table(model: QAbstractItemModel) -> QTableView:
    """A read-only table sized to its contents, the last column taking the rest."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(34)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return table
