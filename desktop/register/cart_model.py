"""The sale's lines as a table: #, item (name over its details), qty, price, discount, amount.

Returned lines read "Return" and are drawn in the theme's return colours, so a cashier
sees at a glance what goes back. The model only shows what the service computed
(`SaleView`); it never works out an amount itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from core.services.register_rows import LineView
from desktop.register.till import minus, money
from desktop.theme import current_palette

_Index = QModelIndex | QPersistentModelIndex
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1
RETURN_ROLE = Qt.ItemDataRole.UserRole + 2

NUMBER, ITEM, QTY, PRICE, DISCOUNT, AMOUNT = range(6)
TITLES = ("#", "Item", "Qty", "Price", "Discount", "Amount")
RIGHT = (NUMBER, QTY, PRICE, DISCOUNT, AMOUNT)
RETURN_COLOURS: dict[int, str] = {  # role -> the palette's colour for a returned line
    int(Qt.ItemDataRole.ForegroundRole): "returned",
    int(Qt.ItemDataRole.BackgroundRole): "returned_fill",
}


def _alignment(column: int) -> int:
    horizontal = Qt.AlignmentFlag.AlignRight if column in RIGHT else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


def line_details(line: LineView) -> str:
    """The second line under an item's name: return marker, SKU, serial, discounts."""
    parts: list[str] = []
    if line.is_return:
        parts.append("RETURN" if line.original_line_id else "RETURN · no receipt")
    parts.append(line.sku)
    if line.serial:
        parts.append(f"S/N {line.serial}")
    if line.price_changed:
        parts.append(f"price changed from {money(line.list_price)}")
    if line.discount is not None:
        parts.append(f"{line.discount.describe()} ({line.discount.reason.label.lower()})")
    return "  ·  ".join(parts)


class CartModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._lines: tuple[LineView, ...] = ()

    def set_lines(self, lines: Sequence[LineView]) -> None:
        self.beginResetModel()
        self._lines = tuple(lines)
        self.endResetModel()

    @property
    def lines(self) -> tuple[LineView, ...]:
        return self._lines

    def line(self, row: int) -> LineView:
        return self._lines[row]

    def row_of(self, line_id: uuid.UUID) -> int:
        for row, line in enumerate(self._lines):
            if line.line_id == line_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(TITLES)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, column = self._lines[index.row()], index.column()
        value: Any = None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._text(index.row(), line, column)
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            value = _alignment(column)
        elif role == RETURN_ROLE:
            value = line.is_return
        elif column == ITEM and role == DETAIL_ROLE:
            value = line_details(line)
        elif column == ITEM and role == Qt.ItemDataRole.AccessibleTextRole:
            value = f"{line.name}. {line_details(line)}"
        elif line.is_return and role in RETURN_COLOURS:
            value = QBrush(QColor(getattr(current_palette(), RETURN_COLOURS[role])))
        return value

    @staticmethod
    def _text(row: int, line: LineView, column: int) -> str:
        if column == NUMBER:
            return str(row + 1)
        if column == ITEM:
            return line.name
        if column == QTY:
            return str(line.quantity)
        if column == PRICE:
            return money(line.unit_price)
        if column == DISCOUNT:
            return minus(line.discount_total)
        return money(line.net)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return TITLES[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None


class ItemDelegate(QStyledItemDelegate):
    """The item column: the name, and under it its details in smaller, quieter type."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        details = str(index.data(DETAIL_ROLE) or "")
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        name = opt.text
        opt.text = ""
        widget: QWidget | None = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = option.rect.adjusted(8, 4, -8, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = current_palette()
        returned = bool(index.data(RETURN_ROLE))
        if selected:
            color, quiet = QColor(palette.accent_text), QColor(palette.accent_text)
        elif returned:
            color, quiet = QColor(palette.returned), QColor(palette.returned)
        else:
            color, quiet = QColor(palette.text), QColor(palette.muted)
        painter.save()
        font = QFont(opt.font)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(color)
        metrics = painter.fontMetrics()
        top = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided
        )
        small = QFont(opt.font)
        small.setPointSizeF(max(opt.font.pointSizeF() * 0.78, 9.0))
        painter.setFont(small)
        painter.setPen(quiet)
        small_metrics = painter.fontMetrics()
        bottom = QRect(rect.left(), top.bottom() + 2, rect.width(), small_metrics.height())
        painter.drawText(
            bottom,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            small_metrics.elidedText(details, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), 260), max(size.height() * 2 + 8, 60))
