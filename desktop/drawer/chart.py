"""Over/short as a bar chart: one bar per closed drawer, oldest on the left; over rises
above the zero line, short falls below it. Dashed lines mark the store's limit either way,
and each bar takes the colour of its tone (green even, amber within the limit, red over)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from core.services.drawer import OverShortRow
from desktop.drawer.desk import cash, over_short_text, tone, tone_colour
from desktop.theme import current_palette

LEFT, RIGHT, TOP, BOTTOM = 84, 16, 18, 46
MAX_BAR = 56


@dataclass(frozen=True, slots=True)
class Bar:
    row: OverShortRow
    rect: QRectF


class OverShortChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Over/short chart")
        self.setMouseTracking(True)
        self.rows: list[OverShortRow] = []
        self.currency = "USD"
        self.limit = 0
        self.bars: list[Bar] = []
        self.zero_y = 0.0  # where the zero line goes
        self.scale = 1.0  # pixels per minor unit
        self.slot = 1.0  # pixels per bar, gap included

    def show_rows(self, rows: Sequence[OverShortRow], currency: str, limit: int) -> None:
        """`rows` newest first, as the history comes; drawn oldest first."""
        self.rows = sorted(rows, key=lambda r: (r.business_date, r.closed_time))
        self.currency = currency
        self.limit = limit
        self.lay_out()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.lay_out()

    def plot_area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(LEFT, TOP, -RIGHT, -BOTTOM)

    def lay_out(self) -> None:
        """Where the zero line and each bar go at this size (kept for painting and tips)."""
        plot = self.plot_area()
        self.bars = []
        if not self.rows:
            return
        biggest = max([abs(r.over_short) for r in self.rows] + [self.limit, 1])
        self.scale = (plot.height() / 2) / (biggest * 1.15)
        self.zero_y = plot.center().y()
        self.slot = plot.width() / len(self.rows)
        width = min(MAX_BAR, max(3.0, self.slot * 0.7))
        for index, row in enumerate(self.rows):
            x = plot.left() + self.slot * index + (self.slot - width) / 2
            height = max(2.0, abs(row.over_short) * self.scale)
            top = self.zero_y - height if row.over_short > 0 else self.zero_y
            if row.over_short == 0:
                top = self.zero_y - 1  # even: a sliver on the line
            self.bars.append(Bar(row, QRectF(x, top, width, height)))

    # -- drawing ---------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        palette = current_palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(palette.surface))
        painter.setPen(QPen(QColor(palette.border)))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        font = QFont(self.font())
        font.setPointSize(10)
        painter.setFont(font)
        plot = self.plot_area()
        if not self.bars:
            painter.setPen(QColor(palette.muted))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No closed drawers to show.")
            painter.end()
            return
        self._axis(painter, plot, self.zero_y, self.scale)
        self._bars(painter, plot)
        painter.end()

    def _axis(self, painter: QPainter, plot: QRectF, zero: float, scale: float) -> None:
        palette = current_palette()
        painter.setPen(QPen(QColor(palette.text), 1.5))
        painter.drawLine(QPointF(plot.left(), zero), QPointF(plot.right(), zero))
        self._y_label(painter, zero, cash(0, self.currency), palette.muted)
        if self.limit > 0:
            dashed = QPen(QColor(palette.muted), 1, Qt.PenStyle.DashLine)
            for sign in (1, -1):
                y = zero - sign * self.limit * scale
                painter.setPen(dashed)
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                text = ("+" if sign > 0 else "") + cash(sign * self.limit, self.currency)
                self._y_label(painter, y, text, palette.muted)
        painter.setPen(QColor(palette.muted))
        painter.drawText(
            QRectF(plot.left(), self.rect().top() + 1, plot.width(), TOP),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Over ▲",
        )
        painter.drawText(
            QRectF(plot.left(), plot.bottom(), plot.width(), 16),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            "Short ▼",
        )

    def _y_label(self, painter: QPainter, y: float, text: str, colour: str) -> None:
        painter.setPen(QColor(colour))
        painter.drawText(
            QRectF(2, y - 9, LEFT - 8, 18),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )

    def _bars(self, painter: QPainter, plot: QRectF) -> None:
        palette = current_palette()
        slot = self.slot
        every = max(1, math.ceil(70 / slot))  # a day label needs about 70 pixels
        value_labels = slot >= 46
        for index, bar in enumerate(self.bars):
            row, rect = bar.row, bar.rect
            colour = QColor(tone_colour(tone(row.over_short, self.limit)))
            painter.fillRect(rect, colour)
            if value_labels and row.over_short != 0:
                text = over_short_text(row.over_short, self.currency).split(" ")[0]
                y = rect.top() - 16 if row.over_short > 0 else rect.bottom() + 1
                painter.setPen(colour)
                painter.drawText(
                    QRectF(rect.left() - 20, y, rect.width() + 40, 15),
                    Qt.AlignmentFlag.AlignCenter,
                    text,
                )
            if index % every == 0:
                painter.setPen(QColor(palette.muted))
                day = row.business_date.strftime("%m-%d")
                caption = f"{day}\n{row.register}" if slot >= 70 else day
                painter.drawText(
                    QRectF(plot.left() + slot * index - 10, plot.bottom() + 16, slot + 20, 30),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    caption,
                )

    # -- what a bar is ---------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bar = self.bar_at(QPointF(event.pos()))
            if bar is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.describe(bar.row), self)
            return True
        return super().event(event)

    def bar_at(self, point: QPointF) -> Bar | None:
        for bar in self.bars:
            column = QRectF(bar.rect.left(), TOP, bar.rect.width(), self.height() - TOP - BOTTOM)
            if column.contains(point):
                return bar
        return None

    def describe(self, row: OverShortRow) -> str:
        return (
            f"{row.business_date.isoformat()} · {row.register} · {row.cashier}\n"
            f"Expected {cash(row.expected, self.currency)}, counted "
            f"{cash(row.counted, self.currency)}: {over_short_text(row.over_short, self.currency)}"
        )
