"""The X/Z register report as a PDF (read back with poppler) and as plain text."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from core.drawer.report import (
    CashierFigures,
    RegisterReport,
    ReportDocument,
    TaxFigures,
    report_document,
)
from devices.receipts.layout import (
    BODY,
    BODY_BOLD,
    TITLE,
    Banner,
    Row,
    Rule,
    Space,
    report_items,
)
from devices.receipts.pdf import MIN_TEXT_COLUMNS, PAGE_WIDTH, report_pdf, report_text
from tests.core.drawer.samples import empty_report, x_report, z_report

SHIPPED_FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"

METRO = TaxFigures("Metropolitan Transit District special sales tax", 3_750, 800_000, 3_000)


def long_label_report() -> RegisterReport:
    # 0.375% of $8,000.00 = $30.00: a label too long for one line of 42.
    z = z_report()
    return replace(z, taxes=(*z.taxes, METRO), tax=z.tax + METRO.tax)


def documents() -> dict[str, ReportDocument]:
    return {
        "z": report_document(z_report()),
        "x": report_document(x_report()),
        "empty": report_document(empty_report()),
        "reprint": report_document(z_report(), reprint=True),
        "long-label": report_document(long_label_report()),
    }


DOCUMENTS = documents()


# --- reading the PDF back (as in test_receipt_pdf) -----------------------------------------


def run(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    return done.stdout


def saved(pdf: bytes, folder: Path) -> Path:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    return path


def text_of(pdf: bytes, folder: Path) -> str:
    return run("pdftotext", "-layout", str(saved(pdf, folder)), "-")


def page_sizes(pdf: bytes, folder: Path) -> list[tuple[float, float]]:
    info = run("pdfinfo", "-f", "1", "-l", "9999", str(saved(pdf, folder)))
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    return [(float(w), float(h)) for w, h in sizes]


def squeezed(text: str) -> list[str]:
    """The non-blank lines with runs of spaces made one, as a person reads them."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def assert_every_row_in_order(document: ReportDocument, lines: list[str]) -> None:
    """Each section title and each row (label then value, on one line) in document order."""
    at = 0
    for section in document.sections:
        wanted = [section.title] + [
            " ".join(f"{row.label} {row.value}".split()) for row in section.rows
        ]
        for line in wanted:
            assert line in lines[at:], f"{line!r} missing after line {at}"
            at = lines.index(line, at) + 1


# --- the items ------------------------------------------------------------------------------


def test_report_items_lay_out_title_heading_banner_and_sections() -> None:
    document = DOCUMENTS["reprint"]
    items = report_items(document)

    assert items[0] == Row("Z report #57", style=TITLE, centred=True)
    assert Row("Müller Music", centred=True) in items
    assert Row("Printed 2025-03-14 21:05 by Marcus", centred=True) in items
    assert [item for item in items if isinstance(item, Banner)] == [Banner("REPRINT")]
    assert sum(isinstance(item, Rule) for item in items) == len(document.sections)
    first_rule = items.index(Rule())
    assert isinstance(items[first_rule - 1], Banner)
    assert items[first_rule + 1] == Row("Sales", style=BODY_BOLD)
    assert items[first_rule + 2] == Row("Receipts", "R1-000101 to R1-000187", style=BODY)
    assert Row("Net sales", "$12,134.79", style=BODY_BOLD) in items
    assert Row("Over/short (short)", "-$1.35", style=BODY_BOLD) in items
    assert Row("Pay-outs", "-$25.00", style=BODY) in items


def test_report_items_without_a_banner_or_blank_heading_lines() -> None:
    document = replace(DOCUMENTS["z"], heading=("Müller Music", "  ", "Register R1"))
    items = report_items(document)

    assert not any(isinstance(item, Banner) for item in items)
    assert items[:4] == [
        Row("Z report #57", style=TITLE, centred=True),
        Space(3),
        Row("Müller Music", centred=True),
        Row("Register R1", centred=True),
    ]
    assert items[4] == Rule()


