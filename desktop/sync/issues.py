"""The sync issues a manager reviews: events the server rejected or quarantined, sales it
flagged, a gap in the sequence, a restore from a backup. A table, with the selected issue's
whole message under it (a table row cuts long messages short)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from desktop.sync.wording import clock_time, issue_kind
from desktop.table_model import Column, RowsModel
from desktop.widgets import label, plain_table
from sync.client import SyncIssueRow


def event_text(issue: SyncIssueRow) -> str:
    """ "sale.completed (no. 576)"; empty for an issue about no one event (a restore)."""
    if issue.sequence is None:
        return issue.event_type
    return f"{issue.event_type} (no. {issue.sequence})".strip()


def kind_text(issue: SyncIssueRow) -> str:
    kind = issue_kind(issue.kind)
    return f"{kind} (dismissed)" if issue.dismissed else kind


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


class IssuesView(QWidget):
    def __init__(
        self,
        timezone: Callable[[], str],
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("plain")
        self._timezone = timezone
        self._now = now
        self.model: RowsModel[SyncIssueRow] = RowsModel(
            [
                Column("When", lambda i: clock_time(i.created_at, self._timezone(), self._now())),
                Column("Kind", kind_text),
                Column("Event", event_text),
                Column("Message", lambda i: first_line(i.message)),
            ]
        )
        self.table: QTableView = plain_table(self.model)
        self.table.setAccessibleName("Sync problems")
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setMinimumHeight(180)
        self.empty = label("No problems: every event this register sent was taken.", "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.detail = label("", "hint")
        self.detail.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table, 1)
        box.addWidget(self.empty, 1)
        box.addWidget(self.detail)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.show_issues([])

    def show_issues(self, issues: list[SyncIssueRow]) -> None:
        keep = self.selected()
        self.model.set_rows(issues)
        self.table.setVisible(bool(issues))
        self.empty.setVisible(not issues)
        rows = [index for index, issue in enumerate(issues) if keep and issue.id == keep.id]
        if issues:
            self.table.selectRow(rows[0] if rows else 0)
        self._show_detail()

    def selected(self) -> SyncIssueRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def selected_id(self) -> UUID | None:
        issue = self.selected()
        return issue.id if issue else None

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        issue = self.selected()
        if issue is None:
            self.detail.clear()
            return
        when = clock_time(issue.created_at, self._timezone(), self._now())
        about = ", ".join(part for part in (kind_text(issue), when, event_text(issue)) if part)
        self.detail.setText(f"{about}: {issue.message}")
