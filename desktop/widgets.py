"""Small building blocks shared by the screens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


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


def plain(parent: QWidget | None = None) -> QWidget:
    """A container that takes its card's background instead of the window's."""
    widget = QWidget(parent)
    widget.setObjectName("plain")
    return widget