# --- what the PDF says ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "amount"),
    [
        ("Receipts", "R1-000101 to R1-000187"),
        ("Gross sales (84)", "$12,345.67"),
        ("Discounts", "-$45.90"),
        ("Returns (2)", "-$139.98"),
        ("Voids (1)", "-$25.00"),
        ("Net sales", "$12,134.79"),
        ("Tax", "$745.00"),
        ("Total taken", "$12,879.79"),
        ("State tax 6.25% on $10,000.00", "$625.00"),
        ("City tax 1.5% on $8,000.00", "$120.00"),
        ("Cash taken", "$4,123.45"),
        ("Cash paid back", "-$74.36"),
        ("Cash net", "$4,049.09"),
        ("Card taken", "$8,755.07"),
        ("Card paid back", "-$74.37"),
        ("Card net", "$8,680.70"),
        ("Store credit taken", "$150.00"),
        ("Store credit net", "$150.00"),
        ("Opened", "2025-03-14 08:55 by Zoë"),
        ("Float", "$200.00"),
        ("Cash sales", "$4,123.45"),
        ("Cash refunds", "-$74.36"),
        ("Pay-ins", "$10.00"),
        ("Pay-outs", "-$25.00"),
        ("Expected in drawer", "$4,234.09"),
        ("Counted", "$4,232.74"),
        ("Over/short (short)", "-$1.35"),
        ("Closed by", "Marcus"),
        ("Difference signed off by", "Priya (manager)"),
        ("No-sale opens", "3"),
        ("Sales on hold", "1"),
        ("Sales (50)", "$7,000.00"),
        ("Returns", "-$139.98"),
        ("Voids", "$0.00"),
        ("Sales (34)", "$5,134.79"),
        ("Discounts", "-$25.90"),
    ],
)
def test_each_z_figure_is_on_the_line_of_its_label(tmp_path: Path, label: str, amount: str) -> None:
    text = text_of(report_pdf(DOCUMENTS["z"]), tmp_path)

    assert re.search(rf"^ *{re.escape(label)} +{re.escape(amount)} *$", text, re.MULTILINE)


@pytest.mark.parametrize("name", ["z", "x", "empty", "reprint", "long-label"])
def test_every_row_of_the_document_is_in_the_pdf_in_order(tmp_path: Path, name: str) -> None:
    document = DOCUMENTS[name]
    lines = squeezed(text_of(report_pdf(document), tmp_path))

    assert lines[0] == document.title
    assert lines[1 : 1 + len(document.heading)] == list(document.heading)
    if name == "long-label":  # wrapped on the PDF too, the amount beside its first line
        at = lines.index("Metropolitan Transit District special sales tax $30.00")
        assert lines[at + 1] == "0.375% on $8,000.00"
        lines[at : at + 2] = [f"{METRO.name} 0.375% on $8,000.00 $30.00"]
    assert_every_row_in_order(document, lines)


def test_an_x_report_shows_expected_but_nothing_counted(tmp_path: Path) -> None:
    text = text_of(report_pdf(DOCUMENTS["x"]), tmp_path)

    assert text.lstrip().startswith("X report (shift so far)")
    assert re.search(r"^ *Expected in drawer +\$4,234\.09 *$", text, re.MULTILINE)
    for gone in ("Counted", "Over/short", "Closed by", "signed off", "#"):
        assert gone not in text


def test_a_report_with_no_receipts_says_so(tmp_path: Path) -> None:
    text = text_of(report_pdf(DOCUMENTS["empty"]), tmp_path)

    assert "Z report #58" in text
    assert re.search(r"^ *Receipts +No receipts *$", text, re.MULTILINE)
    assert re.search(r"^ *No tax *$", text, re.MULTILINE)
    assert re.search(r"^ *No payments *$", text, re.MULTILINE)
    assert re.search(r"^ *Over/short \(even\) +\$0\.00 *$", text, re.MULTILINE)
    assert "-$0.00" not in text
    assert "Cashier:" not in text


@pytest.mark.parametrize("name", ["z", "x", "empty"])
def test_reprint_appears_only_on_a_reprint(tmp_path: Path, name: str) -> None:
    report = {"z": z_report, "x": x_report, "empty": empty_report}[name]()
    first = text_of(report_pdf(report_document(report)), tmp_path)
    again = text_of(report_pdf(report_document(report, reprint=True)), tmp_path)

    assert "REPRINT" not in first
    assert again.count("REPRINT") == 1
    assert squeezed(again.replace("REPRINT", "")) == squeezed(first)


def test_the_pdf_title_is_the_report_title(tmp_path: Path) -> None:
    z = run("pdfinfo", str(saved(report_pdf(DOCUMENTS["z"]), tmp_path)))
    x = run("pdfinfo", str(saved(report_pdf(DOCUMENTS["x"]), tmp_path)))

    assert re.search(r"^Title: +Z report #57$", z, re.MULTILINE)
    assert re.search(r"^Title: +X report \(shift so far\)$", x, re.MULTILINE)


def test_the_same_report_always_gives_the_same_bytes() -> None:
    assert report_pdf(report_document(z_report())) == report_pdf(report_document(z_report()))


def test_the_page_is_80_mm_wide_and_as_tall_as_the_report(tmp_path: Path) -> None:
    (z,) = page_sizes(report_pdf(DOCUMENTS["z"]), tmp_path)
    (empty,) = page_sizes(report_pdf(DOCUMENTS["empty"]), tmp_path)

    assert z[0] == empty[0] == pytest.approx(PAGE_WIDTH, abs=0.01)
    assert 200 < empty[1] < z[1] < 2000


