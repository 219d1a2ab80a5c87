"""Light and dark themes: large type and touch-sized targets, readable across a counter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


class ThemeName(StrEnum):
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Palette:
    window: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    danger: str
    success: str
    nav: str
    nav_text: str
    returned: str  # a returned line on the register: text
    returned_fill: str  # … and background


PALETTES = {
    ThemeName.LIGHT: Palette(
        window="#f4f5f7",
        surface="#ffffff",
        text="#1b1f24",
        muted="#5b6470",
        accent="#2456c9",
        accent_text="#ffffff",
        border="#c9ced6",
        danger="#b3261e",
        success="#1e7a3c",
        nav="#1f2a44",
        nav_text="#e8ecf4",
        returned="#8a4500",
        returned_fill="#fff1dc",
    ),
    ThemeName.DARK: Palette(
        window="#15181d",
        surface="#1f242b",
        text="#eef1f5",
        muted="#a3adba",
        accent="#5b8cff",
        accent_text="#0b1020",
        border="#394150",
        danger="#ff8a80",
        success="#7ddc9a",
        nav="#0d1016",
        nav_text="#dfe6f0",
        returned="#ffc070",
        returned_fill="#3a2a12",
    ),
}

BASE_POINT_SIZE = 13
TOUCH_HEIGHT = 48
_applied = [PALETTES[ThemeName.LIGHT]]


def current_palette() -> Palette:
    """The palette applied last: for colours a model paints itself (returned lines)."""
    return _applied[-1]


def stylesheet(p: Palette) -> str:
    return f"""
    QWidget {{ color: {p.text}; background: {p.window}; }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: 24pt; font-weight: 600; }}
    QLabel[role="subtitle"] {{ font-size: 14pt; color: {p.muted}; }}
    QLabel[role="muted"] {{ color: {p.muted}; }}
    QLabel[role="error"] {{ color: {p.danger}; font-weight: 600; }}
    QLabel[role="hint"] {{ color: {p.muted}; font-size: 11pt; }}
    QFrame[role="card"] {{ background: {p.surface}; border: 1px solid {p.border};
        border-radius: 10px; }}
    QFrame[role="card"] QLabel, QFrame[role="card"] QWidget#plain,
    QFrame[role="card"] QCheckBox {{ background: {p.surface}; }}
    QLineEdit {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: 6px;
        padding: 8px 10px; min-height: 30px; font-size: 14pt; }}
    QLineEdit:focus {{ border: 2px solid {p.accent}; }}
    QPushButton {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: 8px;
        padding: 8px 16px; min-height: {TOUCH_HEIGHT - 18}px; font-size: 13pt; }}
    QPushButton:focus {{ border: 2px solid {p.accent}; }}
    QPushButton:pressed {{ background: {p.border}; }}
    QPushButton[role="primary"] {{ background: {p.accent}; color: {p.accent_text};
        border: none; font-weight: 600; }}
    QPushButton[role="tile"] {{ min-height: 64px; min-width: 150px; font-size: 13pt;
        text-align: left; padding-left: 14px; }}
    QPushButton[role="key"] {{ min-height: 56px; min-width: 72px; font-size: 18pt; }}
    QPushButton:checked {{ background: {p.accent}; color: {p.accent_text}; border: none; }}
    QPushButton[role="key"][primary="true"] {{ background: {p.accent}; color: {p.accent_text};
        border: none; font-weight: 600; }}
    QPushButton:disabled {{ color: {p.muted}; }}
    QWidget#nav {{ background: {p.nav}; }}
    QWidget#nav QLabel {{ color: {p.nav_text}; background: {p.nav}; }}
    QWidget#nav QPushButton {{ background: {p.nav}; color: {p.nav_text}; border: none;
        border-radius: 0; text-align: left; padding: 12px 18px; min-height: 32px; }}
    QWidget#nav QPushButton:checked {{ background: {p.accent}; color: {p.accent_text}; }}
    QWidget#nav QPushButton:focus {{ border-left: 4px solid {p.accent_text}; }}
    QStatusBar {{ background: {p.surface}; border-top: 1px solid {p.border}; }}
    QStatusBar QLabel {{ padding: 2px 10px; font-size: 11pt; }}
    QLabel[health="ok"] {{ color: {p.success}; }}
    QLabel[health="warn"] {{ color: {p.danger}; }}
    QLabel[role="ok"] {{ color: {p.success}; font-weight: 600; }}
    QFrame[role="banner"] {{ background: {p.returned_fill}; border-bottom: 2px solid {p.danger}; }}
    QFrame[role="banner"] QLabel {{ background: transparent; }}
    QLabel[role="total"] {{ font-size: 40pt; font-weight: 700; }}
    QLabel[role="huge"] {{ font-size: 56pt; font-weight: 700; color: {p.success}; }}
    QLabel[role="figure"] {{ font-size: 14pt; }}
    QLabel[role="strong"] {{ font-size: 16pt; font-weight: 600; }}
    QLabel[role="chip"] {{ background: {p.accent}; color: {p.accent_text}; border-radius: 6px;
        padding: 6px 12px; font-size: 14pt; font-weight: 600; }}
    QFrame[role="card"] QLabel[role="chip"] {{ background: {p.accent}; }}
    QLineEdit[role="scan"] {{ font-size: 20pt; min-height: 40px; padding: 10px 14px; }}
    QLineEdit[role="amount"] {{ font-size: 26pt; min-height: 48px; padding: 8px 14px; }}
    QPushButton[role="pay"] {{ background: {p.success}; color: {p.accent_text}; border: none;
        min-height: 76px; font-size: 20pt; font-weight: 700; }}
    QPushButton[role="pay"]:disabled {{ background: {p.border}; color: {p.muted}; }}
    QPushButton[role="cash"] {{ min-height: 52px; font-size: 14pt; font-weight: 600;
        padding: 4px 8px; }}
    QPushButton[role="tender"] {{ min-height: 60px; font-size: 15pt; font-weight: 600;
        padding: 4px 12px; }}
    QPushButton[role="tender"][primary="true"] {{ background: {p.accent};
        color: {p.accent_text}; border: none; }}
    QPushButton[role="linekey"] {{ min-height: 44px; font-size: 12pt; padding: 2px 8px;
        min-width: 44px; }}
    QPushButton[role="sidekey"] {{ padding: 4px 8px; min-height: 40px; }}
    QWidget#register[compact="true"] QPushButton[role="sidekey"] {{ font-size: 11pt;
        padding: 2px 6px; min-height: 38px; }}
    QWidget#register[compact="true"] QPushButton[role="linekey"] {{ font-size: 11pt;
        padding: 2px 4px; }}
    QWidget#register[compact="true"] QLabel[role="total"] {{ font-size: 28pt; }}
    QWidget#register[compact="true"] QLabel[role="figure"] {{ font-size: 12pt; }}
    QWidget#register[compact="true"] QPushButton[role="pay"] {{ font-size: 17pt;
        min-height: 60px; }}
    QTableView[role="cart"] {{ font-size: 13pt; }}
    QTableView[role="cart"] QHeaderView::section {{ font-size: 11pt; padding: 6px 8px;
        background: {p.surface}; color: {p.muted}; border: none;
        border-bottom: 1px solid {p.border}; }}
    """


def apply_theme(app: QApplication, name: ThemeName) -> None:
    p = PALETTES[name]
    _applied[:] = [p]
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(p.window))
    palette.setColor(QPalette.ColorRole.Base, QColor(p.surface))
    palette.setColor(QPalette.ColorRole.Text, QColor(p.text))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(p.text))
    palette.setColor(QPalette.ColorRole.Button, QColor(p.surface))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(p.text))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(p.accent))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(p.accent_text))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(p))
