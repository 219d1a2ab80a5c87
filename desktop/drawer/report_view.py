"""An X or Z report on screen, laid out from the same `ReportDocument` the PDF and the
printer use (so they always agree), with Save PDF into the data folder's `reports/`."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from core.drawer.report import RegisterReport, ReportDocument, report_document
from desktop.drawer.desk import Desk
from desktop.drawer.report_files import save_report
from desktop.register.dialogs import RegisterDialog
from desktop.theme import current_palette
from desktop.widgets import label


def report_html(document: ReportDocument) -> str:
    """The report as a two-column table: labels left, amounts right, totals in bold."""
    p = current_palette()
    parts = [f"<div style='color:{p.text}'>"]
    if document.banner:
        parts.append(
            f"<p align='center' style='font-size:20pt; font-weight:700; color:{p.danger}'>"
            f"*** {escape(document.banner)} ***</p>"
        )
    parts.append(
        f"<p align='center' style='font-size:18pt; font-weight:700'>{escape(document.title)}</p>"
    )
    heading = "<br>".join(escape(line) for line in document.heading)
    parts.append(f"<p align='center' style='color:{p.muted}'>{heading}</p>")
    parts.append("<table width='100%' cellspacing='0' cellpadding='5'>")
    for section in document.sections:
        parts.append(
            f"<tr><td colspan='2' style='padding-top:14px; font-size:14pt; font-weight:700; "
            f"color:{p.accent}; border-bottom:1px solid {p.border}'>"
            f"{escape(section.title)}</td></tr>"
        )
        for row in section.rows:
            weight = "font-weight:700;" if row.strong else ""
            parts.append(
                f"<tr><td style='{weight}'>{escape(row.label)}</td>"
                f"<td align='right' style='{weight} white-space:nowrap'>"
                f"{escape(row.value)}</td></tr>"
            )
    parts.append("</table></div>")
    return "".join(parts)


class ReportDialog(RegisterDialog):
    def __init__(
        self,
        desk: Desk,
        report: RegisterReport,
        *,
        reprint: bool = False,
        intro: str = "",
        parent: QWidget | None = None,
    ) -> None:
        self.document = report_document(report, reprint=reprint)
        super().__init__(self.document.title, parent)
        self.resize(720, 760)
        self.desk = desk
        self.report = report
        self.reprint = reprint
        self.saved_path = ""
        self.view = QTextBrowser()
        self.view.setAccessibleName(self.document.title)
        self.view.setOpenLinks(False)
        self.view.setHtml(report_html(self.document))
        palette = current_palette()
        self.view.setStyleSheet(
            f"QTextBrowser {{ font-size: 13pt; background: {palette.surface}; "
            f"border: 1px solid {palette.border}; border-radius: 8px; padding: 8px; }}"
        )
        self.saved = label("", "hint")
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = self.key_button("Save PDF", "F2", self.save, "primary")
        self.open_button = self.key_button("Open PDF", "F3", self.open_pdf)
        self.open_button.setEnabled(False)
        self.print_button = self.key_button("Print", "F4", self.print_report)
        printing = desk.printing
        self.print_button.setEnabled(printing is not None and printing.can_print)
        close = self.key_button("Close", "Esc", self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        if intro:
            layout.addWidget(label(intro, "ok"))
        layout.addWidget(self.view, 1)
        layout.addWidget(label("↑ ↓ Page Up / Page Down scroll the report.", "hint"))
        layout.addWidget(self.saved)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.view.setFocus()

    def save(self) -> None:
        document, report, folder = self.document, self.report, self.desk.reports_dir()
        reprint = self.reprint
        self.error.setText("")
        self.saved.setText("Saving the PDF…")
        self.save_button.setEnabled(False)
        self.desk.ops.read(
            lambda: save_report(document, report, folder, reprint=reprint),
            self._saved,
            self._not_saved,
        )

    def _saved(self, path: object) -> None:
        if self.alive():
            self.saved_path = str(path)
            self.saved.setText(f"Saved to {path}  —  F3 opens it")
            self.open_button.setEnabled(True)
            self.save_button.setEnabled(True)

    def _not_saved(self, error: BaseException) -> None:
        if self.alive():
            self.saved.setText("")
            self.save_button.setEnabled(True)
            self.fail(f"The PDF was not saved: {error}")

    def print_report(self) -> None:
        printing = self.desk.printing
        if printing is None or not printing.can_print:
            self.fail("No receipt printer is set up on this register; save the PDF instead.")
            return
        printing.report(self.document.title, self.document)
        self.saved.setText(f"{self.document.title} sent to the printer.")

    def open_pdf(self) -> None:
        if self.saved_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.saved_path))
