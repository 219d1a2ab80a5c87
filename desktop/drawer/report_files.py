"""Register reports saved as PDF files in the data folder's `reports/` directory.

Runs on the database thread (it renders and writes the disk), never on the GUI's. A Z is
`Z-<register>-<number>.pdf` (a reprint `…-reprint.pdf`, so the first print is kept); an X
is `X-<register>-<time>.pdf`, numbered on when two are taken in the same minute.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from core.drawer.report import RegisterReport, ReportDocument
from devices.receipts.pdf import report_pdf

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def report_file_name(report: RegisterReport, *, reprint: bool = False) -> str:
    register = _UNSAFE.sub("_", report.register).strip("_") or "register"
    if report.kind == "Z":
        return f"Z-{register}-{report.number}{'-reprint' if reprint else ''}"
    taken = _UNSAFE.sub("", report.printed_time.replace(" ", "-")) or "now"
    return f"X-{register}-{taken}"


def save_report(
    document: ReportDocument, report: RegisterReport, folder: Path, *, reprint: bool = False
) -> Path:
    """Render the report and write it (whole, or not at all); return its path."""
    data = report_pdf(document)
    folder.mkdir(parents=True, exist_ok=True)
    name = report_file_name(report, reprint=reprint)
    path = folder / f"{name}.pdf"
    if report.kind == "X":
        number = 2
        while path.exists():
            path = folder / f"{name}-{number}.pdf"
            number += 1
    partial = path.with_suffix(".pdf.part")
    with partial.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)
    return path
