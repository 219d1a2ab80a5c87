"""What an import did (or, on a dry run, would do), in words a manager can read.

Pure. The rejected rows keep the values they were read with, so `rejected_csv` hands back a
file of just those rows, with a "problem" column, to fix and import again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.imports.csv_source import SourceRow, write_csv
from core.imports.mapping import RecordKind

__all__ = ["ImportReport", "RejectedRow"]

PROBLEM_COLUMN = "problem"
MAX_LISTED = 50  # in the text summary; the rejected-rows file has them all


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    key: str
    """The row's legacy ID, SKU or account number, whichever it has ("" if none)."""
    reasons: tuple[str, ...]
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ImportReport:
    kind: RecordKind
    source: str
    dry_run: bool
    headers: tuple[str, ...] = ()
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    def reject(self, row: SourceRow, key: str, reasons: list[str] | tuple[str, ...]) -> None:
        self.rejected.append(RejectedRow(row.line, key, tuple(reasons), row.as_dict()))

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }

    def to_text(self) -> str:
        what = str(self.kind)
        if self.dry_run:
            lines = [
                f"Trial import of {what} from “{self.source}”: nothing has been saved.",
                f"{self.rows:,} rows read: {self.created:,} would be created, "
                f"{self.updated:,} updated, {self.unchanged:,} are already up to date, "
                f"{len(self.rejected):,} would be rejected.",
            ]
        else:
            lines = [
                f"Imported {what} from “{self.source}”.",
                f"{self.rows:,} rows read: {self.created:,} created, {self.updated:,} updated, "
                f"{self.unchanged:,} already up to date, {len(self.rejected):,} rejected.",
            ]
        if self.rejected:
            lines += [
                "",
                "Rejected rows (nothing was saved from them; fix them in the rejected-rows "
                "file and import that file again):",
            ]
            for row in sorted(self.rejected, key=lambda r: r.line)[:MAX_LISTED]:
                key = f" ({row.key})" if row.key else ""
                lines.append(f"  Line {row.line}{key}: {' '.join(row.reasons)}")
            if len(self.rejected) > MAX_LISTED:
                lines.append(f"  … and {len(self.rejected) - MAX_LISTED:,} more.")
        for title, items in (("Warnings:", self.warnings), ("Also:", self.notes)):
            if items:
                lines += ["", title, *(f"  {item}" for item in items)]
        return "\n".join(lines) + "\n"

    def rejected_csv(self) -> bytes:
        """The rejected rows as read, in file order, with what is wrong in a first column."""
        problem = PROBLEM_COLUMN
        while problem in self.headers:
            problem = f"{problem} (import)"
        rows = [
            [f"Line {r.line}: {' '.join(r.reasons)}", *(r.values.get(h, "") for h in self.headers)]
            for r in sorted(self.rejected, key=lambda r: r.line)
        ]
        return write_csv([problem, *self.headers], rows)
