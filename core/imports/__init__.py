"""Bringing a store's data over from its previous system: reading CSV files, mapping their
columns to LunarFront's fields, reading each row with the domain's own validators, and
reporting what was (or, on a dry run, would be) created, updated and rejected.

Pure: the standard library and LunarFront's rules only. `core.services.importing` does the
database work.
"""

from core.imports.csv_source import CsvSource, Encoding, ImportFileError, SourceRow, read_csv
from core.imports.mapping import ColumnMapping, MappingError, RecordKind, guess_mapping
from core.imports.report import ImportReport, RejectedRow

__all__ = [
    "ColumnMapping",
    "CsvSource",
    "Encoding",
    "ImportFileError",
    "ImportReport",
    "MappingError",
    "RecordKind",
    "RejectedRow",
    "SourceRow",
    "guess_mapping",
    "read_csv",
]
