"""The receipt PDF, read back with poppler (pdftotext, pdfinfo, pdftoppm) as a person would."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from core.money import Money
from core.sales.receipt import (
    ReceiptAmount,
    ReceiptCustomer,
    ReceiptDocument,
    ReceiptLine,
    ReceiptTender,
    gift_receipt,
)
from devices.receipts.pdf import PAGE_WIDTH, receipt_pdf

STRAT = "Fender Player Stratocaster, Polar White"
STRINGS = "Ernie Ball Regular Slinky 10-46 (3 sets)"
GIG_BAG = "Café Müller gig bag — padded"
PEDAL = "Boss DS-1 Distortion"
CERTIFICATE = "ST-5000-88231"


def money(minor: int, currency: str = "USD") -> Money:
    return Money(minor, currency)


def receipt(lines: tuple[ReceiptLine, ...], **changes: object) -> ReceiptDocument:
    """A plain sale of `lines` with no totals; `changes` fill in what a test needs."""
    document = ReceiptDocument(
        store_name="Müller Music",
        store_lines=("Downtown", "12 Rue de la Gaîté, Springfield", "(555) 010-2000"),
        receipt_number="R1-000123",
        title="Sale",
        printed_time="2025-03-14 15:42",
        register="Register 1",
        cashier="Zoë",
        lines=lines,
        subtotal=None,
        discounts=(),
        discount_total=None,
        taxes=(),
        tax_total=None,
        total=None,
        tenders=(),
        change=None,
        customer=None,
        barcode="R1-000123",
        footer=("Returns within 30 days with this receipt.", "Thank you for playing!"),
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def sale(currency: str = "USD") -> ReceiptDocument:
    def m(minor: int) -> Money:
        return money(minor, currency)

    lines = (
        ReceiptLine(
            STRAT,
            "FEN-0144502515",
            1,
            m(84999),
            m(84999),
            discounts=(ReceiptAmount("Price match", m(5000)),),
            serial="MX21234567",
        ),
        ReceiptLine(STRINGS, "EB-2221", 3, m(1299), m(3897)),
        ReceiptLine(GIG_BAG, "CM-GB-01", 1, m(5900), m(5900)),
    )
    return receipt(
        lines,
        subtotal=m(94796),
        discounts=(ReceiptAmount("Members' day 5%", m(4490)),),
        discount_total=m(9490),
        taxes=(ReceiptAmount("State tax 6.25%", m(5332)), ReceiptAmount("City tax 1.5%", m(1280))),
        tax_total=m(6612),
        total=m(91918),
        tenders=(
            ReceiptTender("Card", m(80000), "Visa ****4242 auth 0A1B2C"),
            ReceiptTender("Cash", m(12000)),
        ),
        change=m(82),
        customer=ReceiptCustomer("Amélie Dubois", "C-004211"),
    )


def tax_exempt_sale() -> ReceiptDocument:
    school = ReceiptCustomer("Springfield Elementary", "C-000042", CERTIFICATE)
    return replace(
        sale(), customer=school, taxes=(), tax_total=money(0), total=money(85306), change=None
    )


def a_return() -> ReceiptDocument:
    line = ReceiptLine(PEDAL, "BOSS-DS1", -1, money(6999), money(-6999), returned=True)
    return receipt(
        (line,),
        receipt_number="R1-000124",
        barcode="R1-000124",
        title="Return",
        subtotal=money(-6999),
        taxes=(ReceiptAmount("State tax 6.25%", money(-437)),),
        tax_total=money(-437),
        total=money(-7436),
        tenders=(ReceiptTender("Cash", money(-7436)),),
        notes="Box unopened.\nCustomer changed their mind.",
        references=("Return of R1-000098",),
    )


def many_lines(count: int) -> ReceiptDocument:
    lines = tuple(
        ReceiptLine(f"Pick pack no. {i:03d}", f"PK-{i:03d}", 2, money(399), money(798))
        for i in range(1, count + 1)
    )
    total = money(798 * count)
    return receipt(lines, subtotal=total, total=total, tenders=(ReceiptTender("Cash", total),))


# --- reading the PDF back ------------------------------------------------------------------


def run(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    return done.stdout


def saved(pdf: bytes, folder: Path) -> Path:
    path = folder / "receipt.pdf"
    path.write_bytes(pdf)
    return path


def text_of(pdf: bytes, folder: Path) -> str:
    return run("pdftotext", "-layout", str(saved(pdf, folder)), "-")


def page_sizes(pdf: bytes, folder: Path) -> list[tuple[float, float]]:
    info = run("pdfinfo", "-f", "1", "-l", "9999", str(saved(pdf, folder)))
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    return [(float(w), float(h)) for w, h in sizes]


Box = tuple[float, float, float, float, str]


def word_boxes(pdf: bytes, folder: Path) -> tuple[float, list[Box]]:
    """The page width and each word's box on page 1, from `pdftotext -bbox`."""
    html = run("pdftotext", "-bbox", "-f", "1", "-l", "1", str(saved(pdf, folder)), "-")
    width = float(re.findall(r'<page width="([\d.]+)"', html)[0])
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', html
    )
    return width, [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words]


