"""The import report: a summary a manager can read, and the rejected rows to fix."""

from __future__ import annotations

from core.imports.csv_source import read_csv
from core.imports.mapping import RecordKind
from core.imports.report import ImportReport

FILE = b"SKU,Name,problem\nA,Strat,x\nB,,y\nC,Tele,z\n"


def report(*, dry_run: bool) -> ImportReport:
    source = read_csv(FILE)
    result = ImportReport(RecordKind.PRODUCTS, "Old POS", dry_run, source.headers)
    result.created, result.updated, result.unchanged = 1200, 3, 0
    result.reject(source.rows[2], "C", ["The price is empty."])
    result.reject(source.rows[1], "B", ["A product needs a name.", "The price is empty."])
    result.warnings.append("The file has a header but no rows under it.")
    return result


def test_the_summary_says_what_happened_and_lists_the_rejected_rows_by_line() -> None:
    text = report(dry_run=False).to_text()
    assert text.splitlines() == [
        "Imported products from “Old POS”.",
        "1,205 rows read: 1,200 created, 3 updated, 0 already up to date, 2 rejected.",
        "",
        "Rejected rows (nothing was saved from them; fix them in the rejected-rows file and "
        "import that file again):",
        "  Line 3 (B): A product needs a name. The price is empty.",
        "  Line 4 (C): The price is empty.",
        "",
        "Warnings:",
        "  The file has a header but no rows under it.",
    ]


def test_a_dry_run_says_nothing_was_saved() -> None:
    lines = report(dry_run=True).to_text().splitlines()
    assert lines[0] == "Trial import of products from “Old POS”: nothing has been saved."
    assert "1,200 would be created" in lines[1]


def test_a_long_list_of_rejections_is_cut_short_in_the_summary() -> None:
    result = report(dry_run=False)
    row = read_csv(FILE).rows[0]
    for _ in range(60):
        result.reject(row, "A", ["No."])
    assert "  … and 12 more." in result.to_text()


def test_the_rejected_rows_file_imports_again_with_the_same_columns() -> None:
    again = read_csv(report(dry_run=False).rejected_csv())
    # The file already had a "problem" column, so the import's own gets another name.
    assert again.headers == ("problem (import)", "SKU", "Name", "problem")
    assert [r.as_dict() for r in again.rows] == [
        {
            "problem (import)": "Line 3: A product needs a name. The price is empty.",
            "SKU": "B",
            "Name": "",
            "problem": "y",
        },
        {
            "problem (import)": "Line 4: The price is empty.",
            "SKU": "C",
            "Name": "Tele",
            "problem": "z",
        },
    ]
