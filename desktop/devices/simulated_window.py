"""The simulated devices, on screen: the receipt the printer "printed" (decoded from the very
bytes a real printer would get), the cash drawer, the pole display and a scanner you can type
into. The demo store uses them, and so can anyone setting up a register before the hardware
arrives.

The window never takes the keyboard from the register when a receipt arrives
(`WA_ShowWithoutActivating`); the printer's fault switches let the failure path be shown.
"""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.devices.hub import DeviceHub
from desktop.widgets import button, label
from devices.escpos.decode import PrintedLine, Printout

__all__ = ["SimulatedDevicesWindow", "printout_html"]

_ALIGN = {"left": "left", "center": "center", "right": "right"}


def _line_html(line: PrintedLine) -> str:
    text = html.escape(line.text).replace(" ", "&nbsp;") or "&nbsp;"
    style = [f"text-align:{_ALIGN.get(line.align, 'left')}", "margin:0"]
    if line.bold:
        style.append("font-weight:700")
    if line.double_width:  # double height alone is drawn bold, so the line still fits
        style.append("font-size:x-large")
    if line.reverse:
        text = f'<span style="background:#111;color:#fff">{text}</span>'
    return f'<p style="{";".join(style)}">{text}</p>'


def printout_html(printout: Printout) -> str:
    """The printout as paper: monospace lines, then its images, barcodes, QR codes and cut."""
    parts = [_line_html(line) for line in printout.lines]
    for width, height in printout.images:
        parts.insert(0, f'<p style="text-align:center;color:#666">[logo {width}×{height} dots]</p>')
    for symbology, data in printout.barcodes:
        bars = "▌▍▌▌▍▍▌▍▌▌▍▌▍▍▌▌▍▌▍▌"
        parts.append(
            f'<p style="text-align:center;margin-top:6px;font-size:x-large">{bars}</p>'
            f'<p style="text-align:center;margin:0">{html.escape(data)} '
            f'<span style="color:#666">({symbology})</span></p>'
        )
    for value in printout.qr_codes:
        parts.append(f'<p style="text-align:center;color:#666">[QR code: {html.escape(value)}]</p>')
    if printout.cuts:
        parts.append('<p style="text-align:center;color:#999">✂ - - - - - - - - - - - - -</p>')
    return "".join(parts)


class SimulatedDevicesWindow(QWidget):
    def __init__(self, hub: DeviceHub, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self.setWindowTitle("Simulated devices")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.resize(560, 760)
        self.hub = hub
        self.jobs = 0
        self.paper = QTextBrowser()
        self.paper.setAccessibleName("Printed receipt")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(11)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.paper.setFont(font)
        self.paper.setStyleSheet("QTextBrowser { background: #fffdf6; color: #111; }")
        self.paper.setMinimumWidth(470)
        self.paper_title = label("Printer: nothing printed yet", "subtitle")
        self.drawer = label("Drawer: closed", "strong")
        self.close_drawer_button = button("Close drawer")
        self.close_drawer_button.clicked.connect(self._close_drawer)
        self.close_drawer_button.setEnabled(False)
        self.pole_top = QLabel("")
        self.pole_bottom = QLabel("")
        for line in (self.pole_top, self.pole_bottom):
            line.setFont(font)
            line.setStyleSheet(
                "QLabel { background: #06140b; color: #5dff9d; padding: 4px 10px;"
                " font-size: 16pt; }"
            )
        self.scanner = QLineEdit()
        self.scanner.setAccessibleName("Simulated scanner")
        self.scanner.setPlaceholderText("Type a barcode and press Enter to scan it")
        self.scanner.returnPressed.connect(self._scan)
        self.offline = QCheckBox("Printer switched off")
        self.paper_out = QCheckBox("Printer out of paper")
        self.offline.toggled.connect(self._faults)
        self.paper_out.toggled.connect(self._faults)

        drawer_row = QHBoxLayout()
        drawer_row.addWidget(self.drawer, 1)
        drawer_row.addWidget(self.close_drawer_button)
        faults = QHBoxLayout()
        faults.addWidget(self.offline)
        faults.addWidget(self.paper_out)
        faults.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.paper_title)
        layout.addWidget(self.paper, 1)
        layout.addLayout(faults)
        layout.addLayout(drawer_row)
        layout.addWidget(label("Pole display", "hint"))
        layout.addWidget(self.pole_top)
        layout.addWidget(self.pole_bottom)
        layout.addWidget(label("Scanner", "hint"))
        layout.addWidget(self.scanner)
        self.show_pole("", "")

        hub.printed.connect(self.show_printout)
        hub.drawer_kicked.connect(self.drawer_opened)
        hub.pole_shown.connect(self.show_pole)

    def show_printout(self, printout: Printout) -> None:
        self.jobs += 1
        at = datetime.now().astimezone().strftime("%H:%M:%S")
        self.paper_title.setText(f"Printer: job {self.jobs} at {at}")
        self.paper.setHtml(printout_html(printout))
        if not self.isVisible():
            self._place()
            self._show_keeping_focus()

    def _show_keeping_focus(self) -> None:
        """Show the window, leaving the keyboard where the cashier has it (not every
        platform honours WA_ShowWithoutActivating)."""
        focused = QApplication.focusWidget()
        self.show()
        if focused is not None:
            focused.window().activateWindow()
            focused.setFocus()

    def _place(self) -> None:
        """Beside the register, at the right of the screen, rather than over the cart."""
        screen = self.screen().availableGeometry()
        self.move(screen.right() - self.width(), screen.top())

    def drawer_opened(self) -> None:
        self.drawer.setText(
            f"Drawer: OPEN (kicked at {datetime.now().astimezone().strftime('%H:%M:%S')})"
        )
        self.drawer.setProperty("health", "warn")
        self._repolish(self.drawer)
        self.close_drawer_button.setEnabled(True)

    def _close_drawer(self) -> None:
        self.drawer.setText("Drawer: closed")
        self.drawer.setProperty("health", "ok")
        self._repolish(self.drawer)
        self.close_drawer_button.setEnabled(False)

    def show_pole(self, top: str, bottom: str) -> None:
        columns = self.hub.settings.pole.columns
        self.pole_top.setText(top[:columns].ljust(columns))
        self.pole_bottom.setText(bottom[:columns].ljust(columns))

    def _scan(self) -> None:
        code = self.scanner.text().strip()
        self.scanner.clear()
        if code:
            self.hub.scanned.emit(code)

    def _faults(self) -> None:
        self.hub.simulated.offline = self.offline.isChecked()
        self.hub.simulated.paper_out = self.paper_out.isChecked()

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