def flat(text: str) -> str:
    return "".join(text.split())


# --- what the receipt says -------------------------------------------------------------------


def test_a_sale_shows_its_number_lines_amounts_and_payments(tmp_path: Path) -> None:
    pdf = receipt_pdf(sale())
    text = text_of(pdf, tmp_path)

    assert pdf.startswith(b"%PDF")
    for words in ("Müller Music", "Sale", "R1-000123", "Register 1", "Zoë", "Amélie Dubois"):
        assert words in text
    for name in (STRAT, STRINGS, GIG_BAG):
        assert name in text
    assert "S/N MX21234567" in text
    assert "Visa ****4242 auth 0A1B2C" in text
    assert "Tax exempt" not in text
    assert "REPRINT" not in text


@pytest.mark.parametrize(
    ("label", "amount"),
    [
        ("1 × $849.99", "$849.99"),
        ("Price match", "-$50.00"),
        ("3 × $12.99", "$38.97"),
        ("1 × $59.00", "$59.00"),
        ("Subtotal", "$947.96"),
        ("Members' day 5%", "-$44.90"),
        ("Discount total", "-$94.90"),
        ("State tax 6.25%", "$53.32"),
        ("City tax 1.5%", "$12.80"),
        ("Tax total", "$66.12"),
        ("TOTAL", "$919.18"),
        ("Card", "$800.00"),
        ("Cash", "$120.00"),
        ("Change", "$0.82"),
        ("Account", "C-004211"),
    ],
)
def test_each_amount_is_on_the_line_of_its_label(tmp_path: Path, label: str, amount: str) -> None:
    text = text_of(receipt_pdf(sale()), tmp_path)

    assert re.search(rf"^ *{re.escape(label)} +{re.escape(amount)} *$", text, re.MULTILINE)


def test_a_tax_exempt_customer_is_shown_with_the_certificate(tmp_path: Path) -> None:
    text = text_of(receipt_pdf(tax_exempt_sale()), tmp_path)

    assert "Springfield Elementary" in text
    assert f"Tax exempt — certificate {CERTIFICATE}" in text
    assert re.search(r"Tax total +\$0\.00", text)
    assert re.search(r"TOTAL +\$853\.06", text)
    assert "Change" not in text


def test_a_return_marks_the_line_returned_and_names_the_original_receipt(tmp_path: Path) -> None:
    text = text_of(receipt_pdf(a_return()), tmp_path)

    assert "Return" in text
    assert "R1-000124" in text
    assert re.search(rf"{PEDAL}\s+Returned\s+1 × \$69\.99 +-\$69\.99", text)
    assert re.search(r"TOTAL +-\$74\.36", text)
    assert re.search(r"Cash +-\$74\.36", text)
    assert "Return of R1-000098" in text
    assert re.search(r"^ *Box unopened\. *\n *Customer changed their mind\. *$", text, re.MULTILINE)