def test_a_report_taller_than_a_pdf_page_continues_on_further_pages(tmp_path: Path) -> None:
    # 300 cashiers × 6 lines of about 11 points is more than the 14,400 points a page may be.
    cashiers = tuple(
        CashierFigures(f"Cashier no. {i:03d}", 1, 100 * i, 0, 0, 0, 0) for i in range(1, 301)
    )
    pdf = report_pdf(report_document(replace(z_report(), cashiers=cashiers)))
    text = text_of(pdf, tmp_path)

    sizes = page_sizes(pdf, tmp_path)
    assert len(sizes) >= 2
    assert all(w == pytest.approx(PAGE_WIDTH, abs=0.01) and h <= 14_400 for w, h in sizes)
    assert all(f"Cashier: Cashier no. {i:03d}" in text for i in range(1, 301))
    assert re.search(r"^ *Sales \(1\) +\$300\.00 *$", text, re.MULTILINE)  # the last one


def test_a_report_in_won_prints_in_the_shipped_dejavu_sans(tmp_path: Path) -> None:
    report = replace(empty_report(), currency="KRW", drawer=None)
    pdf = report_pdf(report_document(report), font_dirs=[SHIPPED_FONTS])

    assert re.search(r"^ *Total taken +₩0 *$", text_of(pdf, tmp_path), re.MULTILINE)
    assert b"DejaVuSans" in pdf
    without = report_pdf(report_document(report), font_dirs=[])
    assert re.search(r"^ *Total taken +KRW 0 *$", text_of(without, tmp_path), re.MULTILINE)


# --- the pages as pictures ------------------------------------------------------------------


def banner_rows(png: Path) -> int:
    """Pixel rows that are dark across more than 80% of the page: the black banner band."""
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.tobytes()
    return sum(
        1
        for y in range(height)
        if sum(value < 128 for value in pixels[y * width : (y + 1) * width]) > 0.8 * width
    )


