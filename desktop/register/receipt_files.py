"""Receipts saved as PDF files in the data folder's `receipts/` directory.

Runs on the database thread (it reads the sale and writes the disk), never on the GUI's.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from core.services.register import RegisterService
from devices.receipts.pdf import receipt_pdf

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def save_receipt(
    register: RegisterService,
    sale_id: uuid.UUID,
    folder: Path,
    *,
    gift: bool = False,
    reprint: bool = False,
) -> Path:
    """Render the sale's receipt and write it (whole, or not at all); return its path."""
    document = register.receipt(sale_id, gift=gift, reprint=reprint)
    data = receipt_pdf(document)
    folder.mkdir(parents=True, exist_ok=True)
    name = _UNSAFE.sub("_", document.receipt_number) or "receipt"
    if gift:
        name += "-gift"
    elif reprint:
        name += "-copy"
    path = folder / f"{name}.pdf"
    partial = path.with_suffix(".pdf.part")
    with partial.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)
    return path