def test_a_gift_receipt_lists_the_items_without_any_amount(tmp_path: Path) -> None:
    text = text_of(receipt_pdf(gift_receipt(sale())), tmp_path)

    assert "Gift receipt — sale" in text
    for name in (STRAT, STRINGS, GIG_BAG):
        assert name in text
    assert re.search(r"Qty 3", text)
    assert "$" not in text
    assert not re.search(r"\d\.\d\d", text)
    for gone in ("Subtotal", "TOTAL", "Tax", "Card", "Cash", "Change", "Price match"):
        assert not re.search(rf"\b{gone}\b", text)


def test_a_reprint_carries_a_reprint_banner(tmp_path: Path) -> None:
    text = text_of(receipt_pdf(replace(sale(), reprint=True)), tmp_path)

    assert "REPRINT" in text


def test_the_footer_lines_close_the_receipt(tmp_path: Path) -> None:
    text = text_of(receipt_pdf(sale()), tmp_path)

    assert text.rstrip().endswith("Thank you for playing!")
    assert "Returns within 30 days with this receipt." in text


def test_the_pdf_title_is_the_receipt_number(tmp_path: Path) -> None:
    info = run("pdfinfo", str(saved(receipt_pdf(sale()), tmp_path)))

    assert re.search(r"^Title: +R1-000123$", info, re.MULTILINE)


def test_the_same_document_always_gives_the_same_bytes() -> None:
    assert receipt_pdf(sale()) == receipt_pdf(sale())


# --- the page ----------------------------------------------------------------------------------


def test_the_page_is_80_mm_wide_and_as_tall_as_its_content(tmp_path: Path) -> None:
    (short,) = page_sizes(receipt_pdf(a_return()), tmp_path)
    (longer,) = page_sizes(receipt_pdf(sale()), tmp_path)

    assert short[0] == longer[0] == pytest.approx(PAGE_WIDTH, abs=0.01)
    assert 226 < PAGE_WIDTH < 227  # 80 mm
    assert 250 < short[1] < longer[1] < 1000


def test_sixty_lines_make_one_long_page_with_every_line(tmp_path: Path) -> None:
    pdf = receipt_pdf(many_lines(60))
    text = text_of(pdf, tmp_path)

    (size,) = page_sizes(pdf, tmp_path)
    assert size[1] > 60 * 20
    for i in range(1, 61):
        assert f"Pick pack no. {i:03d}" in text
    assert re.search(r"TOTAL +\$478\.80", text)


def test_a_receipt_taller_than_a_pdf_page_allows_continues_on_further_pages(
    tmp_path: Path,
) -> None:
    pdf = receipt_pdf(many_lines(600))
    text = text_of(pdf, tmp_path)

    sizes = page_sizes(pdf, tmp_path)
    assert len(sizes) >= 2
    assert all(w == pytest.approx(PAGE_WIDTH, abs=0.01) and h <= 14_400 for w, h in sizes)
    assert all(f"Pick pack no. {i:03d}" in text for i in range(1, 601))


def test_a_very_long_product_name_wraps_within_the_page(tmp_path: Path) -> None:
    name = (
        "Gibson Les Paul Standard '60s Figured Top, Iced Tea Burst with "
        "Deluxe-Limited-Edition-Anniversary-Collectors-Hardshell-Case-and-TSA-Locks"
    )
    line = ReceiptLine(name, "GIB-LP60", 1, money(279900), money(279900))
    pdf = receipt_pdf(receipt((line,), total=money(279900)))

    width, words = word_boxes(pdf, tmp_path)
    assert all(x_min >= 10 and x_max <= width - 10 for x_min, _, x_max, _, _ in words)
    assert flat(name) in flat(text_of(pdf, tmp_path))


