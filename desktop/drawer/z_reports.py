"""Past Z reports: find one by register, number or day, and open it again (a reprint)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from core.drawer.report import RegisterReport
from core.services.drawer import ZSummary
from desktop.drawer.desk import Desk, cash, over_short_text
from desktop.drawer.report_view import ReportDialog
from desktop.register.dialogs import RegisterDialog
from desktop.register.picker import PickPanel
from desktop.table_model import Column
from desktop.widgets import label


def z_columns(currency: str) -> list[Column[ZSummary]]:
    return [
        Column("Z #", lambda z: str(z.number), align_right=True),
        Column("Register", lambda z: z.register),
        Column("Business day", lambda z: z.business_date.isoformat()),
        Column("Taken", lambda z: z.taken_time),
        Column("Net sales", lambda z: cash(z.net_sales, currency), align_right=True),
        Column(
            "Over/short",
            lambda z: (
                "no drawer" if z.over_short is None else over_short_text(z.over_short, currency)
            ),
            align_right=True,
        ),
    ]


def _matches(z: ZSummary, needle: str) -> bool:
    return needle in f"{z.number} {z.register} {z.business_date.isoformat()}".casefold()


class ZReportsDialog(RegisterDialog):
    def __init__(self, desk: Desk, currency: str, parent: QWidget | None = None) -> None:
        super().__init__("Z reports", parent)
        self.resize(1000, 620)
        self.desk = desk
        self.report_dialog: ReportDialog | None = None
        self.panel: PickPanel[ZSummary] = PickPanel(
            desk.runner,
            z_columns(currency),
            "Type a register, a Z number or a day (2026-03-02) to narrow the list",
            matches=_matches,
            stretch_column=1,
        )
        self.panel.activated.connect(self.open_report)
        self.open_button = self.key_button("Open (reprint)", "Enter", self.panel._enter, "primary")
        close = self.key_button("Close", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Z reports", "subtitle"))
        layout.addWidget(label("Newest first. Enter opens the chosen one as a reprint.", "muted"))
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.panel.status.setText("Loading…")
        self.panel.box.setFocus()
        drawer, actor = desk.drawer(), desk.actor
        desk.ops.read(lambda: drawer.z_reports(actor), self._loaded, self.fail)

    def _loaded(self, rows: list[ZSummary]) -> None:
        if self.alive():
            self.panel.set_rows(rows)
            if not rows:
                self.panel.status.setText("No Z report has been taken yet.")

    def open_report(self, z: ZSummary) -> None:
        drawer, actor = self.desk.drawer(), self.desk.actor
        self.desk.ops.read(lambda: drawer.z_report(actor, z.z_report_id), self._show, self.fail)

    def _show(self, report: RegisterReport) -> None:
        if not self.alive():
            return
        dialog = ReportDialog(self.desk, report, reprint=True, parent=self)
        self.report_dialog = dialog
        dialog.finished.connect(lambda _r: self.refocus(self.panel.box))
        dialog.open()