@pytest.mark.parametrize("name", ["z", "x", "empty", "reprint", "long-label", "tall"])
def test_every_page_renders(tmp_path: Path, name: str) -> None:
    if name == "tall":
        cashiers = tuple(CashierFigures(f"C{i}", 1, i, 0, 0, 0, 0) for i in range(300))
        document = report_document(replace(z_report(), cashiers=cashiers))
    else:
        document = DOCUMENTS[name]
    pdf = report_pdf(document)
    path = saved(pdf, tmp_path)
    run("pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "page"))
    pngs = sorted(tmp_path.glob("page*.png"))

    assert len(pngs) == len(page_sizes(pdf, tmp_path)) >= 1
    for png in pngs:
        image = Image.open(png).convert("L")
        assert abs(image.width - 315) <= 1  # 80 mm at 100 dpi
        assert min(image.tobytes()) < 64  # something is drawn
    banner = banner_rows(pngs[0])
    if name == "reprint":
        assert banner >= 15  # a 16-point band is 22 pixels at 100 dpi
    else:
        assert banner == 0


# --- the report as text ---------------------------------------------------------------------


def cells(text: str) -> int:
    return sum(
        0
        if unicodedata.category(ch) in {"Mn", "Me"}
        else 2
        if unicodedata.east_asian_width(ch) in {"W", "F"}
        else 1
        for ch in text
    )


@pytest.mark.parametrize("columns", [MIN_TEXT_COLUMNS, 24, 32, 42, 48, 64])
@pytest.mark.parametrize("name", ["z", "x", "empty", "reprint", "long-label"])
def test_no_text_line_is_wider_than_the_columns(name: str, columns: int) -> None:
    text = report_text(DOCUMENTS[name], columns)

    assert text.endswith("\n")
    for line in text.splitlines():
        assert len(line) <= columns, line
        assert line == line.rstrip(), "no trailing spaces"


@pytest.mark.parametrize("columns", [32, 42, 48])
@pytest.mark.parametrize("name", ["z", "x", "empty", "long-label"])
def test_values_are_right_aligned_after_their_labels(name: str, columns: int) -> None:
    document = DOCUMENTS[name]
    lines = report_text(document, columns).splitlines()

    at = 0
    for row in (row for section in document.sections for row in section.rows):
        if not row.value:
            continue
        hits = [i for i in range(at, len(lines)) if lines[i].endswith(" " + row.value)]
        assert hits, f"{row.value!r} of {row.label!r} not found"
        at = hits[0]
        assert len(lines[at]) == columns
        assert lines[at - (lines[at].strip() == row.value)].startswith(row.label.split()[0])
        at += 1


def test_the_z_report_as_42_columns() -> None:
    lines = report_text(DOCUMENTS["z"]).splitlines()

    assert lines[:5] == [
        "               Z report #57",  # (42 - 12) // 2 = 15 spaces
        "               Müller Music",
        "                 Downtown",
        "               Register R1",
        "         Business day 2025-03-14",
    ]
    assert lines[6] == "-" * 42
    assert lines[7] == "Sales"
    assert lines[8] == "Receipts            R1-000101 to R1-000187"
    assert "Gross sales (84)                $12,345.67" in lines
    assert "Over/short (short)                  -$1.35" in lines  # 18 + 18 spaces + 6 = 42
    assert "Voids (1)                          -$25.00" in lines
    assert lines.count("-" * 42) == len(DOCUMENTS["z"].sections)
    assert "REPRINT" not in "\n".join(lines)


def test_a_reprint_says_so_in_text_too() -> None:
    text = report_text(DOCUMENTS["reprint"])

    assert "\n             *** REPRINT ***\n" in text
    assert text.replace("             *** REPRINT ***\n", "") == report_text(DOCUMENTS["z"])


def test_the_x_and_empty_reports_as_text() -> None:
    x = report_text(DOCUMENTS["x"])
    empty = report_text(DOCUMENTS["empty"]).splitlines()

    assert x.startswith("         X report (shift so far)\n")
    assert "Counted" not in x
    assert "Over/short" not in x
    assert "Receipts                       No receipts" in empty
    assert "No tax" in empty
    assert "No payments" in empty
    assert "Over/short (even)                    $0.00" in empty


def test_a_long_label_wraps_beside_its_value() -> None:
    lines = report_text(DOCUMENTS["long-label"], 42).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Metropolitan"))

    # 42 columns less "$30.00" and a space leave 35 for the label:
    # "Metropolitan Transit District" (29) + " special" would be 37.
    assert lines[start : start + 3] == [
        "Metropolitan Transit District       $30.00",
        "special sales tax 0.375% on",
        "$8,000.00",
    ]
    assert lines[start + 3] == "-" * 42  # the next section


def test_a_value_too_wide_to_share_a_line_goes_under_its_label() -> None:
    lines = report_text(DOCUMENTS["z"], 32).splitlines()
    at = lines.index("Receipts")

    # "R1-000101 to R1-000187" is 22 wide: beside it only 9 of 32 columns would be left.
    assert lines[at + 1] == " " * 10 + "R1-000101 to R1-000187"


def test_an_overlong_word_is_broken_after_a_hyphen() -> None:
    name = "Featherstonehaugh-Cholmondeley-Marjoribanks-Music-Emporium"
    document = replace(DOCUMENTS["z"], heading=(name,))
    lines = report_text(document, 32).splitlines()

    assert lines[1:3] == [
        "Featherstonehaugh-Cholmondeley-",  # 31 wide: (32 - 31) // 2 = 0 spaces to centre it
        "  Marjoribanks-Music-Emporium",  # 27 wide: (32 - 27) // 2 = 2
    ]
    assert lines[1] + lines[2].strip() == name


def test_wide_characters_take_two_columns() -> None:
    z = z_report()
    store = "東京楽器 新宿店"  # 4 × 2 + 1 + 3 × 2 = 15 cells
    long_name = "新宿本店" * 6  # 48 cells, no spaces: broken at 32
    report = replace(z, currency="JPY", store=store, location=long_name)
    lines = report_text(report_document(report), 32).splitlines()

    assert lines[1] == " " * 8 + store  # (32 - 15) // 2 = 8
    assert lines[2] == "新宿本店" * 4
    assert lines[3] == " " * 8 + "新宿本店" * 2
    assert all(cells(line) <= 32 for line in lines)
    assert "Gross sales (84)      ¥1,234,567" in lines


def test_control_characters_do_not_reach_the_printer() -> None:
    document = replace(DOCUMENTS["z"], heading=("Müller\tMusic\x1b@", "Line one\nLine two\u200b"))
    lines = report_text(document, 42).splitlines()

    assert "\x1b" not in "".join(lines)
    assert "\u200b" not in "".join(lines)
    assert [line.strip() for line in lines[1:4]] == ["Müller Music @", "Line one", "Line two"]


@pytest.mark.parametrize("columns", [0, 15, -42])
def test_too_few_columns_are_refused(columns: int) -> None:
    with pytest.raises(ValueError, match="at least 16 columns"):
        report_text(DOCUMENTS["z"], columns)


def test_columns_must_be_a_whole_number() -> None:
    with pytest.raises(ValueError, match="at least 16 columns"):
        report_text(DOCUMENTS["z"], 42.0)  # type: ignore[arg-type]
