"""Importing products or customers from a store's previous system, and exporting them.

Pick a file, check which column feeds which field (guessed from the header), run a check
(the dry run: exactly what the import would do, nothing written), then import. Rows that
cannot be imported are listed with their line and reason, and can be saved as a CSV to fix
and import again; importing the same file twice creates nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.imports.csv_source import read_csv
from core.imports.mapping import (
    CUSTOMER_FIELDS,
    PRODUCT_FIELDS,
    ColumnMapping,
    RecordKind,
    guess_mapping,
    member_field,
)
from core.imports.report import ImportReport
from core.services.exporting import ExportService
from core.services.importing import ImportService
from desktop.operations import Operations, plain_message
from desktop.widgets import button, label

NOT_IMPORTED = "(not imported)"
SHOWN_MEMBER_PARTS = ("first_name", "last_name", "relationship")
FIELD_LABELS = {
    "legacy_id": "Old system's ID",
    "legacy_source": "Old system (per row)",
    "sku": "SKU",
    "tax_class": "Tax class",
    "reorder_point": "Reorder at",
    "account_number": "Account number",
    "tax_exempt": "Tax exempt",
    "tax_exempt_certificate": "Exemption certificate",
}


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("member"):
        return name.replace("_", " ").replace("member", "Member ", 1).capitalize()
    return name.replace("_", " ").capitalize()


def _read_file(path: Path) -> tuple[bytes, tuple[str, ...]]:
    data = path.read_bytes()
    return data, read_csv(data).headers


class ImportDialog(QDialog):
    def __init__(
        self,
        ops: Operations,
        importer: Callable[[], ImportService],
        kind: RecordKind,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {kind.value} from CSV")
        self.setMinimumSize(760, 640)
        self._ops, self._importer, self._kind = ops, importer, kind
        self._data: bytes | None = None
        self.report: ImportReport | None = None
        fields = list(PRODUCT_FIELDS if kind is RecordKind.PRODUCTS else CUSTOMER_FIELDS)
        if kind is RecordKind.CUSTOMERS:
            # The first two people; columns for more members (a school's students) are kept
            # as guessed from the header.
            fields += [member_field(n, p) for n in (1, 2) for p in SHOWN_MEMBER_PARTS]
        self._guessed = ColumnMapping(kind)
        self.file = label("No file chosen.", "muted")
        choose = button("Choose file…")
        self.source = QLineEdit(placeholderText="Name of the previous system, e.g. OldPOS")
        self.create_missing = QCheckBox("Create categories and suppliers the file names")
        self.create_missing.setVisible(kind is RecordKind.PRODUCTS)
        self.columns: dict[str, QComboBox] = {}
        mapping_form = QFormLayout()
        for name in fields:
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED)
            self.columns[name] = combo
            mapping_form.addRow(field_label(name), combo)
        mapping_widget = QWidget()
        mapping_widget.setLayout(mapping_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(mapping_widget)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.error = label("", "error")
        self.check_button = button("Check (nothing is written)")
        self.import_button = button("Import", "primary")
        self.save_rejected = button("Save rejected rows…")
        close = button("Close")
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.save_rejected)
        actions.addStretch(1)
        for widget in (close, self.check_button, self.import_button):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        form = QFormLayout()
        form.addRow("Imported from", self.source)
        layout.addLayout(form)
        layout.addWidget(self.create_missing)
        layout.addWidget(label("Which column feeds which field", "muted"))
        layout.addWidget(scroll, 2)
        layout.addWidget(self.error)
        layout.addWidget(self.output, 1)
        layout.addLayout(actions)
        choose.clicked.connect(self.choose_file)
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        self.save_rejected.clicked.connect(self.save_rejected_rows)
        close.clicked.connect(self.accept)
        self._ready(False)
        self.save_rejected.setEnabled(False)

    def _ready(self, ready: bool) -> None:
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a CSV file", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        """Read the file off the GUI thread and guess the columns from its header."""
        self.file.setText(f"Reading {path.name}…")
        if not self.source.text():
            self.source.setText(path.stem[:100])
        self._ops.read(
            lambda: _read_file(path), lambda result: self._loaded(path, *result), self._load_failed
        )

    def _loaded(self, path: Path, data: bytes, headers: tuple[str, ...]) -> None:
        self._data = data
        self.file.setText(f"{path.name}: {len(headers)} columns")
        guessed = guess_mapping(headers, self._kind)
        self._guessed = guessed
        for name, combo in self.columns.items():
            combo.clear()
            combo.addItem(NOT_IMPORTED)
            combo.addItems(list(headers))
            column = guessed.column(name)
            combo.setCurrentText(column if column else NOT_IMPORTED)
        self.error.setText("")
        self._ready(True)

    def _load_failed(self, error: BaseException) -> None:
        self._data = None
        self.file.setText("No file chosen.")
        self.error.setText(plain_message(error))
        self._ready(False)

    def mapping(self) -> ColumnMapping:
        chosen = {k: v for k, v in self._guessed.columns.items() if k not in self.columns}
        chosen.update(
            (name, combo.currentText())
            for name, combo in self.columns.items()
            if combo.currentText() != NOT_IMPORTED
        )
        return ColumnMapping(self._kind, chosen)

    def run(self, *, dry_run: bool) -> None:
        data = self._data
        if data is None:
            return
        try:
            mapping = self.mapping()
        except Exception as exc:  # noqa: BLE001  (shown to the user, nothing started)
            self.error.setText(plain_message(exc))
            return
        importer, actor = self._importer(), self._ops.actor
        source = self.source.text().strip() or "import"
        create = self.create_missing.isChecked()
        self._ready(False)
        self.error.setText("Checking the file…" if dry_run else "Importing…")

        def work(approval: object) -> ImportReport:
            if self._kind is RecordKind.PRODUCTS:
                return importer.import_products(
                    actor,
                    data,
                    mapping,
                    source=source,
                    dry_run=dry_run,
                    create_missing_categories=create,
                    create_missing_suppliers=create,
                    approval=approval,
                )
            return importer.import_customers(
                actor, data, mapping, source=source, dry_run=dry_run, approval=approval
            )

        self._ops.write(work, self._reported, self._failed)

    def _reported(self, report: ImportReport) -> None:
        self.report = report
        self.error.setText("")
        self.output.setPlainText(report.to_text())
        self.save_rejected.setEnabled(bool(report.rejected))
        self._ready(True)

    def _failed(self, error: BaseException) -> None:
        self.error.setText(plain_message(error))
        self._ready(True)

    def save_rejected_rows(self) -> None:
        report = self.report
        if report is None or not report.rejected:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save rejected rows", "rejected-rows.csv", "CSV files (*.csv)"
        )
        if path:
            data = report.rejected_csv()
            self._ops.read(
                lambda: Path(path).write_bytes(data),
                lambda _n: self.error.setText(f"Saved to {path}."),
            )


def export_to_file(
    ops: Operations, exports: Callable[[], ExportService], kind: RecordKind, parent: QWidget
) -> None:
    """Ask where, then export and write the file off the GUI thread."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, f"Export {kind.value}", f"lunarfront-{kind.value}.csv", "CSV files (*.csv)"
    )
    if not path:
        return
    service, actor = exports(), ops.actor
    export = service.export_products if kind is RecordKind.PRODUCTS else service.export_customers

    def work(approval: object) -> int:
        return Path(path).write_bytes(export(actor, approval=approval))

    ops.write(
        work, lambda size: ops.show_info(f"Exported {kind.value} to {path} ({size:,} bytes).")
    )