@pytest.mark.parametrize(
    "document",
    [sale(), tax_exempt_sale(), a_return(), gift_receipt(sale()), replace(sale(), reprint=True)],
    ids=["sale", "tax-exempt", "return", "gift", "reprint"],
)
def test_no_two_words_overlap(tmp_path: Path, document: ReceiptDocument) -> None:
    _, words = word_boxes(receipt_pdf(document), tmp_path)

    for i, (ax0, ay0, ax1, ay1, a) in enumerate(words):
        for bx0, by0, bx1, by1, b in words[i + 1 :]:
            overlap_x = min(ax1, bx1) - max(ax0, bx0)
            overlap_y = min(ay1, by1) - max(ay0, by0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, f"{a!r} overlaps {b!r}"


# --- characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(("currency", "total"), [("EUR", "€919.18"), ("GBP", "£919.18")])
def test_euro_pound_and_accents_print_in_the_built_in_font(
    tmp_path: Path, currency: str, total: str
) -> None:
    pdf = receipt_pdf(sale(currency), font_dirs=())
    text = text_of(pdf, tmp_path)

    assert re.search(rf"TOTAL +{total}", text)
    assert GIG_BAG in text
    assert "Zoë" in text
    assert b"ZapfDingbats" not in pdf  # where reportlab draws boxes for missing characters


def korean_sale() -> ReceiptDocument:
    line = ReceiptLine("Őrség ukulele", "UK-1", 1, money(120000, "KRW"), money(120000, "KRW"))
    return receipt((line,), total=money(120000, "KRW"))


def test_characters_helvetica_lacks_print_in_the_dejavu_sans_the_app_ships(
    tmp_path: Path,
) -> None:
    # Only the project's own fonts: what every installed register has, whatever the system.
    shipped = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    pdf = receipt_pdf(korean_sale(), font_dirs=[shipped])
    text = text_of(pdf, tmp_path)

    assert re.search(r"TOTAL +₩120,000", text)
    assert "Őrség ukulele" in text
    assert b"DejaVuSans" in pdf


def test_without_a_font_for_a_character_it_gets_a_readable_stand_in(tmp_path: Path) -> None:
    pdf = receipt_pdf(korean_sale(), font_dirs=[tmp_path])
    text = text_of(pdf, tmp_path)

    assert re.search(r"TOTAL +KRW 120,000", text)
    assert "Orség ukulele" in text
    assert b"ZapfDingbats" not in pdf


# --- the barcode -------------------------------------------------------------------------------


def barcode_band(png: Path) -> int:
    """The height in pixels of the tallest band of identical rows with 20 bars or more."""
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.tobytes()
    best = run_length = 0
    previous = b""
    for y in range(height):
        dark = bytes(value < 128 for value in pixels[y * width : (y + 1) * width])
        bars = sum(1 for x in range(1, width) if dark[x] and not dark[x - 1]) + dark[0]
        if bars < 20:
            run_length = 0
        elif dark == previous:
            run_length += 1
        else:
            run_length = 1
        best = max(best, run_length)
        previous = dark
    return best


@pytest.mark.parametrize("document", [sale(), gift_receipt(sale())], ids=["sale", "gift"])
def test_the_receipt_number_is_printed_as_a_code_128_barcode(
    tmp_path: Path, document: ReceiptDocument
) -> None:
    pdf = saved(receipt_pdf(document), tmp_path)
    run("pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page"))
    (png,) = tmp_path.glob("page*.png")

    assert barcode_band(png) >= 80  # 12 mm of bars at 200 dpi is 94 pixels
    if shutil.which("zbarimg") is not None:  # decode it too where zbar is installed
        decoded = run("zbarimg", "--raw", "-q", "-Scode128.enable", str(png))
        assert decoded.split() == ["R1-000123"]


def test_a_barcode_code_128_cannot_carry_is_left_out_but_the_number_is_printed(
    tmp_path: Path,
) -> None:
    pdf = receipt_pdf(replace(sale(), barcode="R1-000123-é"))
    path = saved(pdf, tmp_path)
    run("pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(path), str(tmp_path / "page"))
    (png,) = tmp_path.glob("page*.png")

    assert barcode_band(png) < 20  # no more than a few rows of text strokes
    assert "R1-000123" in text_of(pdf, tmp_path)
